import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchyardCore

/// A one-off health check of some endpoints, for commands that run without a router (a rollback's pre-flight
/// when `serve` is not running).
public enum HealthProbe {
    /// Those of `endpoints` that answer `GET /health` with 200 within `timeout` and, when their `/v1/models`
    /// lists models, list `model` at its pinned revision.
    public static func healthy(_ endpoints: [String], serving model: ModelReference?, timeout: TimeAmount = .seconds(2)) async -> [String] {
        await withTaskGroup(of: String?.self) { group in
            for endpoint in endpoints {
                group.addTask {
                    let (verdict, listed) = await check(endpoint, client: .shared, timeout: timeout)
                    return verdict == .healthy && (model.map { listed?.serves($0) ?? true } ?? true) ? endpoint : nil
                }
            }
            return await group.reduce(into: []) { if let healthy = $1 { $0.append(healthy) } }
        }
    }

    /// What one `GET /health` said.
    enum Verdict: Equatable {
        case healthy
        /// It answered, but not 200 (warming up, failing), or refused the connection.
        case unhealthy
        /// No answer within the timeout: the backend may be down, or this machine too busy to tell.
        case noAnswer
    }

    /// One health check: `GET /health`, then, when healthy, what `GET /v1/models` lists (nil when unreadable).
    static func check(_ endpoint: String, client: HTTPClient, timeout: TimeAmount) async -> (Verdict, ServedModels?) {
        let verdict = await probe(endpoint, client: client, timeout: timeout)
        return (verdict, verdict == .healthy ? await models(endpoint, client: client, timeout: timeout) : nil)
    }

    /// What `GET /v1/models` lists, nil when it does not answer 200 with a model list.
    static func models(_ endpoint: String, client: HTTPClient, timeout: TimeAmount) async -> ServedModels? {
        guard let response = try? await client.execute(HTTPClientRequest(url: endpoint + "/v1/models"), timeout: timeout),
              response.status.code == 200, let body = try? await response.body.collect(upTo: 1024 * 1024) else { return nil }
        return ServedModels(listing: body)
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
