import Foundation
import Testing
@testable import SwitchyardCore

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue(parsing: #" {"a": [1, -2, 3.5, 1e3, -0.25E-2, true, false, null], "b": {"c": "d"}, "e": ""} "#)
        #expect(value == ["a": [1, -2, 3.5, 1000.0, -0.0025, true, false, .null], "b": ["c": "d"], "e": ""])
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONValue(parsing: #"["\"\\\/\b\f\n\r\t", "\u00e9\u4e2d", "\ud83d\ude00", "plain é 中"]"#)
        #expect(value == ["\"\\/\u{08}\u{0C}\n\r\t", "é中", "😀", "plain é 中"])
    }

    @Test func bigIntegersBecomeDoubles() throws {
        #expect(try JSONValue(parsing: "9223372036854775807") == .int(Int.max))
        #expect(try JSONValue(parsing: "92233720368547758070") == .double(9.223372036854776e19))
    }

    @Test(arguments: ["", "{", "[1,]", #"{"a":1,}"#, "01", "1.", "-", "tru", "nul", #""abc"#, #"{"a" 1}"#, "[1 2]", #""\x""#,
                      #""\ud800""#, #""\udc00""#, "\"a\u{01}b\"", "1 2", "{}{}", "NaN", "Infinity", "1e999"])
    func rejectsInvalidDocuments(text: String) {
        #expect(throws: (any Error).self) { try JSONValue(parsing: text) }
    }

    @Test func rejectsInvalidUTF8InsideStrings() {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)
        #expect(throws: (any Error).self) { try JSONValue(parsing: bytes) }
    }

    @Test func refusesNestingDeeperThanTheLimit() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: (any Error).self) { try JSONValue(parsing: deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try JSONValue(parsing: fine) }
    }

    /// Property: for documents Foundation also parses, both parsers agree.
    @Test func agreesWithFoundationOnGeneratedDocuments() throws {
        var random = SeededGenerator(seed: 11)
        for _ in 0..<300 {
            let value = Self.randomValue(depth: 0, using: &random)
            let text = value.canonicalText
            let viaFoundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            #expect(try JSONValue(parsing: text) == viaFoundation, "\(text)")
        }
    }

    static func randomValue(depth: Int, using random: inout SeededGenerator) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .int(Int.random(in: -1_000_000...1_000_000, using: &random))
        case 3: return .double(Double(Int.random(in: -10000...10000, using: &random)) / 64)
        case 4: return .string(String((0..<Int.random(in: 0...8, using: &random)).map { _ in "aé\"\\\n中😀 ".randomElement(using: &random)! }))
        case 5: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(depth: depth + 1, using: &random) })
        default:
            var members: [String: JSONValue] = [:]
            for index in 0..<Int.random(in: 0...4, using: &random) { members["k\(index)"] = randomValue(depth: depth + 1, using: &random) }
            return .object(members)
        }
    }
}
