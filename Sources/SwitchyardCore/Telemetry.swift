import Foundation

/// Why a request reached a bundle: live traffic, a shadow copy, or a warm-keep mirror.
public enum TrafficRole: String, Codable, Hashable, Sendable, CaseIterable {
    case primary, shadow, mirror
}

/// The series telemetry is kept per: a bundle, a tenant and a role.
public struct TelemetryKey: Hashable, Sendable, Codable {
    public var bundle: BundleRef
    public var tenant: String
    public var role: TrafficRole

    public init(bundle: BundleRef, tenant: String, role: TrafficRole) {
        self.bundle = bundle
        self.tenant = tenant
        self.role = role
    }
}

/// What the router saw of one finished request.
public struct RequestObservation: Sendable {
    public var key: TelemetryKey
    public var time: Date
    /// The status the client (or, for shadows, the router) received.
    public var status: Int
    public var latencyMicros: Int
    /// Time to the first byte of the answer, for any answer that had one.
    public var ttftMicros: Int?
    public var answer: AnswerSummary?
    public var contract: ContractOutcome
    /// The bundle's experience contract: output tokens and citation format.
    public var experience: ContractOutcome
    /// The answer called tools past the bundle's maximum tool-call depth.
    public var toolLoop: Bool
    public var refusal: Bool
    /// The backend failed: a connection error, a timeout, a 5xx, or a stream cut off.
    public var upstreamError: Bool
    public var timeout: Bool
    public var streamBroken: Bool
    public var costUSD: Double

    public init(
        key: TelemetryKey, time: Date, status: Int, latencyMicros: Int, ttftMicros: Int? = nil,
        answer: AnswerSummary? = nil, contract: ContractOutcome = .notApplicable, experience: ContractOutcome = .notApplicable,
        toolLoop: Bool = false, refusal: Bool = false,
        upstreamError: Bool = false, timeout: Bool = false, streamBroken: Bool = false, costUSD: Double = 0
    ) {
        self.key = key
        self.time = time
        self.status = status
        self.latencyMicros = latencyMicros
        self.ttftMicros = ttftMicros
        self.answer = answer
        self.contract = contract
        self.experience = experience
        self.toolLoop = toolLoop
        self.refusal = refusal
        self.upstreamError = upstreamError
        self.timeout = timeout
        self.streamBroken = streamBroken
        self.costUSD = costUSD
    }

    /// A request counts as failed when it got a 5xx, the backend failed, or its stream broke.
    public var failed: Bool { status >= 500 || upstreamError || streamBroken }
}

/// Counters for one second (or, summed, for a window).
public struct TelemetryCounters: Hashable, Sendable, Codable {
    public var requests = 0
    public var status2xx = 0
    public var status4xx = 0
    public var status5xx = 0
    /// 429s the router itself answered because the pool was saturated.
    public var rejected = 0
    public var failed = 0
    public var upstreamErrors = 0
    public var timeouts = 0
    public var streamsBroken = 0
    public var inputTokens = 0
    public var outputTokens = 0
    public var cachedTokens = 0
    /// Input tokens of the answers whose usage reported `cached_tokens`: the cache hit rate's denominator.
    public var cacheReportedInputTokens = 0
    public var costMicroUSD = 0
    public var contractChecked = 0
    public var contractFailed = 0
    public var experienceChecked = 0
    public var experienceFailed = 0
    public var refusals = 0
    /// Answers the backend's safety filter stopped (`finish_reason: content_filter`); also counted as refusals.
    public var contentFiltered = 0
    public var finishLength = 0
    public var toolCalls = 0
    /// Answers that called tools past the bundle's maximum tool-call depth.
    public var toolLoops = 0
    public var latencyMicrosSum = 0

    public init() {}

