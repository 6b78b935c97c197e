import AsyncHTTPClient
import Atomics
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import NIOHTTP1
import SwitchyardCore

/// The data plane: reads the tenant and session, picks a bundle from the current generation, applies the
/// whole bundle to the request, sends it to a healthy backend of the bundle's pool, and passes the answer
/// back untouched while measuring it.
/// A request's context on the data plane: Hummingbird's, plus the client's channel.
struct ProxyContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

struct ProxyResponder: HTTPResponder {
    let router: SwitchyardRouter

    static let tenantHeader = HTTPField.Name("x-switchyard-tenant")!
    static let sessionHeader = HTTPField.Name("x-session-id")!
    static let bundleHeader = HTTPField.Name("x-switchyard-bundle")!
    static let clientRequestIDHeader = HTTPField.Name("x-request-id")!
    static let requestIDHeader = HTTPField.Name("x-switchyard-request-id")!
    static let generationHeader = HTTPField.Name("x-switchyard-generation")!
    static let overheadHeader = HTTPField.Name("x-switchyard-overhead-us")!

    func respond(to request: Request, context: ProxyContext) async throws -> Response {
        do {
            return try await proxy(request)
        } catch let error as OpenAIError {
            return error.response
        } catch is NIOTooManyBytesError {
            // Stop reading: the server would otherwise drain the rest of the body, which may never end.
            context.channel.close(mode: .input, promise: nil)
            return OpenAIError(status: .contentTooLarge, message: "the request body is larger than the limit of \(router.configuration.maxBodyBytes) bytes",
                               type: "invalid_request_error", code: "request_too_large").response
        }
    }

    private func proxy(_ request: Request) async throws -> Response {
        let arrival = ContinuousClock.now
        let path = request.uri.path
        let tenant = tenant(of: request)
        let tenantLabel = tenant ?? "default"
        if request.method == .get && path == "/v1/models" { return models(forTenant: tenant) }
        guard path.hasPrefix("/v1/") else {
            throw OpenAIError.notFound("\(path) is not an OpenAI API path; Switchyard serves /v1/*", code: "unknown_path")
        }
        let raw = try await request.body.collect(upTo: router.configuration.maxBodyBytes)
        let body = try Self.parseBody(raw)
        let kind = EndpointKind(path: path)
        let session = request.headers[Self.sessionHeader] ?? body?["user"].flatMap { if case .string(let user) = $0 { user } else { nil } }
        let requestID = Self.requestID(request)

        for attempt in 0..<2 {
            let snapshot = router.snapshot
            let choice = try choose(snapshot: snapshot, tenant: tenant, session: session, body: body, kind: kind)
            let served = choice.served
            let endpoint: Endpoint
            do { endpoint = try served.pool.acquire() } catch {
                return refuse(error, bundle: choice.bundle, tenantLabel: tenantLabel)
            }
            let ticket = InFlightTicket(tenant: tenant ?? RoutingTable.defaultTenant, bundle: choice.bundle)
            router.inFlight.register(ticket)
            let completion = Completion(endpoint: endpoint, ticket: ticket, registry: router.inFlight)
            /// Records the answer for `switchyard affected` (no content).
            func keep(status: Int) {
                router.ledger.record(ServedRequest(id: requestID, time: Date(), tenant: tenantLabel, session: session, bundle: choice.bundle,
                                                   generation: snapshot.generation, status: status))
            }
            let applied = body.map { served.applier.apply(to: $0, kind: kind, session: session) }
            if attempt == 0, let body {
                router.mirror(body, path: path, kind: kind, session: session, route: choice.route, snapshot: snapshot, tenantLabel: tenantLabel)
            }
            let upstream = upstreamRequest(request, endpoint: endpoint, served: served, body: applied)
            let sentAt = ContinuousClock.now
            let timeout = served.timeout(within: router.configuration.upstreamTimeout)
            let task = Task { try await UpstreamAnswer.fetch(upstream, client: router.client, timeout: timeout,
                                                             maxBody: router.configuration.maxAnswerBytes) }
            ticket.attach { task.cancel() }
            let answer: UpstreamAnswer
            do {
                answer = try await task.value
            } catch {
                completion.finish()
                if ticket.reissueRequested && attempt == 0 { continue }
                var failed = failUpstream(error, endpoint: endpoint, bundle: choice.bundle, tenantLabel: tenantLabel, arrival: arrival)
                failed.headers[Self.requestIDHeader] = requestID
                keep(status: failed.status.code)
                return failed
            }
            guard ticket.markStarted() || attempt > 0 else {
                completion.finish()
                continue
            }
            let context = AnswerContext(
                router: router, key: TelemetryKey(bundle: choice.bundle, tenant: tenantLabel, role: .primary),
                served: served, request: AnswerRequest(body), arrival: arrival, completion: completion)
            var headers = Self.clientHeaders(from: answer.headers)
            headers[Self.bundleHeader] = choice.bundle.description
            headers[Self.generationHeader] = String(snapshot.generation)
            let overhead = (sentAt - arrival) + (ContinuousClock.now - answer.firstByteAt)
            headers[Self.overheadHeader] = String(overhead.microseconds)
            headers[Self.requestIDHeader] = requestID
            keep(status: answer.status)
            if answer.isStream {
                return Response(status: .init(code: answer.status), headers: headers, body: context.streamBody(answer))
            }
            return Response(status: .init(code: answer.status), headers: headers, body: context.wholeBody(answer))
        }
        throw OpenAIError(status: .serviceUnavailable, message: "the request was moved twice by routing changes; retry it",
                          type: "server_error", code: "rerouted")
    }

