import Foundation
import NIOCore
import NIOHTTP1
import SwitchyardCore

/// The data plane's decisions, free of I/O: reads the tenant and session, picks a bundle from the current
/// generation, applies the whole bundle to the request and takes a backend slot; shapes the answer's head and
/// every error. `DataPlaneHandler` and `ProxyAttempt` move the bytes.
struct DataPlane: Sendable {
    let router: SwitchyardRouter

    static let tenantHeader = "x-switchyard-tenant"
    static let sessionHeader = "x-session-id"
    static let bundleHeader = "x-switchyard-bundle"
    static let clientRequestIDHeader = "x-request-id"
    static let requestIDHeader = "x-switchyard-request-id"
    static let generationHeader = "x-switchyard-generation"
    static let overheadHeader = "x-switchyard-overhead-us"

    /// What to do with a request once it has been read.
    enum Start {
        case answer(PlainAnswer)
        case proxy(Incoming)
    }

    /// Reads a whole request: the model list and non-API paths are answered here, the rest goes to a bundle.
    func start(_ head: HTTPRequestHead, body: ByteBuffer, arrival: ContinuousClock.Instant, ids: inout SeededGenerator) -> Start {
        let path = head.uri.prefix { $0 != "?" }
        if head.method == .GET && path == "/v1/models" { return .answer(models(forTenant: tenant(of: head.headers))) }
        guard path.hasPrefix("/v1/") else {
            return .answer(OpenAIError.notFound("\(path) is not an OpenAI API path; Switchyard serves /v1/*", code: "unknown_path").answer)
        }
        do {
            let parsed = try Self.parseBody(body)
            let session = head.headers.first(name: Self.sessionHeader)
                ?? parsed?["user"].flatMap { if case .string(let user) = $0 { user } else { nil } }
            return .proxy(Incoming(head: head, path: String(path), arrival: arrival, tenant: tenant(of: head.headers), body: parsed,
                                   kind: EndpointKind(path: String(path)), session: session, requestID: Self.requestID(head.headers, ids: &ids)))
        } catch {
            return .answer(error.answer)
        }
    }

    /// Chooses a bundle from the current generation, takes a backend slot, and prepares the bundle-applied request.
    func send(_ incoming: Incoming, attempt: Int, random: inout SeededGenerator) -> SendOutcome {
        let snapshot = router.snapshot
        let choice: Choice
        do { choice = try choose(snapshot: snapshot, incoming: incoming, random: &random) } catch { return .refused(error.answer) }
        let served = choice.served
        let endpoint: Endpoint
        do { endpoint = try served.pool.acquire() } catch {
            return .refused(refuse(error, bundle: choice.bundle, tenantLabel: incoming.tenantLabel))
        }
        let ticket = InFlightTicket(tenant: incoming.tenant ?? RoutingTable.defaultTenant, bundle: choice.bundle)
        router.inFlight.register(ticket)
        let applied = incoming.body.map { served.applier.apply(to: $0, kind: incoming.kind, session: incoming.session) }
        if attempt == 0, let body = incoming.body {
            router.mirror(body, draw: Int.random(in: 0..<fullWeight, using: &random), path: incoming.path, kind: incoming.kind,
                          session: incoming.session, route: choice.route, snapshot: snapshot, tenantLabel: incoming.tenantLabel)
        }
        let (head, body) = upstreamRequest(incoming.head, endpoint: endpoint, served: served, body: applied)
        return .sent(Exchange(incoming: incoming, choice: choice, generation: snapshot.generation, endpoint: endpoint, ticket: ticket,
                              registry: router.inFlight, head: head, body: body, timeout: served.timeout(within: router.configuration.upstreamTimeout),
                              maxAnswerBytes: router.configuration.maxAnswerBytes, sentAt: .now))
    }

    /// The head of a backend's answer as the client gets it: the backend's headers and Switchyard's own.
    func answerHead(_ upstream: HTTPResponseHead, _ exchange: Exchange, firstByteAt: ContinuousClock.Instant, contentLength: Int?,
                    ledger: RequestLedger.Shard) -> HTTPResponseHead {
        var headers = Self.clientHeaders(from: upstream.headers)
        headers.add(name: Self.bundleHeader, value: exchange.choice.served.refText)
        headers.add(name: Self.generationHeader, value: String(exchange.generation))
        let overhead = (exchange.sentAt - exchange.incoming.arrival) + (ContinuousClock.now - firstByteAt)
        headers.add(name: Self.overheadHeader, value: String(overhead.microseconds))
        headers.add(name: Self.requestIDHeader, value: exchange.incoming.requestID)
        if let contentLength { headers.add(name: "content-length", value: String(contentLength)) }
        keep(exchange, status: Int(upstream.status.code), in: ledger)
        return HTTPResponseHead(version: .http1_1, status: upstream.status, headers: headers)
    }

