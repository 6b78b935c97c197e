import Foundation
import Synchronization
import SwitchyardCore
@testable import SwitchyardEngine
import Testing

/// The admin socket on a real filesystem: its mode, the peer the kernel names, one serve per state, bad requests.
@Suite struct AdminSocketTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sy-admin-\(UUID().uuidString.prefix(8))").path

    init() throws { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }

    private func open(_ handler: @escaping AdminSocket.Handler = { _, peer, role in AdminReply(exitCode: 0, actor: peer.user, role: role) })
        throws -> AdminSocket {
        let socket = try AdminSocket(stateDirectory: directory, access: try AdminAccess(socketGroup: nil, viewersGroup: nil), handler: handler)
        socket.start()
        return socket
    }

    @Test func theSocketIsForOwnerAndGroupAndTheHandlerLearnsWhoIsAsking() throws {
        let seen = Mutex<PeerCredentials?>(nil)
        let socket = try open { request, peer, role in
            seen.withLock { $0 = peer }
            return AdminReply(exitCode: 7, standardOutput: request.arguments.joined(separator: " "), actor: peer.user, role: role)
        }
        defer { socket.stop() }
        var info = stat()
        #expect(stat(socket.path, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o777 == 0o660)
        let reply = try AdminSocketClient.send(AdminRequest(operation: .run, arguments: ["route", "show"], directory: "/"), to: socket.path)
        #expect(reply == AdminReply(exitCode: 7, standardOutput: "route show", actor: UserDatabase.name(of: geteuid()), role: .steer))
        let peer = try #require(seen.withLock { $0 })
        #expect(peer.pid == getpid() && peer.uid == geteuid() && peer.gid == getegid())
    }

    @Test func oneServePerStateAndAStaleSocketIsReplaced() throws {
        let first = try open()
        #expect { _ = try open() } throws: { error in
            (error as? SwitchyardError)?.message == "another `switchyard serve` already listens on \(first.path)"
        }
        first.stop()
        #expect(!FileManager.default.fileExists(atPath: first.path), "a stopped socket removes its file")
        #expect(throws: AdminSocketClient.Failure.absent) { try AdminSocketClient.send(AdminRequest(operation: .whoami), to: first.path) }

        // What a killed serve leaves: a socket file nobody listens on.
        var address = try UnixAddress(first.path)
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(address.withSocketAddress { bind(stale, $0, $1) } == 0)
        close(stale)
        #expect(throws: AdminSocketClient.Failure.absent) { try AdminSocketClient.send(AdminRequest(operation: .whoami), to: first.path) }
        let second = try open()
        defer { second.stop() }
        #expect(try AdminSocketClient.send(AdminRequest(operation: .whoami), to: second.path).exitCode == 0)
    }

    @Test func aRequestThatIsNotJSONGetsAUsageError() throws {
        let socket = try open()
        defer { socket.stop() }
        var address = try UnixAddress(socket.path)
        let client = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        #expect(address.withSocketAddress { connect(client, $0, $1) } == 0)
        #expect(AdminFraming.writeAll(Array("route set everything\n".utf8), to: client))
        let line = try #require(AdminFraming.readLine(from: client, limit: 1 << 16))
        let reply = try JSONDecoder().decode(AdminReply.self, from: Data(line))
        #expect(reply.exitCode == 2 && reply.standardError.contains("one JSON request on one line"))
    }

    @Test func viewersLookTheOwnerAndRootAlwaysSteerAndUnknownGroupsAreNamed() throws {
        let users = try #require(UserDatabase.group(named: "users"))
        let access = try AdminAccess(socketGroup: nil, viewersGroup: "users")
        #expect(access.role(of: PeerCredentials(pid: 1, uid: 4242, gid: users, user: "viewer")) == .view)
        #expect(access.role(of: PeerCredentials(pid: 1, uid: 4243, gid: 4243, user: "oncall")) == .steer)
        #expect(access.role(of: PeerCredentials(pid: 1, uid: 0, gid: users, user: "root")) == .steer)
        #expect(try AdminAccess(socketGroup: nil, viewersGroup: nil).role(of: PeerCredentials(pid: 1, uid: 4242, gid: users, user: "v")) == .steer)
        #expect(UserDatabase.groups(of: 0).contains(0), "root's groups, from the user database, include its primary group")
        #expect { _ = try AdminAccess(socketGroup: "sy-no-such-group", viewersGroup: nil) } throws: { error in
            (error as? SwitchyardError)?.message == "--admin-group 'sy-no-such-group' is not a group on this machine"
        }
    }

    @Test func aSocketThatCannotBeCreatedIsNamedWithItsPath() throws {
        let access = try AdminAccess(socketGroup: nil, viewersGroup: nil)
        #expect { _ = try AdminSocket(stateDirectory: "/nonexistent-sy", access: access) { _, p, r in AdminReply(exitCode: 0, actor: p.user, role: r) } }
            throws: { error in
                (error as? SwitchyardError)?.message == "cannot create the admin socket /nonexistent-sy/admin.sock: No such file or directory"
            }
        let deep = "/tmp/" + String(repeating: "d", count: 110)
        #expect { _ = try AdminSocket(stateDirectory: deep, access: access) { _, p, r in AdminReply(exitCode: 0, actor: p.user, role: r) } }
            throws: { error in
                (error as? SwitchyardError)?.message == "the admin socket path \(deep)/admin.sock is 126 bytes; Unix sockets allow at most 107"
            }
    }
}
