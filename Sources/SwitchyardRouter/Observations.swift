import Foundation
import SwitchyardCore

extension TelemetryHub {
    /// Per-second counters of live traffic to `bundle` over the last `seconds`, summed across tenants.
    public func perSecond(bundle: BundleRef, lastSeconds seconds: Int, now: Date) -> [TelemetryCounters] {
        let all = readPrimary(of: bundle) { $1.perSecond(lastSeconds: seconds, now: now) }
        guard var sum = all.first else { return Array(repeating: TelemetryCounters(), count: seconds) }
        for series in all.dropFirst() { for index in sum.indices { sum[index] = sum[index] + series[index] } }
        return sum
    }
}

extension SwitchyardRouter {
    /// What the router sees of every bundle it serves now: the last minute's traffic and latency, requests in
    /// flight and healthy backends. The engine writes these to the store for the CLI and the console.
    public func observations(now: Date) -> [BundleObservation] {
        let served = snapshot.bundles
        let inFlight = inFlightByBundle()
        let pinned = pinnedSessionsByBundle()
        return served.keys.sorted().map { ref in
            let perSecond = telemetry.perSecond(bundle: ref, lastSeconds: 60, now: now)
            let pool = served[ref]!.pool
            return BundleObservation(
                bundle: ref, time: now, lastMinute: perSecond.reduce(TelemetryCounters(), +), perSecond: perSecond,
                latency: LatencySummary(samples: telemetry.latencySamples(bundle: ref, lastSeconds: 60, now: now, ttft: false)),
                timeToFirstToken: LatencySummary(samples: telemetry.latencySamples(bundle: ref, lastSeconds: 60, now: now, ttft: true)),
                inFlight: inFlight[ref] ?? 0, pinnedSessions: pinned[ref] ?? 0, healthyEndpoints: pool.warm.map(\.url), endpoints: pool.endpoints.count,
                wrongModel: pool.wrongModel)
        }
    }
}

extension BackendPool {
    /// Healthy backends that list other weights than the pinned ones: URL → what they serve instead.
    var wrongModel: [String: String]? {
        let found = endpoints.filter { $0.healthy.load(ordering: .relaxed) }.reduce(into: [String: String]()) { found, endpoint in
            found[endpoint.url] = endpoint.mismatch(with: model)
        }
        return found.isEmpty ? nil : found
    }
}
