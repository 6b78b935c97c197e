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

    /// The logical model names a tenant may ask for: the names of the bundles its route sends traffic to.
    func logicalModels(forTenant tenant: String?) -> [String] {
        guard let route = table.route(forTenant: tenant) else { return [] }
        var names: [String] = []
        for weight in route.weights where !names.contains(weight.bundle.name) { names.append(weight.bundle.name) }
        return names
    }
}

/// A bundle as the request path uses it: how to rewrite requests, and which backends may serve them.
struct ServedBundle: Sendable {
    let resolved: ResolvedBundle
    let applier: BundleApplier
    let pool: BackendPool
}
