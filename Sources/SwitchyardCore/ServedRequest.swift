import Foundation

/// One request the router answered, without its content: its id, when, who sent it and which bundle answered, so
/// that the requests a bad bundle served during an incident can be exported (`switchyard affected`).
public struct ServedRequest: Codable, Hashable, Sendable {
    /// The client's `x-request-id`, or one the router made; returned as `x-switchyard-request-id`.
    public var id: String
    public var time: Date
    public var tenant: String
    public var session: String?
    public var bundle: BundleRef
    public var generation: Int
    /// The status the client received (a 502 or 504 when the bundle's backend failed).
    public var status: Int

    public init(id: String, time: Date, tenant: String, session: String?, bundle: BundleRef, generation: Int, status: Int) {
        self.id = id
        self.time = time
        self.tenant = tenant
        self.session = session
        self.bundle = bundle
        self.generation = generation
        self.status = status
    }
}
