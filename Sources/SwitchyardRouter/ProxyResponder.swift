import AsyncHTTPClient
import Atomics
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import NIOHTTP1
import SwitchyardCore

/// A request's context on the data plane: Hummingbird's, plus the client's channel.
struct ProxyContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// The data plane: reads the tenant and session, picks a bundle from the current generation, applies the
/// whole bundle to the request, sends it to a healthy backend of the bundle's pool, and passes the answer
/// back untouched while measuring it.
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
        if request.method == .get && path == "/v1/models" { return models(forTenant: tenant(of: request)) }
        guard path.hasPrefix("/v1/") else {
            throw OpenAIError.notFound("\(path) is not an OpenAI API path; Switchyard serves /v1/*", code: "unknown_path")
        }
        let raw = try await request.body.collect(upTo: router.configuration.maxBodyBytes)
        let incoming = try incoming(request, raw: raw, arrival: arrival)
        for attempt in 0..<2 {
            let exchange: Exchange
            switch try send(incoming, attempt: attempt) {
            case .refused(let response): return response
            case .sent(let sent): exchange = sent
            }
            let answer: UpstreamAnswer
            do {
                answer = try await exchange.upstream.value
            } catch {
                exchange.completion.finish()
                if exchange.ticket.reissueRequested && attempt == 0 { continue }
                return failed(error, exchange)
            }
            guard exchange.ticket.markStarted() || attempt > 0 else {
                exchange.completion.finish()
                continue
            }
            return answered(answer, exchange)
        }
        throw OpenAIError(status: .serviceUnavailable, message: "the request was moved twice by routing changes; retry it",
                          type: "server_error", code: "rerouted")
    }

    // The phases around the two suspension points are synchronous and kept out of line on purpose: inlined into
    // the async `proxy`, their locals become part of its task frame, and Hummingbird's connection task keeps memory
    // of that size for as long as the connection stays open (heaptrack: 13 KB per idle keep-alive connection when
    // inlined, 4 KB since; Docs/reliability.md, "Memory").

    /// The request as read: tenant, session, body and ids.
    @inline(never)
    private func incoming(_ request: Request, raw: ByteBuffer, arrival: ContinuousClock.Instant) throws -> Incoming {
        let tenant = tenant(of: request)
        let body = try Self.parseBody(raw)
        let session = request.headers[Self.sessionHeader] ?? body?["user"].flatMap { if case .string(let user) = $0 { user } else { nil } }
        return Incoming(request: request, arrival: arrival, tenant: tenant, body: body, kind: EndpointKind(path: request.uri.path),
                        session: session, requestID: Self.requestID(request))
    }

    /// Chooses a bundle from the current generation, takes a backend slot, and sends the bundle-applied request.
    @inline(never)
    private func send(_ incoming: Incoming, attempt: Int) throws -> SendOutcome {
        let snapshot = router.snapshot
        let choice = try choose(snapshot: snapshot, tenant: incoming.tenant, session: incoming.session, body: incoming.body, kind: incoming.kind)
        let served = choice.served
        let endpoint: Endpoint
        do { endpoint = try served.pool.acquire() } catch {
            return .refused(refuse(error, bundle: choice.bundle, tenantLabel: incoming.tenantLabel))
        }
        let ticket = InFlightTicket(tenant: incoming.tenant ?? RoutingTable.defaultTenant, bundle: choice.bundle)
        router.inFlight.register(ticket)
        let completion = Completion(endpoint: endpoint, ticket: ticket, registry: router.inFlight)
        let applied = incoming.body.map { served.applier.apply(to: $0, kind: incoming.kind, session: incoming.session) }
        if attempt == 0, let body = incoming.body {
            router.mirror(body, path: incoming.request.uri.path, kind: incoming.kind, session: incoming.session, route: choice.route,
                          snapshot: snapshot, tenantLabel: incoming.tenantLabel)
        }
        let upstream = upstreamRequest(incoming.request, endpoint: endpoint, served: served, body: applied)
        let timeout = served.timeout(within: router.configuration.upstreamTimeout)
        let (client, maxBody) = (router.client, router.configuration.maxAnswerBytes)
        let sentAt = ContinuousClock.now
        let task = Task { try await UpstreamAnswer.fetch(upstream, client: client, timeout: timeout, maxBody: maxBody) }
        ticket.attach { task.cancel() }
        return .sent(Exchange(incoming: incoming, choice: choice, generation: snapshot.generation, endpoint: endpoint, ticket: ticket,
                              completion: completion, upstream: task, sentAt: sentAt))
    }

    /// The backend failed or timed out: an OpenAI error for the client, measured and kept for `switchyard affected`.
    @inline(never)
    private func failed(_ error: Error, _ exchange: Exchange) -> Response {
        let incoming = exchange.incoming
        var response = failUpstream(error, endpoint: exchange.endpoint, bundle: exchange.choice.bundle, tenantLabel: incoming.tenantLabel,
                                    arrival: incoming.arrival)
        response.headers[Self.requestIDHeader] = incoming.requestID
        keep(exchange, status: response.status.code)
        return response
    }

    /// The backend's answer, passed back with Switchyard's headers and measured as it goes.
    @inline(never)
    private func answered(_ answer: UpstreamAnswer, _ exchange: Exchange) -> Response {
        let incoming = exchange.incoming
        let context = AnswerContext(
            router: router, key: TelemetryKey(bundle: exchange.choice.bundle, tenant: incoming.tenantLabel, role: .primary),
            served: exchange.choice.served, request: AnswerRequest(incoming.body), arrival: incoming.arrival, completion: exchange.completion)
        var headers = Self.clientHeaders(from: answer.headers)
        headers[Self.bundleHeader] = exchange.choice.bundle.description
        headers[Self.generationHeader] = String(exchange.generation)
        let overhead = (exchange.sentAt - incoming.arrival) + (ContinuousClock.now - answer.firstByteAt)
        headers[Self.overheadHeader] = String(overhead.microseconds)
        headers[Self.requestIDHeader] = incoming.requestID
        keep(exchange, status: answer.status)
        let body = answer.isStream ? context.streamBody(answer) : context.wholeBody(answer)
        return Response(status: .init(code: answer.status), headers: headers, body: body)
    }

    /// Records the answer for `switchyard affected` (no content).
    private func keep(_ exchange: Exchange, status: Int) {
        let incoming = exchange.incoming
        router.ledger.record(ServedRequest(id: incoming.requestID, time: Date(), tenant: incoming.tenantLabel, session: incoming.session,
                                           bundle: exchange.choice.bundle, generation: exchange.generation, status: status))
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
