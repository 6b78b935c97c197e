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

    /// Reads a complete (non-streaming) JSON answer in one pass, validating all of it and building only the
    /// numbers and strings it keeps (a tree of the answer cost the data plane about 2 µs per request); an answer
    /// that is not a valid JSON object leaves the summary empty.
    public init(json body: some Sequence<UInt8>) {
        // Valid JSON of another kind gives nil, as a failed parse does.
        guard let read = try? JSONParser.wholeObject(Array(body), { parser throws(JSONParser.Failure) in try WholeAnswer.read(&parser) })
        else { return }
        self = read.summary
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

/// The members of a whole answer that `AnswerSummary` keeps, as one pass over it finds them; a member given twice
/// counts as its last value, as a dictionary of the answer would keep it.
private struct WholeAnswer {
    var promptTokens, inputTokens, completionTokens, outputTokens: Int?
    /// `cached_tokens` of `prompt_tokens_details` (which wins when present, whatever it holds) and of `input_tokens_details`.
    var promptDetails: Int??
    var inputDetails: Int??
    var finishReason: String?
    var messageContent: String?
    var text: String?
    var toolCalls = 0

    var summary: AnswerSummary {
        var summary = AnswerSummary()
        summary.inputTokens = promptTokens ?? inputTokens ?? 0
        summary.outputTokens = completionTokens ?? outputTokens ?? 0
        if let cached = promptDetails ?? inputDetails, let cached {
            summary.cachedTokens = cached
            summary.reportsCache = true
        }
        summary.finishReason = finishReason
        summary.content = (messageContent ?? "") + (text ?? "")
        summary.toolCalls = toolCalls
        return summary
    }

    static func read(_ parser: inout JSONParser) throws(JSONParser.Failure) -> WholeAnswer {
        var answer = WholeAnswer()
        try parser.forEachMember(buildingKeys: true) { key, _, parser throws(JSONParser.Failure) in
            switch key {
            case "usage": try answer.readUsage(&parser)
            case "choices": try answer.readChoices(&parser)
            default: try parser.skipValue(depth: 1)
            }
        }
        return answer
    }

    private mutating func readUsage(_ parser: inout JSONParser) throws(JSONParser.Failure) {
        // Members of an earlier `usage` given twice do not count.
        (promptTokens, inputTokens, completionTokens, outputTokens, promptDetails, inputDetails) = (nil, nil, nil, nil, nil, nil)
        guard parser.next == UInt8(ascii: "{") else { return try parser.skipValue(depth: 1) }
        try parser.forEachMember(buildingKeys: true) { key, _, parser throws(JSONParser.Failure) in
            let value = try parser.value(depth: 2)
            switch key {
            case "prompt_tokens": promptTokens = value.intValue
            case "input_tokens": inputTokens = value.intValue
            case "completion_tokens": completionTokens = value.intValue
            case "output_tokens": outputTokens = value.intValue
            case "prompt_tokens_details": promptDetails = .some(value["cached_tokens"]?.intValue)
            case "input_tokens_details": inputDetails = .some(value["cached_tokens"]?.intValue)
            default: break
            }
        }
    }

    private mutating func readChoices(_ parser: inout JSONParser) throws(JSONParser.Failure) {
        (finishReason, messageContent, text, toolCalls) = (nil, nil, nil, 0)
        guard parser.next == UInt8(ascii: "[") else { return try parser.skipValue(depth: 1) }
        var first = true
        try parser.forEachItem { parser throws(JSONParser.Failure) in
            defer { first = false }
            guard first, parser.next == UInt8(ascii: "{") else { return try parser.skipValue(depth: 2) }
            try parser.forEachMember(buildingKeys: true) { key, _, parser throws(JSONParser.Failure) in
                switch key {
                case "finish_reason": finishReason = try parser.value(depth: 3).stringValue
                case "text": text = try parser.value(depth: 3).stringValue
                case "message": try readMessage(&parser)
                default: try parser.skipValue(depth: 3)
                }
            }
        }
    }

    private mutating func readMessage(_ parser: inout JSONParser) throws(JSONParser.Failure) {
        (messageContent, toolCalls) = (nil, 0)
        guard parser.next == UInt8(ascii: "{") else { return try parser.skipValue(depth: 3) }
        try parser.forEachMember(buildingKeys: true) { key, _, parser throws(JSONParser.Failure) in
            switch key {
            case "content": messageContent = try parser.value(depth: 4).stringValue
            case "tool_calls" where parser.next == UInt8(ascii: "["):
                toolCalls = 0
                try parser.forEachItem { parser throws(JSONParser.Failure) in
                    toolCalls += 1
                    try parser.skipValue(depth: 5)
                }
            case "tool_calls":
                toolCalls = 0
                try parser.skipValue(depth: 4)
            default: try parser.skipValue(depth: 4)
            }
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
