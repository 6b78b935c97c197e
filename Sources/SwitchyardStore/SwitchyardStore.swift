import Foundation
import GRDB
import SwitchyardCore

/// The state directory's SQLite database: registry, pools, routing generations and the journal.
/// Every change is one IMMEDIATE transaction that also appends its journal entry.
public final class SwitchyardStore: Sendable {
    /// The database file inside a state directory.
    public static let fileName = "switchyard.sqlite"

    public let directory: String
    /// The SQLite file itself, for messages.
    let databaseFile: String
    let database: DatabasePool
    let clock: any Clock

    /// Opens the store in `directory`. With `create`, a missing directory and database are created;
    /// without it, a missing one is an error that says how to make one.
    public convenience init(directory: String, clock: any Clock, create: Bool) throws {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        let files = FileManager.default
        if !files.fileExists(atPath: path) {
            guard create else {
                throw SwitchyardError.failure(
                    "no Switchyard state in '\(directory)' (\(Self.fileName) is missing)",
                    hint: "pass --state DIR or set SWITCHYARD_STATE to an existing state directory; `switchyard registry add FILE` creates one")
            }
            do {
                try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw SwitchyardError.failure("cannot create the state directory '\(directory)': \(Self.reason(error))")
            }
        }
        try self.init(path: path, directory: directory, clock: clock)
    }

    /// Opens an existing database file under any name, such as a copy of an incident host's state taken for review.
    public convenience init(databaseFile path: String, clock: any Clock) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw SwitchyardError.failure("no journal file at '\(path)'",
                                          hint: "pass the \(Self.fileName) of a state directory (or a copy of it), or use --state DIR")
        }
        try self.init(path: path, directory: (path as NSString).deletingLastPathComponent, clock: clock)
    }

    private init(path: String, directory: String, clock: any Clock) throws {
        self.directory = directory
        databaseFile = path
        self.clock = clock
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        do {
            database = try DatabasePool(path: path, configuration: configuration)
            try Migrations.migrator.migrate(database)
        } catch {
            throw StorageFault.describe(error, action: .open, directory: directory, file: path)
        }
    }

    /// Runs `body` in one IMMEDIATE write transaction with the current time.
    func write<T>(_ body: (Database, String) throws -> T) throws -> T {
        let time = Timestamp.format(clock.now())
        do {
            return try database.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db, time)
                    return .commit
                }
                return result!
            }
        } catch let error as SwitchyardError {
            throw error
        } catch let error as StaleTransition {
            throw error
        } catch {
            throw StorageFault.describe(error, action: .write, directory: directory, file: databaseFile)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch let error as SwitchyardError {
            throw error
        } catch {
            throw StorageFault.describe(error, action: .read, directory: directory, file: databaseFile)
        }
    }

    static func reason(_ error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error)" }
        if let error = error as? CocoaError, let underlying = error.underlying {
            return (underlying as NSError).localizedDescription
        }
        return (error as NSError).localizedDescription
    }
}

extension CocoaError {
    var underlying: Error? { userInfo[NSUnderlyingErrorKey] as? Error }
}
