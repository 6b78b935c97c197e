import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchyardCore
import SwitchyardRouter
import SwitchyardStore

/// Plays a golden suite through a private router on loopback: one tenant routed wholly to the candidate, one to
/// the bundle it is compared with, each served by its own pool. Nothing of it reaches live traffic or its telemetry.
struct EvalRunner {
    let store: SwitchyardStore

    static let candidateTenant = "eval-candidate"
    static let baselineTenant = "eval-baseline"

    func run(_ suite: EvalSuite, candidate: BundleRef, baseline: BundleRef?) async throws -> EvalReport {
        let loader = RoutingLoader(store: store)
        var bundles = [candidate: try loader.resolve(candidate, role: "is to be evaluated")]
        var routes = [Self.candidateTenant: TenantRoute(weights: [WeightedBundle(bundle: candidate, basisPoints: fullWeight)])]
        if let baseline {
            bundles[baseline] = try loader.resolve(baseline, role: "is the comparison")
            routes[Self.baselineTenant] = TenantRoute(weights: [WeightedBundle(bundle: baseline, basisPoints: fullWeight)])
        }
        for (ref, resolved) in bundles where await HealthProbe.healthy(resolved.pool.endpoints, serving: resolved.bundle.model).isEmpty {
            throw SwitchyardError.failure(
                "no backend of \(ref) answers its health check serving \(resolved.bundle.model.id)@\(resolved.bundle.model.revision ?? "?")",
                hint: ref == candidate ? "start its pool (`switchyard pool show \(ref)`) and run the evaluation again"
                    : "start its pool, compare with another bundle (--against NAME@VERSION), or evaluate alone (--no-compare)")
        }
        let router = SwitchyardRouter()
        router.install(RoutingPlan(table: RoutingTable(generation: 1, routes: routes), bundles: bundles))
        await router.checkHealthNow()
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let group = BackgroundGroup(services: router.services(listen: ("127.0.0.1", 0), admin: ("127.0.0.1", 0)) { data, _ in
            portSink.yield(data)
        })
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw SwitchyardError.failure("the evaluation router did not start") }
        do {
            let base = "http://127.0.0.1:\(port)"
            let results = try await answers(suite, bundle: bundles[candidate]!.bundle, tenant: Self.candidateTenant, base: base)
            var baselineResults: [EvalCaseResult] = []
            if let baseline {
                baselineResults = try await answers(suite, bundle: bundles[baseline]!.bundle, tenant: Self.baselineTenant, base: base)
            }
            await group.stop()
            return EvalReport(bundle: candidate, suite: suite, baseline: baseline, results: results, baselineResults: baselineResults)
        } catch {
            await group.stop()
            throw error
        }
    }

    /// Sends every case as `tenant` and judges each answer by the case and `bundle`'s contracts.
    private func answers(_ suite: EvalSuite, bundle: ReleaseBundle, tenant: String, base: String) async throws -> [EvalCaseResult] {
        let judge = EvalJudge(contracts: ContractJudge(bundle.contracts))
        var results: [EvalCaseResult] = []
        for testCase in suite.cases {
            var body: [String: JSONValue] = ["model": .string(bundle.name), "messages": .array(testCase.messages)]
            body["response_format"] = testCase.responseFormat
            var request = HTTPClientRequest(url: base + "/v1/chat/completions")
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.headers.add(name: "x-switchyard-tenant", value: tenant)
            request.headers.add(name: "x-request-id", value: "eval-\(suite.name)-\(testCase.id)")
            request.body = .bytes(ByteBuffer(string: JSONValue.object(body).canonicalText))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            let bytes = try await response.body.collect(upTo: 16 << 20)
            let error: String? = if case .string(let message)? = (try? JSONValue(parsing: bytes.readableBytesView))?["error"]?["message"] { message } else { nil }
            results.append(judge.judge(testCase, status: Int(response.status.code), answer: AnswerSummary(json: bytes.readableBytesView), error: error))
        }
        return results
    }
}
