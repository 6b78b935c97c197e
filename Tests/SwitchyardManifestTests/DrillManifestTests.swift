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
