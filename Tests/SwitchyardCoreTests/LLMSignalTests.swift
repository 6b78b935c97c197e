import Foundation
import Testing
@testable import SwitchyardCore

@Suite struct LLMTriggerTests {
    /// A window of `answers` answered requests with the given LLM figures.
    func window(answers: Int = 200, toolLoops: Int = 0, toolCalls: Int = 0, costUSD: Double = 0.2, refusals: Int = 0,
                contractChecked: Int = 0, contractFailed: Int = 0) -> TelemetryCounters {
        var counters = TelemetryCounters()
        counters.requests = answers
        counters.status2xx = answers
        counters.toolLoops = toolLoops
        counters.toolCalls = toolCalls
        counters.costMicroUSD = Int(costUSD * 1e6)
        counters.refusals = refusals
        counters.contractChecked = contractChecked
        counters.contractFailed = contractFailed
        return counters
    }

    /// Runs `checks` identical checks and returns the last outcome.
    func run(_ trigger: inout LLMTrigger, checks: Int, canary: TelemetryCounters, baseline: TelemetryCounters,
             contracts: BundleContracts? = nil) -> LLMTrigger.Outcome {
        var outcome = LLMTrigger.Outcome()
        for _ in 0..<checks { outcome = trigger.check(canary: canary, baseline: baseline, contracts: contracts, policy: ControlPolicy()) }
        return outcome
    }

    @Test func aToolLoopFiresOnTheThirdFailingCheckAndNamesItself() {
        var trigger = LLMTrigger()
        let loops = window(toolLoops: 4, toolCalls: 60)
        let twice = run(&trigger, checks: 2, canary: loops, baseline: window(toolCalls: 50))
        #expect(twice.firing.isEmpty && !twice.started)
        let third = trigger.check(canary: loops, baseline: window(toolCalls: 50), contracts: nil, policy: ControlPolicy())
        #expect(third.started)
        #expect(third.firing.map(\.signal) == [.toolLoop])
        #expect(third.firing[0].summary.contains("4 answer(s) past the maximum tool-call depth"))
    }

    @Test func loopsTheBaselineHasTooAreNotTheCanarys() {
        var trigger = LLMTrigger()
        let outcome = run(&trigger, checks: 5, canary: window(toolLoops: 4), baseline: window(toolLoops: 4))
        #expect(outcome.firing.isEmpty, "the same loop rate on both sides is the workload, not the release")
    }

    @Test func costBlowsUpAgainstTheBaselineAndAgainstTheContract() {
        var trigger = LLMTrigger()
        let blowUp = run(&trigger, checks: 3, canary: window(costUSD: 0.5), baseline: window(costUSD: 0.2))
        #expect(blowUp.firing.map(\.signal) == [.costBlowup])
        #expect(blowUp.firing[0].summary.contains("$0.00250 per answer against the baseline's $0.00100"))

        var contracted = LLMTrigger()
        let contract = BundleContracts(cost: CostContract(maxUSDPerRequest: 0.0008))
        let overContract = run(&contracted, checks: 3, canary: window(costUSD: 0.2), baseline: window(costUSD: 0.12), contracts: contract)
        #expect(overContract.firing.map(\.signal) == [.costContract], "not a blow-up against the baseline, but over its own contract")

        var healthy = LLMTrigger()
        #expect(run(&healthy, checks: 5, canary: window(costUSD: 0.3), baseline: window(costUSD: 0.2)).firing.isEmpty)
    }

    @Test func tooFewAnswersAreInconclusiveNotPassing() {
        var trigger = LLMTrigger()
        let thin = run(&trigger, checks: 10, canary: window(answers: 20, toolLoops: 10, costUSD: 5), baseline: window())
        #expect(thin.firing.isEmpty)
    }

    @Test func theRefusalBandIsHardAboveAndAdvisoryBelow() {
        let band = BundleContracts(safety: SafetyContract(minRefusalRate: 0.02, maxRefusalRate: 0.1))
        var above = LLMTrigger()
        let refusing = run(&above, checks: 3, canary: window(refusals: 40), baseline: window(refusals: 6), contracts: band)
        #expect(refusing.firing.map(\.signal) == [.refusalAboveBand])
        #expect(refusing.firing[0].summary == "refusal rate 20.0% above the contract's band 2.0%–10.0%")

        var below = LLMTrigger()
        let first = below.check(canary: window(refusals: 0), baseline: window(refusals: 6), contracts: band, policy: ControlPolicy())
        #expect(first.firing.isEmpty && first.advisories.map(\.signal) == [.refusalBelowBand])
        let again = below.check(canary: window(refusals: 0), baseline: window(refusals: 6), contracts: band, policy: ControlPolicy())
        #expect(again.advisories.isEmpty, "an advisory is journaled once per episode")
        _ = below.check(canary: window(refusals: 8), baseline: window(refusals: 6), contracts: band, policy: ControlPolicy())
        let back = below.check(canary: window(refusals: 0), baseline: window(refusals: 6), contracts: band, policy: ControlPolicy())
        #expect(back.advisories.map(\.signal) == [.refusalBelowBand], "a new episode after it came back into the band")
    }

