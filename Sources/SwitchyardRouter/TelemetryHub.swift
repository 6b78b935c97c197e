import Foundation
import Prometheus
import Synchronization
import SwitchyardCore

/// Every telemetry series the router keeps (bundle × tenant × role), and their Prometheus exposition.
public final class TelemetryHub: Sendable {
    /// A series' windows and its Prometheus metrics, made together on first use.
    struct Entry {
        var series: TelemetrySeries
        let metrics: SeriesMetrics
    }

    private let entries = Mutex<[TelemetryKey: Entry]>([:])
    let registry: PrometheusCollectorRegistry
    private let heapInUse, heapHeld: Gauge

    init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        func gauge(_ name: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "switchyard", metricName: name, unitName: "bytes", helpText: help))
        }
        heapInUse = gauge("heap_in_use", "Heap bytes in live allocations (glibc mallinfo2).")
        heapHeld = gauge("heap_held", "Heap bytes the allocator holds from the kernel, live or free (glibc mallinfo2).")
    }

    func record(_ observation: RequestObservation) {
        update(observation.key) { $0.record(observation) }.record(observation)
    }

    func recordRejected(_ key: TelemetryKey, at time: Date) {
        update(key) { $0.recordRejected(at: time) }.rejected.increment()
    }

    /// The Prometheus text exposition of every series.
    public func exposition() -> String {
        if let heap = ProcessHeap.figures() {
            heapInUse.set(Int64(heap.inUse))
            heapHeld.set(Int64(heap.held))
        }
        return registry.emitToString()
    }

    /// Changes one series under a single lock and returns its metrics, which are updated outside the lock. The key
    /// is hashed once and the entry changed in place: reading it out as an optional copied its arrays and counters
    /// (about 20 retains) on every request.
    private func update(_ key: TelemetryKey, _ change: (inout TelemetrySeries) -> Void) -> SeriesMetrics {
        entries.withLock { all in
            if let index = all.index(forKey: key) {
                change(&all.values[index].series)
                return all.values[index].metrics
            }
            var entry = Entry(series: TelemetrySeries(), metrics: SeriesMetrics(registry: registry, key: key))
            change(&entry.series)
            all[key] = entry
            return entry.metrics
        }
    }

    /// Reads each series of live (primary) traffic to `bundle`, one per tenant, under the lock. Copies are never
    /// handed out: while one is held, the next request's `record` would copy the whole series (copy on write, about
    /// 700 KB) on the data plane.
    func readPrimary<T: Sendable>(of bundle: BundleRef, _ read: (_ tenant: String, _ series: TelemetrySeries) -> T) -> [T] {
        entries.withLock { all in
            all.compactMap { key, entry in key.bundle == bundle && key.role == .primary ? read(key.tenant, entry.series) : nil }
        }
    }
}

/// The Prometheus metrics of one series, labelled bundle, tenant and role.
struct SeriesMetrics: Sendable {
    let requests2xx, requests4xx, requests5xx, rejected, failed, inputTokens, outputTokens, contractFailures, refusals: Counter
    let cachedTokens, toolCalls, toolLoops, experienceFailures, contentFiltered, cost: Counter
    let latency, ttft: DurationHistogram

    init(registry: PrometheusCollectorRegistry, key: TelemetryKey) {
        let labels = [("bundle", key.bundle.description), ("tenant", key.tenant), ("role", key.role.rawValue)]
        func counter(_ name: String, _ unit: String, _ help: String, extra: [(String, String)] = []) -> Counter {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "switchyard", metricName: name, unitName: unit, helpText: help),
                labels: labels + extra)
        }
        let requestsHelp = "Requests answered, by status class."
        requests2xx = counter("requests", "total", requestsHelp, extra: [("code", "2xx")])
        requests4xx = counter("requests", "total", requestsHelp, extra: [("code", "4xx")])
        requests5xx = counter("requests", "total", requestsHelp, extra: [("code", "5xx")])
        rejected = counter("rejected", "total", "Requests refused with 429 because the pool was saturated.")
        failed = counter("failed", "total", "Requests that failed: 5xx, backend error, timeout or broken stream.")
        inputTokens = counter("input_tokens", "total", "Prompt tokens reported in usage.")
        outputTokens = counter("output_tokens", "total", "Completion tokens reported in usage.")
        contractFailures = counter("contract_failures", "total", "Structured answers that did not parse or validate.")
        refusals = counter("refusals", "total", "Answers recognised as refusals.")
        contentFiltered = counter("content_filtered", "total", "Answers the backend's safety filter stopped (finish_reason content_filter).")
        cachedTokens = counter("cached_input_tokens", "total", "Prompt tokens the backend reported served from its prompt cache.")
        toolCalls = counter("tool_calls", "total", "Tool calls in answers, streamed or whole.")
        toolLoops = counter("tool_loops", "total", "Answers that called tools past the bundle's maximum tool-call depth.")
        experienceFailures = counter("experience_failures", "total", "Answers over the output-token limit or without the required citation.")
        cost = counter("cost", "usd_total", "Cost in US dollars from usage and the bundle's prices.")
        let buckets: [Duration] = [.milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                   .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30)]
        latency = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "switchyard", metricName: "request_duration", unitName: "seconds",
                                             helpText: "Time from request to the end of the answer."),
            labels: labels, buckets: buckets)
        ttft = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "switchyard", metricName: "time_to_first_token", unitName: "seconds",
                                             helpText: "Time from request to the first byte of the answer."),
            labels: labels, buckets: buckets)
    }

    func record(_ observation: RequestObservation) {
        switch observation.status {
        case 200..<300: requests2xx.increment()
        case 400..<500: requests4xx.increment()
        default: requests5xx.increment()
        }
        if observation.failed { failed.increment() }
        if let answer = observation.answer {
            inputTokens.increment(by: Int64(answer.inputTokens))
            outputTokens.increment(by: Int64(answer.outputTokens))
            cachedTokens.increment(by: Int64(answer.cachedTokens))
            toolCalls.increment(by: Int64(answer.toolCalls))
            if answer.finishReason == "content_filter" { contentFiltered.increment() }
        }
        if observation.toolLoop { toolLoops.increment() }
        if case .failed = observation.experience { experienceFailures.increment() }
        if case .failed = observation.contract { contractFailures.increment() }
        if observation.refusal { refusals.increment() }
        if observation.costUSD > 0 { cost.increment(by: observation.costUSD) }
        latency.record(.microseconds(observation.latencyMicros))
        if let first = observation.ttftMicros { ttft.record(.microseconds(first)) }
    }
}

extension TelemetryHub: TelemetryWindows {
    public func counters(bundle: BundleRef, lastSeconds seconds: Int, now: Date) -> TelemetryCounters {
        readPrimary(of: bundle) { $1.totals(lastSeconds: seconds, now: now) }.reduce(TelemetryCounters(), +)
    }

    public func costByTenant(bundle: BundleRef, lastSeconds seconds: Int, now: Date) -> [String: Double] {
        let costs = readPrimary(of: bundle) { tenant, series in (tenant, Double(series.totals(lastSeconds: seconds, now: now).costMicroUSD) / 1e6) }
        return Dictionary(costs, uniquingKeysWith: +)
    }

    public func latencySamples(bundle: BundleRef, lastSeconds seconds: Int, now: Date, ttft: Bool) -> [Double] {
        readPrimary(of: bundle) { $1.latencySamples(lastSeconds: seconds, now: now, ttft: ttft) }.flatMap { $0 }
    }
}
