import Foundation

/// Judges one answer against a bundle's contracts. Built once per bundle (it compiles the citation pattern),
/// used on every answer the bundle gives.
public struct ContractJudge: @unchecked Sendable {
    public let contracts: BundleContracts
    /// The depth past which an answer counts as a tool loop.
    public let maxToolCallDepth: Int
    // NSRegularExpression is immutable once built and safe to share across threads.
    private let citation: NSRegularExpression?

    public init(_ contracts: BundleContracts?) {
        self.contracts = contracts ?? BundleContracts()
        maxToolCallDepth = contracts?.reliability?.maxToolCallDepth ?? ReliabilityContract.defaultMaxToolCallDepth
        citation = contracts?.experience?.citationPattern.flatMap { try? NSRegularExpression(pattern: $0) }
    }

    /// The interface contract: the request's own `response_format`, then the bundle's response schema.
    public func interface(answer: String, responseFormat: JSONValue?) -> ContractOutcome {
        guard ContractCheck.asksForJSON(responseFormat) else { return .notApplicable }
        guard let value = try? JSONValue(parsing: answer.utf8) else { return .failed(ContractCheck.notJSON) }
        let asked = ContractCheck.check(value, responseFormat: responseFormat)
        guard asked == .passed, let schema = contracts.interface?.responseSchema else { return asked }
        if let problem = JSONSchemaValidator.firstViolation(of: value, against: schema) { return .failed("bundle contract: \(problem)") }
        return .passed
    }

    /// The experience contract, for an answer that did not refuse: output tokens and the citation format. An answer
    /// that only calls tools is not judged: it has no text to cite from yet, and its tokens are the call's arguments.
    public func experience(_ answer: AnswerSummary) -> ContractOutcome {
        guard let contract = contracts.experience, contract.maxOutputTokens != nil || citation != nil,
              answer.toolCalls == 0 || !answer.content.isEmpty else { return .notApplicable }
        if let limit = contract.maxOutputTokens, answer.outputTokens > limit {
            return .failed("\(answer.outputTokens) output tokens, over the contract's \(limit)")
        }
        if let citation {
            let text = answer.content
            if citation.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                return .failed("no citation matching \(contract.citationPattern ?? "")")
            }
        }
        return .passed
    }

    /// Whether an answer at `depth` tool-call rounds in a row is a loop.
    public func isToolLoop(depth: Int) -> Bool { depth > maxToolCallDepth }
}

/// Counts how many tool-call rounds in a row a conversation has made: the assistant turns that called tools
/// since the last user turn. It reads the request alone, so it needs no memory of the session.
public enum ToolCallDepth {
    /// Rounds already in the request (chat `messages`, or a Responses `input` list of items).
    public static func prior(in body: JSONObjectBytes) -> Int {
        if let messages = body.items(of: "messages") {
            return trailingRounds(messages.lazy.map { body.object(at: $0) }, isUser: { $0?["role"] == "user" }, isToolCall: { message in
                guard message?["role"] == "assistant", case .array(let calls)? = message?["tool_calls"] else { return false }
                return !calls.isEmpty
            })
        }
        if let items = body.items(of: "input") {
            return trailingRounds(items.lazy.map { body.object(at: $0) }, isUser: { $0?["role"] == "user" },
                                  isToolCall: { $0?["type"] == "function_call" })
        }
        return 0
    }

    /// Rounds since the last user turn; neighbouring tool-call turns (parallel calls, which the Responses API sends
    /// as one `function_call` item each) are one round.
    private static func trailingRounds<Turns: BidirectionalCollection>(_ turns: Turns, isUser: (Turns.Element) -> Bool,
                                                                       isToolCall: (Turns.Element) -> Bool) -> Int {
        var rounds = 0
        var previousWasCall = false
        for turn in turns.reversed() {
            if isUser(turn) { break }
            let call = isToolCall(turn)
            if call && !previousWasCall { rounds += 1 }
            previousWasCall = call
        }
        return rounds
    }
}
