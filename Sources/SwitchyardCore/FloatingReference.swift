import Foundation

/// Recognises model and tokenizer references that are not pinned to an exact revision.
public enum FloatingReference {
    /// Revision names that move underneath you.
    public static let aliases: Set<String> = [
        "latest", "main", "master", "head", "stable", "default", "current", "newest", "nightly", "edge",
    ]

    /// Why the model reference floats, or nil when it is pinned.
    public static func reason(model: ModelReference) -> String? {
        if let alias = floatingSuffix(of: model.id) {
            return "model id '\(model.id)' ends in the alias '\(alias)'"
        }
        return reason(revision: model.revision, of: "model.revision")
    }

    /// Why the tokenizer reference floats, or nil when it is pinned.
    public static func reason(tokenizer: TokenizerReference) -> String? {
        reason(revision: tokenizer.revision, of: "tokenizer.revision")
    }

    /// Why one revision field floats, or nil when it names an exact revision.
    public static func reason(revision: String?, of field: String) -> String? {
        guard let revision, !revision.trimmingCharacters(in: .whitespaces).isEmpty else {
            return "\(field) is missing"
        }
        if aliases.contains(revision.lowercased()) {
            return "\(field) '\(revision)' is an alias that moves, not a revision"
        }
        return nil
    }

    /// What an operator should do about a floating reference.
    public static let advice = """
        A floating reference lets the provider change the weights underneath a bundle: the digest stays the same \
        while behaviour shifts, caches keyed on the version go stale, and a rollback returns to something that no \
        longer exists. Pin it: set model.revision (and tokenizer.revision) to an exact commit, snapshot date or \
        immutable tag, for example `revision: 2024-08-06` or `revision: 3f2a9c1`. To register it anyway, marked \
        as floating, pass --allow-floating.
        """

    private static func floatingSuffix(of id: String) -> String? {
        let lowered = id.lowercased()
        for alias in aliases {
            for separator in [":", "-", "@", "/"] where lowered.hasSuffix(separator + alias) {
                return alias
            }
        }
        return nil
    }
}
