import GRDB

/// Raised by a commit whose decision was computed from a journal head that is no longer the head: another
/// process (the CLI, `serve`'s control loop, the console) committed in between. Nothing was saved; the caller
/// reads the state again and decides again, so neither writer overwrites the other's change.
public struct StaleTransition: Error, Sendable, Equatable {
    /// The journal head the decision was based on, and the head found at commit time.
    public let basedOn: Int
    public let found: Int

    /// Throws when the journal head in `db` is not `basedOn` (nil: no check asked for).
    static func check(_ basedOn: Int?, in db: Database) throws {
        guard let basedOn else { return }
        let found = try SwitchyardStore.head(in: db)?.seq ?? 0
        if found != basedOn { throw StaleTransition(basedOn: basedOn, found: found) }
    }
}

extension SwitchyardStore {
    /// The sequence number of the journal's last entry (0 for an empty journal): the basis to hand to a
    /// checked commit (`RollbackTransition.basedOn`, `commitRollout(basedOn:)`).
    public func journalHeadSeq() throws -> Int {
        try journalHead()?.seq ?? 0
    }
}
