/// How a bundle is deployed: mutable, separate from the immutable bundle.
public struct PoolSpec: Codable, Hashable, Sendable {
    public var bundle: BundleRef
    public var endpoints: [String]
    public var replicas: Int
    public var maxConcurrency: Int
    public var coldStartSeconds: Int
    /// Replicas that can be added per minute when scaling up.
    public var scaleUpPerMinute: Double
    /// The environment variable that holds the backend's API key; the key itself is never stored.
    public var apiKeyEnv: String?

    public init(
        bundle: BundleRef, endpoints: [String], replicas: Int, maxConcurrency: Int,
        coldStartSeconds: Int = 0, scaleUpPerMinute: Double = 1, apiKeyEnv: String? = nil
    ) {
        self.bundle = bundle
        self.endpoints = endpoints
        self.replicas = replicas
        self.maxConcurrency = maxConcurrency
        self.coldStartSeconds = coldStartSeconds
        self.scaleUpPerMinute = scaleUpPerMinute
        self.apiKeyEnv = apiKeyEnv
    }

    enum CodingKeys: String, CodingKey {
        case bundle, endpoints, replicas
        case maxConcurrency = "max_concurrency"
        case coldStartSeconds = "cold_start_seconds"
        case scaleUpPerMinute = "scale_up_per_minute"
        case apiKeyEnv = "api_key_env"
    }

    /// Concurrent requests the pool can hold when every replica is warm.
    public var capacity: Int { replicas * maxConcurrency }

    /// How many of this pool's endpoints are among `healthy`: a health report made before a `pool set` says
    /// nothing about endpoints added since.
    public func healthyCount(among healthy: [String]) -> Int { Set(healthy).intersection(endpoints).count }

    /// Replicas counted warm: in proportion to the pool's endpoints that pass health checks.
    public func warmReplicas(healthyEndpoints healthy: [String]) -> Int {
        endpoints.isEmpty ? 0 : replicas * healthyCount(among: healthy) / endpoints.count
    }

    /// Field-by-field problems, each as (field, message); empty when the pool is valid.
    public func problems() -> [(field: String, message: String)] {
        var out: [(String, String)] = []
        if endpoints.isEmpty { out.append(("endpoints", "at least one endpoint URL is required")) }
        var seen = Set<String>()
        for endpoint in endpoints {
            if !Self.isHTTPURL(endpoint) {
                out.append(("endpoints", "'\(endpoint)' is not an http:// or https:// URL with a host"))
            }
            if !seen.insert(endpoint).inserted { out.append(("endpoints", "'\(endpoint)' is listed twice")) }
        }
        if replicas < 0 { out.append(("replicas", "\(replicas) is negative; valid: 0 or more (0 means scaled to zero)")) }
        if maxConcurrency < 1 { out.append(("max_concurrency", "\(maxConcurrency) is not positive; valid: 1 or more requests per replica")) }
        if coldStartSeconds < 0 { out.append(("cold_start_seconds", "\(coldStartSeconds) is negative; valid: 0 or more seconds")) }
        if !(scaleUpPerMinute > 0) { out.append(("scale_up_per_minute", "\(scaleUpPerMinute) is not positive; valid: replicas added per minute, above 0")) }
        return out
    }

    private static func isHTTPURL(_ text: String) -> Bool {
        for scheme in ["http://", "https://"] where text.hasPrefix(scheme) {
            let rest = text.dropFirst(scheme.count)
            let host = rest.prefix { $0 != "/" && $0 != ":" }
            return !host.isEmpty && !text.contains(" ")
        }
        return false
    }
}
