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
                out.append(("endpoints", "'\(Self.redacted(endpoint))' is not an http:// or https:// URL with a host"))
            }
            if !seen.insert(endpoint).inserted { out.append(("endpoints", "'\(Self.redacted(endpoint))' is listed twice")) }
            if Self.carriesCredentials(endpoint) {
                out.append(("endpoints", "'\(Self.redacted(endpoint))' carries credentials, which would be kept in the journal and shown; "
                                + "put the key in an environment variable of `switchyard serve` and name it in api_key_env"))
            }
        }
        if let name = apiKeyEnv, !Self.isEnvironmentName(name) {
            out.append(("api_key_env", "'\(name.prefix(3))…' is not an environment variable name (letters, digits, _); "
                            + "api_key_env names the variable that holds the key, never the key itself"))
        }
        if replicas < 0 { out.append(("replicas", "\(replicas) is negative; valid: 0 or more (0 means scaled to zero)")) }
        if maxConcurrency < 1 { out.append(("max_concurrency", "\(maxConcurrency) is not positive; valid: 1 or more requests per replica")) }
        if coldStartSeconds < 0 { out.append(("cold_start_seconds", "\(coldStartSeconds) is negative; valid: 0 or more seconds")) }
        if !(scaleUpPerMinute > 0) { out.append(("scale_up_per_minute", "\(scaleUpPerMinute) is not positive; valid: replicas added per minute, above 0")) }
        return out
    }

    /// Whether a URL holds a secret: user information before its host, or a key or token in its query.
    static func carriesCredentials(_ url: String) -> Bool {
        let afterScheme = url.range(of: "://").map { url[$0.upperBound...] } ?? url[...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" }
        let query = afterScheme.drop { $0 != "?" }.lowercased()
        return authority.contains("@") || ["key=", "token=", "secret=", "password="].contains { query.contains($0) }
    }

    /// A URL safe to print: user information and the query replaced by `***`.
    public static func redacted(_ url: String) -> String {
        guard carriesCredentials(url) else { return url }
        let scheme = url.range(of: "://").map { String(url[..<$0.upperBound]) } ?? ""
        var rest = url.dropFirst(scheme.count)
        if let at = rest.prefix(while: { $0 != "/" && $0 != "?" }).lastIndex(of: "@") { rest = "***@" + rest[rest.index(after: at)...] }
        if let question = rest.firstIndex(of: "?") { rest = rest[..<question] + "?***" }
        return scheme + rest
    }

    private static func isEnvironmentName(_ name: String) -> Bool {
        let letter = { (c: Character) in c.isASCII && (c.isLetter || c == "_") }
        return name.first.map(letter) == true && name.allSatisfy { letter($0) || ($0.isASCII && $0.isNumber) }
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