    /// The chosen bundle and what serves it.
    struct Choice {
        var bundle: BundleRef
        var served: ServedBundle
        var route: TenantRoute
    }

    private func choose(snapshot: RoutingSnapshot, tenant: String?, session: String?, body: [String: JSONValue]?, kind: EndpointKind) throws -> Choice {
        guard let route = snapshot.table.route(forTenant: tenant) else {
            throw OpenAIError(status: .serviceUnavailable, message: "no route is configured\(tenant.map { " for tenant \($0)" } ?? "")",
                              type: "server_error", code: "no_route")
        }
        let models = RoutingSnapshot.logicalModels(of: route)
        switch body?["model"] {
        case .string(let model)? where !models.contains(model):
            throw OpenAIError.notFound("the model '\(model)' does not exist here; available: \(models.joined(separator: ", "))",
                                       code: "model_not_found")
        case nil where body != nil && kind != .other:
            throw OpenAIError.invalidRequest("'model' is required; available: \(models.joined(separator: ", "))", code: "missing_model")
        default:
            break
        }
        let pinKey = session.map { "\(tenant ?? "")\u{0}\($0)" }
        let now = Date()
        let decision = BundleChooser.choose(route: route, session: session, pin: pinKey.flatMap(router.pins.pin), now: now) {
            Int.random(in: 0..<fullWeight)
        }
        if let pinKey, let pin = decision.newPin {
            router.pins.store(pin, for: pinKey, maxAge: TimeInterval(route.maxSessionAgeSeconds))
        }
        guard let served = snapshot.bundles[decision.bundle] else {
            throw OpenAIError(status: .serviceUnavailable, message: "bundle \(decision.bundle) is routed but not loaded",
                              type: "server_error", code: "bundle_not_loaded")
        }
        return Choice(bundle: decision.bundle, served: served, route: route)
    }

