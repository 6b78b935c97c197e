import Foundation

/// The client's end of the admin socket: one request, one reply.
public enum AdminSocketClient {
    /// Why a request could not be sent or answered.
    public enum Failure: Error, Equatable {
        /// No server listens: no socket file, or one left by a server that died.
        case absent
        /// The socket's mode or group keeps this user out.
        case denied(String)
        /// The server went away, or answered something unreadable: the command may or may not have run.
        case broken(String)
    }

    /// Sends `request` and waits for the reply: at most `timeout`, or as long as the command takes.
    public static func send(_ request: AdminRequest, to path: String, timeout: Int? = nil) throws(Failure) -> AdminReply {
        let descriptor = try connect(path)
        defer { close(descriptor) }
        if let timeout { AdminFraming.setTimeout(descriptor, SO_RCVTIMEO, seconds: timeout) }
        guard let bytes = try? AdminFraming.encode(request), AdminFraming.writeAll(bytes, to: descriptor) else {
            throw .broken("serve closed the admin socket before taking the request")
        }
        guard let line = AdminFraming.readLine(from: descriptor, limit: Int.max) else {
            throw .broken(timeout != nil && errno == EAGAIN ? "serve did not answer on the admin socket within \(timeout ?? 0) s" : "serve closed the admin socket before answering")
        }
        guard let reply = try? JSONDecoder().decode(AdminReply.self, from: Data(line)) else {
            throw .broken("serve's answer on the admin socket is not a reply this switchyard reads (a different version?)")
        }
        return reply
    }

    /// Asks the serve listening on `path` to put `generation` in force now rather than at its next reload beat,
    /// and waits until it has (at most `timeout` seconds). The generation serve has in force, or nil when no serve
    /// answers there.
    public static func awaitInForce(_ generation: Int, at path: String, timeout: Int = 3) -> Int? {
        let request = AdminRequest(operation: .inForce, arguments: [String(generation)])
        guard let reply = try? send(request, to: path, timeout: timeout) else { return nil }
        return Int(reply.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Whether a server accepts connections on `path` now.
    public static func isAnswering(_ path: String) -> Bool {
        guard let descriptor = try? connect(path) else { return false }
        close(descriptor)
        return true
    }

    private static func connect(_ path: String) throws(Failure) -> Int32 {
        guard var address = try? UnixAddress(path) else { throw .absent }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .broken(String(cString: strerror(errno))) }
        let status = address.withSocketAddress { Glibc.connect(descriptor, $0, $1) }
        guard status == 0 else {
            let code = errno
            close(descriptor)
            switch code {
            case ENOENT, ECONNREFUSED: throw .absent
            case EACCES, EPERM: throw .denied(String(cString: strerror(code)))
            default: throw .broken(String(cString: strerror(code)))
            }
        }
        return descriptor
    }
}
