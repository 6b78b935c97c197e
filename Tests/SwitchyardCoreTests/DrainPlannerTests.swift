import Testing
@testable import SwitchyardCore

@Suite struct DrainPlannerTests {
    let planner = DrainPlanner(stages: [7500, 5000, 2500, 0], maximumUtilisation: 0.8)

    @Test func aWarmTargetWithRoomAllowsAFastDrain() {
        let target = DrainTarget(warmReplicas: 8, maxReplicas: 8, perReplicaConcurrency: 16, coldStartSeconds: 60, scaleUpPerMinute: 2)
        let plan = planner.plan(requestsPerSecond: 100, meanLatencySeconds: 0.5, targetBaseConcurrency: 10, target: target)
        #expect(plan.targetWarm && plan.fastAllowed)
        #expect(plan.requiredConcurrency == 60)
        #expect(plan.stages.allSatisfy { $0.readyAfterSeconds == 0 })
        #expect(plan.estimatedSeconds == 0)
    }

    @Test func stagesWaitForScaleUpAndNeverExceedWarmCapacity() {
        let target = DrainTarget(warmReplicas: 1, maxReplicas: 10, perReplicaConcurrency: 10, coldStartSeconds: 60, scaleUpPerMinute: 2)
        let plan = planner.plan(requestsPerSecond: 80, meanLatencySeconds: 0.5, targetBaseConcurrency: 0, target: target)
        #expect(!plan.fastAllowed)
        #expect(plan.stages.map(\.targetConcurrency) == [10, 20, 30, 40])
        let ready = plan.stages.map { $0.readyAfterSeconds! }
        #expect(ready == ready.sorted(), "stages run in order")
        for stage in plan.stages {
            let usable = Int(Double(target.capacity(after: stage.readyAfterSeconds!)) * 0.8)
            #expect(usable >= stage.targetConcurrency, "stage \(stage.remainingBasisPoints) bp overloads the target")
        }
        #expect(plan.estimatedSeconds == ready.last)
    }

    @Test func aPoolThatCanNeverCarryTheTrafficHasNoEstimate() {
        let target = DrainTarget(warmReplicas: 1, maxReplicas: 2, perReplicaConcurrency: 10, coldStartSeconds: 0, scaleUpPerMinute: 1)
        let plan = planner.plan(requestsPerSecond: 200, meanLatencySeconds: 1, targetBaseConcurrency: 0, target: target)
        #expect(plan.estimatedSeconds == nil)
        #expect(plan.stages.last?.readyAfterSeconds == nil)
    }

    @Test func aColdTargetIsReportedAsSuch() {
        let target = DrainTarget(warmReplicas: 0, maxReplicas: 4, perReplicaConcurrency: 16, coldStartSeconds: 120, scaleUpPerMinute: 4)
        let plan = planner.plan(requestsPerSecond: 10, meanLatencySeconds: 0.5, targetBaseConcurrency: 0, target: target)
        #expect(!plan.targetWarm)
        #expect(plan.warmCapacity == 0)
        #expect((plan.stages.first?.readyAfterSeconds ?? 0) >= 120, "nothing serves before the cold start ends")
    }

    /// Property: for any pool and load, no stage is scheduled before the target can carry it.
    @Test func noStageEverOverloadsTheTarget() {
        var random = SeededGenerator(seed: 99)
        for _ in 0..<300 {
            let target = DrainTarget(warmReplicas: Int.random(in: 0...6, using: &random), maxReplicas: Int.random(in: 6...30, using: &random),
                                     perReplicaConcurrency: Int.random(in: 1...32, using: &random), coldStartSeconds: Int.random(in: 0...300, using: &random),
                                     scaleUpPerMinute: Double.random(in: 0.5...6, using: &random))
            let plan = planner.plan(requestsPerSecond: Double.random(in: 1...500, using: &random), meanLatencySeconds: Double.random(in: 0.05...3, using: &random),
                                    targetBaseConcurrency: Int.random(in: 0...50, using: &random), target: target)
            for stage in plan.stages {
                guard let ready = stage.readyAfterSeconds else { continue }
                #expect(Int(Double(target.capacity(after: ready)) * 0.8) >= stage.targetConcurrency)
            }
        }
    }
}
