import Foundation
import NIOCore
import NIOHTTP1
import SwitchyardCore

/// A client request as the data plane read it: who sent it, in which session, and its parsed body.
struct Incoming: Sendable {
    let head: HTTPRequestHead
    /// The request's path, without its query.
    let path: String
    let arrival: ContinuousClock.Instant
    let tenant: String?
    /// The client's JSON body, validated; nil when the request had none.
    let body: JSONObjectBytes?
    let kind: EndpointKind
    let session: String?
    let requestID: String

    /// The tenant as telemetry labels it.
    var tenantLabel: String { tenant ?? "default" }
}

/// One attempt at answering a request: the bundle chosen, the backend slot it holds, and the request to send it.
struct Exchange: Sendable {
    let incoming: Incoming
    let choice: DataPlane.Choice
    let generation: Int
    let endpoint: Endpoint
    let ticket: InFlightTicket
    let completion: Completion
    /// The bundle-applied request for the backend.
    let head: HTTPRequestHead
    let body: ByteBuffer?
    /// How long the backend has until the router starts answering the client.
    let timeout: TimeAmount
    let maxAnswerBytes: Int
    let sentAt: ContinuousClock.Instant
}

/// What sending an attempt came to: ready to go to its backend, or refused here.
enum SendOutcome {
    case sent(Exchange)
    case refused(PlainAnswer)
}

/// An answer the router writes whole: an error, the model list.
struct PlainAnswer: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer

    init(status: HTTPResponseStatus, headers: HTTPHeaders = [:], json: JSONValue) {
        self.status = status
        self.headers = headers
        body = ByteBuffer(string: json.canonicalText)
        self.headers.replaceOrAdd(name: "content-type", value: "application/json")
        self.headers.replaceOrAdd(name: "content-length", value: String(body.readableBytes))
    }
}
