/// A JSON object kept as the bytes it came in, with where each member's value lies. The router reads the few
/// members it needs and rewrites a request by splicing: a long conversation passes through as it came instead of
/// being built into a tree and written out again.
public struct JSONObjectBytes: Sendable {
    /// Why bytes are not a JSON object.
    public enum Problem: Error, Equatable, Sendable {
        /// Not JSON at all (this includes invalid UTF-8 inside a string).
        case invalid(String)
        /// Valid JSON, but an array, string, number, boolean or null.
        case notAnObject
    }

    /// The whole document this object belongs to (it may be an object nested in it).
    public let bytes: [UInt8]
    private let members: [JSONParser.MemberSpan]

    /// Validates a whole document and indexes its top-level members.
    public init(parsing bytes: [UInt8]) throws(Problem) {
        let members: [JSONParser.MemberSpan]?
        do { members = try JSONParser.topLevelMembers(bytes) } catch { throw .invalid(error.description) }
        guard let members else { throw .notAnObject }
        self.init(bytes: bytes, members: members)
    }

    private init(bytes: [UInt8], members: [JSONParser.MemberSpan]) {
        self.bytes = bytes
        self.members = members
    }

    /// The member's value, built; for a name given twice, the last one (as a dictionary would keep it).
    public subscript(key: String) -> JSONValue? {
        span(of: key).flatMap { value(at: $0) }
    }

    /// The members' names in document order, a name given twice listed twice.
    public var keys: [String] { members.map(\.key) }

    /// Whether the member is present at all (even as `null`).
    public func contains(_ key: String) -> Bool { span(of: key) != nil }

    /// Whether the member is absent or `null`, read without building it.
    public func isAbsentOrNull(_ key: String) -> Bool {
        guard let range = span(of: key) else { return true }
        return bytes[range].elementsEqual("null".utf8)
    }

    /// Where each item of the member's array lies; nil when the member is absent or not an array.
    public func items(of key: String) -> [Range<Int>]? {
        span(of: key).flatMap { try? JSONParser.items(of: bytes, arrayAt: $0.lowerBound) }
    }

    /// The object that lies at `range` (a member's value, or an item), indexed the same way; nil when it is not one.
    public func object(at range: Range<Int>) -> JSONObjectBytes? {
        guard let members = try? JSONParser.members(of: bytes, objectAt: range.lowerBound) else { return nil }
        return JSONObjectBytes(bytes: bytes, members: members)
    }

    /// The value that lies at `range`, built.
    public func value(at range: Range<Int>) -> JSONValue? {
        try? JSONParser.value(of: bytes, at: range)
    }

    /// This object with some members' values replaced or added: untouched members are copied byte for byte,
    /// a replaced member keeps its place, and new members go last. Each replacement is JSON text. A name given
    /// twice is written once: a replaced one in its first place, an untouched one as its last value (the one
    /// `subscript` reads), so the backend cannot read a value the router did not.
    public func rewritten(_ replacements: [(key: String, json: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + replacements.reduce(0) { $0 + $1.key.utf8.count + $1.json.count + 4 })
        out.append(UInt8(ascii: "{"))
        var written = [Bool](repeating: false, count: replacements.count)
        func member(_ key: String, _ json: [UInt8]) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            JSONValue.writeString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: json)
        }
        for (position, span) in members.enumerated() {
            if let index = replacements.firstIndex(where: { $0.key == span.key }) {
                if !written[index] { member(replacements[index].key, replacements[index].json) }
                written[index] = true
                continue
            }
            if members[(position + 1)...].contains(where: { $0.key == span.key }) { continue }
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: bytes[span.start..<span.value.upperBound])
        }
        for (index, replacement) in replacements.enumerated() where !written[index] {
            member(replacement.key, replacement.json)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private func span(of key: String) -> Range<Int>? {
        members.last { $0.key == key }?.value
    }
}
