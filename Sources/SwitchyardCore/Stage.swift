/// Where a bundle is in its life: candidate → staging → production → archived.
public enum Stage: String, Codable, CaseIterable, Sendable, Comparable {
    case candidate, staging, production, archived

    public static func < (lhs: Stage, rhs: Stage) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Parses a stage name; the error lists the valid ones.
    public init(parsing text: String) throws {
        guard let stage = Stage(rawValue: text.lowercased()) else {
            throw SwitchyardError.usage(
                "'\(text)' is not a stage", hint: "valid stages: candidate, staging, production, archived")
        }
        self = stage
    }

    /// The stages a bundle may move to from this one. Promotion goes one step at a time,
    /// production may step back to staging, and archived is final.
    public var allowedNext: [Stage] {
        switch self {
        case .candidate: [.staging, .archived]
        case .staging: [.production, .archived]
        case .production: [.staging, .archived]
        case .archived: []
        }
    }

    /// Throws a refusal that explains the allowed moves when `target` is not one of them.
    public func checkTransition(to target: Stage, of bundle: BundleRef) throws {
        if target == self {
            throw SwitchyardError.refused("\(bundle) is already in stage \(self.rawValue)")
        }
        guard allowedNext.contains(target) else {
            let hint: String
            if self == .archived {
                hint = "archived bundles stay archived; register a new version to bring its behaviour back"
            } else {
                let moves = allowedNext.map(\.rawValue).joined(separator: " or ")
                hint = "from \(self.rawValue) a bundle may move to \(moves); promotion goes one stage at a time"
            }
            throw SwitchyardError.refused("\(bundle) cannot move from \(self.rawValue) to \(target.rawValue)", hint: hint)
        }
    }
}
