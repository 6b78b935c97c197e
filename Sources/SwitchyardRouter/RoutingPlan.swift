import Atomics
import SwitchyardCore

/// What the router needs to serve one bundle: the bundle, its system prompt text, its pool,
/// and the upstream credential (resolved from the pool's environment variable, never logged).
public struct ResolvedBundle: Sendable {
    public var bundle: ReleaseBundle
    public var systemPromptText: String?
    public var pool: PoolSpec
    public var upstreamAuthorization: String?

    public init(bundle: ReleaseBundle, systemPromptText: String?, pool: PoolSpec, upstreamAuthorization: String? = nil) {
        self.bundle = bundle
        self.systemPromptText = systemPromptText
        self.pool = pool
        self.upstreamAuthorization = upstreamAuthorization
    }
}

/// A routing generation with everything its routes refer to, ready to install.
public struct RoutingPlan: Sendable {
    public var table: RoutingTable
    public var bundles: [BundleRef: ResolvedBundle]

    public init(table: RoutingTable, bundles: [BundleRef: ResolvedBundle]) {
        self.table = table
        self.bundles = bundles
    }
}

/// The generation the request path reads: immutable, swapped atomically, never locked or read from a database.
final class RoutingSnapshot: AtomicReference, Sendable {
    let table: RoutingTable
    let bundles: [BundleRef: ServedBundle]

    init(table: RoutingTable, bundles: [BundleRef: ServedBundle]) {
        self.table = table
        self.bundles = bundles
    }

    var generation: Int { table.generation }

    /// The logical model names a route answers to: the names of the bundles it sends traffic to, in order.
    static func logicalModels(of route: TenantRoute) -> [String] {
        var seen = Set<String>()
        return route.weights.map(\.bundle.name).filter { seen.insert($0).inserted }
    }
}
