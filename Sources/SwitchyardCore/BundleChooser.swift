import Foundation

/// Where a session was pinned: the bundle it started on, and when.
public struct SessionPin: Hashable, Sendable {
    public var bundle: BundleRef
    public var since: Date

    public init(bundle: BundleRef, since: Date) {
        self.bundle = bundle
        self.since = since
    }
}

/// The bundle chosen for one request and whether the session's pin should be (re)written.
public struct BundleChoice: Hashable, Sendable {
    public var bundle: BundleRef
    /// The pin to store for the session; nil when the existing pin stands or there is no session.
    public var newPin: SessionPin?
}

/// Chooses a bundle for a request from a tenant's route. A session's bucket (a hash of its id) picks the
/// bundle from the cumulative weights, so splits and stickiness are one mechanism. A pinned session stays
/// on its bundle for the route's maximum session age while that bundle still has weight, unless the route
/// says to migrate sessions.
public enum BundleChooser {
    public static func choose(
        route: TenantRoute, session: String?, pin: SessionPin?, now: Date, randomBucket: () -> Int
    ) -> BundleChoice {
        let bucket = session.map(SessionBucket.bucket(for:)) ?? randomBucket()
        let fresh = route.bundle(forBucket: bucket)
        guard session != nil else { return BundleChoice(bundle: fresh, newPin: nil) }
        if let pin, now.timeIntervalSince(pin.since) < Double(route.maxSessionAgeSeconds) {
            let stillServed = route.weights.contains { $0.bundle == pin.bundle && $0.basisPoints > 0 }
            if pin.bundle == fresh || (stillServed && !route.migrateSessions) {
                return BundleChoice(bundle: pin.bundle, newPin: nil)
            }
        }
        return BundleChoice(bundle: fresh, newPin: SessionPin(bundle: fresh, since: now))
    }
}
