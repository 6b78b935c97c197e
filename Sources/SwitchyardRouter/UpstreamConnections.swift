import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A backend connection and the handler at the end of its pipeline, found once when it opened rather than
/// looked up in the pipeline for every request. Used on the connection's event loop only.
struct UpstreamLink: @unchecked Sendable {
    let channel: Channel
    let handler: UpstreamHandler
}

/// Keep-alive connections to backends for the client connections of one event loop. A request goes to its
/// backend on the event loop of the client connection that sent it: no thread hop, no lock. Sendable only to be
/// handed out by `UpstreamLoops`; it is used on its own loop alone.
final class UpstreamConnections: @unchecked Sendable {
    let loop: EventLoop
    private let tls: NIOSSLContext?
    /// A connection that receives nothing for this long fails the answer in progress, or is closed when idle.
    private let readTimeout: TimeAmount
    private var idle: [UpstreamTarget: [UpstreamLink]] = [:]
    /// Idle connections kept per backend; beyond this, a finished connection is closed.
    static let maxIdlePerTarget = 256
    static let connectTimeout = TimeAmount.seconds(2)

    init(loop: EventLoop, tls: NIOSSLContext?, readTimeout: TimeAmount) {
        self.loop = loop
        self.tls = tls
        self.readTimeout = readTimeout
    }

    /// An idle kept-alive connection to `target`, when there is one.
    func idleLink(to target: UpstreamTarget) -> UpstreamLink? {
        while let link = idle[target]?.popLast() {
            if link.channel.isActive { return link }
        }
        return nil
    }

    /// Takes back a connection whose answer ended cleanly, for the next request to `target`.
    func keep(_ link: UpstreamLink, for target: UpstreamTarget) {
        guard link.channel.isActive, idle[target, default: []].count < Self.maxIdlePerTarget else {
            link.channel.close(promise: nil)
            return
        }
        idle[target, default: []].append(link)
    }

    /// Idle connections kept for `target` now.
    func idleCount(to target: UpstreamTarget) -> Int { idle[target]?.count ?? 0 }

    /// A connection closed (by the backend, or its idle timeout) leaves the idle set at once: a dead one left there
    /// would hold its memory and a place under `maxIdlePerTarget` until a burst of requests reached it.
    private func forget(_ channel: Channel, for target: UpstreamTarget) {
        idle[target]?.removeAll { $0.channel === channel }
    }

    /// A new connection to `target`.
    func open(to target: UpstreamTarget) -> EventLoopFuture<UpstreamLink> {
        let (tls, readTimeout) = (target.tls ? self.tls : nil, self.readTimeout)
        if target.tls && tls == nil { return loop.makeFailedFuture(UpstreamError.tlsUnavailable) }
        return ClientBootstrap(group: loop)
            .connectTimeout(Self.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: target.host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: readTimeout))
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler())
                }
            }
            .connect(host: target.host, port: target.port)
            .flatMapThrowing { [self] channel in
                channel.closeFuture.whenComplete { _ in self.forget(channel, for: target) }
                do {
                    return UpstreamLink(channel: channel, handler: try channel.pipeline.syncOperations.handler(type: UpstreamHandler.self))
                } catch {
                    channel.close(promise: nil)
                    throw error
                }
            }
    }
}

/// The upstream connections of every event loop of the data plane.
final class UpstreamLoops: Sendable {
    private let byLoop: [ObjectIdentifier: UpstreamConnections]

    init(group: EventLoopGroup, readTimeout: TimeAmount) {
        let tls = try? NIOSSLContext(configuration: .makeClientConfiguration())
        var byLoop: [ObjectIdentifier: UpstreamConnections] = [:]
        for loop in group.makeIterator() { byLoop[ObjectIdentifier(loop)] = UpstreamConnections(loop: loop, tls: tls, readTimeout: readTimeout) }
        self.byLoop = byLoop
    }

    /// The connections of `loop`; call on that loop.
    func connections(on loop: EventLoop) -> UpstreamConnections {
        loop.assertInEventLoop()
        return byLoop[ObjectIdentifier(loop)]!
    }
}
