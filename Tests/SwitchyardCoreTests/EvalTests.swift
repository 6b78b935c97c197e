import Foundation
import Testing
@testable import SwitchyardCore

@Suite struct EvalJudgeTests {
    let judge = EvalJudge(contracts: ContractJudge(BundleContracts(interface: InterfaceContract(responseSchema: ["type": "object", "required": ["answer"]]))))

    func answer(_ text: String, tokens: Int = 10, finish: String? = "stop") -> AnswerSummary {
        var summary = AnswerSummary()
        summary.content = text
        summary.outputTokens = tokens
        summary.finishReason = finish
        return summary
    }

    func testCase(_ expect: EvalExpectations, format: JSONValue? = nil) -> EvalCase {
        EvalCase(id: "c", messages: [["role": "user", "content": "hi"]], responseFormat: format, expect: expect)
    }

    @Test func schemaValidityUsesTheBundlesInterfaceContract() {
        let structured = testCase(EvalExpectations(schemaValid: true), format: ["type": "json_object"])
        #expect(judge.judge(structured, status: 200, answer: answer(#"{"answer":"ok"}"#)).passed)
        let broken = judge.judge(structured, status: 200, answer: answer(#"{"answer": "ok""#))
        #expect(!broken.passed && broken.failures == ["not schema-valid: the answer is not valid JSON"])
        let offContract = judge.judge(structured, status: 200, answer: answer(#"{"reply":"ok"}"#))
        #expect(offContract.failures == ["not schema-valid: bundle contract: $: required property 'answer' is missing"])
    }

    @Test func textExpectationsAreCaseInsensitiveAndAllReported() {
        let expect = EvalExpectations(contains: ["Refund"], doesNotContain: ["as an AI"], maxTokens: 5, mustRefuse: false)
        let result = judge.judge(testCase(expect), status: 200, answer: answer("I am unable to help, as an AI", tokens: 9))
        #expect(result.failures == ["does not contain 'Refund'", "contains 'as an AI'", "9 output tokens, over 5", "refused where it must answer"])
        #expect(judge.judge(testCase(expect), status: 200, answer: answer("Your refund is on its way.", tokens: 5)).passed)
    }

    @Test func mustRefuseAcceptsAContentFilterFinish() {
        let refuse = testCase(EvalExpectations(mustRefuse: true))
        #expect(judge.judge(refuse, status: 200, answer: answer("", finish: "content_filter")).passed)
        #expect(judge.judge(refuse, status: 200, answer: answer("Sure, here is how.")).failures == ["answered where it must refuse"])
        #expect(judge.judge(refuse, status: 503, answer: answer("")).failures == ["the router answered HTTP 503"])
    }

    @Test func theReportNamesRegressionsAndFixesAgainstProduction() {
        let suite = EvalSuite(name: "golden", cases: [], passRate: 0.5, digest: "d")
        let result = { (id: String, passed: Bool) in EvalCaseResult(id: id, passed: passed, failures: passed ? [] : ["x"], outputTokens: 1) }
        let report = EvalReport(bundle: BundleRef(name: "app", version: "2"), suite: suite, baseline: BundleRef(name: "app", version: "1"),
                                results: [result("a", false), result("b", true), result("c", true)],
                                baselineResults: [result("a", true), result("b", false), result("c", true)])
        #expect(report.regressions == ["a"] && report.fixes == ["b"])
        #expect(report.passed, "2 of 3 passed against a required half")
        #expect(report.summary == "golden: 2 of 3 case(s) passed (67%, 50% required): passed; regressions against app@1: a")
        let empty = EvalReport(bundle: BundleRef(name: "app", version: "2"), suite: suite, baseline: nil, results: [], baselineResults: [])
        #expect(!empty.passed, "a suite that ran nothing passes nothing")
    }
}
