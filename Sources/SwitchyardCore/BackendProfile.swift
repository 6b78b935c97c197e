import Foundation

/// A latency distribution given the way people quote one: its median and 99th percentile (lognormal).
public struct LatencyDistribution: Codable, Hashable, Sendable {
    public var p50Ms: Double
    public var p99Ms: Double

    public init(p50Ms: Double, p99Ms: Double) {
        self.p50Ms = p50Ms
        self.p99Ms = p99Ms
    }

    enum CodingKeys: String, CodingKey {
        case p50Ms = "p50_ms"
        case p99Ms = "p99_ms"
    }

    /// A sample in milliseconds, from a standard normal draw `z`.
    public func sample(z: Double) -> Double {
        guard p50Ms > 0 else { return 0 }
        let sigma = log(max(p99Ms, p50Ms) / p50Ms) / 2.326
        return exp(log(p50Ms) + sigma * z)
    }

    /// This distribution with both quantiles multiplied (a latency fault of ×N).
    public func scaled(by factor: Double) -> LatencyDistribution {
        LatencyDistribution(p50Ms: p50Ms * factor, p99Ms: p99Ms * factor)
    }
}

/// How a simulated model backend behaves: the model it serves, its speed, and the faults it injects.
public struct BackendProfile: Codable, Hashable, Sendable {
    public var model: String
    public var revision: String
    /// Time to the first token.
    public var ttft: LatencyDistribution
    public var tokensPerSecond: Double
    /// Tokens in an answer when the request sets no lower `max_tokens`.
    public var outputTokens: Int
    /// Fraction of requests answered 500.
    public var errorRate: Double
    /// Fraction of structured (JSON) answers that are not valid JSON.
    public var malformedRate: Double
    /// Fraction of answers that refuse.
    public var refusalRate: Double
    /// Fraction of streams cut off mid-way without an error event.
    public var streamBreakRate: Double
    /// Seconds after start during which the backend answers 503 (warming up).
    public var coldStartSeconds: Double
    /// Requests served at once; beyond this the backend answers 503.
    public var maxConcurrency: Int
    /// Fraction of chat answers that call a tool instead of answering (`finish_reason: tool_calls`).
    public var toolCallRate: Double = 0
    /// Whether the backend keeps a prompt cache per `prompt_cache_key` and reports `cached_tokens`.
    public var promptCache = false

    public init(
        model: String, revision: String, ttft: LatencyDistribution = .init(p50Ms: 20, p99Ms: 80),
        tokensPerSecond: Double = 400, outputTokens: Int = 16, errorRate: Double = 0, malformedRate: Double = 0,
        refusalRate: Double = 0, streamBreakRate: Double = 0, coldStartSeconds: Double = 0, maxConcurrency: Int = 256
    ) {
        self.model = model
        self.revision = revision
        self.ttft = ttft
        self.tokensPerSecond = tokensPerSecond
        self.outputTokens = outputTokens
        self.errorRate = errorRate
        self.malformedRate = malformedRate
        self.refusalRate = refusalRate
        self.streamBreakRate = streamBreakRate
        self.coldStartSeconds = coldStartSeconds
        self.maxConcurrency = maxConcurrency
    }

    enum CodingKeys: String, CodingKey {
        case model, revision, ttft
        case tokensPerSecond = "tokens_per_second"
        case outputTokens = "output_tokens"
        case errorRate = "error_rate"
        case malformedRate = "malformed_rate"
        case refusalRate = "refusal_rate"
        case streamBreakRate = "stream_break_rate"
        case coldStartSeconds = "cold_start_seconds"
        case maxConcurrency = "max_concurrency"
        case toolCallRate = "tool_call_rate"
        case promptCache = "prompt_cache"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        revision = try container.decode(String.self, forKey: .revision)
        ttft = try container.decode(LatencyDistribution.self, forKey: .ttft)
        tokensPerSecond = try container.decode(Double.self, forKey: .tokensPerSecond)
        outputTokens = try container.decode(Int.self, forKey: .outputTokens)
        errorRate = try container.decode(Double.self, forKey: .errorRate)
        malformedRate = try container.decode(Double.self, forKey: .malformedRate)
        refusalRate = try container.decode(Double.self, forKey: .refusalRate)
        streamBreakRate = try container.decode(Double.self, forKey: .streamBreakRate)
        coldStartSeconds = try container.decode(Double.self, forKey: .coldStartSeconds)
        maxConcurrency = try container.decode(Int.self, forKey: .maxConcurrency)
        toolCallRate = try container.decodeIfPresent(Double.self, forKey: .toolCallRate) ?? 0
        promptCache = try container.decodeIfPresent(Bool.self, forKey: .promptCache) ?? false
    }

    /// Field-by-field problems, each as (field, message); empty when the profile is valid.
    public func problems() -> [(field: String, message: String)] {
        var out: [(String, String)] = []
        for (field, rate) in [("error_rate", errorRate), ("malformed_rate", malformedRate), ("refusal_rate", refusalRate),
                              ("stream_break_rate", streamBreakRate), ("tool_call_rate", toolCallRate)] where !(0...1).contains(rate) {
            out.append((field, "\(rate) is not a fraction; valid: 0 to 1"))
        }
        if !(ttft.p50Ms >= 0 && ttft.p99Ms >= ttft.p50Ms) { out.append(("ttft", "need 0 ≤ p50_ms ≤ p99_ms")) }
        if !(tokensPerSecond > 0) { out.append(("tokens_per_second", "must be above 0")) }
        if outputTokens < 1 { out.append(("output_tokens", "must be 1 or more")) }
        if coldStartSeconds < 0 { out.append(("cold_start_seconds", "must be 0 or more")) }
        if maxConcurrency < 1 { out.append(("max_concurrency", "must be 1 or more")) }
        return out
    }
}

/// A small, fast, seedable random number generator (SplitMix64), so simulations repeat exactly for a seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal draw (Box–Muller).
    public mutating func nextGaussian() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { p > 0 && Double.random(in: 0..<1, using: &self) < p }
}