    /// The client's `x-request-id` when it is a usable id (printable, at most 128 bytes), else a new random one.
    static func requestID(_ request: Request) -> String {
        if let given = request.headers[clientRequestIDHeader], !given.isEmpty, given.utf8.count <= 128,
           given.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 }) {
            return given
        }
        return String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    private func tenant(of request: Request) -> String? {
        if let tenant = request.headers[Self.tenantHeader], !tenant.isEmpty { return tenant }
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") else { return nil }
        return router.configuration.tenantKeys[String(authorization.dropFirst(7))]
    }

    private func models(forTenant tenant: String?) -> Response {
        let snapshot = router.snapshot
        let data = snapshot.table.route(forTenant: tenant).map(RoutingSnapshot.logicalModels(of:))?.map { name -> JSONValue in
            ["id": .string(name), "object": "model", "created": 0, "owned_by": "switchyard"]
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[Self.generationHeader] = String(snapshot.generation)
        return Response(status: .ok, headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: JSONValue.object(["object": "list", "data": .array(data ?? [])]).canonicalText)))
    }

    static func parseBody(_ raw: ByteBuffer) throws -> [String: JSONValue]? {
        guard raw.readableBytes > 0 else { return nil }
        guard let value = try? JSONValue(parsing: raw.readableBytesView) else {
            // Only a failed parse pays for a second pass, to say which of the two is wrong.
            if String(validating: raw.readableBytesView, as: UTF8.self) == nil {
                throw OpenAIError.invalidRequest("the request body is not valid UTF-8", code: "invalid_utf8")
            }
            throw OpenAIError.invalidRequest("the request body is not valid JSON", code: "invalid_json")
        }
        guard case .object(let fields) = value else {
            throw OpenAIError.invalidRequest("the request body must be a JSON object", code: "invalid_json")
        }
        return fields
    }

    private func upstreamRequest(_ request: Request, endpoint: Endpoint, served: ServedBundle, body: [String: JSONValue]?) -> HTTPClientRequest {
        var upstream = HTTPClientRequest(url: endpoint.url + request.uri.string)
        upstream.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers {
            let name = field.name.canonicalName
            guard !HopByHop.names.contains(name), name != "authorization", !name.hasPrefix("x-switchyard-") else { continue }
            upstream.headers.add(name: field.name.rawName, value: field.value)
        }
        if let authorization = served.resolved.upstreamAuthorization { upstream.headers.replaceOrAdd(name: "authorization", value: authorization) }
        upstream.headers.replaceOrAdd(name: "x-switchyard-bundle", value: served.resolved.bundle.ref.description)
        if let revision = served.resolved.bundle.model.revision {
            upstream.headers.replaceOrAdd(name: "x-switchyard-model-revision", value: revision)
        }
        if let body {
            // For backends that take the cache namespace from a header rather than the body.
            if case .string(let key)? = body["prompt_cache_key"] { upstream.headers.replaceOrAdd(name: "x-switchyard-cache-key", value: key) }
            upstream.headers.replaceOrAdd(name: "content-type", value: "application/json")
            upstream.body = .bytes(ByteBuffer(string: JSONValue.object(body).canonicalText))
        }
        return upstream
    }

    static func clientHeaders(from upstream: HTTPHeaders) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in upstream where !HopByHop.names.contains(name.lowercased()) {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return fields
    }

    private func refuse(_ refusal: PoolRefusal, bundle: BundleRef, tenantLabel: String) -> Response {
        let key = TelemetryKey(bundle: bundle, tenant: tenantLabel, role: .primary)
        switch refusal {
        case .saturated:
            router.telemetry.recordRejected(key, at: Date())
            var error = OpenAIError(status: .tooManyRequests, message: "every backend of \(bundle) is at its concurrency limit; retry shortly",
                                    type: "rate_limit_error", code: "pool_saturated")
            error.headers[.retryAfter] = "1"
            return error.response
        case .noHealthyBackend:
            router.telemetry.record(RequestObservation(key: key, time: Date(), status: 503, latencyMicros: 0, upstreamError: true))
            return OpenAIError(status: .serviceUnavailable, message: "no healthy, warm backend serves \(bundle)",
                               type: "server_error", code: "no_healthy_backend").response
        }
    }

    private func failUpstream(_ error: Error, endpoint: Endpoint, bundle: BundleRef, tenantLabel: String, arrival: ContinuousClock.Instant) -> Response {
        let timedOut = UpstreamAnswer.isTimeout(error)
        // A backend that cannot be reached is taken out until its next health check passes.
        if !timedOut, !(error is CancellationError), !(error is UpstreamError) {
            endpoint.healthy.store(false, ordering: .relaxed)
        }
        let status: HTTPResponse.Status = timedOut ? .gatewayTimeout : .badGateway
        router.telemetry.record(RequestObservation(
            key: TelemetryKey(bundle: bundle, tenant: tenantLabel, role: .primary), time: Date(), status: status.code,
            latencyMicros: (ContinuousClock.now - arrival).microseconds, upstreamError: true, timeout: timedOut))
        return OpenAIError(status: status, message: timedOut ? "the backend of \(bundle) did not answer in time"
                               : "the backend of \(bundle) failed: \(error)",
                           type: "server_error", code: timedOut ? "upstream_timeout" : "upstream_error").response
    }
}

extension Duration {
    var microseconds: Int { Int(components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000) }
}
