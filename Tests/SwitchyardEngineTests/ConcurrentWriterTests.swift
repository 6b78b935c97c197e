import Foundation
import StoreTestSupport
import Synchronization
import SwitchyardCore
import SwitchyardEngine
import SwitchyardSim
import SwitchyardStore
import Testing

/// Another process (the CLI, say) committing while a decision is being computed: neither change may be lost.
@Suite struct ConcurrentWriterTests {
    /// The fleet's capacity, except that the first question at `moment` first lets `interloper` commit, the way
    /// another process can between a decision's reads and its commit.
    final class Interleaving: CapacityProvider {
        enum Moment { case drainTarget, scaleUp }
        let fleet: SimFleet
        let moment: Moment
        let interloper: Mutex<(@Sendable () throws -> Void)?>

        init(fleet: SimFleet, at moment: Moment, interloper: @escaping @Sendable () throws -> Void) {
            self.fleet = fleet
            self.moment = moment
            self.interloper = Mutex(interloper)
        }

        private func interleave(_ now: Moment) throws {
            guard now == moment else { return }
            try interloper.withLock { pending in
                defer { pending = nil }
                try pending?()
            }
        }

        func drainTarget(for bundle: BundleRef) throws -> DrainTarget {
            try interleave(.drainTarget)
            return try fleet.drainTarget(for: bundle)
        }

        func load(of bundle: BundleRef) -> BundleLoad { fleet.load(of: bundle) }

        func requestScaleUp(of bundle: BundleRef) -> String {
            #expect(throws: Never.self) { try interleave(.scaleUp) }
            return fleet.requestScaleUp(of: bundle)
        }
    }

    static let healthy = SimBundle(warmReplicas: 4, meanLatencySeconds: 0.5, errorRate: 0.001)

    /// A second connection to the same state directory, as another process has.
    static func otherProcess(_ scenario: Scenario) throws -> SwitchyardStore {
        try SwitchyardStore(directory: scenario.fixture.directory, clock: scenario.fixture.clock, create: false)
    }

    static func allOn2(_ scenario: Scenario) throws {
        try scenario.store.setRoute(tenant: "*", route: TenantRoute(weights: [WeightedBundle(bundle: StoreFixture.ref("2.0.0"), basisPoints: fullWeight)]),
                                    actor: "alice", reason: "all on 2.0.0")
    }

    @Test func aHoldCommittedWhileTheEngineDecidesAStageIsKept() throws {
        let scenario = try Scenario(["1.0.0": Self.healthy, "2.0.0": Self.healthy])
        try Self.allOn2(scenario)
        try scenario.run(seconds: 30)
        try scenario.rollbacks.start(RollbackRequest(mode: .staged), actor: "bob", reason: "bad answers")
        let before = try #require(try scenario.store.activeRollback())
        let cli = RollbackCommands(store: try Self.otherProcess(scenario), clock: scenario.fixture.clock, capacity: scenario.fleet)
        let engine = ControlLoop(store: scenario.store, clock: scenario.fixture.clock, telemetry: scenario.fleet,
                                 capacity: Interleaving(fleet: scenario.fleet, at: .drainTarget) { try cli.hold(actor: "carol", reason: "checking caches") },
                                 policy: scenario.policy)
        scenario.fixture.clock.advance(by: 5)
        try engine.tick()
        let after = try #require(try scenario.store.activeRollback())
        #expect(after.statusText.hasPrefix("held at stage \(before.stagesApplied)/"), "\(after.statusText)")
        #expect(try scenario.journal(kind: "rollback").last?.kind == "rollback.hold")
        #expect(try scenario.store.routing().table == before.routing(applyingTo: try scenario.store.routing().table),
                "routing stays at the stage the drain says it is at")
    }

    @Test func aRollbackStartedWhileTheRoutingChangesRecordsTheNewRoutes() throws {
        // A cold target: the rollback asks it to scale up after reading the routes, and that is when dave commits.
        let cold = SimBundle(warmReplicas: 0, maxReplicas: 4, coldStartSeconds: 60, scaleUpPerMinute: 2)
        let scenario = try Scenario(["1.0.0": cold, "2.0.0": Self.healthy, "3.0.0": Self.healthy])
        try Self.allOn2(scenario)
        try scenario.run(seconds: 30)
        let other = try Self.otherProcess(scenario)
        let split = TenantRoute(weights: [WeightedBundle(bundle: StoreFixture.ref("2.0.0"), basisPoints: 7000),
                                          WeightedBundle(bundle: StoreFixture.ref("3.0.0"), basisPoints: 3000)])
        let commands = RollbackCommands(store: scenario.store, clock: scenario.fixture.clock, capacity: Interleaving(fleet: scenario.fleet, at: .scaleUp) {
            try other.setRoute(tenant: "*", route: split, actor: "dave", reason: "move 30% to 3.0.0")
        }, policy: scenario.policy)
        let (_, rollback) = try commands.start(RollbackRequest(from: StoreFixture.ref("2.0.0"), mode: .staged, warmFirst: true), actor: "bob", reason: "bad answers")
        #expect(rollback.originalRoutes["*"] == split, "the drain starts from the routes in force when it commits")
        _ = try scenario.run(until: { try scenario.store.activeRollback() == nil }, limit: 900)
        let route = try #require(try scenario.store.routing().table.routes["*"])
        #expect(route.weights.first { $0.bundle == StoreFixture.ref("3.0.0") }?.basisPoints == 3000, "dave's 30% survives the drain")
    }

    @Test func aCommitBasedOnAnOldJournalHeadSavesNothing() throws {
        let scenario = try Scenario(["1.0.0": Self.healthy, "2.0.0": Self.healthy])
        try Self.allOn2(scenario)
        try scenario.rollbacks.start(RollbackRequest(mode: .staged), actor: "bob", reason: "bad answers")
        let head = try scenario.store.journalHeadSeq()
        var rollback = try #require(try scenario.store.activeRollback())
        try rollback.hold(reason: "held by carol")
        try scenario.store.note(JournalDraft(actor: "dave", kind: "note", subject: "x", reason: "another writer"))
        let before = try scenario.fixture.snapshot()
        let stale = #expect(throws: StaleTransition.self) {
            try scenario.store.commitRollback(RollbackTransition(rollback: rollback, event: "hold", actor: "carol", reason: "r",
                                                                 movedTraffic: false, basedOn: head))
        }
        #expect(stale?.basedOn == head && stale?.found == head + 1)
        #expect(try scenario.fixture.snapshot() == before)
        #expect(try scenario.store.activeRollback()?.status == .draining)
    }
}
