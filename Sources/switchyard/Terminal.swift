import Foundation
import SwitchyardCore

/// Printing for the CLI: errors to stderr with their hint, aligned tables, and JSON.
enum Terminal {
    static func printError(_ text: String) {
        write(text.hasSuffix("\n") ? text : text + "\n", to: .standardError)
    }

    /// Writes a line to stdout at once, unbuffered, so a supervising script sees it while the server runs.
    static func announce(_ line: String) {
        write(line + "\n", to: .standardOutput)
    }

    /// Writes to a standard stream unbuffered. When nobody reads it any more (the terminal or pipe that started
    /// `serve` is gone: EPIPE), the text is lost but the process goes on: Foundation's `write(_:)` would trap.
    static func write(_ text: String, to handle: FileHandle) {
        try? handle.write(contentsOf: Data(text.utf8))
    }

    /// Prints the error and its hint and exits with the error's code.
    static func fail(_ error: SwitchyardError) -> Never {
        printError("error: " + error.message)
        if let hint = error.hint { printError("  " + hint) }
        exit(exitCode(for: error.category))
    }

    static func exitCode(for category: SwitchyardError.Category) -> Int32 {
        switch category {
        case .failure: 1
        case .usage: 2
        case .refused: 3
        case .targetNotWarm: 4
        }
    }

    /// Pretty, key-sorted JSON of any encodable value.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Columns padded to their widest cell; the header is upper-case.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header.map { $0.uppercased() }] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
