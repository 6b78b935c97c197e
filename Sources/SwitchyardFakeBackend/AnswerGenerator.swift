import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import SwitchyardCore

/// Writes the fake backend's answers, whole or as a server-sent-events stream, following a plan.
struct AnswerGenerator {
    let backend: String
    let model: String
    let request: JSONValue
    let kind: EndpointKind
    let plan: AnswerPlan

    static let refusal = "I can't help with that request."

    /// The answer's text: a refusal, a JSON document for structured requests, or words that echo the prompt.
    var text: String {
        if plan.refuse { return Self.refusal }
        let words = (0..<plan.tokens).map { "w\($0)" }.joined(separator: " ")
        if case .string(let type)? = request["response_format"]?["type"], type.hasPrefix("json") {
            return plan.malformed ? #"{"answer": "\#(words)"# : #"{"answer":"\#(words)","citations":["KB-1"]}"#
        }
        return "Echo: \(words)"
    }

    /// Words in the prompt, a stand-in for prompt tokens.
    var promptTokens: Int {
        func words(_ value: JSONValue?) -> Int {
            switch value {
            case .string(let text)?: Self.wordCount(text)
            case .array(let items)?: items.reduce(0) { $0 + words($1["content"] ?? $1) }
            default: 0
            }
        }
        return max(1, words(request["messages"]) + words(request["prompt"]) + words(request["input"]) + words(request["instructions"]))
    }

