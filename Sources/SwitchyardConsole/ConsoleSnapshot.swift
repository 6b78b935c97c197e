import Foundation

/// Everything the console shows at one moment; the executable fills it from the Engine's snapshots.
public struct ConsoleSnapshot: Hashable, Sendable, Codable {
    /// Where the console's data comes from.
    public enum Mode: String, Hashable, Sendable, Codable {
        case attached, embedded, demo, replay, drill
    }

    public var mode: Mode
    public var stateDirectory: String
    public var generation: Int
    /// The time the snapshot describes (shown in UTC).
    public var now: Date
    public var freeze: FreezeBanner?
    public var breaker: Breaker
    /// When the cooldown after an automatic rollback ends; nil when none runs.
    public var cooldownEnds: Date?
    public var bundles: [BundleRow]
    /// The default route and each tenant's own.
    public var routes: [TenantRoute]
    public var rollout: Rollout?
    public var drain: Drain?
    /// Rollbacks, newest first.
    public var rollbacks: [Rollback]
    /// The journal's tail, newest first.
    public var events: [Event]
    public var pinnedSessions: Int
    public var requestsInFlight: Int
    /// Every registered bundle, for the registry view.
    public var registry: [RegistryEntry]
    /// A drill's question to the on-call, while it waits for an answer.
    public var prompt: DrillPrompt?
    /// Why the console does not steer (a broken journal), shown before anything else.
    public var alarm: String?

    public init(mode: Mode, stateDirectory: String, generation: Int, now: Date, freeze: FreezeBanner? = nil,
                breaker: Breaker = Breaker(open: false, consecutive: 0), cooldownEnds: Date? = nil, bundles: [BundleRow] = [],
                routes: [TenantRoute] = [], rollout: Rollout? = nil, drain: Drain? = nil, rollbacks: [Rollback] = [],
                events: [Event] = [], pinnedSessions: Int = 0, requestsInFlight: Int = 0, registry: [RegistryEntry] = []) {
        self.mode = mode
        self.stateDirectory = stateDirectory
        self.generation = generation
        self.now = now
        self.freeze = freeze
        self.breaker = breaker
        self.cooldownEnds = cooldownEnds
        self.bundles = bundles
        self.routes = routes
        self.rollout = rollout
        self.drain = drain
        self.rollbacks = rollbacks
        self.events = events
        self.pinnedSessions = pinnedSessions
        self.requestsInFlight = requestsInFlight
        self.registry = registry
    }

    /// An incident freeze in force.
    public struct FreezeBanner: Hashable, Sendable, Codable {
        /// `all`, `bundle:NAME` or `tenant:T`.
        public var scope: String
        public var reason: String
        public var actor: String
        /// nil: until someone unfreezes.
        public var expires: Date?

        public init(scope: String, reason: String, actor: String, expires: Date?) {
            self.scope = scope
            self.reason = reason
            self.actor = actor
            self.expires = expires
        }
    }

    /// The circuit breaker on automatic rollbacks.
    public struct Breaker: Hashable, Sendable, Codable {
        public var open: Bool
        /// Consecutive automatic rollbacks so far.
        public var consecutive: Int

        public init(open: Bool, consecutive: Int) {
            self.open = open
            self.consecutive = consecutive
        }
    }

    /// Shortens `name@version` to `@version` when every bundle shares the name, for narrow panels. Work out the
    /// shared name once per frame, then call the result for each reference.
    func shortNames() -> ShortNames {
        let names = Set(bundles.map { $0.name.split(separator: "@", maxSplits: 1).first ?? "" })
        return ShortNames(shared: names.count == 1 ? names.first.map(String.init) : nil)
    }
}

/// Drops the bundle name all bundles share from `name@version` references.
struct ShortNames {
    let shared: String?

    func callAsFunction(_ reference: String) -> String {
        guard let shared, reference.hasPrefix(shared + "@") else { return reference }
        return String(reference.dropFirst(shared.count))
    }
}
