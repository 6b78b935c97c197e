import Foundation

/// An incident freeze: while it holds, nothing moves forward but rollbacks.
public struct Freeze: Hashable, Sendable, Codable {
    /// What the freeze covers.
    public enum Scope: Hashable, Sendable, Codable, CustomStringConvertible {
        case all
        case bundle(String)
        case tenant(String)

        /// Parses `all`, `bundle:NAME` or `tenant:T`.
        public init(parsing text: String) throws {
            if text == "all" { self = .all; return }
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else { throw Self.invalid(text) }
            switch parts[0] {
            case "bundle": self = .bundle(parts[1])
            case "tenant": self = .tenant(parts[1])
            default: throw Self.invalid(text)
            }
        }

        public var description: String {
            switch self {
            case .all: "all"
            case .bundle(let name): "bundle:\(name)"
            case .tenant(let tenant): "tenant:\(tenant)"
            }
        }

        public init(from decoder: Decoder) throws {
            self = try Scope(parsing: try decoder.singleValueContainer().decode(String.self))
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }

        private static func invalid(_ text: String) -> SwitchyardError {
            .usage("'\(text)' is not a freeze scope", hint: "valid: all, bundle:NAME, tenant:TENANT")
        }
    }

    public var scope: Scope
    public var reason: String
    public var actor: String
    public var since: Date
    public var expires: Date?

    public init(scope: Scope, reason: String, actor: String, since: Date, expires: Date?) {
        self.scope = scope
        self.reason = reason
        self.actor = actor
        self.since = since
        self.expires = expires
    }

    public func isActive(at now: Date) -> Bool { expires.map { now < $0 } ?? true }

    /// Whether the freeze covers a change to `bundle` (by name) for `tenant` (nil: every tenant).
    public func covers(bundleName: String?, tenant: String?) -> Bool {
        switch scope {
        case .all: true
        case .bundle(let name): bundleName == name
        case .tenant(let frozen): tenant == nil || tenant == frozen
        }
    }
}

/// Changes a freeze rules on. Rollbacks are never among them.
public enum GuardedAction: Hashable, Sendable {
    case advanceRollout(bundleName: String, tenant: String?)
    case promote(bundleName: String)
    case stageChange(bundleName: String, to: Stage)
    case startRollout(bundleName: String)
    /// Routing traffic to a bundle that has never served: a new prompt-cache namespace.
    case routeNewBundle(bundleName: String, tenant: String?)
    case rollback

    var target: (bundle: String?, tenant: String?) {
        switch self {
        case .advanceRollout(let name, let tenant), .routeNewBundle(let name, let tenant): (name, tenant)
        case .promote(let name), .startRollout(let name): (name, nil)
        case .stageChange(let name, _): (name, nil)
        case .rollback: (nil, nil)
        }
    }
}

/// Decides whether freezes allow an action; rollbacks are always allowed.
public enum FreezeGuard {
    /// The active freeze that blocks `action`, or nil when it may proceed.
    public static func blocking(_ action: GuardedAction, freezes: [Freeze], at now: Date) -> Freeze? {
        if case .rollback = action { return nil }
        if case .stageChange(_, let to) = action, to == .archived { return nil }
        let target = action.target
        return freezes.first { $0.isActive(at: now) && $0.covers(bundleName: target.bundle, tenant: target.tenant) }
    }

    /// Throws a refusal naming the freeze (who, why, until when) unless the action may proceed. With an
    /// override reason it proceeds and returns the freeze it overrode, for the journal.
    @discardableResult
    public static func check(_ action: GuardedAction, freezes: [Freeze], at now: Date, overrideReason: String? = nil) throws -> Freeze? {
        guard let freeze = blocking(action, freezes: freezes, at: now) else { return nil }
        guard overrideReason == nil else { return freeze }
        throw SwitchyardError.refused(
            describe(freeze), hint: "rollbacks are still allowed; to act anyway, pass --override-freeze --reason \"…\" (journaled as an override)")
    }

    /// `frozen (SCOPE) by WHO until WHEN: WHY`.
    public static func describe(_ freeze: Freeze) -> String {
        let until = freeze.expires.map { " until \(Timestamp.format($0))" } ?? " until someone unfreezes"
        return "frozen (\(freeze.scope)) by \(freeze.actor)\(until): \(freeze.reason)"
    }

    /// How an overridden freeze is written in the journal.
    public static func overrideNote(_ freeze: Freeze) -> JSONValue { .string("\(freeze.scope) by \(freeze.actor): \(freeze.reason)") }
}