    /// The backend failed or timed out: an OpenAI error for the client, measured and kept for `switchyard affected`.
    func failed(_ error: any Error, _ exchange: Exchange, ledger: RequestLedger.Shard) -> PlainAnswer {
        let incoming = exchange.incoming
        var answer = failUpstream(error, endpoint: exchange.endpoint, bundle: exchange.choice.bundle, tenantLabel: incoming.tenantLabel,
                                  arrival: incoming.arrival)
        answer.headers.add(name: Self.requestIDHeader, value: incoming.requestID)
        keep(exchange, status: Int(answer.status.code), in: ledger)
        return answer
    }

    /// How the answer is measured once it has been passed back.
    func measure(_ exchange: Exchange) -> AnswerContext {
        AnswerContext(router: router, key: TelemetryKey(bundle: exchange.choice.bundle, tenant: exchange.incoming.tenantLabel, role: .primary),
                      served: exchange.choice.served, request: AnswerRequest(exchange.incoming.body), arrival: exchange.incoming.arrival)
    }

    /// The answer when a request was moved by routing changes more often than it may be.
    static let rerouted = OpenAIError(status: .serviceUnavailable, message: "the request was moved twice by routing changes; retry it",
                                      type: "server_error", code: "rerouted")

    /// The answer to a request body over the limit.
    var bodyTooLarge: PlainAnswer {
        OpenAIError(status: .contentTooLarge, message: "the request body is larger than the limit of \(router.configuration.maxBodyBytes) bytes",
                    type: "invalid_request_error", code: "request_too_large").answer
    }

    /// Records the answer for `switchyard affected` (no content).
    private func keep(_ exchange: Exchange, status: Int, in ledger: RequestLedger.Shard) {
        let incoming = exchange.incoming
        ledger.record(id: incoming.requestID, tenant: incoming.tenantLabel, session: incoming.session, bundle: exchange.choice.bundle,
                      generation: exchange.generation, status: status)
    }

    /// The chosen bundle and what serves it.
    struct Choice {
        var bundle: BundleRef
        var served: ServedBundle
        var route: TenantRoute
    }

    private func choose(snapshot: RoutingSnapshot, incoming: Incoming, random: inout SeededGenerator) throws(OpenAIError) -> Choice {
        let (tenant, session, body) = (incoming.tenant, incoming.session, incoming.body)
        guard let route = snapshot.table.route(forTenant: tenant) else {
            throw OpenAIError(status: .serviceUnavailable, message: "no route is configured\(tenant.map { " for tenant \($0)" } ?? "")",
                              type: "server_error", code: "no_route")
        }
        // The list of models is only worked out for the error message.
        func available() -> String { RoutingSnapshot.logicalModels(of: route).joined(separator: ", ") }
        switch body?["model"] {
        case .string(let model)? where !route.weights.contains(where: { $0.bundle.name == model }):
            throw OpenAIError.notFound("the model '\(model)' does not exist here; available: \(available())", code: "model_not_found")
        case nil where body != nil && incoming.kind != .other:
            throw OpenAIError.invalidRequest("'model' is required; available: \(available())", code: "missing_model")
        default:
            break
        }
        let pinKey = session.map { "\(tenant ?? "")\u{0}\($0)" }
        let now = Date()
        let decision = BundleChooser.choose(route: route, session: session, pin: pinKey.flatMap(router.pins.pin), now: now) {
            Int.random(in: 0..<fullWeight, using: &random)
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
    static func requestID(_ headers: HTTPHeaders, ids: inout SeededGenerator) -> String {
        if let given = headers.first(name: clientRequestIDHeader), !given.isEmpty, given.utf8.count <= 128,
           given.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 }) {
            return given
        }
        return String(ids.next(), radix: 16)
    }

    private func tenant(of headers: HTTPHeaders) -> String? {
        if let tenant = headers.first(name: Self.tenantHeader), !tenant.isEmpty { return tenant }
        guard let authorization = headers.first(name: "authorization"), authorization.hasPrefix("Bearer ") else { return nil }
        return router.configuration.tenantKeys[String(authorization.dropFirst(7))]
    }

    private func models(forTenant tenant: String?) -> PlainAnswer {
        let snapshot = router.snapshot
        let data = snapshot.table.route(forTenant: tenant).map(RoutingSnapshot.logicalModels(of:))?.map { name -> JSONValue in
            ["id": .string(name), "object": "model", "created": 0, "owned_by": "switchyard"]
        }
        return PlainAnswer(status: .ok, headers: [Self.generationHeader: String(snapshot.generation)],
                           json: JSONValue.object(["object": "list", "data": .array(data ?? [])]))
    }

