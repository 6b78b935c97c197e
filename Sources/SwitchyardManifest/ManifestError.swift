import SwitchyardCore

/// One problem in a manifest, located by file, line, column and field path.
public struct ManifestIssue: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var field: String
    public var message: String

    public init(file: String, line: Int, column: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// `file:line:column: field: message`, the form editors and terminals can jump to.
    public var description: String {
        let location = "\(file):\(line):\(column)"
        return field.isEmpty ? "\(location): \(message)" : "\(location): \(field): \(message)"
    }
}

/// Every problem found in one manifest; nothing from it was applied.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var issues: [ManifestIssue]

    public init(file: String, issues: [ManifestIssue]) {
        self.file = file
        self.issues = issues
    }

    public var description: String {
        let count = issues.count == 1 ? "a problem" : "\(issues.count) problems"
        return "\(file) has \(count):\n" + issues.map { "  \($0)" }.joined(separator: "\n")
    }

    /// The same error as a `SwitchyardError`, for the CLI's exit-code mapping.
    public var asSwitchyardError: SwitchyardError {
        .failure(description, hint: "nothing was changed; fix the file and run the command again")
    }
}
