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
        await probe(endpoint, client: client, timeout: timeout) == .healthy
    }

    /// What one `GET /health` said.
    enum Verdict: Equatable {
        case healthy
        /// It answered, but not 200 (warming up, failing), or refused the connection.
        case unhealthy
        /// No answer within the timeout: the backend may be down, or this machine too busy to tell.
        case noAnswer
    }

    static func probe(_ endpoint: String, client: HTTPClient, timeout: TimeAmount) async -> Verdict {
        do {
            let response = try await client.execute(HTTPClientRequest(url: endpoint + "/health"), timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return response.status.code == 200 ? .healthy : .unhealthy
        } catch let error as HTTPClientError where [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) {
            return .noAnswer
        } catch {
            return .unhealthy
        }
    }
}
