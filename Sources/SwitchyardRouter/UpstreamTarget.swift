import NIOCore

/// Where an endpoint URL (`http[s]://host[:port][/prefix]`) sends requests: the socket, TLS or not, the `Host`
/// header and the path prefix put before each request's path.
struct UpstreamTarget: Sendable, Hashable {
    let host: String
    let port: Int
    let tls: Bool
    let pathPrefix: String
    /// The `Host` header for requests to it (worked out once: it goes on every request).
    let hostHeader: String

    /// `url` is a validated pool endpoint (PoolSpec checks the scheme and host), without a trailing slash.
    init(url: String) {
        tls = url.hasPrefix("https://")
        let rest = url.dropFirst(tls ? 8 : 7)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        pathPrefix = String(rest.dropFirst(authority.count))
        let hostPart = authority.split(separator: "@").last.map(String.init) ?? String(authority)
        if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
            host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
            port = Int(hostPart[close...].drop { $0 != ":" }.dropFirst()) ?? (tls ? 443 : 80)
        } else if let colon = hostPart.lastIndex(of: ":") {
            host = String(hostPart[..<colon])
            port = Int(hostPart[hostPart.index(after: colon)...]) ?? (tls ? 443 : 80)
        } else {
            host = hostPart
            port = tls ? 443 : 80
        }
        hostHeader = port == (tls ? 443 : 80) ? host : "\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
