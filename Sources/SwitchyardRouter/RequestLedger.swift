import Atomics
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import SwitchyardCore

/// The requests answered since `serve` last saved them (once a second), never their content. Each event loop
/// records into its own shard, packed per bundle (`ServedRequestBatch`), so the data plane neither shares a lock
/// nor makes a struct of strings per request. Bounded: when the store cannot be written for a long time, a shard
/// holding `capacity` requests counts the next ones as dropped, and the number dropped is reported.
final class RequestLedger: Sendable {
    /// Requests kept per shard until they are saved.
    static let capacity = 200_000

    /// The requests one event loop recorded since the last collection.
    final class Shard: Sendable {
        fileprivate let loop: ObjectIdentifier?
        private let batches = Mutex<(batches: [ServedRequestBatch], count: Int)>(([], 0))
        private let dropped = ManagedAtomic<Int>(0)

        fileprivate init(loop: ObjectIdentifier?) { self.loop = loop }

        func record(id: String, tenant: String, session: String?, bundle: BundleRef, generation: Int, status: Int) {
            let millis = Timestamp.milliseconds(Date())
            let kept = batches.withLock { state -> Bool in
                guard state.count < RequestLedger.capacity else { return false }
                state.count += 1
                // A handful of bundles at most: a scan is cheaper than hashing the reference.
                var index = state.batches.firstIndex { $0.bundle == bundle }
                if index == nil {
                    state.batches.append(ServedRequestBatch(bundle: bundle))
                    index = state.batches.count - 1
                }
                state.batches[index!].append(id: id, millis: millis, tenant: tenant, session: session, generation: generation, status: status)
                return true
            }
            if !kept { dropped.wrappingIncrement(ordering: .relaxed) }
        }

        fileprivate func collect() -> (batches: [ServedRequestBatch], dropped: Int) {
            let batches = batches.withLock { state in
                defer { state = ([], 0) }
                return state.batches
            }
            return (batches, dropped.exchange(0, ordering: .relaxed))
        }
    }

    private let shards: [Shard]
    /// For callers on no event loop of the data plane's group.
    private let other = Shard(loop: nil)

    init(group: MultiThreadedEventLoopGroup = .singleton) {
        var shards: [Shard] = []
        for loop in group.makeIterator() { shards.append(Shard(loop: ObjectIdentifier(loop))) }
        self.shards = shards
    }

    /// The shard that `loop` records into.
    func shard(for loop: any EventLoop) -> Shard {
        let id = ObjectIdentifier(loop)
        return shards.first { $0.loop == id } ?? other
    }

    /// Everything recorded since the last call, and how many requests were dropped meanwhile.
    func collect() -> (batches: [ServedRequestBatch], dropped: Int) {
        (shards + [other]).map { $0.collect() }.reduce(into: ([], 0)) { all, shard in
            all.batches += shard.batches
            all.dropped += shard.dropped
        }
    }
}
