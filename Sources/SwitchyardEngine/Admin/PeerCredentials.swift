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
        user(uid)?.name ?? "uid:\(uid)"
    }

    /// Every group a user is in, as the user database says: the primary one and the supplementary ones. Not the
    /// groups of the connection's process, which `sg` or `newgrp` can narrow to one of them.
    static func groups(of uid: UInt32) -> Set<UInt32> {
        guard let (name, primary) = user(uid) else { return [] }
        var count: Int32 = 64
        while true {
            var groups = [gid_t](repeating: 0, count: Int(count))
            let capacity = count
            if getgrouplist(name, primary, &groups, &count) >= 0 { return Set(groups.prefix(Int(count))) }
            count = max(count, capacity * 2)
        }
    }

    /// A group's id; nil when there is no such group.
    static func group(named name: String) -> UInt32? {
        withGrowingBuffer { buffer in
            var entry = Glibc.group()
            var result: UnsafeMutablePointer<Glibc.group>?
            let status = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
            return (status, result == nil ? nil : entry.gr_gid)
        }
    }

    private static func user(_ uid: UInt32) -> (name: String, primary: UInt32)? {
        withGrowingBuffer { buffer in
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            let status = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
            return (status, result == nil ? nil : entry.pw_name.map { (String(cString: $0), entry.pw_gid) })
        }
    }

    /// Calls `body` with a larger buffer while it answers ERANGE (a group with thousands of members, say).
    private static func withGrowingBuffer<T>(_ body: (inout [CChar]) -> (Int32, T?)) -> T? {
        var buffer = [CChar](repeating: 0, count: 16_384)
        while true {
            let (status, value) = body(&buffer)
            guard status == ERANGE, buffer.count < 1 << 24 else { return status == 0 ? value : nil }
            buffer = [CChar](repeating: 0, count: buffer.count * 4)
        }
    }
}