    @Test func aContractTheBaselineBreaksTooIsTheEnvironments() {
        let band = BundleContracts(cost: CostContract(maxUSDPerRequest: 0.0008), safety: SafetyContract(minRefusalRate: 0, maxRefusalRate: 0.1))
        var trigger = LLMTrigger()
        let outcome = run(&trigger, checks: 5, canary: window(refusals: 40), baseline: window(refusals: 44), contracts: band)
        #expect(outcome.firing.isEmpty, "a provider-wide refusal spike or a dearer traffic mix: rolling back would not help")
    }

    @Test func aRareStructuredAnswerIsNotDilutedByTheOthers() {
        var counters = window(contractChecked: 40, contractFailed: 40)
        counters.experienceChecked = 200
        let contracts = BundleContracts(interface: InterfaceContract(responseSchema: ["type": "object"]),
                                        experience: ExperienceContract(citationPattern: "KB"))
        var trigger = LLMTrigger()
        let outcome = run(&trigger, checks: 3, canary: counters, baseline: window(contractChecked: 40), contracts: contracts)
        #expect(outcome.firing.map(\.summary) == ["interface contract broken by 40 of 40 checked answers, 100.0% (limit 5.0%, baseline 0.0%)"])
    }

    @Test func contractFailuresAreHardOnlyWhenTheBundleDeclaresAContract() {
        let failing = window(contractChecked: 200, contractFailed: 30)
        var undeclared = LLMTrigger()
        #expect(run(&undeclared, checks: 5, canary: failing, baseline: window(contractChecked: 200, contractFailed: 1)).firing.isEmpty,
                "without a declared contract schema drift stays with tier 2's trend charts")
        var declared = LLMTrigger()
        let contract = BundleContracts(interface: InterfaceContract(responseSchema: ["type": "object"]))
        let outcome = run(&declared, checks: 3, canary: failing, baseline: window(contractChecked: 200, contractFailed: 1), contracts: contract)
        #expect(outcome.firing.map(\.signal) == [.contractFailures])
    }

    @Test func toolCallRateIsAdvisoryOnly() {
        var trigger = LLMTrigger()
        let outcome = run(&trigger, checks: 5, canary: window(toolCalls: 300), baseline: window(toolCalls: 40))
        #expect(outcome.firing.isEmpty)
        var fresh = LLMTrigger()
        #expect(fresh.check(canary: window(toolCalls: 300), baseline: window(toolCalls: 40), contracts: nil, policy: ControlPolicy())
            .advisories.map(\.signal) == [.toolCallRate])
    }

    @Test func aTenantOverItsHourlyBudgetIsAdvisedOnceAndNamed() {
        var trigger = LLMTrigger()
        let contract = BundleContracts(cost: CostContract(maxUSDPerTenantHour: 20))
        let over = trigger.check(canary: window(), baseline: window(), contracts: contract, policy: ControlPolicy(),
                                 tenantHourCost: ["acme": 21.3, "globex": 25, "initech": 3])
        #expect(over.firing.isEmpty, "spend also grows with a tenant's own traffic: advice, never a rollback")
        #expect(over.advisories.map(\.summary) == ["tenant globex spent $25.00 on the canary in the last hour (and 1 other tenant(s)), over the contract's $20.00 per tenant-hour"])
        let again = trigger.check(canary: window(), baseline: window(), contracts: contract, policy: ControlPolicy(), tenantHourCost: ["globex": 26])
        #expect(again.advisories.isEmpty)
        var unbudgeted = LLMTrigger()
        #expect(unbudgeted.check(canary: window(), baseline: window(), contracts: nil, policy: ControlPolicy(), tenantHourCost: ["acme": 1e6]).advisories.isEmpty)
    }

    @Test func theTriggerSurvivesTheStoredAutomationState() throws {
        var state = AutomationState(policy: ControlPolicy())
        _ = state.llm.check(canary: window(toolLoops: 5), baseline: window(), contracts: nil, policy: ControlPolicy())
        let decoded = try JSONDecoder().decode(AutomationState.self, from: JSONEncoder().encode(state))
        #expect(decoded == state)
        let older = #"{"guards":"# + String(decoding: try JSONEncoder().encode(state.guards), as: UTF8.self)
            + #","tier0":"# + String(decoding: try JSONEncoder().encode(state.tier0), as: UTF8.self) + "}"
        #expect(try JSONDecoder().decode(AutomationState.self, from: Data(older.utf8)).llm == LLMTrigger(), "a state saved before LLM signals still loads")
    }
}

