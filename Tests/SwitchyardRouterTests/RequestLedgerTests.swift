import NIOCore
import NIOPosix
import SwitchyardCore
import Testing
@testable import SwitchyardRouter

/// The served-request ledger: one shard per event loop, collected whole, bounded.
@Suite struct RequestLedgerTests {
    let v1 = BundleRef(name: "app", version: "1.0.0"), v2 = BundleRef(name: "app", version: "2.0.0")

    @Test func eachEventLoopRecordsIntoItsOwnShardAndCollectionTakesThemAll() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        let ledger = RequestLedger(group: group)
        let loops = Array(group.makeIterator())
        #expect(ledger.shard(for: loops[0]) !== ledger.shard(for: loops[1]))
        #expect(ledger.shard(for: loops[0]) === ledger.shard(for: loops[0]))
        let stranger = MultiThreadedEventLoopGroup.singleton.next()
        #expect(ledger.shard(for: stranger) !== ledger.shard(for: loops[0]), "a loop of another group shares the fallback shard")

        ledger.shard(for: loops[0]).record(id: "a", tenant: "acme", session: "s", bundle: v1, generation: 2, status: 200)
        ledger.shard(for: loops[1]).record(id: "b", tenant: "acme", session: nil, bundle: v1, generation: 2, status: 200)
        ledger.shard(for: loops[1]).record(id: "c", tenant: "default", session: nil, bundle: v2, generation: 2, status: 502)
        ledger.shard(for: stranger).record(id: "d", tenant: "default", session: nil, bundle: v2, generation: 3, status: 200)
        let collected = ledger.collect()
        #expect(collected.dropped == 0)
        #expect(collected.batches.count == 4, "one batch per bundle per shard")
        let requests = try collected.batches.flatMap { try $0.requests() }
        #expect(Set(requests.map(\.id)) == ["a", "b", "c", "d"])
        #expect(requests.first { $0.id == "c" }?.status == 502 && requests.first { $0.id == "c" }?.bundle == v2)
        #expect(ledger.collect().batches.isEmpty, "collected once")
    }

    @Test func aFullShardCountsWhatItDrops() throws {
        let ledger = RequestLedger(group: MultiThreadedEventLoopGroup.singleton)
        let shard = ledger.shard(for: MultiThreadedEventLoopGroup.singleton.next())
        for n in 0..<(RequestLedger.capacity + 5) {
            shard.record(id: "r\(n)", tenant: "acme", session: nil, bundle: v1, generation: 1, status: 200)
        }
        let collected = ledger.collect()
        #expect(collected.dropped == 5)
        #expect(collected.batches.map(\.count).reduce(0, +) == RequestLedger.capacity)
        shard.record(id: "next", tenant: "acme", session: nil, bundle: v1, generation: 1, status: 200)
        #expect(ledger.collect().batches.map(\.count) == [1], "room again once collected")
    }
}
