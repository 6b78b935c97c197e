import Foundation
import Testing
@testable import SwitchyardCore

/// The one-pass reader of whole answers against the tree it replaced: `absorb` of the parsed answer.
@Suite struct AnswerSummaryTests {
    func viaTree(_ text: String) -> AnswerSummary {
        var summary = AnswerSummary()
        if case .object? = try? JSONValue(parsing: Data(text.utf8)) { summary.absorb(try! JSONValue(parsing: Data(text.utf8)), streaming: false) }
        return summary
    }

    @Test(arguments: [
        #"{"choices":[{"finish_reason":"stop","index":0,"message":{"content":"Echo: w0","role":"assistant"}}],"usage":{"completion_tokens":8,"prompt_tokens":36,"total_tokens":44}}"#,
        #"{"usage":{"input_tokens":5,"output_tokens":7,"input_tokens_details":{"cached_tokens":3}},"choices":[{"text":"a\u00e9\n"}]}"#,
        #"{"usage":{"prompt_tokens":5,"input_tokens":9,"prompt_tokens_details":null,"input_tokens_details":{"cached_tokens":3}}}"#,
        #"{"usage":{"prompt_tokens_details":{"cached_tokens":2.0},"completion_tokens":1.5}}"#,
        #"{"choices":[{"message":{"content":null,"tool_calls":[{"id":"a"},{"id":"b"},3]},"finish_reason":"tool_calls"},{"message":{"content":"second"}}]}"#,
        #"{"choices":[{"message":{"content":"x","tool_calls":{"id":"a"}},"text":"y","finish_reason":7}]}"#,
        #"{"choices":[{"message":{"content":"first"}}],"choices":[{"message":{"content":"last"}}],"usage":{"prompt_tokens":1},"usage":{"completion_tokens":2}}"#,
        #"{"choices":[{"message":{"content":"a","content":"b","tool_calls":[1,2],"tool_calls":[3]}}]}"#,
        #"{"choices":[[1],{"message":{"content":"not first"}}]}"#,
        #"{"choices":"none","usage":[1,2]}"#,
        #"{"choices":[]}"#, "{}", "[1,2]", #""text""#, #"{"choices":[{"message":{"content":"cut"}}]"#, #"{"a":1} x"#, "",
        #"{"usage":{"prompt_tokens":1e400}}"#, #"{"choices":[{"message":{"content":"\ud800"}}]}"#,
    ])
    func oneOfManyShapesReadsAsTheTreeDid(_ answer: String) {
        #expect(AnswerSummary(json: Data(answer.utf8)) == viaTree(answer))
    }

    @Test func anAnswerIsValidatedWholeThoughOnlyUsageAndTheFirstChoiceAreBuilt() {
        let valid = AnswerSummary(json: Data(#"{"id":"x","usage":{"prompt_tokens":3},"choices":[{"message":{"content":"hi"}}]}"#.utf8))
        #expect(valid.inputTokens == 3 && valid.content == "hi")
        #expect(AnswerSummary(json: Data(#"{"id":"\x","usage":{"prompt_tokens":3}}"#.utf8)) == AnswerSummary(), "a bad escape in a member not read")
        #expect(AnswerSummary(json: Data(#"{"usage":{"prompt_tokens":3}} trailing"#.utf8)) == AnswerSummary())
        #expect(AnswerSummary(json: Data("[1]".utf8)) == AnswerSummary())
    }

    @Test func randomAnswersReadAsTheTreeDid() {
        var random = SeededGenerator(seed: 42)
        let values: [String] = ["1", "2.0", "-3", "null", "true", #""s""#, #""stop""#, "[]", "{}", #"{"cached_tokens":4}"#,
                                #"[{"id":"x"},{"id":"y"}]"#, #"{"content":"hello","tool_calls":[{"id":"t"}]}"#]
        let keys = ["usage", "choices", "prompt_tokens", "completion_tokens", "input_tokens", "output_tokens", "prompt_tokens_details",
                    "input_tokens_details", "cached_tokens", "finish_reason", "message", "content", "text", "tool_calls", "id"]
        func object(_ depth: Int) -> String {
            let members = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                "\"\(keys.randomElement(using: &random)!)\":\(value(depth + 1))"
            }
            return "{" + members.joined(separator: ",") + "}"
        }
        func value(_ depth: Int) -> String {
            guard depth < 5 else { return values.randomElement(using: &random)! }
            switch Int.random(in: 0..<4, using: &random) {
            case 0: return object(depth)
            case 1: return "[" + (0..<Int.random(in: 0...3, using: &random)).map { _ in value(depth + 1) }.joined(separator: ",") + "]"
            default: return values.randomElement(using: &random)!
            }
        }
        for _ in 0..<5000 {
            let answer = object(0)
            #expect(AnswerSummary(json: Data(answer.utf8)) == viaTree(answer), "\(answer)")
        }
    }
}

/// The refusal detector's fast ASCII opening against the general one it stands in for.
@Suite struct RefusalOpeningTests {
    @Test(arguments: [
        "I CAN'T HELP WITH that", String(repeating: "AbC ", count: 80), String(repeating: "x\r\n", count: 120),
        "Ünïcode OPENING", String(repeating: "a", count: 199) + "É", String(repeating: "B", count: 200) + "É", "", "\r\n",
    ])
    func theASCIIPathLowercasesTheSameOpening(_ text: String) {
        #expect(RefusalDetector.lowercasedOpening(text) == Array(text.prefix(200).lowercased().utf8))
    }
}