@Suite struct ContractJudgeTests {
    func answer(_ text: String, outputTokens: Int = 10, toolCalls: Int = 0) -> AnswerSummary {
        var summary = AnswerSummary()
        summary.content = text
        summary.outputTokens = outputTokens
        summary.toolCalls = toolCalls
        return summary
    }

    @Test func theBundlesResponseSchemaAppliesToStructuredAnswersOnly() {
        let judge = ContractJudge(BundleContracts(interface: InterfaceContract(responseSchema: ["type": "object", "required": ["answer", "citations"]])))
        let json: JSONValue = ["type": "json_object"]
        #expect(judge.interface(answer: #"{"answer":"hi","citations":[]}"#, responseFormat: json) == .passed)
        #expect(judge.interface(answer: #"{"answer":"hi"}"#, responseFormat: json) == .failed("bundle contract: $: required property 'citations' is missing"))
        #expect(judge.interface(answer: "plain text", responseFormat: nil) == .notApplicable)
        #expect(ContractJudge(nil).interface(answer: #"{"answer":"hi"}"#, responseFormat: json) == .passed)
    }

    @Test func theExperienceContractChecksTokensAndCitations() {
        let judge = ContractJudge(BundleContracts(experience: ExperienceContract(maxOutputTokens: 100, citationPattern: #"\[KB-\d+\]"#)))
        #expect(judge.experience(answer("See [KB-12].")) == .passed)
        #expect(judge.experience(answer("See the docs.")) == .failed(#"no citation matching \[KB-\d+\]"#))
        #expect(judge.experience(answer("See [KB-1].", outputTokens: 101)) == .failed("101 output tokens, over the contract's 100"))
        #expect(judge.experience(answer("", outputTokens: 500, toolCalls: 1)) == .notApplicable, "a tool call has nothing to cite yet")
        #expect(ContractJudge(nil).experience(answer("anything")) == .notApplicable)
    }

    @Test func toolCallDepthCountsTheRoundsSinceTheLastUserTurn() throws {
        let call: JSONValue = ["role": "assistant", "content": .null, "tool_calls": [["id": "c", "type": "function"]]]
        let result: JSONValue = ["role": "tool", "tool_call_id": "c", "content": "{}"]
        let user: JSONValue = ["role": "user", "content": "hi"]
        #expect(ToolCallDepth.prior(in: ["messages": [user]]) == 0)
        #expect(ToolCallDepth.prior(in: ["messages": [call, result, user, call, result, call, result]]) == 2)
        #expect(ToolCallDepth.prior(in: ["input": [user, ["type": "function_call"], ["type": "function_call_output"]]]) == 1)
        let parallel: [JSONValue] = [user, ["type": "function_call"], ["type": "function_call"], ["type": "function_call_output"],
                                     ["type": "function_call_output"], ["type": "function_call"], ["type": "function_call_output"]]
        #expect(ToolCallDepth.prior(in: ["input": .array(parallel)]) == 2, "parallel calls in one turn are one round")
        let empty: JSONValue = ["role": "assistant", "content": "hi", "tool_calls": []]
        #expect(ToolCallDepth.prior(in: ["messages": [user, empty]]) == 0, "an empty tool_calls list calls nothing")
        let judge = ContractJudge(BundleContracts(reliability: ReliabilityContract(maxToolCallDepth: 3)))
        #expect(!judge.isToolLoop(depth: 3) && judge.isToolLoop(depth: 4))
        #expect(ContractJudge(nil).maxToolCallDepth == ReliabilityContract.defaultMaxToolCallDepth)
    }

    @Test func contractsLeaveTheDigestOfABundleWithoutThemUnchanged() throws {
        let bundle = Fixtures.bundle()
        var contracted = bundle
        contracted.contracts = BundleContracts(cost: CostContract(maxUSDPerRequest: 0.01))
        #expect(bundle.canonicalJSON()["contracts"] == nil, "bundles registered before contracts keep their digest")
        #expect(contracted.digest != bundle.digest)
    }
}

extension ToolCallDepth {
    /// The depth of a request given as a tree.
    static func prior(in body: [String: JSONValue]) -> Int {
        prior(in: try! JSONObjectBytes(parsing: JSONValue.object(body).wireBytes))
    }
}
