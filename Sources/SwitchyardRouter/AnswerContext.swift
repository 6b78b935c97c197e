import Foundation
import NIOCore
import Synchronization
import SwitchyardCore

/// Releases a request's backend slot and in-flight entry exactly once: when its answer ends, when it fails,
/// or, as a last resort, when the exchange that holds it is dropped.
final class Completion: Sendable {
    private let done = Mutex(false)
    private let endpoint: Endpoint
    private let ticket: InFlightTicket
    private let registry: InFlightRegistry

    init(endpoint: Endpoint, ticket: InFlightTicket, registry: InFlightRegistry) {
        self.endpoint = endpoint
        self.ticket = ticket
        self.registry = registry
    }

    func finish() {
        guard done.withLock({ done in defer { done = true }; return !done }) else { return }
        endpoint.release()
        registry.remove(ticket)
    }

    deinit { finish() }
}

/// What the router needs to measure one answer after passing it back.
struct AnswerContext: Sendable {
    let router: SwitchyardRouter
    let key: TelemetryKey
    let served: ServedBundle
    let request: AnswerRequest
    let arrival: ContinuousClock.Instant

    /// Measures a complete (non-streaming) answer; called once its bytes are on their way to the client, so
    /// inspecting it adds nothing to the client's latency.
    func recordWhole(status: Int, body: ByteBuffer, firstByteAt: ContinuousClock.Instant) {
        record(status: status, summary: AnswerSummary(json: body.readableBytesView), firstByteAt: firstByteAt, streamBroken: false)
    }

    func record(status: Int, summary: AnswerSummary, firstByteAt: ContinuousClock.Instant, streamBroken: Bool) {
        router.telemetry.record(served.observation(key, status: status, summary: summary, request: request, refusals: router.refusals,
                                                   latency: ContinuousClock.now - arrival, firstByte: firstByteAt - arrival, streamBroken: streamBroken))
    }

    /// The in-band event that ends a stream the backend broke off, so no client mistakes it for a complete answer.
    var brokenStreamEvent: ByteBuffer {
        let event: JSONValue = ["error": [
            "message": .string("the backend of \(served.resolved.bundle.ref) broke off the stream; this answer is incomplete"),
            "type": "server_error", "code": "upstream_stream_broken",
        ]]
        return ByteBuffer(string: "data: \(event.canonicalText)\n\n")
    }
}
