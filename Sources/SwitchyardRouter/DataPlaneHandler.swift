import NIOCore
import NIOHTTP1
import SwitchyardCore

/// One client connection of the data plane: reads each request (refusing a body over the limit), answers it
/// or hands it to a `ProxyAttempt`, and writes what the attempt passes back. Runs on the connection's event loop.
final class DataPlaneHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let plane: DataPlane
    private let upstreams: UpstreamLoops
    /// Where the answers given on this connection's event loop are recorded for `switchyard affected`.
    let ledger: RequestLedger.Shard
    private var context: ChannelHandlerContext?
    private var request: (head: HTTPRequestHead, body: ByteBuffer, arrival: ContinuousClock.Instant)?
    /// The body went over the limit: the rest of it is read and dropped, then the connection closes.
    private var refusingBody = false
    private var attempt: ProxyAttempt?
    private var keepAlive = true
    /// What arrived while an answer was in progress (HTTP pipelining), in order.
    private var deferred: [Held] = []
    /// A graceful shutdown asked this connection to close once the answer in progress ends.
    private var quiescing = false
    /// `resumeDeferred` is working through the held requests.
    private var resuming = false
    private let maxBodyBytes: Int
    /// Request ids, and apart from them random buckets and shadow samples (an id, which the client sees, tells
    /// nothing of the draws): seeded once per connection from the system's generator, which would otherwise cost
    /// a system call per draw.
    private var ids = SeededGenerator(seed: UInt64.random(in: 0...UInt64.max))
    private var draws = SeededGenerator(seed: UInt64.random(in: 0...UInt64.max))

    /// A request part, or bytes that were not HTTP/1.1, held until the answer in progress ends.
    private enum Held {
        case part(HTTPServerRequestPart)
        case malformed(HTTPParserError)
    }

    init(plane: DataPlane, upstreams: UpstreamLoops, ledger: RequestLedger.Shard) {
        self.plane = plane
        self.upstreams = upstreams
        self.ledger = ledger
        maxBodyBytes = plane.router.configuration.maxBodyBytes
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard attempt == nil, deferred.isEmpty else { return hold(.part(part), context: context) }
        handle(part, context: context)
    }

    /// A pipelined request while an answer is in progress: held, and nothing more is read until the answer ends.
    private func hold(_ held: Held, context: ChannelHandlerContext) {
        if deferred.isEmpty { context.channel.setOption(.autoRead, value: false).whenFailure { _ in } }
        deferred.append(held)
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            request = (head, ByteBuffer(), .now)
            keepAlive = head.isKeepAlive
            if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
                // The client waits for this before sending its body (curl does for large bodies).
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
            }
        case .body(let part):
            guard !refusingBody, request != nil else { return }
            guard request!.body.readableBytes + part.readableBytes <= maxBodyBytes else { return refuseBody(context: context) }
            // A body that arrives in one part (most do) is kept as it was read, not copied.
            if request!.body.readableBytes == 0 { request!.body = part } else { request!.body.writeImmutableBuffer(part) }
        case .end:
            if refusingBody { return context.close(promise: nil) }
            guard let (head, body, arrival) = request else { return }
            request = nil
            switch plane.start(head, body: body, arrival: arrival, ids: &ids) {
            case .answer(let answer): self.answer(answer)
            case .proxy(let incoming): retry(incoming, attempt: 0)
            }
        }
    }

    /// Handles the requests held while an answer was in progress, until one of them is in progress in turn.
    /// One loop, not a call per request: an answer given on the spot ends inside it and leaves the rest to it, so
    /// thousands of pipelined requests do not nest as deep.
    private func resumeDeferred(context: ChannelHandlerContext) {
        guard !resuming else { return }
        resuming = true
        defer { resuming = false }
        while attempt == nil, !deferred.isEmpty, context.channel.isActive {
            switch deferred.removeFirst() {
            case .part(let part): handle(part, context: context)
            case .malformed(let error): refuseMalformed(error)
            }
        }
        if deferred.isEmpty { context.channel.setOption(.autoRead, value: true).whenFailure { _ in } }
    }

    func channelInactive(context: ChannelHandlerContext) {
        attempt?.clientGone()
        attempt = nil
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { attempt?.clientWritable() }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        let idle = attempt == nil && deferred.isEmpty
        if event is ChannelShouldQuiesceEvent {
            // Graceful shutdown: an idle connection closes now, a busy one after its answer.
            quiescing = true
            if idle && request == nil { context.close(promise: nil) }
            return
        }
        // No request in progress (or one still arriving) for the idle timeout: a slow or silent client cannot hold a connection.
        if let timeout = event as? IdleStateHandler.IdleStateEvent, timeout == .read, idle {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let malformed = error as? HTTPParserError else { return context.close(promise: nil) }
        // Bytes that are not HTTP/1.1 are answered in their turn, after any answer in progress, and end the connection.
        if attempt == nil && deferred.isEmpty { refuseMalformed(malformed) } else { hold(.malformed(malformed), context: context) }
    }

    private func refuseMalformed(_ error: HTTPParserError) {
        request = nil
        keepAlive = false
        answer(OpenAIError.invalidRequest("the request is not valid HTTP/1.1 (\(error)); the connection closes", code: "invalid_http").answer)
    }

    /// Sends `incoming` to a bundle: the first attempt, or the one after a routing flip moved the request.
    func retry(_ incoming: Incoming, attempt number: Int) {
        attempt = nil
        guard number < 2 else { return answer(DataPlane.rerouted.answer) }
        guard let context else { return }
        switch plane.send(incoming, attempt: number, random: &draws) {
        case .refused(let answer):
            self.answer(answer)
        case .sent(let exchange):
            let attempt = ProxyAttempt(client: self, plane: plane, connections: upstreams.connections(on: context.eventLoop),
                                       exchange: exchange, number: number)
            self.attempt = attempt
            attempt.start()
        }
    }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    func writeHead(_ head: HTTPResponseHead) {
        var head = head
        if !keepAlive || quiescing { head.headers.replaceOrAdd(name: "connection", value: "close") }
        context?.write(wrapOutboundOut(.head(head)), promise: nil)
    }

    /// Writes part of the answer; a stream's chunks are flushed at once, a whole answer's body with its end.
    func writeBody(_ bytes: ByteBuffer, flush: Bool = true) {
        if flush {
            context?.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(bytes))), promise: nil)
        } else {
            context?.write(wrapOutboundOut(.body(.byteBuffer(bytes))), promise: nil)
        }
    }

    /// Ends the answer in progress; closes the connection when the client asked not to keep it, else goes on
    /// to any request the client sent meanwhile.
    func endAnswer() {
        attempt = nil
        guard let context else { return }
        guard keepAlive && !quiescing else {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        if !deferred.isEmpty { resumeDeferred(context: context) }
    }

    /// Writes a whole answer the router made itself.
    func answer(_ answer: PlainAnswer) {
        writeHead(HTTPResponseHead(version: .http1_1, status: answer.status, headers: answer.headers))
        context?.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil)
        endAnswer()
    }

    /// Answers 413 at once; the rest of the body is read and dropped so the client sees the answer, and the
    /// connection closes when the body ends or, for a body that never ends, a second later.
    private func refuseBody(context: ChannelHandlerContext) {
        refusingBody = true
        request = nil
        var refusal = plane.bodyTooLarge
        refusal.headers.replaceOrAdd(name: "connection", value: "close")
        answer(refusal)
        context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { context.close(promise: nil) }
    }
}
