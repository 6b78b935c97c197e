import AsyncHTTPClient
import Foundation
import NIOCore
import ServiceLifecycle

/// Checks every known backend's `/health` on an interval; only healthy, warm backends receive traffic.
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
                    endpoint.record(await HealthProbe.probe(endpoint.url, client: client, timeout: .seconds(2)))
                }
            }
        }
    }
}
