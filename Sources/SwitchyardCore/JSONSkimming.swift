/// Checking JSON without building it: the parser moves past a value, validating it as strictly as `parse`
/// does (grammar, escapes, UTF-8, depth), and reports where values lie instead of allocating them.
extension JSONParser {
    /// One member of an object: where its name starts and where its value lies.
    struct MemberSpan {
        let key: String
        let start: Int
        let value: Range<Int>
    }

    /// The members of a whole document that is an object; nil when the document is valid JSON of another kind.
    static func topLevelMembers(_ bytes: [UInt8]) throws(Failure) -> [MemberSpan]? {
        try wholeObject(bytes) { parser throws(Failure) in try parser.members() }
    }

    /// Reads a whole document with `readObject` when it is an object, checking nothing follows it; validates it
    /// and gives nil when it is JSON of another kind.
    static func wholeObject<Result>(_ bytes: [UInt8],
                                            _ readObject: (inout JSONParser) throws(Failure) -> Result) throws(Failure) -> Result? {
        var parser = JSONParser(bytes)
        parser.skipSpace()
        guard parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "{") else {
            try validate(bytes)
            return nil
        }
        let result = try readObject(&parser)
        parser.skipSpace()
        guard parser.index == bytes.count else { throw parser.fail("unexpected text after the document") }
        return result
    }

    /// The members of the object that starts at `start`, each value validated but not built; nil when the value
    /// there is not an object.
    static func members(of bytes: [UInt8], objectAt start: Int) throws(Failure) -> [MemberSpan]? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "{") else { return nil }
        var parser = JSONParser(bytes)
        parser.index = start
        return try parser.members()
    }

    /// Reads the object at `index` up to its closing brace, noting where each member's value lies.
    private mutating func members() throws(Failure) -> [MemberSpan] {
        var members: [MemberSpan] = []
        try forEachMember(buildingKeys: true) { key, keyStart, parser throws(Failure) in
            let valueStart = parser.index
            try parser.skipValue(depth: 1)
            members.append(MemberSpan(key: key, start: keyStart, value: valueStart..<parser.index))
        }
        return members
    }

    /// Where each item of the array that starts at `start` lies; nil when the value there is not an array.
    static func items(of bytes: [UInt8], arrayAt start: Int) throws(Failure) -> [Range<Int>]? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "[") else { return nil }
        var parser = JSONParser(bytes)
        parser.index = start
        var items: [Range<Int>] = []
        try parser.forEachItem { parser throws(Failure) in
            let itemStart = parser.index
            try parser.skipValue(depth: 1)
            items.append(itemStart..<parser.index)
        }
        return items
    }

    /// Checks a whole document without building it.
    static func validate(_ bytes: [UInt8]) throws(Failure) {
        var parser = JSONParser(bytes)
        parser.skipSpace()
        try parser.skipValue(depth: 0)
        parser.skipSpace()
        guard parser.index == bytes.count else { throw parser.fail("unexpected text after the document") }
    }

    /// Builds the value that lies at `range`, which an earlier pass validated.
    static func value(of bytes: [UInt8], at range: Range<Int>) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.index = range.lowerBound
        return try parser.value(depth: 0)
    }

    /// The byte the parser is at; nil at the end.
    var next: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipValue(depth: Int) throws(Failure) {
        guard depth < Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth)") }
        guard index < bytes.count else { throw fail("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try forEachMember(buildingKeys: false) { _, _, parser throws(Failure) in try parser.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["): try forEachItem { parser throws(Failure) in try parser.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try skipNumber()
        }
    }

    /// Moves past a number, refusing one `parse` would refuse as out of range (`1e999`); a short integer is
    /// taken on its grammar alone, without building its text.
    private mutating func skipNumber() throws(Failure) {
        let start = index
        let isInteger = try scanNumber()
        guard !isInteger || index - start > 18 else { return }
        _ = try numberValue(from: start, isInteger: isInteger)
    }

    mutating func skipString() throws(Failure) {
        index += 1
        var start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                try checkUTF8(start..<index)
                index += 1
                return
            }
            if byte < 0x20 { throw fail("control character in a string") }
            if byte == UInt8(ascii: "\\") {
                try checkUTF8(start..<index)
                index += 1
                guard index < bytes.count else { break }
                _ = try escapedScalar()
                start = index
                continue
            }
            index += 1
        }
        throw fail("unterminated string")
    }

    private func checkUTF8(_ range: Range<Int>) throws(Failure) {
        guard !range.isEmpty, (try? UTF8Span(validating: bytes.span.extracting(range))) == nil else { return }
        throw Failure(offset: range.lowerBound, reason: "invalid UTF-8")
    }
}
