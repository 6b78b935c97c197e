import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A shadow copy's answer, read through async-http-client off the client's path (the data plane itself reads
/// answers in `ProxyAttempt`): the head, and either the whole body or, for a stream, its first chunk and a
/// reader for the rest, used by the shadow's task alone.
final class UpstreamAnswer: @unchecked Sendable {
    let status: Int
    let headers: HTTPHeaders
    let isStream: Bool
    /// The whole body (not a stream) or the first chunk (a stream).
    let firstBytes: ByteBuffer
    var rest: HTTPClientResponse.Body.AsyncIterator?
    let firstByteAt: ContinuousClock.Instant

    init(status: Int, headers: HTTPHeaders, isStream: Bool, firstBytes: ByteBuffer,
         rest: HTTPClientResponse.Body.AsyncIterator?, firstByteAt: ContinuousClock.Instant) {
        self.status = status
        self.headers = headers
        self.isStream = isStream
        self.firstBytes = firstBytes
        self.rest = rest
        self.firstByteAt = firstByteAt
    }

    /// Whether a failed fetch ran out of time (the backend may be fine, only slow) rather than failing outright.
    static func isTimeout(_ error: any Error) -> Bool {
        (error as? HTTPClientError) == .deadlineExceeded || (error as? HTTPClientError) == .readTimeout || (error as? UpstreamError) == .timedOut
    }

    /// Sends `request` and reads until the router can answer: the whole body, or a stream's first chunk.
    static func fetch(_ request: HTTPClientRequest, client: HTTPClient, timeout: TimeAmount, maxBody: Int) async throws -> UpstreamAnswer {
        let response = try await client.execute(request, timeout: timeout)
        let isStream = response.headers.isEventStream
        var iterator = response.body.makeAsyncIterator()
        if isStream {
            let first = try await iterator.next() ?? ByteBuffer()
            return UpstreamAnswer(status: Int(response.status.code), headers: response.headers, isStream: true,
                                  firstBytes: first, rest: iterator, firstByteAt: .now)
        }
        var body = ByteBuffer()
        var firstByteAt: ContinuousClock.Instant?
        while var chunk = try await iterator.next() {
            if firstByteAt == nil { firstByteAt = .now }
            guard body.readableBytes + chunk.readableBytes <= maxBody else { throw UpstreamError.answerTooLarge(maxBody) }
            body.writeBuffer(&chunk)
        }
        return UpstreamAnswer(status: Int(response.status.code), headers: response.headers, isStream: false,
                              firstBytes: body, rest: nil, firstByteAt: firstByteAt ?? .now)
    }

    /// The next chunk of a stream, or nil at its end.
    func nextChunk() async throws -> ByteBuffer? {
        guard var iterator = rest else { return nil }
        defer { rest = iterator }
        return try await iterator.next()
    }
}

/// Ways a backend can fail a request, as the router reports them.
enum UpstreamError: Error, Equatable, CustomStringConvertible {
    case answerTooLarge(Int)
    /// No answer within the bundle's timeout.
    case timedOut
    /// The connection closed before the answer ended.
    case closedEarly
    /// An https:// endpoint, and no TLS configuration could be made on this machine.
    case tlsUnavailable

    var description: String {
        switch self {
        case .answerTooLarge(let limit): "the answer is larger than the limit of \(limit) bytes"
        case .timedOut: "no answer in time"
        case .closedEarly: "the connection closed before the answer ended"
        case .tlsUnavailable: "TLS is not available for https:// endpoints on this machine"
        }
    }

    /// Whether the backend itself looks unreachable or broken, rather than slow or its answer unwanted.
    var meansUnreachable: Bool { self == .closedEarly }
}

/// Headers that describe one hop of a connection and must not be forwarded.
enum HopByHop {
    static let names: [String] = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
        "upgrade", "content-length", "host", "expect",
    ]

    static func contains(_ name: String) -> Bool { names.contains { name.equalsIgnoringASCIICase($0) } }
}

extension String {
    /// Whether it equals `lowercase` (ASCII, lowercase) in any case, without building a lowercased copy: header
    /// names are compared on every request's path.
    func equalsIgnoringASCIICase(_ lowercase: String) -> Bool {
        utf8.count == lowercase.utf8.count && hasPrefixIgnoringASCIICase(lowercase)
    }

    /// Whether it starts with `lowercase` (ASCII, lowercase) in any case.
    func hasPrefixIgnoringASCIICase(_ lowercase: String) -> Bool {
        var (own, prefix) = (self, lowercase)
        return own.withUTF8 { own in
            prefix.withUTF8 { prefix in
                guard own.count >= prefix.count else { return false }
                for index in prefix.indices {
                    let byte = own[index]
                    let lowered = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                    guard lowered == prefix[index] else { return false }
                }
                return true
            }
        }
    }
}

extension HTTPHeaders {
    /// Whether the body is a server-sent-events stream (`text/event-stream`, any parameters).
    var isEventStream: Bool { first(name: "content-type")?.hasPrefixIgnoringASCIICase("text/event-stream") ?? false }
}
