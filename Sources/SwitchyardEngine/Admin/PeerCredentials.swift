import Foundation

/// Who is at the other end of a Unix socket, as the kernel says (SO_PEERCRED), not as the peer claims.
public struct PeerCredentials: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    /// The user's login name, or `uid:N` when the user database has none.
    public var user: String

    /// The credentials of the process connected to `descriptor`.
    static func of(socket descriptor: Int32) -> PeerCredentials? {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }: three 32-bit fields.
        var fields = [UInt32](repeating: 0, count: 3)
        var length = socklen_t(MemoryLayout<UInt32>.size * 3)
        let status = fields.withUnsafeMutableBytes { getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, $0.baseAddress, &length) }
        guard status == 0 else { return nil }
        return PeerCredentials(pid: Int32(bitPattern: fields[0]), uid: fields[1], gid: fields[2], user: UserDatabase.name(of: fields[1]))
    }
}

/// Users and groups by name, through the reentrant libc calls (the router's threads run beside these).
enum UserDatabase {
    static func name(of uid: UInt32) -> String {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else { return "uid:\(uid)" }
        return String(cString: name)
    }

    /// A group's id and the names of its supplementary members; nil when there is no such group.
    static func group(named name: String) -> (gid: UInt32, members: [String])? {
        var entry = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        var members: [String] = []
        var cursor = entry.gr_mem
        while let member = cursor?.pointee {
            members.append(String(cString: member))
            cursor = cursor?.advanced(by: 1)
        }
        return (entry.gr_gid, members)
    }
}