    mutating func add(_ observation: RequestObservation) {
        requests += 1
        switch observation.status {
        case 200..<300: status2xx += 1
        case 400..<500: status4xx += 1
        case 500...: status5xx += 1
        default: break
        }
        if observation.failed { failed += 1 }
        if observation.upstreamError { upstreamErrors += 1 }
        if observation.timeout { timeouts += 1 }
        if observation.streamBroken { streamsBroken += 1 }
        if let answer = observation.answer {
            inputTokens += answer.inputTokens
            outputTokens += answer.outputTokens
            cachedTokens += answer.cachedTokens
            if answer.reportsCache { cacheReportedInputTokens += answer.inputTokens }
            toolCalls += answer.toolCalls
            if answer.finishReason == "length" { finishLength += 1 }
            if answer.finishReason == "content_filter" { contentFiltered += 1 }
        }
        if observation.toolLoop { toolLoops += 1 }
        costMicroUSD += Int((observation.costUSD * 1_000_000).rounded())
        switch observation.contract {
        case .notApplicable: break
        case .passed: contractChecked += 1
        case .failed:
            contractChecked += 1
            contractFailed += 1
        }
        if observation.experience != .notApplicable {
            experienceChecked += 1
            if observation.experience != .passed { experienceFailed += 1 }
        }
        if observation.refusal { refusals += 1 }
        latencyMicrosSum += observation.latencyMicros
    }

    public static func + (lhs: TelemetryCounters, rhs: TelemetryCounters) -> TelemetryCounters {
        var out = lhs
        out.requests += rhs.requests
        out.status2xx += rhs.status2xx
        out.status4xx += rhs.status4xx
        out.status5xx += rhs.status5xx
        out.rejected += rhs.rejected
        out.failed += rhs.failed
        out.upstreamErrors += rhs.upstreamErrors
        out.timeouts += rhs.timeouts
        out.streamsBroken += rhs.streamsBroken
        out.inputTokens += rhs.inputTokens
        out.outputTokens += rhs.outputTokens
        out.cachedTokens += rhs.cachedTokens
        out.cacheReportedInputTokens += rhs.cacheReportedInputTokens
        out.costMicroUSD += rhs.costMicroUSD
        out.contractChecked += rhs.contractChecked
        out.contractFailed += rhs.contractFailed
        out.experienceChecked += rhs.experienceChecked
        out.experienceFailed += rhs.experienceFailed
        out.refusals += rhs.refusals
        out.contentFiltered += rhs.contentFiltered
        out.finishLength += rhs.finishLength
        out.toolCalls += rhs.toolCalls
        out.toolLoops += rhs.toolLoops
        out.latencyMicrosSum += rhs.latencyMicrosSum
        return out
    }

    /// Failed requests over all requests (0 when there were none).
    public var errorRate: Double { requests == 0 ? 0 : Double(failed) / Double(requests) }

    /// Cached prompt tokens over the prompt tokens of answers that reported a cache figure; nil without any.
    public var cacheHitRate: Double? {
        cacheReportedInputTokens == 0 ? nil : Double(cachedTokens) / Double(cacheReportedInputTokens)
    }

    /// Refusals over answered (2xx) requests: a failed request neither answers nor refuses.
    public var refusalRate: Double { status2xx == 0 ? 0 : Double(refusals) / Double(status2xx) }

    /// Mean cost of an answered request, in US dollars: failures cost nothing and would hide a blow-up.
    public var costPerAnswerUSD: Double { status2xx == 0 ? 0 : Double(costMicroUSD) / 1e6 / Double(status2xx) }

    /// Tool calls per answered request.
    public var toolCallsPerAnswer: Double { status2xx == 0 ? 0 : Double(toolCalls) / Double(status2xx) }

    /// Answers past the maximum tool-call depth, per answered request.
    public var toolLoopRate: Double { status2xx == 0 ? 0 : Double(toolLoops) / Double(status2xx) }

    /// Structured answers that broke the interface contract (the request's schema or the bundle's), over those checked.
    public var interfaceFailureRate: Double { contractChecked == 0 ? 0 : Double(contractFailed) / Double(contractChecked) }

    /// Answers that broke the experience contract (output tokens, citations), over those checked.
    public var experienceFailureRate: Double { experienceChecked == 0 ? 0 : Double(experienceFailed) / Double(experienceChecked) }
}
