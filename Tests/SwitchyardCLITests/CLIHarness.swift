import Foundation
import Testing

/// Runs the built `switchyard` binary against a temporary state directory.
final class CLIHarness {
    let state: String
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    init() {
        state = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-cli-\(UUID().uuidString)").path
    }

    deinit { try? FileManager.default.removeItem(atPath: state) }

    /// What one command printed and how it exited.
    struct Result {
        var code: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: URL {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [here, here.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("switchyard")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/switchyard").standardized
    }

    /// Runs `switchyard ARGS --state STATE` from the package root.
    @discardableResult
    func run(_ arguments: String..., state useState: Bool = true) throws -> Result {
        try execute(Self.binary.path, arguments + (useState ? ["--state", state] : []))
    }

    /// Runs any program (for `sqlite3`) from the package root.
    func execute(_ program: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
        process.arguments = program.hasPrefix("/") ? arguments : [program] + arguments
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "SWITCHYARD_STATE")
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(code: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs SQL against the state database with the sqlite3 tool, as someone tampering with it would.
    func sql(_ statement: String) throws {
        let result = try execute("sqlite3", ["\(state)/switchyard.sqlite", statement])
        #expect(result.code == 0, "sqlite3 failed: \(result.stderr)")
    }

    /// Registers the three example bundles with their pools.
    func seedExamples() throws {
        let add = try run("registry", "add", "Docs/examples/support-assistant-1.0.0.yaml",
                          "Docs/examples/support-assistant-1.1.0.yaml", "Docs/examples/support-assistant-2.0.0.yaml")
        #expect(add.code == 0, "\(add.stderr)")
        let pools = try run("pool", "apply", "Docs/examples/pool-support-assistant-1.0.0.yaml",
                            "Docs/examples/pool-support-assistant-1.1.0.yaml", "Docs/examples/pool-support-assistant-2.0.0.yaml",
                            "--reason", "deploy")
        #expect(pools.code == 0, "\(pools.stderr)")
    }

    /// Writes a file into the state directory's parent and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let directory = state + "-files"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func journalCount() throws -> Int {
        let result = try run("history", "--json")
        let entries = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [Any]
        return entries?.count ?? -1
    }

    func json(_ arguments: String...) throws -> Any {
        let result = try execute(Self.binary.path, arguments + ["--json", "--state", state])
        #expect(result.code == 0, "\(arguments): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }
}
