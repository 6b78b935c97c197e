import NIOCore
import NIOHTTP1
import SwitchyardCore

/// One attempt at answering a client request from a backend, on the client connection's event loop: takes a
/// kept-alive connection (or opens one), sends the bundle-applied request, and passes the answer back as it
/// arrives. A whole answer is read before the client gets its head; a stream is passed on chunk by chunk and,
/// if the backend breaks it off, ended with an in-band error event and no `[DONE]`.
final class ProxyAttempt: UpstreamReceiver {
    private let client: DataPlaneHandler
    private let plane: DataPlane
    private let connections: UpstreamConnections
    let exchange: Exchange
    /// 0 for the first attempt, 1 for the one a routing flip's reissue sends.
    let number: Int

    private var link: UpstreamLink?
    private var reused = false
    /// The backend connection stopped reading because the client reads slower than the stream arrives.
    private var upstreamPaused = false
    /// The backend's time limit until the client gets the answer's head: a scheduled callback, which NIO keeps
    /// without the promise, future and closures a scheduled task allocates for every request.
    private var deadline: NIOScheduledCallback?
    private var head: HTTPResponseHead?
    private var isStream = false
    private var body = ByteBuffer()
    private var firstByteAt: ContinuousClock.Instant?
    private var scanner = StreamScanner()
    /// The client has been sent the answer's head: the attempt can no longer be moved.
    private var answering = false
    private var over = false

    init(client: DataPlaneHandler, plane: DataPlane, connections: UpstreamConnections, exchange: Exchange, number: Int) {
        self.client = client
        self.plane = plane
        self.connections = connections
        self.exchange = exchange
        self.number = number
    }

    func start() {
        let loop = connections.loop
        // Scheduling fails only on an event loop that is shutting down, which closes its channels anyway.
        deadline = try? loop.assumeIsolated().scheduleCallback(in: exchange.timeout, handler: self)
        let bound = NIOLoopBound(self, eventLoop: loop)
        exchange.ticket.attach { loop.execute { bound.value.moveForReissue() } }
        connect(fresh: false)
    }

    /// The client went away: stop the backend's work and free the slot.
    func clientGone() {
        guard !over else { return }
        close(keepingConnection: false)
    }

    /// The client can take more of a stream again.
    func clientWritable() { pauseUpstream(false) }

