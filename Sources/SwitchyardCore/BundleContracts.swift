/// What a bundle promises about its answers. The router checks answers against it, the detectors judge the
/// canary by it, and `eval run` tests it before promotion. Every part is optional; `Docs/bundles.md` explains each.
public struct BundleContracts: Codable, Hashable, Sendable {
    public var interface: InterfaceContract?
    public var cost: CostContract?
    public var reliability: ReliabilityContract?
    public var experience: ExperienceContract?
    public var safety: SafetyContract?

    public init(interface: InterfaceContract? = nil, cost: CostContract? = nil, reliability: ReliabilityContract? = nil,
                experience: ExperienceContract? = nil, safety: SafetyContract? = nil) {
        self.interface = interface
        self.cost = cost
        self.reliability = reliability
        self.experience = experience
        self.safety = safety
    }
}

/// The JSON Schema every structured answer (a request with `response_format` json_object or json_schema) must meet.
public struct InterfaceContract: Codable, Hashable, Sendable {
    public var responseSchema: JSONValue

    public init(responseSchema: JSONValue) { self.responseSchema = responseSchema }

    enum CodingKeys: String, CodingKey { case responseSchema = "response_schema" }
}

/// The most a bundle may spend: per answered request (mean over the detectors' window) and per tenant per hour.
public struct CostContract: Codable, Hashable, Sendable {
    public var maxUSDPerRequest: Double?
    public var maxUSDPerTenantHour: Double?

    public init(maxUSDPerRequest: Double? = nil, maxUSDPerTenantHour: Double? = nil) {
        self.maxUSDPerRequest = maxUSDPerRequest
        self.maxUSDPerTenantHour = maxUSDPerTenantHour
    }

    enum CodingKeys: String, CodingKey {
        case maxUSDPerRequest = "max_usd_per_request"
        case maxUSDPerTenantHour = "max_usd_per_tenant_hour"
    }
}

/// How long the backend may take, and how many tool-call rounds in a row one conversation may make.
public struct ReliabilityContract: Codable, Hashable, Sendable {
    /// The upstream timeout for this bundle, when shorter than the router's.
    public var timeoutMs: Int?
    public var maxToolCallDepth: Int?

    /// The depth past which an answer counts as a tool loop when the bundle declares none.
    public static let defaultMaxToolCallDepth = 8

    public init(timeoutMs: Int? = nil, maxToolCallDepth: Int? = nil) {
        self.timeoutMs = timeoutMs
        self.maxToolCallDepth = maxToolCallDepth
    }

    enum CodingKeys: String, CodingKey {
        case timeoutMs = "timeout_ms"
        case maxToolCallDepth = "max_tool_call_depth"
    }
}

/// What every answer should look like: at most so many output tokens, and citations in a required format.
public struct ExperienceContract: Codable, Hashable, Sendable {
    public var maxOutputTokens: Int?
    /// A regular expression a (non-refusing) answer must contain, e.g. `\[KB-\d+\]`.
    public var citationPattern: String?

    public init(maxOutputTokens: Int? = nil, citationPattern: String? = nil) {
        self.maxOutputTokens = maxOutputTokens
        self.citationPattern = citationPattern
    }

    enum CodingKeys: String, CodingKey {
        case maxOutputTokens = "max_output_tokens"
        case citationPattern = "citation_pattern"
    }
}

/// The band the refusal rate (refusals and `content_filter` finishes) must stay in: above it the bundle
/// refuses what it should answer (a hard trigger), below it it answers what it should refuse (advisory).
public struct SafetyContract: Codable, Hashable, Sendable {
    public var minRefusalRate: Double
    public var maxRefusalRate: Double

    public init(minRefusalRate: Double, maxRefusalRate: Double) {
        self.minRefusalRate = minRefusalRate
        self.maxRefusalRate = maxRefusalRate
    }

    enum CodingKeys: String, CodingKey {
        case minRefusalRate = "min_refusal_rate"
        case maxRefusalRate = "max_refusal_rate"
    }
}
