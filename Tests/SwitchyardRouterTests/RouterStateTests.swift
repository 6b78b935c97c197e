import Foundation
import NIOCore
import SwitchyardCore
import Testing
@testable import SwitchyardRouter

@Suite struct BackendPoolTests {
    static let model = ModelReference(provider: "vllm", id: "acme/app-8b", revision: "a1b2c3d")

    func pool(_ urls: [String], replicas: Int = 2, concurrency: Int = 1) -> (BackendPool, EndpointDirectory) {
        let directory = EndpointDirectory()
        let spec = PoolSpec(bundle: try! BundleRef(parsing: "app@1"), endpoints: urls, replicas: replicas, maxConcurrency: concurrency)
        let pool = directory.pool(for: spec, model: Self.model)
        pool.endpoints.forEach { $0.healthy.store(true, ordering: .relaxed) }
        return (pool, directory)
    }

    @Test func picksTheLeastBusyHealthyBackendThenRefusesWhenFull() throws {
        let (pool, _) = pool(["http://a", "http://b"])
        let first = try pool.acquire()
        let second = try pool.acquire()
        #expect(first.url != second.url)
        #expect { try pool.acquire() } throws: { ($0 as? PoolRefusal) == .saturated }
        first.release()
        #expect(try pool.acquire().url == first.url)
    }

    @Test func unhealthyBackendsGetNothing() throws {
        let (pool, _) = pool(["http://a", "http://b"])
        pool.endpoints[0].healthy.store(false, ordering: .relaxed)
        #expect(try pool.acquire().url == "http://b")
        pool.endpoints[1].healthy.store(false, ordering: .relaxed)
        #expect { try pool.acquire() } throws: { ($0 as? PoolRefusal) == .noHealthyBackend }
    }

