import Atomics
import Synchronization
import SwitchyardCore

/// One backend base URL: its health and how many requests it is serving now.
final class Endpoint: Sendable {
    let url: String
    let target: UpstreamTarget
    let outstanding = ManagedAtomic<Int>(0)
    let healthy = ManagedAtomic<Bool>(false)
    /// Whether a health check has answered for it yet; until then it counts as unhealthy.
    let probed = ManagedAtomic<Bool>(false)
    /// Health checks in a row that got no answer in time.
    let missedProbes = ManagedAtomic<Int>(0)
    /// A healthy backend is taken out after this many unanswered checks in a row: one slow answer on a busy
    /// machine is not an outage. An answer that says unhealthy (or a refused connection) takes it out at once.
    static let missedProbesToFail = 3
    /// Requests it may hold at once: its share of the pool's replicas × per-replica concurrency.
    let limit: ManagedAtomic<Int>
    /// What its `/v1/models` listed at the last healthy check; nil until read, or when it lists nothing readable.
    let served = Mutex<ServedModels?>(nil)

    /// `url` is already normalised, without a trailing slash.
    init(url: String, limit: Int) {
        self.url = url
        target = UpstreamTarget(url: url)
        self.limit = ManagedAtomic(limit)
    }

    /// Updates its health from one check.
    func record(_ verdict: HealthProbe.Verdict) {
        switch verdict {
        case .healthy:
            missedProbes.store(0, ordering: .relaxed)
            healthy.store(true, ordering: .relaxed)
        case .unhealthy:
            missedProbes.store(0, ordering: .relaxed)
            healthy.store(false, ordering: .relaxed)
        case .noAnswer:
            if missedProbes.wrappingIncrementThenLoad(ordering: .relaxed) >= Self.missedProbesToFail { healthy.store(false, ordering: .relaxed) }
        }
        probed.store(true, ordering: .relaxed)
    }

    /// Takes a slot unless the endpoint is at its limit.
    func tryAcquire() -> Bool {
        var current = outstanding.load(ordering: .relaxed)
        while current < limit.load(ordering: .relaxed) {
            let (exchanged, original) = outstanding.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func release() { outstanding.wrappingDecrement(ordering: .acquiringAndReleasing) }

    /// Whether it serves `model` (true when it cannot tell: no pin, or no model list read). On every request's
    /// path, so it builds no text.
    func serves(_ model: ModelReference?) -> Bool {
        guard let model else { return true }
        return served.withLock { $0?.serves(model) ?? true }
    }

    /// Why it does not serve `model`, nil when it does (or cannot tell).
    func mismatch(with model: ModelReference?) -> String? {
        guard let model else { return nil }
        return served.withLock { $0?.mismatch(with: model) }
    }
}

/// Why no backend could take a request.
enum PoolRefusal: Error {
    /// Every healthy backend is at its concurrency limit: answer 429 with Retry-After.
    case saturated
    /// No backend of the pool is healthy and warm.
    case noHealthyBackend
}

/// The backends of one bundle; picks the warm one (healthy, serving the pinned model) with the fewest
/// outstanding requests.
struct BackendPool: Sendable {
    let endpoints: [Endpoint]
    /// The model the bundle pins; a backend listing other weights is not warm for it.
    let model: ModelReference?

    /// Healthy backends that serve the pinned model.
    var warm: [Endpoint] { endpoints.filter { $0.healthy.load(ordering: .relaxed) && $0.serves(model) } }

    func acquire() throws(PoolRefusal) -> Endpoint {
        // Most requests take the least busy warm backend at once, found without building a list.
        var leastBusy: Endpoint?
        for endpoint in endpoints where endpoint.healthy.load(ordering: .relaxed) && endpoint.serves(model) {
            if let best = leastBusy, best.outstanding.load(ordering: .relaxed) <= endpoint.outstanding.load(ordering: .relaxed) { continue }
            leastBusy = endpoint
        }
        guard let leastBusy else { throw .noHealthyBackend }
        if leastBusy.tryAcquire() { return leastBusy }
        // It filled up meanwhile, or is at its limit: try the others, least busy first.
        let healthy = warm
        guard !healthy.isEmpty else { throw .noHealthyBackend }
        for endpoint in healthy.sorted(by: { $0.outstanding.load(ordering: .relaxed) < $1.outstanding.load(ordering: .relaxed) })
        where endpoint.tryAcquire() {
            return endpoint
        }
        throw .saturated
    }

    /// Requests the pool is serving now.
    var outstanding: Int { endpoints.reduce(0) { $0 + $1.outstanding.load(ordering: .relaxed) } }
}

/// Every endpoint the router knows, by URL, so that counters and health survive a new routing generation
/// and a backend shared by two bundles is counted once.
final class EndpointDirectory: Sendable {
    private let endpoints = Mutex<[String: Endpoint]>([:])

    /// The pool for `spec` serving `model`, reusing known endpoints and updating their limits.
    func pool(for spec: PoolSpec, model: ModelReference?) -> BackendPool {
        let perEndpoint = spec.endpoints.isEmpty ? 0 : (spec.capacity + spec.endpoints.count - 1) / spec.endpoints.count
        return endpoints.withLock { known in
            BackendPool(endpoints: spec.endpoints.map { url in
                let key = url.hasSuffix("/") ? String(url.dropLast()) : url
                if let existing = known[key] {
                    existing.limit.store(perEndpoint, ordering: .relaxed)
                    return existing
                }
                let created = Endpoint(url: key, limit: perEndpoint)
                known[key] = created
                return created
            }, model: model)
        }
    }

    var all: [Endpoint] { endpoints.withLock { Array($0.values) } }
}
