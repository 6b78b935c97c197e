import Crypto
import Foundation

/// SHA-256 helpers: every digest in Switchyard is lowercase hex, written with a `sha256:` prefix when shown.
public enum Digest {
    /// Lowercase hex SHA-256 of the UTF-8 bytes of `text`.
    public static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The digest of a value's canonical JSON form.
    public static func of(_ value: JSONValue) -> String { sha256(value.canonicalText) }

    /// A short form for screens and tables: `sha256:` and the first 12 hex digits.
    public static func short(_ hex: String) -> String { "sha256:" + hex.prefix(12) }
}
