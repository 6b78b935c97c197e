import Crypto
import Foundation

/// SHA-256 helpers: every digest in Switchyard is lowercase hex, written with a `sha256:` prefix when shown.
public enum Digest {
    /// Lowercase hex SHA-256 of the UTF-8 bytes of `text`.
    public static func sha256(_ text: String) -> String { sha256(text, hexDigits: 64) }

    /// The first `digits` hex digits of the SHA-256 of `text`, hashed in place (on a request's path: the session
    /// in a prompt-cache key).
    public static func sha256(_ text: String, hexDigits digits: Int) -> String {
        var text = text
        let digest = text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        let full = hex(digest)
        return digits >= 64 ? full : String(full.utf8.prefix(digits))!
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lowercase hex of the bytes: on the path of every journal append, so without `String(format:)`.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity(64)
        for byte in bytes {
            characters.append(hexDigits[Int(byte >> 4)])
            characters.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// The digest of a value's canonical JSON form.
    public static func of(_ value: JSONValue) -> String { sha256(value.canonicalText) }

    /// A short form for screens and tables: `sha256:` and the first 12 hex digits.
    public static func short(_ hex: String) -> String { "sha256:" + hex.prefix(12) }
}
