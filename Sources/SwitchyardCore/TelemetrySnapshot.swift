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
        /// What the LLM signals read; 0 in snapshots journaled before they existed.
        public var answered: Int
        public var toolCalls: Int
        public var toolLoops: Int
        public var costMicroUSD: Int

        enum CodingKeys: String, CodingKey {
            case requests, failed, refusals, answered
            case contractChecked = "contract_checked"
            case contractFailed = "contract_failed"
            case latencyMicrosSum = "latency_micros_sum"
            case toolCalls = "tool_calls"
            case toolLoops = "tool_loops"
            case costMicroUSD = "cost_micro_usd"
        }

        public init(_ counters: TelemetryCounters) {
            requests = counters.requests
            failed = counters.failed
            refusals = counters.refusals
            contractChecked = counters.contractChecked
            contractFailed = counters.contractFailed
            latencyMicrosSum = counters.latencyMicrosSum
            answered = counters.status2xx
            toolCalls = counters.toolCalls
            toolLoops = counters.toolLoops
            costMicroUSD = counters.costMicroUSD
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            requests = try container.decode(Int.self, forKey: .requests)
            failed = try container.decode(Int.self, forKey: .failed)
            refusals = try container.decode(Int.self, forKey: .refusals)
            contractChecked = try container.decode(Int.self, forKey: .contractChecked)
            contractFailed = try container.decode(Int.self, forKey: .contractFailed)
            latencyMicrosSum = try container.decode(Int.self, forKey: .latencyMicrosSum)
            answered = try container.decodeIfPresent(Int.self, forKey: .answered) ?? 0
            toolCalls = try container.decodeIfPresent(Int.self, forKey: .toolCalls) ?? 0
            toolLoops = try container.decodeIfPresent(Int.self, forKey: .toolLoops) ?? 0
            costMicroUSD = try container.decodeIfPresent(Int.self, forKey: .costMicroUSD) ?? 0
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
            counters.status2xx = answered
            counters.toolCalls = toolCalls
            counters.toolLoops = toolLoops
            counters.costMicroUSD = costMicroUSD
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
