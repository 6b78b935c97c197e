import Foundation

/// What the router learned from one answer: tokens, how it finished, its text, and tool calls.
public struct AnswerSummary: Hashable, Sendable {
    public var inputTokens = 0
    public var outputTokens = 0
    public var cachedTokens = 0
    /// Whether the usage reported `cached_tokens` at all (a backend without a prompt cache reports nothing).
    public var reportsCache = false
    public var finishReason: String?
    public var content = ""
    public var toolCalls = 0
    /// For streams: whether the terminating `data: [DONE]` arrived.
    public var sawDone = false

    public init() {}

    /// Reads a complete (non-streaming) JSON answer, building only the members it reads.
    public init(json body: some Sequence<UInt8>) {
        guard let members = try? JSONParser.object(Array(body), keeping: ["usage", "choices"]) else { return }
        absorb(.object(members), streaming: false)
    }

    /// Folds one JSON object (a whole answer, or one stream chunk) into the summary.
    mutating func absorb(_ value: JSONValue, streaming: Bool) {
        if case .object(let usage)? = value["usage"] {
            inputTokens = usage["prompt_tokens"]?.intValue ?? usage["input_tokens"]?.intValue ?? inputTokens
            outputTokens = usage["completion_tokens"]?.intValue ?? usage["output_tokens"]?.intValue ?? outputTokens
            if let cached = (usage["prompt_tokens_details"] ?? usage["input_tokens_details"])?["cached_tokens"]?.intValue {
                cachedTokens = cached
                reportsCache = true
            }
        }
        guard case .array(let choices)? = value["choices"], let choice = choices.first else { return }
        if case .string(let reason)? = choice["finish_reason"] { finishReason = reason }
        let message = streaming ? choice["delta"] : choice["message"]
        if case .string(let text)? = message?["content"] { content += text }
        if case .string(let text)? = choice["text"] { content += text }
        if case .array(let calls)? = message?["tool_calls"] {
            // In a stream each call's first fragment carries its id; later fragments only add arguments.
            toolCalls += streaming ? calls.filter { $0["id"] != nil }.count : calls.count
        }
    }
}

/// Scans a server-sent-events stream as it passes through, a chunk at a time, without holding it back.
public struct StreamScanner: Sendable {
    public private(set) var summary = AnswerSummary()
    private var pending = Data()

    public init() {}

    /// Consumes the next bytes of the stream.
    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        pending.append(contentsOf: bytes)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = pending[pending.startIndex..<newline]
            pending.removeSubrange(pending.startIndex...newline)
            handle(line: line)
        }
    }

    private mutating func handle(line: Data) {
        var text = Substring(String(decoding: line, as: UTF8.self))
        if text.hasSuffix("\r") { text = text.dropLast() }
        guard text.hasPrefix("data:") else { return }
        let payload = text.dropFirst(5).drop { $0 == " " }
        if payload == "[DONE]" {
            summary.sawDone = true
        } else if let value = try? JSONValue(parsing: payload.utf8) {
            summary.absorb(value, streaming: true)
        }
    }
}
