/// The OpenAI endpoints the router understands well enough to apply a bundle to.
public enum EndpointKind: String, Sendable, CaseIterable {
    case chatCompletions = "chat.completions"
    case completions
    case embeddings
    case responses
    /// Any other `/v1/*` path: the model is rewritten when present, nothing else.
    case other

    public init(path: String) {
        switch path {
        case "/v1/chat/completions": self = .chatCompletions
        case "/v1/completions": self = .completions
        case "/v1/embeddings": self = .embeddings
        case "/v1/responses": self = .responses
        default: self = .other
        }
    }
}

/// Applies a bundle to a request body: the pinned model, decoding defaults the client left out,
/// and the system prompt per the bundle's policy. Swapping bundles therefore swaps all of them together.
/// The JSON text it writes is worked out once per bundle, not once per request.
public struct BundleApplier: Sendable {
    public let bundle: ReleaseBundle
    public let systemPromptText: String?
    /// The bundle's prompt-cache namespace: `sy-` and the first 12 hex digits of its digest.
    public let cacheNamespace: String
    private let modelText: [UInt8]
    /// Each decoding default the bundle sets, by request member (`max_tokens` stands for the token limit).
    private let decodingText: [(key: String, json: [UInt8])]
    /// The system turn the prompt policy puts first, when it changes the messages.
    private let systemTurnText: [UInt8]?

    public init(bundle: ReleaseBundle, systemPromptText: String?) {
        self.bundle = bundle
        self.systemPromptText = systemPromptText
        cacheNamespace = "sy-" + bundle.digest.prefix(12)
        modelText = JSONValue.string(bundle.model.id).wireBytes
        let decoding = bundle.decoding
        let defaults: [(String, JSONValue?)] = [
            ("temperature", decoding.temperature.map(JSONValue.double)), ("top_p", decoding.topP.map(JSONValue.double)),
            ("max_tokens", decoding.maxTokens.map(JSONValue.int)), ("stop", decoding.stop.map { .array($0.map(JSONValue.string)) }),
            ("presence_penalty", decoding.presencePenalty.map(JSONValue.double)),
            ("frequency_penalty", decoding.frequencyPenalty.map(JSONValue.double)), ("seed", decoding.seed.map(JSONValue.int)),
        ]
        decodingText = defaults.compactMap { key, value in value.map { (key, $0.wireBytes) } }
        if let systemPromptText, let policy = bundle.systemPrompt?.policy, policy != .none {
            systemTurnText = JSONValue.object(["role": "system", "content": .string(systemPromptText)]).wireBytes
        } else {
            systemTurnText = nil
        }
    }

    /// The `prompt_cache_key` for a request: the bundle's namespace, the session's (hashed: the key carries no
    /// user id), then any key the client sent. Each bundle so keeps its own cache, and a rollback goes back to the
    /// keys the old bundle used, which the warm-keep mirror kept hot.
    public func cacheKey(session: String?, clientKey: String?) -> String {
        var key = cacheNamespace
        if let session { key += "-" + Digest.sha256(session, hexDigits: 12) }
        if let clientKey { key += "-" + clientKey }
        return key
    }

    /// The request as the bundle's backend gets it, and the prompt-cache key it carries (for backends that take
    /// the cache namespace from a header).
    public struct Applied: Sendable {
        /// The JSON body for the backend.
        public var body: [UInt8]
        /// The `prompt_cache_key` put in the body; nil for endpoints without a prompt cache (embeddings, others).
        public var cacheKey: String?
    }

    /// Rewrites the request's members the bundle decides; every other byte of it passes through unchanged.
    public func apply(to request: JSONObjectBytes, kind: EndpointKind, session: String? = nil) -> Applied {
        var changes: [(key: String, json: [UInt8])] = [("model", modelText)]
        var cacheKey: String?
        if kind == .chatCompletions || kind == .completions || kind == .responses {
            let theirs: String? = if case .string(let key)? = request["prompt_cache_key"] { key } else { nil }
            let key = self.cacheKey(session: session, clientKey: theirs)
            cacheKey = key
            changes.append(("prompt_cache_key", JSONValue.quoted(key)))
        }
        /// Sets a default the client left out (absent, or `null`).
        func fill(_ key: String, as member: String? = nil) {
            let member = member ?? key
            guard let json = decodingText.first(where: { $0.key == key })?.json, request.isAbsentOrNull(member) else { return }
            changes.append((member, json))
        }
        switch kind {
        case .chatCompletions, .completions:
            for (key, _) in decodingText where key != "max_tokens" { fill(key) }
            // A chat request that sets the newer `max_completion_tokens` has its limit already.
            if kind == .completions || !request.contains("max_completion_tokens") { fill("max_tokens") }
            if kind == .chatCompletions, let messages = request.items(of: "messages"), let applied = applyPrompt(to: messages, in: request) {
                changes.append(("messages", applied))
            }
        case .responses:
            fill("temperature")
            fill("top_p")
            fill("max_tokens", as: "max_output_tokens")
            if let prompt = systemPromptText, let policy = bundle.systemPrompt?.policy {
                switch (policy, request["instructions"]) {
                case (.none, _): break
                case (.replace, _), (.prepend, nil), (.prepend, .null?): changes.append(("instructions", JSONValue.string(prompt).wireBytes))
                case (.prepend, .string(let theirs)?): changes.append(("instructions", JSONValue.string(prompt + "\n\n" + theirs).wireBytes))
                case (.prepend, _): break
                }
            }
        case .embeddings, .other:
            break
        }
        return Applied(body: request.rewritten(changes), cacheKey: cacheKey)
    }

    /// The `messages` array with the bundle's system turn first, the client's turns copied as they came (less
    /// their own system and developer turns when the policy replaces them); nil when the policy leaves them alone.
    private func applyPrompt(to messages: [Range<Int>], in request: JSONObjectBytes) -> [UInt8]? {
        guard let systemTurnText else { return nil }
        let replacing = bundle.systemPrompt?.policy == .replace
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(systemTurnText.count + (messages.last?.upperBound ?? 0) - (messages.first?.lowerBound ?? 0) + 2)
        out.append(contentsOf: systemTurnText)
        for message in messages {
            if replacing, case .string(let role)? = request.object(at: message)?["role"], role == "system" || role == "developer" {
                continue
            }
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: request.bytes[message])
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}
