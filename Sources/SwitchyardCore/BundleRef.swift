/// A bundle's identity, written `NAME@VERSION`.
public struct BundleRef: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var name: String
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    /// Parses `NAME@VERSION`; the error says what a valid reference looks like.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isValidName(String(parts[0])), Self.isValidVersion(String(parts[1])) else {
            throw SwitchyardError.usage(
                "'\(text)' is not a bundle reference",
                hint: "write NAME@VERSION, for example support-assistant@1.2.0")
        }
        self.init(name: String(parts[0]), version: String(parts[1]))
    }

    public var description: String { "\(name)@\(version)" }

    public static func < (lhs: BundleRef, rhs: BundleRef) -> Bool {
        (lhs.name, lhs.version) < (rhs.name, rhs.version)
    }

    /// Letters, digits, `-`, `_` and `.`, starting with a letter or digit, at most 64 characters.
    public static func isValidName(_ text: String) -> Bool { matchesIdentifier(text, extra: "-_.") }

    /// Like a name, and `+` is allowed too (semantic-version build metadata).
    public static func isValidVersion(_ text: String) -> Bool { matchesIdentifier(text, extra: "-_.+") }

    private static func matchesIdentifier(_ text: String, extra: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.count <= 64 else { return false }
        let isLowerAlnum: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        let isUpper: (Unicode.Scalar) -> Bool = { ("A"..."Z").contains($0) }
        guard isLowerAlnum(first) || isUpper(first) else { return false }
        return text.unicodeScalars.allSatisfy { isLowerAlnum($0) || isUpper($0) || extra.unicodeScalars.contains($0) }
    }
}
