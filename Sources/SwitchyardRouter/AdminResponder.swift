import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import SwitchyardCore

/// The admin listener: `/metrics` (Prometheus), `/healthz`, and `/status` (JSON). Never on the data-plane port.
struct AdminResponder: HTTPResponder {
    let router: SwitchyardRouter

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        switch (request.method, request.uri.path) {
        case (.get, "/metrics"):
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: router.telemetry.exposition())))
        case (.get, "/healthz"):
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
        case (.get, "/status"):
            return json(status())
        default:
            return OpenAIError.notFound("the admin listener serves /metrics, /healthz and /status", code: "unknown_path").response
        }
    }

    private func status() -> JSONValue {
        let snapshot = router.snapshot
        let endpoints = router.directory.all.sorted { $0.url < $1.url }.map { endpoint -> JSONValue in
            // What its /v1/models listed: model id → revision (null when it reports none).
            let models = endpoint.served.withLock { $0?.revisions.mapValues { $0.map(JSONValue.string) ?? .null } }
            return ["url": .string(endpoint.url), "healthy": .bool(endpoint.healthy.load(ordering: .relaxed)),
                    "outstanding": .int(endpoint.outstanding.load(ordering: .relaxed)), "limit": .int(endpoint.limit.load(ordering: .relaxed)),
                    "models": models.map(JSONValue.object) ?? .null]
        }
        let inFlight = router.inFlightByBundle().map { ($0.key.description, JSONValue.int($0.value)) }
        let pinned = router.pinnedSessionsByBundle().map { ($0.key.description, JSONValue.int($0.value)) }
        return ["generation": .int(snapshot.generation), "endpoints": .array(endpoints),
                "in_flight": .object(Dictionary(uniqueKeysWithValues: inFlight)),
                "pinned_sessions": .object(Dictionary(uniqueKeysWithValues: pinned))]
    }

    private func json(_ value: JSONValue) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: value.canonicalText)))
    }
}
