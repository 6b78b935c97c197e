import Foundation
import GRDB
import SwitchyardCore

/// Turns a SQLite or file-system failure into an error the on-call can act on: a full disk, a read-only or
/// unwritable state directory, a lock held too long, a damaged file. SQLite rolls back a failed transaction,
/// so each message can say that nothing was changed.
enum StorageFault {
    /// What was being done, for the first words of the message.
    enum Action {
        case open, read, write

        var failed: String {
            switch self {
            case .open: "cannot open the state"
            case .read: "cannot read the state"
            case .write: "the change was not saved"
            }
        }
    }

    static func describe(_ error: Error, action: Action, directory: String, file: String) -> SwitchyardError {
        let code = (error as? DatabaseError)?.resultCode
        let detail = SwitchyardStore.reason(error)
        let unchanged = action == .write ? "Nothing was changed. " : ""
        if code == .SQLITE_FULL || (code == .SQLITE_IOERR || code == .SQLITE_CANTOPEN) && freeBytes(directory).map({ $0 < 64 * 1024 }) == true {
            let free = freeBytes(directory).map { " (\($0 / 1024) KiB free)" } ?? ""
            return .failure("\(action.failed): the filesystem holding '\(directory)' is full\(free)",
                            hint: "\(unchanged)Free space there (`df -h \(directory)`), then run the command again; `switchyard audit verify` checks the store.")
        }
        if code == .SQLITE_READONLY || code == .SQLITE_CANTOPEN || code == .SQLITE_PERM || code == .SQLITE_AUTH, !writable(directory) {
            return .failure("\(action.failed): '\(directory)' is not writable by \(userName())",
                            hint: "\(unchanged)SQLite needs to write the database and its -wal and -shm files there, even to read. Run as a user who may write to it (`ls -ld \(directory)`), or remount it read-write.")
        }
        if code == .SQLITE_BUSY || code == .SQLITE_LOCKED {
            return .failure("\(action.failed): the store '\(file)' stayed locked by another process for 10 s",
                            hint: "\(unchanged)Another switchyard command or a sqlite3 shell holds its write lock; `fuser \(file)` shows which process. Run the command again once it is done.")
        }
        if code == .SQLITE_CORRUPT || code == .SQLITE_NOTADB {
            return .failure("\(action.failed): '\(file)' is damaged or is not a Switchyard database (\(detail))",
                            hint: "Restore the state directory from a backup; copy the backup to a scratch directory and run `switchyard audit verify --state DIR` there before you put it back.")
        }
        if code == .SQLITE_IOERR {
            return .failure("\(action.failed): the filesystem refused a write to '\(file)' (\(detail))",
                            hint: "\(unchanged)A file-size limit (`ulimit -f`), a quota or a failing disk stops SQLite from writing; fix that, then run the command again. `switchyard audit verify` checks the store.")
        }
        return .failure("\(action.failed): \(detail) ('\(file)')",
                        hint: action == .write ? "Nothing was changed; `switchyard audit verify` checks the store." : nil)
    }

    /// Bytes available to this user on the filesystem holding `directory`, nil when it cannot be read.
    static func freeBytes(_ directory: String) -> Int? {
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else { return nil }
        return Int(stats.f_bavail) * Int(stats.f_frsize)
    }

    /// Whether this process may create files in `directory` (false on a read-only mount, even for root).
    static func writable(_ directory: String) -> Bool {
        access(directory, W_OK) == 0
    }

    static func userName() -> String {
        let uid = getuid()
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return "\(String(cString: name)) (uid \(uid))"
    }
}