    /// Runs of non-whitespace in `text`, over Unicode scalars with an ASCII fast path: splitting into Characters
    /// looked up each one's Unicode properties, a quarter of the backend's CPU on a request with a system prompt.
    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            let space = scalar.isASCII ? (scalar == " " || (0x09...0x0D).contains(scalar.value)) : scalar.properties.isWhitespace
            if !space && !inWord { count += 1 }
            inWord = !space
        }
        return count
    }

    var finishReason: String { plan.callTool ? "tool_calls" : (plan.truncated ? "length" : "stop") }

    /// Chat usage, with the cached share of the prompt when the profile keeps a prompt cache.
    var chatUsage: JSONValue {
        var usage: [String: JSONValue] = ["prompt_tokens": .int(promptTokens), "completion_tokens": .int(plan.tokens),
                                          "total_tokens": .int(promptTokens + plan.tokens)]
        if let hit = plan.cacheHit {
            usage["prompt_tokens_details"] = ["cached_tokens": .int(hit ? promptTokens * 3 / 4 : 0)]
        }
        return .object(usage)
    }

    /// The tool call an answer makes instead of text; in a stream it comes whole in one delta.
    static let toolCall: JSONValue = ["id": "call_1", "type": "function", "function": ["name": "lookup", "arguments": #"{"query":"status"}"#]]
    var id: String { "fake-\(UInt32.random(in: 0...UInt32.max))" }
    var created: JSONValue { .int(Int(Date().timeIntervalSince1970)) }

    func completeAnswer() -> JSONValue {
        let usage = chatUsage
        switch kind {
        case .completions:
            return ["id": .string(id), "object": "text_completion", "created": created, "model": .string(model),
                    "choices": [["index": 0, "text": .string(text), "finish_reason": .string(finishReason), "logprobs": .null]],
                    "usage": usage]
        case .embeddings:
            let inputs: [JSONValue] = if case .array(let items)? = request["input"] { items } else { [request["input"] ?? ""] }
            let data = inputs.enumerated().map { index, input -> JSONValue in
                let digest = Digest.sha256(input.canonicalText)
                let vector = stride(from: 0, to: 16, by: 2).map { offset -> JSONValue in
                    let byte = Int(digest.dropFirst(offset).prefix(2), radix: 16) ?? 0
                    return .double(Double(byte) / 255 - 0.5)
                }
                return ["object": "embedding", "index": .int(index), "embedding": .array(vector)]
            }
            return ["object": "list", "model": .string(model), "data": .array(data),
                    "usage": ["prompt_tokens": .int(promptTokens), "total_tokens": .int(promptTokens)]]
        case .responses:
            return ["id": .string(id), "object": "response", "created_at": created, "model": .string(model), "status": "completed",
                    "output": [["type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
                                "content": [["type": "output_text", "text": .string(text), "annotations": []]]]],
                    "usage": ["input_tokens": .int(promptTokens), "output_tokens": .int(plan.tokens),
                              "total_tokens": .int(promptTokens + plan.tokens)]]
        case .chatCompletions, .other:
            let message: JSONValue = plan.callTool
                ? ["role": "assistant", "content": .null, "tool_calls": [Self.toolCall]]
                : ["role": "assistant", "content": .string(text)]
            return ["id": .string(id), "object": "chat.completion", "created": created, "model": .string(model),
                    "choices": [["index": 0, "message": message, "finish_reason": .string(plan.refuse ? "stop" : finishReason)]],
                    "usage": usage]
        }
    }

    /// A server-sent-events answer: one chunk per token at the profile's speed, usage when asked, then `[DONE]`.
    /// A planned failure answers 500 before streaming; a planned break cuts the connection half-way.
    func streamingResponse(onFinish: @escaping @Sendable () -> Void) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[FakeHTTP.backendHeader] = backend
        let pieces = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let chunks = plan.callTool ? [toolCallChunk]
            : pieces.enumerated().map { index, piece in chunk(delta: index == 0 ? piece : " " + piece, first: index == 0) }
        let closing = chunk(delta: nil, first: false, finish: finishReason)
        let usage: JSONValue? = request["stream_options"]?["include_usage"] == .bool(true)
            ? ["id": "u", "object": objectName, "created": created, "model": .string(model), "choices": [],
               "usage": chatUsage]
            : nil
        let plan = plan
        if plan.fail {
            onFinish()
            return FakeHTTP.error(.internalServerError, "injected backend error", type: "server_error")
        }
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer { onFinish() }
            try await FakeHTTP.pause(milliseconds: plan.ttftMs)
            for (index, chunk) in chunks.enumerated() {
                if plan.breakStream && index == chunks.count / 2 { throw StreamBroken() }
                try await writer.write(ByteBuffer(string: "data: \(chunk.canonicalText)\n\n"))
                try await FakeHTTP.pause(milliseconds: plan.tokenInterval * 1000)
            }
            try await writer.write(ByteBuffer(string: "data: \(closing.canonicalText)\n\n"))
            if let usage { try await writer.write(ByteBuffer(string: "data: \(usage.canonicalText)\n\n")) }
            try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
            try await writer.finish(nil)
        })
    }

    /// The one delta that carries a whole tool call, with its index and id as OpenAI streams them.
    private var toolCallChunk: JSONValue {
        guard case .object(var call) = Self.toolCall else { return .null }
        call["index"] = 0
        let delta: JSONValue = ["role": "assistant", "tool_calls": [.object(call)]]
        return ["id": "chunk", "object": objectName, "created": created, "model": .string(model),
                "choices": [["index": 0, "delta": delta, "finish_reason": .null]]]
    }

    private var objectName: JSONValue { kind == .completions ? "text_completion" : "chat.completion.chunk" }

    private func chunk(delta: String?, first: Bool, finish: String? = nil) -> JSONValue {
        let choice: JSONValue
        if kind == .completions {
            choice = ["index": 0, "text": .string(delta ?? ""), "finish_reason": finish.map(JSONValue.string) ?? .null]
        } else {
            var content: [String: JSONValue] = [:]
            if first { content["role"] = "assistant" }
            if let delta { content["content"] = .string(delta) }
            choice = ["index": 0, "delta": .object(content), "finish_reason": finish.map(JSONValue.string) ?? .null]
        }
        return ["id": "chunk", "object": objectName, "created": created, "model": .string(model), "choices": [choice]]
    }
}

/// Thrown inside a stream to cut the connection without a proper end, as a crashing backend would.
struct StreamBroken: Error {}
