import Foundation

/// A compact periodic record of what each routed bundle served, written to the journal beside the decisions
/// so that replay can show service levels as they were and what-if can re-run detectors on them.
public struct TelemetrySnapshot: Hashable, Sendable, Codable {
    /// One bundle's counters over the interval.
    public struct BundleFigures: Hashable, Sendable, Codable {
        public var requests: Int
        public var failed: Int
        public var refusals: Int
        public var contractChecked: Int
        public var contractFailed: Int
        public var latencyMicrosSum: Int

        enum CodingKeys: String, CodingKey {
            case requests, failed, refusals
            case contractChecked = "contract_checked"
            case contractFailed = "contract_failed"
            case latencyMicrosSum = "latency_micros_sum"
        }

        public init(_ counters: TelemetryCounters) {
            requests = counters.requests
            failed = counters.failed
            refusals = counters.refusals
            contractChecked = counters.contractChecked
            contractFailed = counters.contractFailed
            latencyMicrosSum = counters.latencyMicrosSum
        }

        /// Back to counters, for detectors.
        public var counters: TelemetryCounters {
            var counters = TelemetryCounters()
            counters.requests = requests
            counters.failed = failed
            counters.refusals = refusals
            counters.contractChecked = contractChecked
            counters.contractFailed = contractFailed
            counters.latencyMicrosSum = latencyMicrosSum
            return counters
        }
    }

    /// The journal kind of a snapshot.
    public static let kind = "telemetry.snapshot"
    /// Seconds between snapshots.
    public static let intervalSeconds = 5

    public var intervalSeconds: Int
    /// Keyed by `name@version`.
    public var bundles: [String: BundleFigures]

    enum CodingKeys: String, CodingKey {
        case bundles
        case intervalSeconds = "interval_seconds"
    }

    public init(intervalSeconds: Int, bundles: [String: BundleFigures]) {
        self.intervalSeconds = intervalSeconds
        self.bundles = bundles
    }

    /// The journal entry that records this snapshot.
    public func draft() throws -> JournalDraft {
        JournalDraft(actor: "auto:engine", kind: Self.kind, subject: "fleet", reason: "periodic telemetry", payload: try JSONValue(encoding: self))
    }
}
