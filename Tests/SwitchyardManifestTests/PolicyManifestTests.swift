import SwitchyardCore
import Testing
@testable import SwitchyardManifest

@Suite struct PolicyManifestTests {
    @Test func fieldsLeftOutKeepTheirDefaults() throws {
        let policy = try PolicyManifest.parse("""
            slo: 0.995
            tier0: {burn_threshold: 6, short_window: 10m, checks_to_fire: 5}
            guards: {cooldown: 1h, incident_freeze: off}
            drain: {stages: [50, 0], maximum_utilisation: 0.7}
            """, file: "policy.yaml")
        #expect(policy.slo == 0.995 && policy.burn.threshold == 6 && policy.burn.shortWindowSeconds == 600)
        #expect(policy.burn.longWindowSeconds == 3600 && policy.checksToFire == 5 && policy.checksToClear == 3)
        #expect(policy.cooldownSeconds == 3600 && policy.incidentFreezeSeconds == nil && policy.breakerThreshold == 2)
        #expect(policy.drainStages == [5000, 0] && policy.drainMaximumUtilisation == 0.7)
    }

    @Test func badValuesNameTheFileLineAndField() {
        let error = #expect(throws: ManifestError.self) {
            try PolicyManifest.parse("""
                slo: 1.5
                guards: {cooldwn: 5m}
                drain: {stages: [50, 75, 0]}
                """, file: "policy.yaml")
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("policy.yaml:1:6") && text.contains("slo") && text.contains("valid: a number from 0.5 to 0.99999"))
        #expect(text.contains("did you mean 'cooldown'?"))
        #expect(text.contains("drain.stages") && text.contains("decreasing"))
    }
}
