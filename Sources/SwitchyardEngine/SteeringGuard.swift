import Synchronization
import SwitchyardCore
import SwitchyardStore

/// Whether Switchyard may steer: not while the journal's chain has a break nobody acknowledged. The chain is
/// verified once, then again only when somebody acknowledges a break (an indexed count), so asking is cheap.
public final class SteeringGuard: Sendable {
    private let store: SwitchyardStore
    private let state: Mutex<(acknowledgements: Int, problem: ChainProblem?)>

    /// Verifies the whole chain now.
    public init(store: SwitchyardStore) throws {
        self.store = store
        state = Mutex((try store.acknowledgementCount(), try store.verifyJournal().problem))
    }

    /// The break that stops steering, or nil when Switchyard may steer.
    public var problem: ChainProblem? { state.withLock { $0.problem } }

    /// Re-verifies when an acknowledgement was written since the last look; returns the break that still stops
    /// steering, or nil.
    public func recheck() throws -> ChainProblem? {
        try state.withLock { state in
            guard state.problem != nil else { return nil }
            let count = try store.acknowledgementCount()
            if count != state.acknowledgements {
                state = (count, try store.verifyJournal().problem)
            }
            return state.problem
        }
    }

    /// What to tell the operator while steering is refused.
    public static func banner(_ problem: ChainProblem) -> String {
        "JOURNAL BROKEN at entry \(problem.seq): \(problem.message); read-only until `switchyard audit acknowledge --reason …`"
    }
}
