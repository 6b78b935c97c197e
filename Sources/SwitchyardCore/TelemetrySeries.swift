import Foundation
import Histogram

/// Latency quantiles over a window, in microseconds.
public struct LatencySummary: Hashable, Sendable, Codable {
    public var count: Int
    public var p50: Int
    public var p95: Int
    public var p99: Int

    public static let empty = LatencySummary(count: 0, p50: 0, p95: 0, p99: 0)

    public init(count: Int, p50: Int, p95: Int, p99: Int) {
        self.count = count
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
    }
}

/// One telemetry series: per-second counters for the last hour, and per-minute latency and
/// time-to-first-token histograms (HdrHistogram, two significant digits) for the same hour.
/// Time is passed in; nothing here reads a clock.
public struct TelemetrySeries: Sendable {
    public static let retentionSeconds = 3600
    static let minutes = retentionSeconds / 60
    /// Two minutes, in microseconds: longer latencies are recorded as this.
    static let highestLatencyMicros: UInt64 = 120_000_000

    private var secondStamps = [Int](repeating: -1, count: retentionSeconds)
    private var counters = [TelemetryCounters](repeating: TelemetryCounters(), count: retentionSeconds)
    private var minuteStamps = [Int](repeating: -1, count: minutes)
    private var latency: [Histogram<UInt32>?] = Array(repeating: nil, count: minutes)
    private var ttft: [Histogram<UInt32>?] = Array(repeating: nil, count: minutes)

    public init() {}

    public mutating func record(_ observation: RequestObservation) {
        let second = Int(observation.time.timeIntervalSince1970.rounded(.down))
        counters[slot(for: second)].add(observation)
        let minute = minuteSlot(for: second)
        latency[minute]!.record(UInt64(clamping: max(1, observation.latencyMicros)).clamped(to: Self.highestLatencyMicros))
        if let first = observation.ttftMicros {
            ttft[minute]!.record(UInt64(clamping: max(1, first)).clamped(to: Self.highestLatencyMicros))
        }
    }

    /// Counts a request the router refused with 429 because the pool was saturated.
    public mutating func recordRejected(at time: Date) {
        let second = Int(time.timeIntervalSince1970.rounded(.down))
        let index = slot(for: second)
        counters[index].requests += 1
        counters[index].rejected += 1
        counters[index].status4xx += 1
    }

    /// The counters summed over the last `seconds` seconds up to `now` (inclusive of the current second).
    public func totals(lastSeconds seconds: Int, now: Date) -> TelemetryCounters {
        perSecond(lastSeconds: seconds, now: now).reduce(TelemetryCounters(), +)
    }

    /// One counter set per second, oldest first, for the last `seconds` seconds (for sparklines and detectors).
    public func perSecond(lastSeconds seconds: Int, now: Date) -> [TelemetryCounters] {
        let current = Int(now.timeIntervalSince1970.rounded(.down))
        let span = min(max(seconds, 1), Self.retentionSeconds)
        return ((current - span + 1)...current).map { second in
            let index = Self.index(second, Self.retentionSeconds)
            return secondStamps[index] == second ? counters[index] : TelemetryCounters()
        }
    }

    /// Latency quantiles over the minutes that overlap the last `seconds` seconds.
    public func latency(lastSeconds seconds: Int, now: Date) -> LatencySummary { summary(latency, seconds, now) }

    /// Time-to-first-token quantiles over the minutes that overlap the last `seconds` seconds.
    public func timeToFirstToken(lastSeconds seconds: Int, now: Date) -> LatencySummary { summary(ttft, seconds, now) }

    /// Latency (or, with `ttft`, time-to-first-token) values in microseconds over the minutes that overlap the
    /// last `seconds` seconds, reconstructed from the histograms and thinned evenly to at most `limit` values,
    /// for rank tests such as Mann-Whitney U.
    public func latencySamples(lastSeconds seconds: Int, now: Date, ttft: Bool = false, limit: Int = 2000) -> [Double] {
        let merged = merge(ttft ? self.ttft : latency, seconds, now)
        guard merged.totalCount > 0 else { return [] }
        let keepEvery = max(1, Int((Double(merged.totalCount) / Double(limit)).rounded(.up)))
        var out: [Double] = []
        var seen = 0
        for bucket in merged.recordedValues() {
            for _ in 0..<Int(bucket.count) {
                if seen % keepEvery == 0 { out.append(Double(bucket.value)) }
                seen += 1
            }
        }
        return out
    }

    private func merge(_ histograms: [Histogram<UInt32>?], _ seconds: Int, _ now: Date) -> Histogram<UInt32> {
        let current = Int(now.timeIntervalSince1970.rounded(.down)) / 60
        let span = min(max((seconds + 59) / 60, 1), Self.minutes)
        var merged = Self.newHistogram()
        for minute in (current - span + 1)...current {
            let index = Self.index(minute, Self.minutes)
            if minuteStamps[index] == minute, let histogram = histograms[index] { merged.add(histogram) }
        }
        return merged
    }

    private func summary(_ histograms: [Histogram<UInt32>?], _ seconds: Int, _ now: Date) -> LatencySummary {
        let merged = merge(histograms, seconds, now)
        guard merged.totalCount > 0 else { return .empty }
        return LatencySummary(
            count: Int(merged.totalCount), p50: Int(merged.valueAtPercentile(50)),
            p95: Int(merged.valueAtPercentile(95)), p99: Int(merged.valueAtPercentile(99)))
    }

    private mutating func slot(for second: Int) -> Int {
        let index = Self.index(second, Self.retentionSeconds)
        if secondStamps[index] != second {
            secondStamps[index] = second
            counters[index] = TelemetryCounters()
        }
        return index
    }

    private mutating func minuteSlot(for second: Int) -> Int {
        let minute = second / 60
        let index = Self.index(minute, Self.minutes)
        if minuteStamps[index] != minute {
            minuteStamps[index] = minute
            if latency[index] == nil { latency[index] = Self.newHistogram() } else { latency[index]!.reset() }
            if ttft[index] == nil { ttft[index] = Self.newHistogram() } else { ttft[index]!.reset() }
        }
        return index
    }

    private static func index(_ value: Int, _ size: Int) -> Int { ((value % size) + size) % size }

    private static func newHistogram() -> Histogram<UInt32> {
        Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: highestLatencyMicros, numberOfSignificantValueDigits: .two)
    }
}

extension UInt64 {
    func clamped(to upper: UInt64) -> UInt64 { Swift.min(self, upper) }
}

extension LatencySummary {
    /// Quantiles of raw samples (microseconds), for summaries across several series.
    public init(samples: [Double]) {
        let sorted = samples.sorted()
        func quantile(_ q: Double) -> Int { sorted.isEmpty ? 0 : Int(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]) }
        self.init(count: sorted.count, p50: quantile(0.5), p95: quantile(0.95), p99: quantile(0.99))
    }
}
