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
                    guard await probe(endpoint, client: .shared, timeout: timeout) == .healthy else { return nil }
                    let listed = await models(endpoint, client: .shared, timeout: timeout)
                    return model.flatMap { listed?.mismatch(with: $0) } == nil ? endpoint : nil
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
