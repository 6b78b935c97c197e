import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import SwitchyardCore

/// Routes the fake backend's requests: the OpenAI endpoints, health, and the control endpoints.
struct FakeBackendResponder: HTTPResponder {
    let backend: FakeBackend

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        do {
            return try await route(request)
        } catch FakeBackendError.badRequest(let message) {
            return FakeHTTP.error(.badRequest, message, type: "invalid_request_error")
        } catch let error as NIOTooManyBytesError {
            return FakeHTTP.error(.contentTooLarge, "request body over \(error.maxBytes ?? 0) bytes", type: "invalid_request_error")
        }
    }

    private func route(_ request: Request) async throws -> Response {
        switch (request.method, request.uri.path) {
        case (.get, "/health"):
            return backend.isWarm ? FakeHTTP.json(["status": "ok"]) : FakeHTTP.warmingUp()
        case (.get, "/v1/models"):
            let profile = backend.profile
            return FakeHTTP.json(["object": "list", "data": .array([[
                "id": .string(profile.model), "object": "model", "owned_by": "switchyard-fake", "revision": .string(profile.revision),
            ]])])
        case (.get, "/control/profile"):
            return FakeHTTP.json(try JSONValue(encoding: backend.profile))
        case (.put, "/control/profile"), (.post, "/control/profile"):
            let patch = try await FakeHTTP.body(request)
            return FakeHTTP.json(try JSONValue(encoding: try backend.patchProfile(patch)))
        case (.get, "/control/requests"):
            return FakeHTTP.json(.array(backend.state.withLock { $0.recent }))
        case (.post, let path) where path.hasPrefix("/v1/"):
            return try await answer(request, path: path)
        default:
            return FakeHTTP.error(.notFound, "no route for \(request.method) \(request.uri.path)", type: "invalid_request_error")
        }
    }

    private func answer(_ request: Request, path: String) async throws -> Response {
        let body = try await FakeHTTP.body(request)
        var seen: [String: JSONValue] = ["path": .string(path), "body": body]
        for field in request.headers where field.name.canonicalName.hasPrefix("x-") || field.name == .authorization {
            seen["header:" + field.name.canonicalName] = .string(field.value)
        }
        backend.remember(.object(seen))
        guard backend.isWarm else { return FakeHTTP.warmingUp() }
        guard backend.enter() else {
            return FakeHTTP.error(.serviceUnavailable, "backend at its concurrency limit", type: "server_error")
        }
        let kind = EndpointKind(path: path)
        let limit = (body["max_completion_tokens"] ?? body["max_tokens"] ?? body["max_output_tokens"])?.intValue
        let cacheKey: String? = if case .string(let key)? = body["prompt_cache_key"] { key } else { nil }
        let structured: Bool = if case .string(let type)? = body["response_format"]?["type"] { type.hasPrefix("json") } else { false }
        let plan = backend.plan(outputLimit: limit, cacheKey: cacheKey, canCallTools: kind == .chatCompletions && body["tools"] != nil && !structured)
        let generator = AnswerGenerator(backend: backend.name, model: backend.profile.model, request: body, kind: kind, plan: plan)
        if body["stream"] == .bool(true) && (kind == .chatCompletions || kind == .completions) {
            // The slot is released when the stream ends, inside the body writer.
            return generator.streamingResponse { [backend] in backend.leave() }
        }
        defer { backend.leave() }
        try await FakeHTTP.pause(milliseconds: plan.ttftMs)
        if plan.fail { return FakeHTTP.error(.internalServerError, "injected backend error", type: "server_error") }
        try await FakeHTTP.pause(milliseconds: plan.tokenInterval * Double(plan.tokens) * 1000)
        return FakeHTTP.json(generator.completeAnswer(), headers: [FakeHTTP.backendHeader: backend.name])
    }
}

/// Response helpers shared by the fake backend's handlers.
enum FakeHTTP {
    static let backendHeader = HTTPField.Name("x-fake-backend")!
    static let maxBody = 4 << 20

    /// Sleeps, unless the pause is too short to matter (a zero-latency profile must not pay for a timer).
    static func pause(milliseconds: Double) async throws {
        guard milliseconds >= 0.05 else { return }
        try await Task.sleep(for: .microseconds(Int(milliseconds * 1000)))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: [HTTPField.Name: String] = [:]) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in headers { fields[name] = value }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: value.canonicalText)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String, type: String) -> Response {
        json(["error": ["message": .string(message), "type": .string(type), "code": .null]], status: status)
    }

    static func warmingUp() -> Response {
        var response = error(.serviceUnavailable, "backend is warming up", type: "server_error")
        response.headers[.retryAfter] = "1"
        return response
    }

    static func body(_ request: Request) async throws -> JSONValue {
        let buffer = try await request.body.collect(upTo: maxBody)
        guard buffer.readableBytes > 0 else { return .object([:]) }
        guard let value = try? JSONValue(parsing: buffer.readableBytesView) else {
            throw FakeBackendError.badRequest("the body is not valid JSON")
        }
        return value
    }
}
