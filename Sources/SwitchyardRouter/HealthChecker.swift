import AsyncHTTPClient
import Foundation
import NIOCore
import ServiceLifecycle

/// Checks every known backend's `/health` on an interval, and reads the models a healthy one lists; only
/// healthy backends serving a bundle's pinned model receive its traffic.
struct HealthChecker: Service {
    let directory: EndpointDirectory
    let client: HTTPClient
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await checkAll()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One round over every endpoint, concurrently.
    func checkAll() async { await check(directory.all) }

    func check(_ endpoints: [Endpoint]) async {
        await withTaskGroup(of: Void.self) { group in
            for endpoint in endpoints {
                group.addTask {
                    let (verdict, listed) = await HealthProbe.check(endpoint.url, client: client, timeout: .seconds(2))
                    endpoint.record(verdict)
                    if let listed { endpoint.served.withLock { $0 = listed } }
                }
            }
        }
    }
}
