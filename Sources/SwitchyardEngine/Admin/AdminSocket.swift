import Foundation
import SwitchyardCore

/// The Engine's admin socket, `DIR/admin.sock`, mode 0660: each connection carries one request, answered by the
/// handler with the kernel's word (SO_PEERCRED) for who sent it, and the role that user has.
public final class AdminSocket: @unchecked Sendable {
    public typealias Handler = @Sendable (AdminRequest, PeerCredentials, AdminRole) -> AdminReply

    public let path: String
    private let listener: Int32
    private let access: AdminAccess
    private let handler: Handler
    // At most this many requests are handled at once; more wait to be accepted.
    private let slots = DispatchSemaphore(value: 8)
    private let stopping = NSLock()
    private var stopped = false

    /// The socket's path in a state directory.
    public static func path(in stateDirectory: String) -> String { stateDirectory + "/admin.sock" }

    /// Creates and listens on the socket. A socket file left by a server that died is replaced; one that answers
    /// belongs to a server still running, and that is refused.
    public init(stateDirectory: String, access: AdminAccess, handler: @escaping Handler) throws {
        path = Self.path(in: stateDirectory)
        self.access = access
        self.handler = handler
        if AdminSocketClient.isAnswering(path) {
            throw SwitchyardError.refused("another `switchyard serve` already listens on \(path)",
                                          hint: "one serve steers a state directory: stop the other one, or give this one its own --state")
        }
        unlink(path)
        var address = try UnixAddress(path)
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw Self.failure("create", path) }
        // Created 0660 (the umask does it: no chmod that a swapped-in symlink could redirect), then given its group
        // with lchown, which never follows a symlink.
        let previous = umask(0o117)
        let bound = address.withSocketAddress { bind(listener, $0, $1) }
        umask(previous)
        guard bound == 0 else {
            let error = Self.failure("create", path)
            close(listener)
            throw error
        }
        if let group = access.socketGroup, lchown(path, UInt32.max, group.gid) != 0 {
            let error = Self.failure("give group \(group.name) to", path,
                                     hint: "serve's user must be a member of group \(group.name) (or root) to give it the socket")
            close(listener)
            unlink(path)
            throw error
        }
        guard listen(listener, 32) == 0 else {
            let error = Self.failure("listen on", path)
            close(listener)
            unlink(path)
            throw error
        }
    }

    /// Starts accepting on a thread of its own: the requests' commands block, and the router's threads must not.
    public func start() {
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Stops accepting and removes the socket file; requests being handled finish.
    public func stop() {
        stopping.withLock {
            guard !stopped else { return }
            stopped = true
            unlink(path)
            // Wakes the accept loop; the descriptor is closed here, under the lock, and nowhere else.
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    private var isStopped: Bool { stopping.withLock { stopped } }

    private func acceptLoop() {
        while !isStopped {
            slots.wait()
            let client = accept(listener, nil, nil)
            let failure = errno
            guard client >= 0 else {
                slots.signal()
                switch failure {
                case EINTR, ECONNABORTED: continue
                // Out of descriptors or memory for a moment (a busy router): wait and go on, never stop listening.
                case EMFILE, ENFILE, ENOBUFS, ENOMEM: usleep(100_000)
                default: return
                }
                continue
            }
            // Not inherited by the commands the handler runs (accept4 and SOCK_CLOEXEC are not imported).
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            Thread.detachNewThread { [self] in
                defer { slots.signal() }
                answer(client)
            }
        }
    }

    private func answer(_ client: Int32) {
        defer { close(client) }
        guard let peer = PeerCredentials.of(socket: client) else { return }
        // A client gets 5 s to send its request, however it trickles it, and 10 s per write to take the reply.
        AdminFraming.setTimeout(client, SO_RCVTIMEO, seconds: 1)
        AdminFraming.setTimeout(client, SO_SNDTIMEO, seconds: 10)
        let role = access.role(of: peer)
        let reply: AdminReply
        if let line = AdminFraming.readLine(from: client, limit: AdminFraming.maximumRequestBytes, within: .seconds(5)),
           let request = try? JSONDecoder().decode(AdminRequest.self, from: Data(line)) {
            reply = handler(request, peer, role)
        } else {
            reply = AdminReply(exitCode: 2, standardError: "error: the admin socket takes one JSON request on one line, of at most 1 MiB, within 5 s\n",
                               actor: peer.user, role: role)
        }
        if let bytes = try? AdminFraming.encode(reply) { _ = AdminFraming.writeAll(bytes, to: client) }
    }

    private static func failure(_ what: String, _ path: String, hint: String? = nil) -> SwitchyardError {
        .failure("cannot \(what) the admin socket \(path): \(String(cString: strerror(errno)))",
                 hint: hint ?? "serve needs to write its state directory; check its owner and mode (ls -ld \((path as NSString).deletingLastPathComponent))")
    }
}

/// A `sockaddr_un` for a filesystem path.
struct UnixAddress {
    private var storage = sockaddr_un()

    init(_ path: String) throws {
        storage.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        guard bytes.count < capacity else {
            throw SwitchyardError.usage("the admin socket path \(path) is \(bytes.count) bytes; Unix sockets allow at most \(capacity - 1)",
                                        hint: "use a shorter --state path")
        }
        withUnsafeMutableBytes(of: &storage.sun_path) { $0.copyBytes(from: bytes) }
    }

    mutating func withSocketAddress<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
