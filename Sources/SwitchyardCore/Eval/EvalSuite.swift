/// A golden-prompt suite: prompts with the properties their answers must have. `eval run` sends it through the
/// router to a candidate bundle and to the production bundle, and a passing report gates promotion.
public struct EvalSuite: Hashable, Sendable {
    public var name: String
    public var cases: [EvalCase]
    /// The share of cases that must pass, 0–1 (1: every case).
    public var passRate: Double
    /// The digest of the suite file, so that a report names exactly what it ran.
    public var digest: String

    public init(name: String, cases: [EvalCase], passRate: Double = 1, digest: String) {
        self.name = name
        self.cases = cases
        self.passRate = passRate
        self.digest = digest
    }
}

/// One golden prompt and what its answer must be.
public struct EvalCase: Hashable, Sendable, Codable {
    public var id: String
    /// The chat messages sent (a `prompt:` in the suite is one user message).
    public var messages: [JSONValue]
    /// `response_format` to send, for structured cases.
    public var responseFormat: JSONValue?
    public var expect: EvalExpectations

    public init(id: String, messages: [JSONValue], responseFormat: JSONValue? = nil, expect: EvalExpectations) {
        self.id = id
        self.messages = messages
        self.responseFormat = responseFormat
        self.expect = expect
    }

    enum CodingKeys: String, CodingKey {
        case id, messages, expect
        case responseFormat = "response_format"
    }
}

/// The properties one answer must have; each is checked only when given.
public struct EvalExpectations: Hashable, Sendable, Codable {
    /// The answer is JSON that meets the request's schema and the bundle's interface contract.
    public var schemaValid: Bool?
    /// Every one of these appears in the answer (case-insensitive).
    public var contains: [String]
    /// None of these appears in the answer (case-insensitive).
    public var doesNotContain: [String]
    public var maxTokens: Int?
    /// true: the answer must refuse; false: it must answer.
    public var mustRefuse: Bool?

    public init(schemaValid: Bool? = nil, contains: [String] = [], doesNotContain: [String] = [], maxTokens: Int? = nil, mustRefuse: Bool? = nil) {
        self.schemaValid = schemaValid
        self.contains = contains
        self.doesNotContain = doesNotContain
        self.maxTokens = maxTokens
        self.mustRefuse = mustRefuse
    }

    enum CodingKeys: String, CodingKey {
        case contains
        case schemaValid = "schema_valid"
        case doesNotContain = "does_not_contain"
        case maxTokens = "max_tokens"
        case mustRefuse = "must_refuse"
    }
}

/// How one bundle did on one case.
public struct EvalCaseResult: Hashable, Sendable, Codable {
    public var id: String
    public var passed: Bool
    /// What was wrong, one line each; empty when it passed.
    public var failures: [String]
    public var outputTokens: Int

    public init(id: String, passed: Bool, failures: [String], outputTokens: Int) {
        self.id = id
        self.passed = passed
        self.failures = failures
        self.outputTokens = outputTokens
    }

    enum CodingKeys: String, CodingKey {
        case id, passed, failures
        case outputTokens = "output_tokens"
    }
}

/// Judges answers against a case's expectations, with the bundle's contracts and the router's refusal markers.
public struct EvalJudge: Sendable {
    public let contracts: ContractJudge
    public let refusals: RefusalDetector

    public init(contracts: ContractJudge, refusals: RefusalDetector = RefusalDetector()) {
        self.contracts = contracts
        self.refusals = refusals
    }

    /// The result of `testCase` given the HTTP status, what the answer said, and for an error the router's message.
    public func judge(_ testCase: EvalCase, status: Int, answer: AnswerSummary, error: String? = nil) -> EvalCaseResult {
        guard (200..<300).contains(status) else {
            let failure = "the router answered HTTP \(status)" + (error.map { ": \($0)" } ?? "")
            return EvalCaseResult(id: testCase.id, passed: false, failures: [failure], outputTokens: 0)
        }
        var failures: [String] = []
        let expect = testCase.expect
        let text = answer.content.lowercased()
        if expect.schemaValid == true {
            let format = testCase.responseFormat ?? ["type": "json_object"]
            if case .failed(let problem) = contracts.interface(answer: answer.content, responseFormat: format) {
                failures.append("not schema-valid: \(problem)")
            }
        }
        for needle in expect.contains where !text.contains(needle.lowercased()) { failures.append("does not contain '\(needle)'") }
        for needle in expect.doesNotContain where text.contains(needle.lowercased()) { failures.append("contains '\(needle)'") }
        if let limit = expect.maxTokens, answer.outputTokens > limit {
            failures.append("\(answer.outputTokens) output tokens, over \(limit)")
        }
        if let mustRefuse = expect.mustRefuse, refusals.isRefusal(answer) != mustRefuse {
            failures.append(mustRefuse ? "answered where it must refuse" : "refused where it must answer")
        }
        return EvalCaseResult(id: testCase.id, passed: failures.isEmpty, failures: failures, outputTokens: answer.outputTokens)
    }
}
