import AsyncHTTPClient
import Foundation
import NIOCore

/// A one-off health check of some endpoints, for commands that run without a router (a rollback's pre-flight
/// when `serve` is not running).
public enum HealthProbe {
    /// Those of `endpoints` that answer `GET /health` with 200 within `timeout`.
    public static func healthy(_ endpoints: [String], timeout: TimeAmount = .seconds(2)) async -> [String] {
        await withTaskGroup(of: String?.self) { group in
            for endpoint in endpoints { group.addTask { await isHealthy(endpoint, client: .shared, timeout: timeout) ? endpoint : nil } }
            return await group.reduce(into: []) { if let healthy = $1 { $0.append(healthy) } }
        }
    }

    static func isHealthy(_ endpoint: String, client: HTTPClient, timeout: TimeAmount) async -> Bool {
        guard let response = try? await client.execute(HTTPClientRequest(url: endpoint + "/health"), timeout: timeout) else { return false }
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return response.status.code == 200
    }
}
