import AsyncHTTPClient
import Foundation
import NIOCore
import ServiceLifecycle

/// The demo's clients: a few workers sending small chat completions through the router as three tenants
/// with recurring sessions, about 15 requests a second, until shutdown.
final class SyntheticTraffic: Service, Sendable {
    static let tenants = ["acme", "globex", "initech"]
    private let urls = AsyncStream<String>.makeStream()

    /// Starts the traffic once the router listens at `url`.
    func begin(url: String) async { urls.continuation.yield(url) }

    func run() async throws {
        var iterator = urls.stream.makeAsyncIterator()
        guard let base = await iterator.next() else { return }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<4 { group.addTask { await Self.send(to: base, worker: worker) } }
            }
        }
    }

    private static func send(to base: String, worker: Int) async {
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            let tenant = tenants.randomElement(using: &random)!
            let request = chat(base: base, model: "support-assistant", tenant: tenant, session: "\(tenant)-\(Int.random(in: 0..<40, using: &random))")
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(10)) {
                _ = try? await response.body.collect(upTo: 1 << 20)
            }
            try? await Task.sleep(for: .milliseconds(Int.random(in: 150...350, using: &random)))
        }
    }

    /// A small chat completion for `model` as `tenant`, in `session`.
    static func chat(base: String, model: String, tenant: String, session: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: base + "/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "x-switchyard-tenant", value: tenant)
        request.headers.add(name: "x-session-id", value: session)
        request.body = .bytes(ByteBuffer(string: #"{"model":"\#(model)","messages":[{"role":"user","content":"Where is my order?"}]}"#))
        return request
    }
}
