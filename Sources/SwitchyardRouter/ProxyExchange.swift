import Foundation
import Hummingbird
import SwitchyardCore

/// A client request as the data plane read it: who sent it, in which session, and its parsed body.
struct Incoming: Sendable {
    let request: Request
    let arrival: ContinuousClock.Instant
    let tenant: String?
    let body: [String: JSONValue]?
    let kind: EndpointKind
    let session: String?
    let requestID: String

    /// The tenant as telemetry labels it.
    var tenantLabel: String { tenant ?? "default" }
}

/// One attempt at answering a request: the bundle chosen, the backend slot it holds, and the request on its way.
struct Exchange: Sendable {
    let incoming: Incoming
    let choice: ProxyResponder.Choice
    let generation: Int
    let endpoint: Endpoint
    let ticket: InFlightTicket
    let completion: Completion
    let upstream: Task<UpstreamAnswer, Error>
    let sentAt: ContinuousClock.Instant
}

/// What sending an attempt came to: on its way, or refused by the pool.
enum SendOutcome {
    case sent(Exchange)
    case refused(Response)
}
