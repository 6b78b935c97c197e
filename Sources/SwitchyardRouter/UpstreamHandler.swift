import NIOCore
import NIOHTTP1

/// What receives a backend's answer, part by part, on the connection's event loop.
protocol UpstreamReceiver: AnyObject {
    func upstreamHead(_ head: HTTPResponseHead)
    func upstreamBody(_ part: ByteBuffer)
    func upstreamEnd()
    func upstreamFailed(_ error: any Error)
}

/// The last handler of a backend connection: passes the answer in progress to its receiver, and tells it when
/// the connection fails or closes before the answer ended.
final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// The request waiting on this connection; nil while the connection is idle.
    var receiver: (any UpstreamReceiver)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head) where head.status.code < 200:
            break  // an informational answer (100 Continue); the real one follows
        case .head(let head):
            receiver?.upstreamHead(head)
        case .body(let part):
            receiver?.upstreamBody(part)
        case .end:
            let receiver = self.receiver
            self.receiver = nil
            receiver?.upstreamEnd()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else { return context.fireUserInboundEventTriggered(event) }
        // Nothing received for the read timeout: a stalled answer fails; an idle kept-alive connection is let go.
        fail(UpstreamError.timedOut)
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(UpstreamError.closedEarly)
        context.fireChannelInactive()
    }

    private func fail(_ error: any Error) {
        let receiver = self.receiver
        self.receiver = nil
        receiver?.upstreamFailed(error)
    }
}
