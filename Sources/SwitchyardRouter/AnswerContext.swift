import Foundation
import Hummingbird
import NIOCore
import Synchronization
import SwitchyardCore

/// Releases a request's backend slot and in-flight entry exactly once: when its answer ends, or, if the
/// response body is never written (the client went away first), when the response is dropped.
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

/// What the router needs to measure one answer and pass it back.
struct AnswerContext: Sendable {
    let router: SwitchyardRouter
    let key: TelemetryKey
    let served: ServedBundle
    let request: AnswerRequest
    let arrival: ContinuousClock.Instant
    let completion: Completion

    /// A complete (non-streaming) answer: the backend slot is free at once; the answer is inspected
    /// after its bytes are on their way to the client, so measuring it adds nothing to the client's latency.
    func wholeBody(_ answer: UpstreamAnswer) -> ResponseBody {
        completion.finish()
        return ResponseBody(contentLength: answer.firstBytes.readableBytes) { writer in
            try await writer.write(answer.firstBytes)
            try await writer.finish(nil)
            recordWhole(answer)
        }
    }

    /// Measures a whole answer once it is sent; out of line for the reason `record` gives.
    @inline(never)
    private func recordWhole(_ answer: UpstreamAnswer) {
        record(status: answer.status, summary: AnswerSummary(json: answer.firstBytes.readableBytesView), firstByteAt: answer.firstByteAt,
               streamBroken: false)
    }

    /// Streams the rest of the answer as it arrives. If the backend breaks off, the client gets an in-band
    /// error event and no `[DONE]`, so no client mistakes a truncated answer for a complete one.
    func streamBody(_ answer: UpstreamAnswer) -> ResponseBody {
        ResponseBody { writer in
            var scanner = StreamScanner()
            var broken = false
            defer {
                completion.finish()
                record(status: answer.status, summary: scanner.summary, firstByteAt: answer.firstByteAt, streamBroken: broken)
            }
            scanner.feed(answer.firstBytes.readableBytesView)
            try await writer.write(answer.firstBytes)
            do {
                while let chunk = try await answer.nextChunk() {
                    scanner.feed(chunk.readableBytesView)
                    try await writer.write(chunk)
                }
                broken = !scanner.summary.sawDone
            } catch {
                broken = true
            }
            if broken {
                let event: JSONValue = ["error": [
                    "message": .string("the backend of \(served.resolved.bundle.ref) broke off the stream; this answer is incomplete"),
                    "type": "server_error", "code": "upstream_stream_broken",
                ]]
                try await writer.write(ByteBuffer(string: "data: \(event.canonicalText)\n\n"))
            }
            try await writer.finish(nil)
        }
    }

    /// Out of line on purpose: inlined into an async body, the measuring code's locals become part of the task's
    /// frame, and the connection's task keeps memory of that size for as long as the connection stays open.
    @inline(never)
    private func record(status: Int, summary: AnswerSummary, firstByteAt: ContinuousClock.Instant, streamBroken: Bool) {
        router.telemetry.record(served.observation(key, status: status, summary: summary, request: request, refusals: router.refusals,
                                                   latency: ContinuousClock.now - arrival, firstByte: firstByteAt - arrival, streamBroken: streamBroken))
    }
}
