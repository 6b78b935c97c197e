import Foundation
import SwitchyardCore
import SwitchyardStore

/// Capacity from pool settings plus health checks: a pool's replicas count as warm in proportion to its
/// endpoints that pass health checks. A static pool cannot scale itself; `--warm-first` waits for its
/// health checks (an operator or autoscaler brings replicas up and records them with `pool set`).
public struct StaticCapacityProvider: CapacityProvider {
    let store: SwitchyardStore
    /// The latest observations by bundle (health, traffic), from the live router or from the store.
    let observations: @Sendable () -> [BundleRef: BundleObservation]

    public init(store: SwitchyardStore, observations: @escaping @Sendable () -> [BundleRef: BundleObservation]) {
        self.store = store
        self.observations = observations
    }

    public func drainTarget(for bundle: BundleRef) throws -> DrainTarget {
        guard let pool = try store.pool(bundle)?.spec else {
            throw SwitchyardError.refused("\(bundle) has no pool, so nothing could take its traffic",
                                          hint: "deploy it first: switchyard pool set \(bundle) --endpoint URL --replicas N --max-concurrency C --reason …")
        }
        return DrainTarget(warmReplicas: pool.warmReplicas(healthyEndpoints: observations()[bundle]?.healthyEndpoints ?? []), maxReplicas: pool.replicas, perReplicaConcurrency: pool.maxConcurrency,
                           coldStartSeconds: pool.coldStartSeconds, scaleUpPerMinute: pool.scaleUpPerMinute)
    }

    public func load(of bundle: BundleRef) -> BundleLoad {
        guard let seen = observations()[bundle], seen.observed else { return .unobserved }
        return BundleLoad(requestsPerSecond: seen.requestsPerSecond, meanLatencySeconds: seen.meanLatencySeconds, inFlight: seen.inFlight)
    }

    public func requestScaleUp(of bundle: BundleRef) -> String {
        "static pool: no autoscaler to call; waiting for \(bundle)'s endpoints to pass health checks"
    }
}
