import Foundation

/// Telemetry windows rebuilt from the journal's periodic snapshots, for what-if runs of the detectors on a
/// past incident. Counters only: latency samples are not journaled, so analysis gates cannot be re-run.
public struct RecordedTelemetry: TelemetryWindows {
    /// Each snapshot with the time it was written (the end of its interval).
    let snapshots: [(time: Date, snapshot: TelemetrySnapshot)]

    public init(_ snapshots: [(time: Date, snapshot: TelemetrySnapshot)]) {
        self.snapshots = snapshots.sorted { $0.time < $1.time }
    }

    public var times: [Date] { snapshots.map(\.time) }

    public func counters(bundle: BundleRef, lastSeconds seconds: Int, now: Date) -> TelemetryCounters {
        let from = now - Double(seconds)
        return snapshots.filter { $0.time > from && $0.time <= now }
            .compactMap { $0.snapshot.bundles[bundle.description]?.counters }
            .reduce(TelemetryCounters(), +)
    }

    public func latencySamples(bundle: BundleRef, lastSeconds seconds: Int, now: Date, ttft: Bool) -> [Double] { [] }
}
