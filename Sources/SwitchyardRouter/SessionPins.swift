import Foundation
import Synchronization
import SwitchyardCore

/// Which bundle each session is pinned to, in shards so that concurrent requests rarely wait on each other.
/// Bounded: expired pins are dropped, and a full shard forgets its oldest pins.
final class SessionPins: Sendable {
    static let shardCount = 16
    /// One lock and the pins behind it.
    final class Shard: Sendable {
        let pins = Mutex<[String: SessionPin]>([:])
    }

    private let shards: [Shard]
    private let capacityPerShard: Int

    init(capacity: Int = 200_000) {
        shards = (0..<Self.shardCount).map { _ in Shard() }
        capacityPerShard = max(1, capacity / Self.shardCount)
    }

    private func shard(_ key: String) -> Shard {
        shards[Int(UInt(bitPattern: key.hashValue) % UInt(Self.shardCount))]
    }

    func pin(_ key: String) -> SessionPin? { shard(key).pins.withLock { $0[key] } }

    func store(_ pin: SessionPin, for key: String, maxAge: TimeInterval) {
        shard(key).pins.withLock { pins in
            if pins.count >= capacityPerShard {
                pins = pins.filter { pin.since.timeIntervalSince($0.value.since) < maxAge }
                if pins.count >= capacityPerShard, let oldest = pins.min(by: { $0.value.since < $1.value.since }) {
                    pins.removeValue(forKey: oldest.key)
                }
            }
            pins[key] = pin
        }
    }

    /// Sessions pinned to each bundle now.
    func countByBundle() -> [BundleRef: Int] {
        var out: [BundleRef: Int] = [:]
        for shard in shards {
            shard.pins.withLock { pins in for pin in pins.values { out[pin.bundle, default: 0] += 1 } }
        }
        return out
    }
}
