import Atomics
import Synchronization
import SwitchyardCore

/// The requests answered since `serve` last saved them (once a second), never their content. Bounded: when the
/// store cannot be written for a long time the oldest wait no longer, and the number dropped is reported.
final class RequestLedger: Sendable {
    static let capacity = 200_000
    private let pending = Mutex<[ServedRequest]>([])
    private let dropped = ManagedAtomic<Int>(0)

    func record(_ request: ServedRequest) {
        let overflow = pending.withLock { pending -> Bool in
            guard pending.count < Self.capacity else { return true }
            pending.append(request)
            return false
        }
        if overflow { dropped.wrappingIncrement(ordering: .relaxed) }
    }

    /// Everything recorded since the last call, and how many requests were dropped meanwhile.
    func collect() -> (requests: [ServedRequest], dropped: Int) {
        let requests = pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        return (requests, dropped.exchange(0, ordering: .relaxed))
    }
}
