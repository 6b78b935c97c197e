import Foundation
import SwitchyardCore
import Testing
@testable import SwitchyardStore
import StoreTestSupport

@Suite struct RoutingStoreTests {
    let v1 = StoreFixture.ref("1.0.0"), v2 = StoreFixture.ref("2.0.0")

    func split(_ first: Int) -> TenantRoute {
        TenantRoute(weights: [.init(bundle: v1, basisPoints: first), .init(bundle: v2, basisPoints: 10000 - first)])
    }

    @Test func eachRouteSetCommitsANewGenerationWithItsJournalEntry() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0", "2.0.0")
        #expect(try fixture.store.routing().table.generation == 0)
        try fixture.store.setRoute(tenant: "*", route: split(9000), actor: "alice", reason: "canary")
        let table = try fixture.store.setRoute(tenant: "acme", route: split(10000), actor: "bob", reason: "acme stays")
        #expect(table.generation == 2)
        let stored = try fixture.store.routing()
        #expect(stored.table == table)
        #expect(stored.committedAt == Timestamp.format(fixture.clock.now()))
        let entries = try fixture.store.journal(JournalFilter(kind: "route"))
        #expect(entries.map(\.subject) == ["tenant:*", "tenant:acme"])
        #expect(entries.map(\.actor) == ["alice", "bob"])
        #expect(entries[1].payload["generation"] == .int(2))
    }

    @Test func aTenantRouteCanBeRemoved() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0", "2.0.0")
        try fixture.store.setRoute(tenant: "*", route: split(10000), actor: "a", reason: "r")
        try fixture.store.setRoute(tenant: "acme", route: split(0), actor: "a", reason: "r")
        let table = try fixture.store.setRoute(tenant: "acme", route: nil, actor: "a", reason: "back to default")
        #expect(table.routes["acme"] == nil)
        #expect(table.generation == 3)
        #expect(throws: SwitchyardError.self) { try fixture.store.setRoute(tenant: "acme", route: nil, actor: "a", reason: "again") }
    }

    @Test(arguments: ["unknown", "archived", "undeployed", "bad weights"])
    func aRefusedRouteChangesNothing(_ kind: String) throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0", "2.0.0")
        _ = try fixture.store.addBundles([.init(bundle: StoreFixture.bundle("3.0.0"), promptText: "Be brief.", floating: false)], actor: "a")
        try fixture.store.setRoute(tenant: "*", route: split(10000), actor: "a", reason: "r")
        try fixture.store.setStage(v2, to: .archived, actor: "a", reason: "retired")
        let before = try fixture.snapshot()
        let route: TenantRoute = switch kind {
        case "unknown": TenantRoute(weights: [.init(bundle: StoreFixture.ref("9.9.9"), basisPoints: 10000)])
        case "archived": split(5000)
        case "undeployed": TenantRoute(weights: [.init(bundle: StoreFixture.ref("3.0.0"), basisPoints: 10000)])
        default: TenantRoute(weights: [.init(bundle: v1, basisPoints: 9000)])
        }
        #expect(throws: SwitchyardError.self) { try fixture.store.setRoute(tenant: "*", route: route, actor: "a", reason: "r") }
        #expect(try fixture.snapshot() == before)
    }
}

@Suite struct PoolStoreTests {
    @Test func poolChangesAreJournaledWithBeforeAndAfter() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0")
        var spec = try #require(try fixture.store.pool(StoreFixture.ref("1.0.0"))).spec
        spec.replicas = 6
        spec.apiKeyEnv = "APP_KEY"
        try fixture.store.setPool(spec, actor: "bob", reason: "scale up")
        let entry = try #require(try fixture.store.journal(JournalFilter(kind: JournalKind.poolSet)).last)
        #expect(entry.payload["before"]?["replicas"] == .int(2))
        #expect(entry.payload["after"]?["replicas"] == .int(6))
        #expect(entry.payload["after"]?["api_key_env"] == .string("APP_KEY"))
    }

    @Test func settingTheSamePoolAgainWritesNothing() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0")
        let before = try fixture.snapshot()
        let spec = try #require(try fixture.store.pool(StoreFixture.ref("1.0.0"))).spec
        try fixture.store.setPool(spec, actor: "bob", reason: "no-op")
        #expect(try fixture.snapshot() == before)
    }

    @Test func invalidPoolsAndUnknownBundlesAreRefused() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0")
        let before = try fixture.snapshot()
        #expect(throws: SwitchyardError.self) {
            try fixture.store.setPool(PoolSpec(bundle: StoreFixture.ref("1.0.0"), endpoints: ["http://x"], replicas: -1, maxConcurrency: 1), actor: "a", reason: "r")
        }
        #expect(throws: SwitchyardError.self) {
            try fixture.store.setPool(PoolSpec(bundle: StoreFixture.ref("7.0.0"), endpoints: ["http://x"], replicas: 1, maxConcurrency: 1), actor: "a", reason: "r")
        }
        #expect(try fixture.snapshot() == before)
    }
}
