// An experiment for `make bench-router`: a pass-through written directly on SwiftNIO channel pipelines
// (HTTP/1 server handler, keep-alive upstream channels on the client's own event loop, no async bridge).
// It shows the floor a NIO-pipeline data plane would stand on. Not part of Switchyard.
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Idle keep-alive channels to the upstream, owned by one event loop and only touched on it.
final class UpstreamChannels: @unchecked Sendable {
    let loop: EventLoop
    let address: SocketAddress
    private var idle: [Channel] = []

    init(loop: EventLoop, address: SocketAddress) {
        self.loop = loop
        self.address = address
    }

    func channel() -> EventLoopFuture<Channel> {
        while let channel = idle.popLast() {
            if channel.isActive { return loop.makeSucceededFuture(channel) }
        }
        return ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler())
                }
            }
            .connect(to: address)
    }

    func giveBack(_ channel: Channel) { idle.append(channel) }
}

/// Collects one upstream answer at a time and hands it to whoever sent the request.
final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    var onAnswer: ((HTTPResponseHead, ByteBuffer?) -> Void)?
    private var head: HTTPResponseHead?
    private var body: ByteBuffer?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h
        case .body(var part):
            if body == nil { body = part } else { body!.writeBuffer(&part) }
        case .end:
            let answer = onAnswer
            onAnswer = nil
            let (h, b) = (head!, body)
            head = nil
            body = nil
            answer?(h, b)
        }
    }
}

/// Reads a client request, forwards it upstream, and writes the answer back.
final class ForwardHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let upstream: UpstreamChannels
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?

    init(upstream: UpstreamChannels) { self.upstream = upstream }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h; body = nil
        case .body(var part):
            if body == nil { body = part } else { body!.writeBuffer(&part) }
        case .end:
            forward(context: context, head: head!, body: body)
        }
    }

    private func forward(context: ChannelHandlerContext, head: HTTPRequestHead, body: ByteBuffer?) {
        let server = NIOLoopBound((context, self), eventLoop: context.eventLoop)
        let pool = upstream
        upstream.channel().whenComplete { result in
            let (context, this) = server.value
            guard case .success(let channel) = result else {
                context.writeAndFlush(this.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badGateway))), promise: nil)
                context.writeAndFlush(this.wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            let handler = try! channel.pipeline.syncOperations.handler(type: UpstreamHandler.self)
            handler.onAnswer = { answerHead, answerBody in
                pool.giveBack(channel)
                var out = HTTPResponseHead(version: .http1_1, status: answerHead.status)
                out.headers.add(name: "content-type", value: answerHead.headers.first(name: "content-type") ?? "application/json")
                out.headers.add(name: "content-length", value: String(answerBody?.readableBytes ?? 0))
                context.write(this.wrapOutboundOut(.head(out)), promise: nil)
                if let answerBody { context.write(this.wrapOutboundOut(.body(.byteBuffer(answerBody))), promise: nil) }
                context.writeAndFlush(this.wrapOutboundOut(.end(nil)), promise: nil)
            }
            var request = HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri)
            for (name, value) in head.headers where name.lowercased() != "connection" { request.headers.add(name: name, value: value) }
            channel.write(HTTPClientRequestPart.head(request), promise: nil)
            if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        }
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[1]), let upstreamPort = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: nio-bare-proxy PORT UPSTREAM_PORT\n".utf8))
    exit(2)
}
let group = MultiThreadedEventLoopGroup.singleton
let address = try SocketAddress(ipAddress: "127.0.0.1", port: upstreamPort)
var pools: [ObjectIdentifier: UpstreamChannels] = [:]
for loop in group.makeIterator() { pools[ObjectIdentifier(loop)] = UpstreamChannels(loop: loop, address: address) }
let channelsByLoop = pools
let server = try await ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false)
            try channel.pipeline.syncOperations.addHandler(ForwardHandler(upstream: channelsByLoop[ObjectIdentifier(channel.eventLoop)]!))
        }
    }
    .bind(host: "127.0.0.1", port: port).get()
try await server.closeFuture.get()
