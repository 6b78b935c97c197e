import Foundation
import GRDB
import SwitchyardCore
import Testing
@testable import SwitchyardStore
import StoreTestSupport

@Suite struct ServedRequestsStoreTests {
    let v1 = StoreFixture.ref("1.0.0"), v2 = StoreFixture.ref("2.0.0")

    func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_795_000_000 + seconds) }

    func batch(_ ref: BundleRef, _ entries: [(String, Double)]) -> ServedRequestBatch {
        var batch = ServedRequestBatch(bundle: ref)
        for (id, seconds) in entries {
            batch.append(ServedRequest(id: id, time: at(seconds), tenant: "acme", session: nil, bundle: ref, generation: 3, status: 200))
        }
        return batch
    }

    @Test func overlappingBatchesComeBackOldestFirstWithinTheWindow() throws {
        let fixture = try StoreFixture()
        // Two event loops' batches of the same second, and one of the other bundle.
        try fixture.store.recordServedRequests([batch(v1, [("a", 1.0), ("c", 1.5)]), batch(v1, [("b", 1.2), ("d", 1.5)]),
                                                batch(v2, [("x", 1.1)])], forgettingBefore: at(0))
        try fixture.store.recordServedRequests([batch(v1, [("e", 2.0)])], forgettingBefore: at(0))
        #expect(try fixture.store.servedRequests(bundle: v1, from: nil, to: nil).map(\.id) == ["a", "b", "c", "d", "e"])
        #expect(try fixture.store.servedRequests(bundle: v1, from: at(1.2), to: at(1.5)).map(\.id) == ["b", "c", "d"], "inclusive, to the millisecond")
        #expect(try fixture.store.servedRequests(bundle: v2, from: nil, to: nil).map(\.id) == ["x"])
    }

    @Test func batchesOlderThanTheRetentionAreForgotten() throws {
        let fixture = try StoreFixture()
        try fixture.store.recordServedRequests([batch(v1, [("old", 1.0)])], forgettingBefore: at(0))
        try fixture.store.recordServedRequests([batch(v1, [("new", 10.0)])], forgettingBefore: at(5))
        #expect(try fixture.store.servedRequests(bundle: v1, from: nil, to: nil).map(\.id) == ["new"])
    }

    @Test func rowsOfTheOldOnePerRequestTableAreMigratedIntoBatches() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + SwitchyardStore.fileName
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: "v7: evaluation reports, the promotion gate's evidence")
            try queue.write { db in
                for (id, time, bundle, session) in [("r1", "2026-11-22T03:10:00.250Z", "app@1.0.0", "s1"), ("r2", "2026-11-22T03:10:01.000Z", "app@2.0.0", nil),
                                                    ("r3", "2026-11-22T03:10:02.500Z", "app@1.0.0", nil)] {
                    try db.execute(sql: "INSERT INTO served_requests (id, time, tenant, session, bundle, generation, status) VALUES (?, ?, 'acme', ?, ?, 7, 200)",
                                   arguments: [id, time, session, bundle])
                }
                // More than one migration batch of a third bundle.
                for n in 0..<10_005 {
                    try db.execute(sql: "INSERT INTO served_requests (id, time, tenant, session, bundle, generation, status) VALUES (?, '2026-11-22T04:00:00.000Z', 'acme', NULL, 'app@3.0.0', 7, 200)",
                                   arguments: ["m\(n)"])
                }
            }
        }
        let store = try SwitchyardStore(databaseFile: path, clock: ManualClock())
        let v1Requests = try store.servedRequests(bundle: v1, from: nil, to: nil)
        #expect(v1Requests.map(\.id) == ["r1", "r3"])
        #expect(v1Requests.map { Timestamp.format($0.time) } == ["2026-11-22T03:10:00.250Z", "2026-11-22T03:10:02.500Z"])
        #expect(v1Requests.map(\.session) == ["s1", nil])
        #expect(try store.servedRequests(bundle: v2, from: nil, to: nil).map(\.id) == ["r2"])
        #expect(try store.servedRequests(bundle: StoreFixture.ref("3.0.0"), from: nil, to: nil).map(\.id) == (0..<10_005).map { "m\($0)" })
    }
}
