import Foundation

/// What a client asks of the Engine over the admin socket: run a `switchyard` command line, say who it is, give an
/// attached console its view or the plan of its rollback (as JSON in the reply's output), or put a just-committed
/// routing generation (`arguments[0]`) in force now and say when it is (the reply's output: the generation in force).
public struct AdminRequest: Codable, Sendable, Equatable {
    public enum Operation: String, Codable, Sendable { case run, whoami, consoleSnapshot, rollbackPlan, inForce }

    public var operation: Operation
    /// The command line after the program name, without `--state` (the socket already names the state).
    public var arguments: [String]
    /// The client's working directory, where relative paths in `arguments` start.
    public var directory: String

    public init(operation: Operation, arguments: [String] = [], directory: String = FileManager.default.currentDirectoryPath) {
        self.operation = operation
        self.arguments = arguments
        self.directory = directory
    }
}

/// What a peer may do over the admin socket.
public enum AdminRole: String, Codable, Sendable {
    /// Run every command, changes included.
    case steer
    /// Run the commands that only read.
    case view
}

/// The Engine's answer: the command's output and exit code, and who the Engine took the peer to be.
public struct AdminReply: Codable, Sendable, Equatable {
    public var exitCode: Int32
    public var standardOutput: String
    public var standardError: String
    public var actor: String
    public var role: AdminRole

    public init(exitCode: Int32, standardOutput: String = "", standardError: String = "", actor: String, role: AdminRole) {
        self.exitCode = exitCode
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.actor = actor
        self.role = role
    }
}

/// One JSON document per line, both ways; a request larger than `maximumRequestBytes` is refused.
enum AdminFraming {
    static let maximumRequestBytes = 1 << 20

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        Array(try JSONEncoder().encode(value)) + [UInt8(ascii: "\n")]
    }

    /// Reads up to the first newline; nil when the peer closed first, sent more than `limit` bytes, or took longer
    /// than `within` (each read also stops at the socket's receive timeout).
    static func readLine(from descriptor: Int32, limit: Int, within: Duration? = nil) -> [UInt8]? {
        let deadline = within.map { ContinuousClock.now + $0 }
        var line: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while deadline.map({ ContinuousClock.now < $0 }) ?? true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            if let end = buffer[0..<count].firstIndex(of: UInt8(ascii: "\n")) {
                line += buffer[0..<end]
                return line.count <= limit ? line : nil
            }
            line += buffer[0..<count]
            if line.count > limit { return nil }
        }
        return nil
    }

    static func setTimeout(_ descriptor: Int32, _ option: Int32, seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, option, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Writes all of `bytes`; false when the peer went away.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a peer that hung up is an error here, never a SIGPIPE that kills the server.
            let count = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }
}
