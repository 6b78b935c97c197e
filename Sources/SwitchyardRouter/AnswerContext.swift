import Foundation
import NIOCore
import SwitchyardCore

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
