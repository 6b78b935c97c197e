import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchyardCore

extension SwitchyardRouter {
    /// Sends a sampled copy of a request to the tenant's shadow bundle, off the client's path: the answer is
    /// read, measured under role `shadow` and discarded. At most `shadowConcurrency` copies run at once;
    /// beyond that, copies are dropped rather than queued.
    /// `draw`, uniform in 0..<10000, decides whether this request is in the shadow's sample.
    func mirror(_ body: JSONObjectBytes, draw: Int, path: String, kind: EndpointKind, session: String?, route: TenantRoute,
                snapshot: RoutingSnapshot, tenantLabel: String) {
        guard let shadow = route.shadow, shadow.sampleBasisPoints > 0,
              draw < shadow.sampleBasisPoints, let served = snapshot.bundles[shadow.bundle] else { return }
        guard shadowsInFlight.wrappingIncrementThenLoad(ordering: .acquiringAndReleasing) <= configuration.shadowConcurrency else {
            shadowsInFlight.wrappingDecrement(ordering: .acquiringAndReleasing)
            return
        }
        let key = TelemetryKey(bundle: shadow.bundle, tenant: tenantLabel, role: .shadow)
        Task.detached { [self] in
            defer { shadowsInFlight.wrappingDecrement(ordering: .acquiringAndReleasing) }
            guard let endpoint = try? served.pool.acquire() else {
                telemetry.recordRejected(key, at: Date())
                return
            }
            defer { endpoint.release() }
            var request = HTTPClientRequest(url: endpoint.url + path)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.headers.add(name: "x-switchyard-role", value: "shadow")
            if let authorization = served.resolved.upstreamAuthorization { request.headers.add(name: "authorization", value: authorization) }
            request.body = .bytes(ByteBuffer(bytes: served.applier.apply(to: body, kind: kind, session: session).body))
            let start = ContinuousClock.now
            do {
                let answer = try await UpstreamAnswer.fetch(request, client: client, timeout: served.timeout(within: configuration.upstreamTimeout),
                                                         maxBody: configuration.maxAnswerBytes)
                let summary: AnswerSummary
                if answer.isStream {
                    var scanner = StreamScanner()
                    scanner.feed(answer.firstBytes.readableBytesView)
                    while let chunk = try await answer.nextChunk() { scanner.feed(chunk.readableBytesView) }
                    summary = scanner.summary
                } else {
                    summary = AnswerSummary(json: answer.firstBytes.readableBytesView)
                }
                telemetry.record(served.observation(key, status: answer.status, summary: summary, request: AnswerRequest(body), refusals: refusals,
                                                    latency: ContinuousClock.now - start, firstByte: answer.firstByteAt - start,
                                                    streamBroken: answer.isStream && !summary.sawDone))
            } catch {
                let timedOut = UpstreamAnswer.isTimeout(error)
                telemetry.record(RequestObservation(key: key, time: Date(), status: timedOut ? 504 : 502,
                                                    latencyMicros: (ContinuousClock.now - start).microseconds, upstreamError: true, timeout: timedOut))
            }
        }
    }
}
