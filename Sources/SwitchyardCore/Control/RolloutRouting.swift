/// Turns a rollout's desired canary shares into routes: baseline and canary split per tenant, the mirror
/// step's shadow copy to the canary, and, once the canary has everything, a warm-keep mirror to the baseline
/// so that a rollback lands on warm replicas and caches.
public enum RolloutRouting {
    /// The warm-keep mirror's default share of traffic copied to the previous bundle.
    public static let defaultWarmKeepBasisPoints = 500

    /// `table` with every tenant the rollout sets replaced; the generation is not changed here.
    public static func apply(_ rollout: Rollout, to table: RoutingTable, warmKeepBasisPoints: Int = defaultWarmKeepBasisPoints) -> RoutingTable {
        var next = table
        for (tenant, canaryPoints) in rollout.canaryWeights {
            let template = table.routes[tenant] ?? table.routes[RoutingTable.defaultTenant]
            var weights: [WeightedBundle] = []
            if canaryPoints < fullWeight { weights.append(WeightedBundle(bundle: rollout.baseline, basisPoints: fullWeight - canaryPoints)) }
            if canaryPoints > 0 { weights.append(WeightedBundle(bundle: rollout.canary, basisPoints: canaryPoints)) }
            var shadow: ShadowRoute?
            if canaryPoints == fullWeight, warmKeepBasisPoints > 0, !rollout.status.isAborted {
                shadow = ShadowRoute(bundle: rollout.baseline, sampleBasisPoints: warmKeepBasisPoints)
            } else if canaryPoints < fullWeight, rollout.mirrorBasisPoints > 0 {
                shadow = ShadowRoute(bundle: rollout.canary, sampleBasisPoints: rollout.mirrorBasisPoints)
            }
            next.routes[tenant] = TenantRoute(
                weights: weights, shadow: shadow,
                maxSessionAgeSeconds: template?.maxSessionAgeSeconds ?? TenantRoute.defaultMaxSessionAgeSeconds,
                migrateSessions: rollout.status.isAborted)
        }
        return next
    }
}

extension Rollout.Status {
    var isAborted: Bool {
        if case .aborted = self { return true }
        return false
    }
}
