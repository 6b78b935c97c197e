import Foundation
import StoreTestSupport
import SwitchyardConsole
import SwitchyardCore
import SwitchyardReplay
import SwitchyardStore
import Testing

/// The replay timeline on a real store: panels as of the cursor, steps over telemetry, jumps between decisions,
/// and the span narrowed by time.
@Suite struct ReplayTimelineTests {
    /// A journal with a route, telemetry, a freeze and its lift, a second route, then more telemetry.
    static func incident() throws -> StoreFixture {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0", "2.0.0")
        let store = fixture.store
        let route = { (version: String) in TenantRoute(weights: [WeightedBundle(bundle: StoreFixture.ref(version), basisPoints: fullWeight)]) }
        fixture.clock.advance(by: 60)
        try store.setRoute(tenant: RoutingTable.defaultTenant, route: route("1.0.0"), actor: "alice", reason: "start on 1.0.0")
        var history: [(time: Date, draft: JournalDraft)] = []
        for second in stride(from: 5, through: 100, by: 5) {
            var counters = TelemetryCounters()
            counters.requests = second
            let snapshot = TelemetrySnapshot(intervalSeconds: 5, bundles: ["app@1.0.0": .init(counters)])
            history.append((fixture.clock.now() + Double(second), try snapshot.draft()))
        }
        try store.appendHistory(history)
        fixture.clock.advance(by: 200)
        try store.freeze(scope: .all, reason: "INC-7", actor: "bob", expiresAfterSeconds: nil)
        fixture.clock.advance(by: 10)
        try store.unfreeze(scope: nil, reason: "INC-7 over", actor: "bob")
        fixture.clock.advance(by: 10)
        try store.setRoute(tenant: RoutingTable.defaultTenant, route: route("2.0.0"), actor: "alice", reason: "move to 2.0.0")
        return fixture
    }

    @Test func panelsFollowTheCursorThroughRoutingAndFreezes() throws {
        let fixture = try Self.incident()
        let timeline = try ReplayTimeline(store: fixture.store, from: nil, to: nil)
        let entries = try fixture.store.journal()
        let freeze = try #require(entries.first { $0.kind == "freeze.declared" })
        let flip = try #require(entries.last { $0.kind == "route.set" })

        _ = try timeline.apply(.goTo(freeze.time))
        var snapshot = try timeline.snapshot()
        #expect(timeline.position == freeze.seq)
        #expect(snapshot.freeze?.reason == "INC-7")
        #expect(snapshot.routes.first?.weights.map(\.bundle) == ["app@1.0.0"])
        #expect(snapshot.bundles.first { $0.name == "app@1.0.0" }?.requestsPerSecond == 20, "the last snapshot before the freeze: 100 requests in 5 s")

        _ = try timeline.apply(.jump(1))
        snapshot = try timeline.snapshot()
        #expect(snapshot.freeze == nil, "the next decision is the lift")

        _ = try timeline.apply(.step(1))
        snapshot = try timeline.snapshot()
        #expect(timeline.position == flip.seq)
        #expect(snapshot.routes.first?.weights.map(\.bundle) == ["app@2.0.0"])
        #expect(snapshot.events.first?.kind == "route.set")

        _ = try timeline.apply(.step(1))
        #expect(timeline.position == flip.seq, "the cursor stops at the end of the span")
    }

    @Test func stepsSkipTelemetrySnapshots() throws {
        let fixture = try Self.incident()
        let entries = try fixture.store.journal()
        let firstRoute = try #require(entries.first { $0.kind == "route.set" })
        let timeline = try ReplayTimeline(store: fixture.store, from: firstRoute.time, to: nil)
        #expect(timeline.position == firstRoute.seq)
        _ = try timeline.apply(.step(1))
        #expect(try fixture.store.journalEntry(seq: timeline.position)?.kind == "freeze.declared")
        _ = try timeline.apply(.step(-1))
        #expect(timeline.position == firstRoute.seq)
    }

    @Test func aSpanWithNoEntriesIsRefused() throws {
        let fixture = try Self.incident()
        #expect(throws: SwitchyardError.self) { try ReplayTimeline(store: fixture.store, from: "2099-01-01T00:00:00Z", to: nil) }
    }

    @Test func historyThatGoesBackInTimeIsRefusedWhole() throws {
        let fixture = try Self.incident()
        let before = try fixture.store.journalHead()
        let draft = JournalDraft(actor: "bench", kind: "note", subject: "x", reason: "x")
        #expect(throws: SwitchyardError.self) {
            try fixture.store.appendHistory([(fixture.clock.now() + 1, draft), (fixture.clock.now() - 3600, draft)])
        }
        #expect(try fixture.store.journalHead() == before)
        #expect(try fixture.store.verifyJournal().isIntact)
    }
}
