import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import SwitchyardRouter

/// Kept-alive backend connections of one event loop, against a real listener on loopback.
@Suite struct UpstreamConnectionsTests {
    @Test func aConnectionTheBackendClosesLeavesTheIdleSet() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        // A backend that closes its connections once they are kept, as its keep-alive timeout would: on the test's
        // signal rather than after a fixed delay, which a busy machine could reach before the connections are kept.
        let accepted = AcceptedChannels()
        let server = try await ServerBootstrap(group: loop)
            .childChannelInitializer { channel in
                accepted.channels.withLock { $0.append(channel) }
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let target = UpstreamTarget(url: "http://127.0.0.1:\(try #require(server.localAddress?.port))")
        let connections = UpstreamConnections(loop: loop, tls: nil, readTimeout: .seconds(60))

        let opened = try await loop.flatSubmit {
            EventLoopFuture.whenAllSucceed((0..<3).map { _ in connections.open(to: target) }, on: loop)
        }.get()
        let kept = try await loop.submit {
            for link in opened { connections.keep(link, for: target) }
            return connections.idleCount(to: target)
        }.get()
        #expect(kept == 3)

        for channel in accepted.channels.withLock({ $0 }) { channel.close(promise: nil) }
        try await Task.sleep(for: .milliseconds(600))
        #expect(try await loop.submit { connections.idleCount(to: target) }.get() == 0)
        try await server.close()
    }
}

/// The backend's side of each connection the test opened.
private final class AcceptedChannels: Sendable {
    let channels = Mutex<[Channel]>([])
}
