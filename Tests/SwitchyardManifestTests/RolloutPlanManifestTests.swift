import SwitchyardCore
import Testing
@testable import SwitchyardManifest

@Suite struct RolloutPlanManifestTests {
    @Test func aPlanParsesEveryStepKind() throws {
        let plan = try RolloutPlanManifest.parse("""
            name: canary
            steps:
              - setWeight: 5
              - mirror: 12.5%
              - pause: 10m
              - analysis: {metrics: [latency, error_rate], window: 5m, minimum_samples: 100}
              - setWeight: {weight: 25, tenant: acme}
              - setTenant: {tenant: globex, weight: 50}
              - pause: until_promoted
              - pause: {}
              - setWeight: 100
            """, file: "plan.yaml")
        #expect(plan.steps == [
            .setWeight(basisPoints: 500, tenant: nil), .mirror(basisPoints: 1250), .pause(seconds: 600),
            .analysis(AnalysisStep(metrics: ["latency", "error_rate"], windowSeconds: 300, minimumSamples: 100)),
            .setWeight(basisPoints: 2500, tenant: "acme"), .setTenant(tenant: "globex", basisPoints: 5000),
            .pause(seconds: nil), .pause(seconds: nil), .setWeight(basisPoints: 10000, tenant: nil),
        ])
        #expect(plan.steps[3].summary == "analysis latency, error_rate over 5m")
    }

    @Test(arguments: [
        ("  - setWeigth: 5", "steps[0].setWeigth", "did you mean 'setWeight'?"),
        ("  - setWeight: 150", "steps[0].setWeight", "not a percentage"),
        ("  - pause: soon", "steps[0].pause", "valid: a duration"),
        ("  - analysis: {metrics: [latncy]}", "steps[0].analysis.metrics", "did you mean 'latency'?"),
        ("  - setTenant: {weight: 10}", "steps[0].setTenant.tenant", "is required"),
        ("  - {setWeight: 5, pause: 1m}", "steps[0]", "a step is one of"),
    ])
    func aBrokenStepNamesItsLineAndField(step: String, field: String, says: String) {
        #expect { try RolloutPlanManifest.parse("name: p\nsteps:\n" + step, file: "plan.yaml") } throws: { error in
            let issues = (error as? ManifestError)?.issues ?? []
            let found = issues.contains { $0.line == 3 && $0.field == field && $0.message.contains(says) }
            if !found { Issue.record("\(issues)") }
            return found
        }
    }

    @Test func aPlanWithoutStepsIsRefused() {
        #expect(throws: ManifestError.self) { try RolloutPlanManifest.parse("name: p\nsteps: []", file: "plan.yaml") }
        #expect(throws: ManifestError.self) { try RolloutPlanManifest.parse("name: p", file: "plan.yaml") }
    }
}
