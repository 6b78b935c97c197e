/// An immutable release bundle: everything about a model release that must swap together.
/// Its canonical JSON form is what the digest covers and what the registry stores.
public struct ReleaseBundle: Codable, Hashable, Sendable {
    public var name: String
    public var version: String
    public var model: ModelReference
    public var tokenizer: TokenizerReference
    public var decoding: DecodingDefaults
    public var systemPrompt: SystemPrompt?
    public var tools: [ToolGrant]
    public var retrieval: RetrievalConfig?
    public var outputValidation: OutputValidation?
    public var safety: SafetyPolicyReference
    public var pricing: Pricing
    public var contracts: BundleContracts?
    public var compatibilityNotes: String?

    public init(
        name: String, version: String, model: ModelReference, tokenizer: TokenizerReference,
        decoding: DecodingDefaults, systemPrompt: SystemPrompt? = nil, tools: [ToolGrant] = [],
        retrieval: RetrievalConfig? = nil, outputValidation: OutputValidation? = nil,
        safety: SafetyPolicyReference, pricing: Pricing, contracts: BundleContracts? = nil, compatibilityNotes: String? = nil
    ) {
        self.name = name
        self.version = version
        self.model = model
        self.tokenizer = tokenizer
        self.decoding = decoding
        self.systemPrompt = systemPrompt
        self.tools = tools
        self.retrieval = retrieval
        self.outputValidation = outputValidation
        self.safety = safety
        self.pricing = pricing
        self.contracts = contracts
        self.compatibilityNotes = compatibilityNotes
    }

    enum CodingKeys: String, CodingKey {
        case name, version, model, tokenizer, decoding, tools, retrieval, safety, pricing, contracts
        case systemPrompt = "system_prompt"
        case outputValidation = "output_validation"
        case compatibilityNotes = "compatibility_notes"
    }

    public var ref: BundleRef { BundleRef(name: name, version: version) }

    /// The canonical JSON form; the registry stores exactly this text.
    public func canonicalJSON() -> JSONValue {
        // Encoding plain Codable structs of strings and numbers cannot fail.
        try! JSONValue(encoding: self)
    }

    /// The content address: SHA-256 of the canonical form.
    public var digest: String { Digest.of(canonicalJSON()) }

    /// True when the model or tokenizer is not pinned to an exact revision.
    public var isFloating: Bool {
        FloatingReference.reason(model: model) != nil || FloatingReference.reason(tokenizer: tokenizer) != nil
    }
}

/// Which weights serve: provider, model id and the exact revision they are pinned to.
public struct ModelReference: Codable, Hashable, Sendable {
    public var provider: String
    public var id: String
    public var revision: String?

    public init(provider: String, id: String, revision: String?) {
        self.provider = provider
        self.id = id
        self.revision = revision
    }
}

/// The tokenizer that goes with the weights, pinned like them.
public struct TokenizerReference: Codable, Hashable, Sendable {
    public var name: String
    public var revision: String?

    public init(name: String, revision: String?) {
        self.name = name
        self.revision = revision
    }
}

/// Decoding parameters the router fills in when a request leaves them out.
public struct DecodingDefaults: Codable, Hashable, Sendable {
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var stop: [String]?
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?
    public var seed: Int?

    public init(
        temperature: Double? = nil, topP: Double? = nil, maxTokens: Int? = nil, stop: [String]? = nil,
        presencePenalty: Double? = nil, frequencyPenalty: Double? = nil, seed: Int? = nil
    ) {
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.stop = stop
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case temperature, stop, seed
        case topP = "top_p"
        case maxTokens = "max_tokens"
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
    }
}

/// The system prompt by content digest (its text lives in the registry's prompt store) and how it is applied.
public struct SystemPrompt: Codable, Hashable, Sendable {
    /// How the router combines the bundle's prompt with a system message the client sent.
    public enum Policy: String, Codable, CaseIterable, Sendable {
        case prepend, replace, none
    }

    public var digest: String
    public var policy: Policy

    public init(digest: String, policy: Policy) {
        self.digest = digest
        self.policy = policy
    }
}

/// A tool the model may call, the schema version it is called with and what it is allowed to do.
public struct ToolGrant: Codable, Hashable, Sendable {
    /// Whether a call runs, waits for a human, or is refused.
    public enum Permission: String, Codable, CaseIterable, Sendable {
        case allow, confirm, deny
    }

    public var name: String
    public var schemaVersion: String
    public var permission: Permission

    public init(name: String, schemaVersion: String, permission: Permission) {
        self.name = name
        self.schemaVersion = schemaVersion
        self.permission = permission
    }

    enum CodingKeys: String, CodingKey {
        case name, permission
        case schemaVersion = "schema_version"
    }
}

/// The retrieval index a bundle reads, its version and the ranking weights.
public struct RetrievalConfig: Codable, Hashable, Sendable {
    public var index: String
    public var version: String
    public var ranking: [String: Double]

    public init(index: String, version: String, ranking: [String: Double]) {
        self.index = index
        self.version = version
        self.ranking = ranking
    }
}

/// How answers are checked: a JSON Schema for structured output and/or simple rules.
public struct OutputValidation: Codable, Hashable, Sendable {
    public var jsonSchema: JSONValue?
    public var rules: [ValidationRule]

    public init(jsonSchema: JSONValue?, rules: [ValidationRule]) {
        self.jsonSchema = jsonSchema
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey {
        case rules
        case jsonSchema = "json_schema"
    }
}

/// One output rule: a length bound or a pattern that must (or must not) match.
public struct ValidationRule: Codable, Hashable, Sendable {
    /// The kinds of rule a manifest may declare.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case maxChars = "max_chars"
        case mustMatch = "must_match"
        case mustNotMatch = "must_not_match"
    }

    public var kind: Kind
    public var value: String

    public init(kind: Kind, value: String) {
        self.kind = kind
        self.value = value
    }
}

/// The safety policy in force, by id and version.
public struct SafetyPolicyReference: Codable, Hashable, Sendable {
    public var policyId: String
    public var version: String

    public init(policyId: String, version: String) {
        self.policyId = policyId
        self.version = version
    }

    enum CodingKeys: String, CodingKey {
        case version
        case policyId = "policy_id"
    }
}

/// Price in US dollars per thousand input and output tokens.
public struct Pricing: Codable, Hashable, Sendable {
    public var inputPer1k: Double
    public var outputPer1k: Double

    public init(inputPer1k: Double, outputPer1k: Double) {
        self.inputPer1k = inputPer1k
        self.outputPer1k = outputPer1k
    }

    enum CodingKeys: String, CodingKey {
        case inputPer1k = "input_per_1k"
        case outputPer1k = "output_per_1k"
    }
}
