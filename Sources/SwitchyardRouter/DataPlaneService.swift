import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The data plane's listener, written directly on SwiftNIO channel pipelines: each client connection's requests
/// are answered on its own event loop, with backend connections of that loop, and no hop through Swift's
/// concurrency executor (Docs/benchmarks.md: the hop-based stack cost 4× nginx's added latency).
/// On graceful shutdown it stops accepting, lets every request in progress finish, then returns.
struct DataPlaneService: Service {
    let router: SwitchyardRouter
    let host: String
    let port: Int
    let onRunning: @Sendable (Int) async -> Void

    func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let quiesce = ServerQuiescingHelper(group: group)
        let plane = DataPlane(router: router)
        let upstreams = UpstreamLoops(group: group, readTimeout: router.configuration.upstreamTimeout)
        let idleTimeout = TimeAmount(router.configuration.idleTimeout)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel)) }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Pipelined requests and bytes that are not HTTP are DataPlaneHandler's: it answers them in order.
                    // The answer's headers are not checked again on the way out: they are the backend's, which NIO's
                    // parser accepted, and the router's own (bundle references, numbers, a printable request id).
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: false,
                                                                                   withOutboundHeaderValidation: false)
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(DataPlaneHandler(plane: plane, upstreams: upstreams, ledger: router.ledger.shard(for: channel.eventLoop)))
                }
            }
            .bind(host: host, port: port).get()
        await onRunning(server.localAddress?.port ?? port)
        let stopped = group.next().makePromise(of: Void.self)
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                try? await stopped.futureResult.get()
            } onCancel: {
                // Past the shutdown deadline: stop waiting for the requests still in progress.
                stopped.succeed()
            }
        } onGracefulShutdown: {
            let quiesced = group.next().makePromise(of: Void.self)
            quiesce.initiateShutdown(promise: quiesced)
            quiesced.futureResult.whenComplete { _ in stopped.succeed() }
        }
        try? await server.close()
    }
}