    private func connect(fresh: Bool) {
        let target = exchange.endpoint.target
        if !fresh, let link = connections.idleLink(to: target) {
            reused = true
            return send(on: link)
        }
        reused = false
        connections.open(to: target).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success(let link): send(on: link)
            case .failure(let error): fail(error)
            }
        }
    }

    private func send(on link: UpstreamLink) {
        guard !over else {
            connections.keep(link, for: exchange.endpoint.target)
            return
        }
        self.link = link
        link.handler.receiver = self
        let channel = link.channel
        channel.write(HTTPClientRequestPart.head(exchange.head), promise: nil)
        if let body = exchange.body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    func upstreamHead(_ head: HTTPResponseHead) {
        self.head = head
        isStream = head.headers.isEventStream
    }

    func upstreamBody(_ part: ByteBuffer) {
        guard !over else { return }
        if firstByteAt == nil { firstByteAt = .now }
        guard isStream else {
            guard body.readableBytes + part.readableBytes <= exchange.maxAnswerBytes else { return fail(UpstreamError.answerTooLarge(exchange.maxAnswerBytes)) }
            body.writeImmutableBuffer(part)
            return
        }
        if !answering {
            guard beginAnswering() else { return }
            writeHead(head!, contentLength: nil)
        }
        scanner.feed(part.readableBytesView)
        client.writeBody(part)
        if !client.isWritable { pauseUpstream(true) }
    }

    func upstreamEnd() {
        guard !over, let head else { return fail(UpstreamError.closedEarly) }
        let measure = plane.measure(exchange)
        let firstByteAt = firstByteAt ?? .now
        if isStream {
            if !answering {
                guard beginAnswering() else { return }
                writeHead(head, contentLength: nil)
            }
            let broken = !scanner.summary.sawDone
            if broken { client.writeBody(measure.brokenStreamEvent) }
            close(keepingConnection: head.isKeepAlive)
            client.endAnswer()
            measure.record(status: Int(head.status.code), summary: scanner.summary, firstByteAt: firstByteAt, streamBroken: broken)
        } else {
            guard beginAnswering() else { return }
            writeHead(head, contentLength: body.readableBytes)
            client.writeBody(body, flush: false)
            close(keepingConnection: head.isKeepAlive)
            client.endAnswer()
            measure.recordWhole(status: Int(head.status.code), body: body, firstByteAt: firstByteAt)
        }
    }

    func upstreamFailed(_ error: any Error) { fail(error) }

    /// Passes the answer's head to the client, with Switchyard's headers, and records the answer as given.
    private func writeHead(_ head: HTTPResponseHead, contentLength: Int?) {
        client.writeHead(plane.answerHead(head, exchange, firstByteAt: firstByteAt ?? .now, contentLength: contentLength, ledger: client.ledger))
    }

    /// A routing flip asked for this request to be sent to the new bundle; honoured until the client gets a byte.
    private func moveForReissue() {
        guard !over, !answering else { return }
        fail(CancellationError())
    }

    /// Marks the request as answering; when a flip asked for a reissue first, hands it to the next attempt instead.
    private func beginAnswering() -> Bool {
        guard exchange.ticket.markStarted() || number > 0 else {
            close(keepingConnection: false)
            client.retry(exchange.incoming, attempt: number + 1)
            return false
        }
        cancelDeadline()
        answering = true
        return true
    }

    private func fail(_ error: any Error) {
        guard !over else { return }
        if reused && head == nil && !(error is CancellationError) && (error as? UpstreamError) != .timedOut {
            // A kept-alive connection the backend had already closed: the request never reached it, so send it on a new one.
            dropConnection()
            return connect(fresh: true)
        }
        if answering {
            // A stream that has started cannot become an error answer: end it with an in-band error event.
            let measure = plane.measure(exchange)
            client.writeBody(measure.brokenStreamEvent)
            close(keepingConnection: false)
            client.endAnswer()
            measure.record(status: Int(head?.status.code ?? 502), summary: scanner.summary, firstByteAt: firstByteAt ?? .now, streamBroken: true)
            return
        }
        close(keepingConnection: false)
        if exchange.ticket.reissueRequested && number == 0 {
            client.retry(exchange.incoming, attempt: number + 1)
        } else {
            client.answer(plane.failed(error, exchange, ledger: client.ledger))
        }
    }

    /// Ends the attempt: frees the backend slot, and keeps the connection for the next request or closes it.
    private func close(keepingConnection keep: Bool) {
        over = true
        cancelDeadline()
        exchange.ticket.detach()
        exchange.finish()
        guard keep, let link else { return dropConnection() }
        pauseUpstream(false)
        self.link = nil
        link.handler.receiver = nil
        connections.keep(link, for: exchange.endpoint.target)
    }

    private func cancelDeadline() {
        guard let deadline else { return }
        self.deadline = nil
        connections.loop.assumeIsolated().cancelScheduledCallback(deadline)
    }

    /// Stops or resumes reading the backend's stream (back-pressure from a slow client).
    private func pauseUpstream(_ pause: Bool) {
        guard pause != upstreamPaused, let link else { return }
        upstreamPaused = pause
        link.channel.setOption(.autoRead, value: !pause).whenFailure { _ in }
    }

    /// Closes the backend connection without hearing about it: its close is not this attempt's failure.
    private func dropConnection() {
        guard let link else { return }
        self.link = nil
        link.handler.receiver = nil
        link.channel.close(promise: nil)
    }
}

extension ProxyAttempt: NIOScheduledCallbackHandler {
    /// The backend did not start answering within the bundle's timeout.
    func handleScheduledCallback(eventLoop: some EventLoop) {
        deadline = nil
        fail(UpstreamError.timedOut)
    }
}