    static func parseBody(_ raw: ByteBuffer) throws(OpenAIError) -> JSONObjectBytes? {
        guard raw.readableBytes > 0 else { return nil }
        let bytes = Array(raw.readableBytesView)
        do {
            return try JSONObjectBytes(parsing: bytes)
        } catch .notAnObject {
            throw OpenAIError.invalidRequest("the request body must be a JSON object", code: "invalid_json")
        } catch {
            // Only a failed parse pays for a second pass, to say which of the two is wrong.
            if String(validating: bytes, as: UTF8.self) == nil {
                throw OpenAIError.invalidRequest("the request body is not valid UTF-8", code: "invalid_utf8")
            }
            throw OpenAIError.invalidRequest("the request body is not valid JSON", code: "invalid_json")
        }
    }

    private func upstreamRequest(_ request: HTTPRequestHead, endpoint: Endpoint, served: ServedBundle,
                                 body: BundleApplier.Applied?) -> (HTTPRequestHead, ByteBuffer?) {
        let target = endpoint.target
        var headers = HTTPHeaders()
        headers.add(name: "host", value: target.hostHeader)
        for (name, value) in request.headers {
            guard !HopByHop.contains(name), !name.equalsIgnoringASCIICase("authorization"), !name.equalsIgnoringASCIICase("content-type"),
                  !name.hasPrefixIgnoringASCIICase("x-switchyard-") else { continue }
            headers.add(name: name, value: value)
        }
        if let authorization = served.resolved.upstreamAuthorization { headers.add(name: "authorization", value: authorization) }
        headers.add(name: "x-switchyard-bundle", value: served.refText)
        if let revision = served.resolved.bundle.model.revision { headers.add(name: "x-switchyard-model-revision", value: revision) }
        var bytes: ByteBuffer?
        if let body {
            // For backends that take the cache namespace from a header rather than the body.
            if let key = body.cacheKey { headers.add(name: "x-switchyard-cache-key", value: key) }
            let encoded = ByteBuffer(bytes: body.body)
            headers.add(name: "content-type", value: "application/json")
            headers.add(name: "content-length", value: String(encoded.readableBytes))
            bytes = encoded
        } else if request.method == .POST || request.method == .PUT || request.method == .PATCH {
            headers.add(name: "content-length", value: "0")
        }
        return (HTTPRequestHead(version: .http1_1, method: request.method, uri: target.pathPrefix + request.uri, headers: headers), bytes)
    }

    static func clientHeaders(from upstream: HTTPHeaders) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for (name, value) in upstream where !HopByHop.contains(name) { headers.add(name: name, value: value) }
        return headers
    }

    private func refuse(_ refusal: PoolRefusal, bundle: BundleRef, tenantLabel: String) -> PlainAnswer {
        let key = TelemetryKey(bundle: bundle, tenant: tenantLabel, role: .primary)
        switch refusal {
        case .saturated:
            router.telemetry.recordRejected(key, at: Date())
            var error = OpenAIError(status: .tooManyRequests, message: "every backend of \(bundle) is at its concurrency limit; retry shortly",
                                    type: "rate_limit_error", code: "pool_saturated")
            error.headers[.retryAfter] = "1"
            return error.answer
        case .noHealthyBackend:
            router.telemetry.record(RequestObservation(key: key, time: Date(), status: 503, latencyMicros: 0, upstreamError: true))
            return OpenAIError(status: .serviceUnavailable, message: "no healthy, warm backend serves \(bundle)",
                               type: "server_error", code: "no_healthy_backend").answer
        }
    }

    private func failUpstream(_ error: any Error, endpoint: Endpoint, bundle: BundleRef, tenantLabel: String,
                              arrival: ContinuousClock.Instant) -> PlainAnswer {
        let timedOut = UpstreamAnswer.isTimeout(error)
        // A backend that cannot be reached is taken out until its next health check passes.
        if !timedOut, !(error is CancellationError), (error as? UpstreamError)?.meansUnreachable ?? true {
            endpoint.healthy.store(false, ordering: .relaxed)
        }
        let status: HTTPResponseStatus = timedOut ? .gatewayTimeout : .badGateway
        router.telemetry.record(RequestObservation(
            key: TelemetryKey(bundle: bundle, tenant: tenantLabel, role: .primary), time: Date(), status: Int(status.code),
            latencyMicros: (ContinuousClock.now - arrival).microseconds, upstreamError: true, timeout: timedOut))
        return OpenAIError(status: .init(code: Int(status.code)), message: timedOut ? "the backend of \(bundle) did not answer in time"
                               : "the backend of \(bundle) failed: \(error)",
                           type: "server_error", code: timedOut ? "upstream_timeout" : "upstream_error").answer
    }
}
