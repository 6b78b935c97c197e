import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import SwitchyardCore

/// A client request as the data plane read it: who sent it, in which session, and its parsed body.
/// A class, like `Exchange`: it is handed from step to step of the request, and a reference is one retain.
final class Incoming: Sendable {
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
    let tenantLabel: String

    init(head: HTTPRequestHead, path: String, arrival: ContinuousClock.Instant, tenant: String?, body: JSONObjectBytes?,
         kind: EndpointKind, session: String?, requestID: String) {
        self.head = head
        self.path = path
        self.arrival = arrival
        self.tenant = tenant
        self.body = body
        self.kind = kind
        self.session = session
        self.requestID = requestID
        tenantLabel = tenant ?? "default"
    }
}

/// One attempt at answering a request: the bundle chosen, the backend slot it holds, and the request to send it.
/// It releases the slot and the in-flight entry exactly once: when the answer ends or fails, or, as a last
/// resort, when it is dropped.
final class Exchange: Sendable {
    let incoming: Incoming
    let choice: DataPlane.Choice
    let generation: Int
    let endpoint: Endpoint
    let ticket: InFlightTicket
    private let registry: InFlightRegistry
    private let finished = Atomic<Bool>(false)
    /// The bundle-applied request for the backend.
    let head: HTTPRequestHead
    let body: ByteBuffer?
    /// How long the backend has until the router starts answering the client.
    let timeout: TimeAmount
    let maxAnswerBytes: Int
    let sentAt: ContinuousClock.Instant

    init(incoming: Incoming, choice: DataPlane.Choice, generation: Int, endpoint: Endpoint, ticket: InFlightTicket, registry: InFlightRegistry,
         head: HTTPRequestHead, body: ByteBuffer?, timeout: TimeAmount, maxAnswerBytes: Int, sentAt: ContinuousClock.Instant) {
        self.incoming = incoming
        self.choice = choice
        self.generation = generation
        self.endpoint = endpoint
        self.ticket = ticket
        self.registry = registry
        self.head = head
        self.body = body
        self.timeout = timeout
        self.maxAnswerBytes = maxAnswerBytes
        self.sentAt = sentAt
    }

    /// Frees the backend slot and the in-flight entry; later calls do nothing.
    func finish() {
        guard !finished.exchange(true, ordering: .acquiringAndReleasing) else { return }
        endpoint.release()
        registry.remove(ticket)
    }

    deinit { finish() }
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
