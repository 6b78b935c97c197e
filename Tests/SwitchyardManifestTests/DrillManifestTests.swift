import SwitchyardCore
import Testing
@testable import SwitchyardManifest

@Suite struct DrillManifestTests {
    static func script(step: String) -> String {
        """
        name: prompt
        duration: 5m
        fleet: [{version: 1.0.0, validated: true}, {version: 2.0.0}]
        traffic: {rps: 10}
        routing: {default: {1.0.0: 100}}
        steps:
          - at: 1m
        \(step)
        expect: [no_oscillation: true]
        """
    }

    @Test func anOperatorPromptIsReadWithItsAnswerAndDeadlines() throws {
        let drill = try DrillManifest.parse(Self.script(step: """
                await_operator: {prompt: "Roll back 2.0.0?", answer: freeze, within: 4m, unattended_after: 30s}
            """), file: "prompt.yaml")
        #expect(drill.steps == [DrillStep(atSeconds: 60, kind: .awaitOperator(OperatorPrompt(
            text: "Roll back 2.0.0?", answer: .freeze, withinSeconds: 240, unattendedAfterSeconds: 30)))])
    }

    @Test func aPromptWithoutAnAnswerKindTakesAnyAndWithoutAStandInWaitsForAHuman() throws {
        let drill = try DrillManifest.parse(Self.script(step: "    await_operator: {prompt: Decide., within: 2m}"), file: "prompt.yaml")
        #expect(drill.steps.first?.kind == .awaitOperator(OperatorPrompt(text: "Decide.", answer: .any, withinSeconds: 120, unattendedAfterSeconds: nil)))
    }

    @Test func aBadPromptNamesTheLineAndFieldAndWhatIsValid() {
        let error = #expect(throws: ManifestError.self) {
            try DrillManifest.parse(Self.script(step: "    await_operator: {prompt: Decide., answer: reboot}"), file: "prompt.yaml")
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("prompt.yaml:8:47: steps[0].await_operator.answer"))
        #expect(text.contains("'reboot' is not valid; valid: rollback, abort, pause, freeze, promote, any"))
        #expect(text.contains("within") && text.contains("how long the on-call has to answer"))
    }
}

@Suite struct DrillFaultManifestTests {
    @Test func aFaultReadsTimeToFirstTokenAndAColdStart() throws {
        let drill = try DrillManifest.parse(DrillManifestTests.script(step: "    fault: {version: 1.0.0, ttft_x: 6, cold_start: 90s}"), file: "fault.yaml")
        #expect(drill.steps == [DrillStep(atSeconds: 60, kind: .fault(DrillFault(version: "1.0.0", ttftFactor: 6, coldStartSeconds: 90)))])
    }

    @Test func aFaultThatChangesNothingIsRefusedWithTheChoices() {
        let error = #expect(throws: ManifestError.self) {
            try DrillManifest.parse(DrillManifestTests.script(step: "    fault: {version: 2.0.0}"), file: "fault.yaml")
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("fault.yaml:8:12: steps[0].fault"))
        #expect(text.contains("a fault changes something; give one or more of error_rate, latency_x, ttft_x"))
    }

    @Test func aColdStartThatIsNotADurationNamesTheField() {
        let error = #expect(throws: ManifestError.self) {
            try DrillManifest.parse(DrillManifestTests.script(step: "    fault: {version: 2.0.0, cold_start: soon}"), file: "fault.yaml")
        }
        #expect(error.map { "\($0)" }?.contains("steps[0].fault.cold_start: 'soon' is not a duration; valid: 90s, 5m, 1h") == true)
    }
}
