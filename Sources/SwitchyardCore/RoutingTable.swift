/// Basis points: 10000 is all of a tenant's traffic.
public let fullWeight = 10_000

/// One bundle's share of a tenant's traffic, in basis points.
public struct WeightedBundle: Codable, Hashable, Sendable {
    public var bundle: BundleRef
    public var basisPoints: Int

    public init(bundle: BundleRef, basisPoints: Int) {
        self.bundle = bundle
        self.basisPoints = basisPoints
    }

    enum CodingKeys: String, CodingKey {
        case bundle
        case basisPoints = "basis_points"
    }
}

/// A sampled copy of a tenant's traffic sent to another bundle, whose answers are discarded.
public struct ShadowRoute: Codable, Hashable, Sendable {
    public var bundle: BundleRef
    public var sampleBasisPoints: Int

    public init(bundle: BundleRef, sampleBasisPoints: Int) {
        self.bundle = bundle
        self.sampleBasisPoints = sampleBasisPoints
    }

    enum CodingKeys: String, CodingKey {
        case bundle
        case sampleBasisPoints = "sample_basis_points"
    }
}

/// How one tenant's traffic is split, mirrored and pinned.
public struct TenantRoute: Codable, Hashable, Sendable {
    /// Sessions stay on the bundle they started on this long unless a flip migrates them.
    public static let defaultMaxSessionAgeSeconds = 1800

    public var weights: [WeightedBundle]
    public var shadow: ShadowRoute?
    public var maxSessionAgeSeconds: Int
    public var migrateSessions: Bool

    public init(
        weights: [WeightedBundle], shadow: ShadowRoute? = nil,
        maxSessionAgeSeconds: Int = TenantRoute.defaultMaxSessionAgeSeconds, migrateSessions: Bool = false
    ) {
        self.weights = weights
        self.shadow = shadow
        self.maxSessionAgeSeconds = maxSessionAgeSeconds
        self.migrateSessions = migrateSessions
    }

    enum CodingKeys: String, CodingKey {
        case weights, shadow
        case maxSessionAgeSeconds = "max_session_age_seconds"
        case migrateSessions = "migrate_sessions"
    }

    /// Every bundle this route sends traffic or a shadow copy to.
    public var bundles: [BundleRef] { weights.map(\.bundle) + (shadow.map { [$0.bundle] } ?? []) }

    /// Throws a usage error unless the weights are positive, name each bundle once and sum to exactly 10000.
    public func validate() throws {
        guard !weights.isEmpty else {
            throw SwitchyardError.usage("a route needs at least one bundle", hint: "for example: route set app@1.0.0=100%")
        }
        var seen = Set<BundleRef>()
        for weight in weights {
            guard seen.insert(weight.bundle).inserted else {
                throw SwitchyardError.usage("\(weight.bundle) appears twice in the weights", hint: "name each bundle once")
            }
            guard weight.basisPoints >= 0 else {
                throw SwitchyardError.usage("\(weight.bundle) has a negative weight", hint: "weights are 0 to 10000 basis points")
            }
        }
        let total = weights.reduce(0) { $0 + $1.basisPoints }
        guard total == fullWeight else {
            throw SwitchyardError.usage(
                "weights sum to \(WeightSpec.percent(total)) (\(total) bp), not 100% (10000 bp)",
                hint: "every request must go somewhere: make the weights add up to exactly 10000 basis points (100%)")
        }
        if let shadow, !(0...fullWeight).contains(shadow.sampleBasisPoints) {
            throw SwitchyardError.usage("shadow sample rate must be between 0% and 100%")
        }
        guard maxSessionAgeSeconds > 0 else {
            throw SwitchyardError.usage("max session age must be positive", hint: "for example --max-session-age 30m")
        }
    }

    /// The bundle whose cumulative weight range holds `bucket` (0..<10000).
    public func bundle(forBucket bucket: Int) -> BundleRef {
        var cumulative = 0
        for weight in weights {
            cumulative += weight.basisPoints
            if bucket < cumulative { return weight.bundle }
        }
        return weights[weights.count - 1].bundle
    }
}

/// What a flip does to requests in flight on a bundle it removes.
public enum InFlightPolicy: String, Codable, Sendable, CaseIterable {
    /// Let them complete on the old bundle.
    case finish
    /// Cancel those that have not sent a byte to the client and send them once to the new bundle.
    case reissue
}

/// The routing table: per tenant (and a default), how traffic is split. Each change makes a new generation.
public struct RoutingTable: Codable, Hashable, Sendable {
    /// The key of the route used by tenants that have none of their own.
    public static let defaultTenant = "*"

    public var generation: Int
    public var routes: [String: TenantRoute]
    /// What installing this generation does to requests in flight on a bundle it removes (nil: finish).
    public var inFlightPolicy: InFlightPolicy?

    public init(generation: Int = 0, routes: [String: TenantRoute] = [:], inFlightPolicy: InFlightPolicy? = nil) {
        self.generation = generation
        self.routes = routes
        self.inFlightPolicy = inFlightPolicy
    }

    enum CodingKeys: String, CodingKey {
        case generation, routes
        case inFlightPolicy = "in_flight_policy"
    }

    /// The route that applies to `tenant`: its own, or else the default.
    public func route(forTenant tenant: String?) -> TenantRoute? {
        tenant.flatMap { routes[$0] } ?? routes[Self.defaultTenant]
    }

    /// Every bundle any route refers to.
    public var referencedBundles: Set<BundleRef> { Set(routes.values.flatMap(\.bundles)) }

    /// The next generation, with `tenant`'s route replaced (or removed when `route` is nil).
    public func replacing(tenant: String, with route: TenantRoute?, inFlightPolicy: InFlightPolicy? = nil) -> RoutingTable {
        var next = self
        next.generation += 1
        next.routes[tenant] = route
        next.inFlightPolicy = inFlightPolicy
        return next
    }

    /// Tenants in display order: the default first, then by name.
    public var tenantsInOrder: [String] {
        routes.keys.sorted { lhs, rhs in
            lhs == Self.defaultTenant ? rhs != Self.defaultTenant : (rhs != Self.defaultTenant && lhs < rhs)
        }
    }
}
