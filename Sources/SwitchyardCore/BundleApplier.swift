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
public struct BundleApplier: Sendable {
    public var bundle: ReleaseBundle
    public var systemPromptText: String?
    /// The bundle's prompt-cache namespace: `sy-` and the first 12 hex digits of its digest.
    public let cacheNamespace: String

    public init(bundle: ReleaseBundle, systemPromptText: String?) {
        self.bundle = bundle
        self.systemPromptText = systemPromptText
        cacheNamespace = "sy-" + bundle.digest.prefix(12)
    }

    /// The `prompt_cache_key` for a request: the bundle's namespace, the session's (hashed: the key carries no
    /// user id), then any key the client sent. Each bundle so keeps its own cache, and a rollback goes back to the
    /// keys the old bundle used, which the warm-keep mirror kept hot.
    public func cacheKey(session: String?, clientKey: String?) -> String {
        [cacheNamespace, session.map { String(Digest.sha256($0).prefix(12)) }, clientKey].compactMap { $0 }.joined(separator: "-")
    }

    public func apply(to request: [String: JSONValue], kind: EndpointKind, session: String? = nil) -> [String: JSONValue] {
        var body = request
        body["model"] = .string(bundle.model.id)
        if kind == .chatCompletions || kind == .completions || kind == .responses {
            let theirs: String? = if case .string(let key)? = body["prompt_cache_key"] { key } else { nil }
            body["prompt_cache_key"] = .string(cacheKey(session: session, clientKey: theirs))
        }
        switch kind {
        case .chatCompletions:
            fillDecoding(&body, maxTokensField: body["max_completion_tokens"] == nil ? "max_tokens" : nil)
            if let messages = body["messages"], case .array(let list) = messages {
                body["messages"] = .array(applyPrompt(to: list))
            }
        case .completions:
            fillDecoding(&body, maxTokensField: "max_tokens")
        case .responses:
            fill(&body, "temperature", bundle.decoding.temperature.map(JSONValue.double))
            fill(&body, "top_p", bundle.decoding.topP.map(JSONValue.double))
            fill(&body, "max_output_tokens", bundle.decoding.maxTokens.map(JSONValue.int))
            if let prompt = systemPromptText, let policy = bundle.systemPrompt?.policy {
                switch (policy, body["instructions"]) {
                case (.none, _): break
                case (.replace, _), (.prepend, nil), (.prepend, .null?): body["instructions"] = .string(prompt)
                case (.prepend, .string(let theirs)?): body["instructions"] = .string(prompt + "\n\n" + theirs)
                case (.prepend, _): break
                }
            }
        case .embeddings, .other:
            break
        }
        return body
    }

    private func fillDecoding(_ body: inout [String: JSONValue], maxTokensField: String?) {
        let decoding = bundle.decoding
        fill(&body, "temperature", decoding.temperature.map(JSONValue.double))
        fill(&body, "top_p", decoding.topP.map(JSONValue.double))
        if let field = maxTokensField { fill(&body, field, decoding.maxTokens.map(JSONValue.int)) }
        fill(&body, "stop", decoding.stop.map { .array($0.map(JSONValue.string)) })
        fill(&body, "presence_penalty", decoding.presencePenalty.map(JSONValue.double))
        fill(&body, "frequency_penalty", decoding.frequencyPenalty.map(JSONValue.double))
        fill(&body, "seed", decoding.seed.map(JSONValue.int))
    }

    private func fill(_ body: inout [String: JSONValue], _ key: String, _ value: JSONValue?) {
        guard let value, body[key] == nil || body[key] == .null else { return }
        body[key] = value
    }

    private func applyPrompt(to messages: [JSONValue]) -> [JSONValue] {
        guard let prompt = systemPromptText, let policy = bundle.systemPrompt?.policy, policy != .none else { return messages }
        let ours: JSONValue = ["role": "system", "content": .string(prompt)]
        switch policy {
        case .prepend:
            return [ours] + messages
        case .replace:
            return [ours] + messages.filter { message in
                guard case .string(let role)? = message["role"] else { return true }
                return role != "system" && role != "developer"
            }
        case .none:
            return messages
        }
    }
}