    @Test func aBackendListingOtherWeightsGetsNothing() throws {
        let (pool, _) = pool(["http://a", "http://b"])
        pool.endpoints[0].served.withLock { $0 = ServedModels(listing: ByteBuffer(string: #"{"data":[{"id":"acme/app-8b","revision":"ffff"}]}"#)) }
        #expect(pool.warm.map(\.url) == ["http://b"])
        #expect(pool.wrongModel == ["http://a": "serves acme/app-8b at revision ffff, not the pinned a1b2c3d"])
        #expect(try pool.acquire().url == "http://b")
        #expect { try pool.acquire() } throws: { ($0 as? PoolRefusal) == .saturated }  // never the wrong weights, even when b is full
    }

    @Test func aHealthyBackendLeavesOnlyAfterThreeUnansweredChecksButAtOnceWhenItSaysSo() {
        let endpoint = Endpoint(url: "http://a", limit: 4)
        let healthy = { endpoint.healthy.load(ordering: .relaxed) }
        endpoint.record(.noAnswer)
        let probed = endpoint.probed.load(ordering: .relaxed)
        #expect(!healthy() && probed, "never healthy: stays out")
        endpoint.record(.healthy)
        endpoint.record(.noAnswer)
        endpoint.record(.noAnswer)
        #expect(healthy(), "two slow checks on a busy machine are not an outage")
        endpoint.record(.healthy)
        endpoint.record(.noAnswer)
        endpoint.record(.noAnswer)
        #expect(healthy(), "an answer in between starts the count again")
        endpoint.record(.noAnswer)
        #expect(!healthy(), "the third unanswered check in a row takes it out")
        endpoint.record(.healthy)
        endpoint.record(.unhealthy)
        #expect(!healthy(), "a backend that answers 'unhealthy' leaves at once")
    }

    @Test func aBackendSharedByTwoBundlesIsOneEndpoint() {
        let directory = EndpointDirectory()
        let one = directory.pool(for: PoolSpec(bundle: try! BundleRef(parsing: "app@1"), endpoints: ["http://a/"], replicas: 1, maxConcurrency: 4), model: nil)
        let two = directory.pool(for: PoolSpec(bundle: try! BundleRef(parsing: "app@2"), endpoints: ["http://a"], replicas: 2, maxConcurrency: 4), model: nil)
        #expect(one.endpoints[0] === two.endpoints[0])
        #expect(two.endpoints[0].limit.load(ordering: .relaxed) == 8)
        #expect(directory.all.count == 1)
    }

    @Test func concurrentAcquiresNeverExceedTheLimit() async {
        let (pool, _) = pool(["http://a"], replicas: 1, concurrency: 10)
        let granted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<100 { group.addTask { (try? pool.acquire()) != nil } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(granted == 10)
        #expect(pool.outstanding == 10)
    }
}

@Suite struct InFlightRegistryTests {
    let a = try! BundleRef(parsing: "app@1"), b = try! BundleRef(parsing: "app@2")

    func table(_ bundle: BundleRef, generation: Int = 2) -> RoutingTable {
        RoutingTable(generation: generation, routes: ["*": TenantRoute(weights: [.init(bundle: bundle, basisPoints: fullWeight)])])
    }

    @Test func reissueCancelsOnlyRequestsThatHaveNotStartedAnswering() {
        let registry = InFlightRegistry()
        let waiting = InFlightTicket(tenant: "*", bundle: a)
        let streaming = InFlightTicket(tenant: "*", bundle: a)
        let elsewhere = InFlightTicket(tenant: "*", bundle: b)
        let cancelled = CancelCounter()
        waiting.attach { cancelled.hit() }
        #expect(streaming.markStarted())
        [waiting, streaming, elsewhere].forEach(registry.register)
        let outcome = registry.flip(to: table(b), policy: .reissue)
        #expect(outcome == FlipOutcome(generation: 2, affected: 2, reissued: 1))
        #expect(cancelled.count == 1)
        #expect(waiting.reissueRequested && !waiting.markStarted())
        #expect(!streaming.reissueRequested)
    }

    @Test func finishCountsButTouchesNothing() {
        let registry = InFlightRegistry()
        let ticket = InFlightTicket(tenant: "acme", bundle: a)
        registry.register(ticket)
        #expect(registry.flip(to: table(b), policy: .finish) == FlipOutcome(generation: 2, affected: 1, reissued: 0))
        #expect(!ticket.reissueRequested)
        registry.remove(ticket)
        #expect(registry.count == 0)
    }

    @Test func aReissueAskedBeforeTheUpstreamCallStartsCancelsItOnAttach() {
        let ticket = InFlightTicket(tenant: "*", bundle: a)
        #expect(ticket.requestReissue())
        let cancelled = CancelCounter()
        ticket.attach { cancelled.hit() }
        #expect(cancelled.count == 1)
    }
}

/// Counts calls from any thread.
final class CancelCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var hits = 0
    func hit() { lock.withLock { hits += 1 } }
    var count: Int { lock.withLock { hits } }
}

@Suite struct TelemetryHubTests {
    @Test func costIsSplitByTenantOverPrimaryTrafficOnly() {
        let hub = TelemetryHub()
        let canary = try! BundleRef(parsing: "app@2")
        let now = Date()
        for (tenant, role, cost) in [("acme", TrafficRole.primary, 0.5), ("acme", .primary, 0.25), ("globex", .primary, 1.0), ("acme", .shadow, 9.0)] {
            hub.record(RequestObservation(key: TelemetryKey(bundle: canary, tenant: tenant, role: role), time: now, status: 200, latencyMicros: 1000,
                                          costUSD: cost))
        }
        hub.record(RequestObservation(key: TelemetryKey(bundle: try! BundleRef(parsing: "app@1"), tenant: "acme", role: .primary), time: now,
                                      status: 200, latencyMicros: 1000, costUSD: 7))
        #expect(hub.costByTenant(bundle: canary, lastSeconds: 3600, now: now + 1) == ["acme": 0.75, "globex": 1.0])
    }
}
