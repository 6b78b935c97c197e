import SwitchyardCore
import SwitchyardStore

extension SwitchyardStore {
    /// How many times a decision is recomputed before giving up while other writers keep committing.
    static let decisionAttempts = 8

    /// Runs a read-decide-commit step `basedOn` the journal head it starts from, and runs it again from the new
    /// state whenever another process committed in between (`StaleTransition`). The CLI and `serve`'s control loop
    /// can therefore act on the same rollout or drain at once without either change being lost or applied twice.
    func decide<T>(_ what: String, _ step: (_ basedOn: Int) throws -> T) throws -> T {
        for _ in 1...Self.decisionAttempts {
            do {
                return try step(try journalHeadSeq())
            } catch is StaleTransition {
                continue
            }
        }
        throw SwitchyardError.failure("\(what) was not saved: the state changed \(Self.decisionAttempts) times while it was being decided",
                                      hint: "nothing was changed; run the command again")
    }
}
