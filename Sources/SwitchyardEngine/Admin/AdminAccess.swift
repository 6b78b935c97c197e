import Foundation
import SwitchyardCore

/// Who may do what through the admin socket. Opening it at all takes its file mode (0660) and group; among those
/// who can, the members of the viewers group only look. The server's own user and root always steer.
public struct AdminAccess: Sendable {
    /// The group given the socket (read and write), or nil to keep the server's own group.
    public let socketGroup: (name: String, gid: UInt32)?
    /// The group whose members may only run read commands.
    public let viewersGroup: String?

    /// Fails, naming the option, when a group does not exist.
    public init(socketGroup: String?, viewersGroup: String?) throws {
        if let socketGroup {
            guard let gid = UserDatabase.group(named: socketGroup) else { throw Self.unknown(socketGroup, option: "--admin-group") }
            self.socketGroup = (socketGroup, gid)
        } else {
            self.socketGroup = nil
        }
        if let viewersGroup, UserDatabase.group(named: viewersGroup) == nil { throw Self.unknown(viewersGroup, option: "--viewers-group") }
        self.viewersGroup = viewersGroup
    }

    /// The peer's role. Membership is the user's, from the user database, so `sg` into another group does not shed
    /// it; a viewers group that can no longer be read makes everyone but the owner a viewer.
    public func role(of peer: PeerCredentials) -> AdminRole {
        if peer.uid == 0 || peer.uid == geteuid() { return .steer }
        guard let viewersGroup else { return .steer }
        guard let viewers = UserDatabase.group(named: viewersGroup) else { return .view }
        return peer.gid == viewers || UserDatabase.groups(of: peer.uid).contains(viewers) ? .view : .steer
    }

    private static func unknown(_ name: String, option: String) -> SwitchyardError {
        .usage("\(option) '\(name)' is not a group on this machine", hint: "create it (groupadd \(name)) or name an existing group: see /etc/group")
    }
}
