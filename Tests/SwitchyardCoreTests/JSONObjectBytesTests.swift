import Foundation
import Testing
@testable import SwitchyardCore

@Suite struct JSONObjectBytesTests {
    @Test func readsMembersWithoutChangingTheBytes() throws {
        let text = #"{ "model" : "app", "messages": [ {"role":"user", "content":"h\u00e9"} ] , "n":2, "n":3 }"#
        let object = try JSONObjectBytes(parsing: Array(text.utf8))
        #expect(object["model"] == "app")
        #expect(object["n"] == 3, "a name given twice: the last wins, as in a dictionary")
        #expect(object["missing"] == nil && !object.contains("missing") && object.contains("n"))
        let messages = try #require(object.items(of: "messages"))
        #expect(messages.count == 1)
        #expect(String(decoding: object.bytes[messages[0]], as: UTF8.self) == #"{"role":"user", "content":"h\u00e9"}"#)
        #expect(object.object(at: messages[0])?["content"] == "hé")
        #expect(object.items(of: "model") == nil, "not an array")
    }

    @Test func rewritingKeepsUntouchedMembersByteForByteAndWritesEachNameOnce() throws {
        let text = #"{"model":"a","stream":true,"keep":[1, 2 ,3],"model":"b","x":{"y" : null},"stream":false}"#
        let object = try JSONObjectBytes(parsing: Array(text.utf8))
        let out = object.rewritten([("model", Array(#""pinned""#.utf8)), ("added", Array("true".utf8))])
        #expect(String(decoding: out, as: UTF8.self) == #"{"model":"pinned","keep":[1, 2 ,3],"x":{"y" : null},"stream":false,"added":true}"#,
                "an untouched name given twice goes once, with the value the router reads")
        #expect(String(decoding: try JSONObjectBytes(parsing: Array("{}".utf8)).rewritten([("a", Array("1".utf8))]), as: UTF8.self) == #"{"a":1}"#)
    }

    @Test func tellsInvalidJSONFromJSONThatIsNotAnObject() {
        #expect(throws: JSONObjectBytes.Problem.notAnObject) { try JSONObjectBytes(parsing: Array("[1, 2]".utf8)) }
        #expect(throws: JSONObjectBytes.Problem.notAnObject) { try JSONObjectBytes(parsing: Array(#" "text" "#.utf8)) }
        #expect(throws: JSONObjectBytes.Problem.self) { try JSONObjectBytes(parsing: Array("[1, 2".utf8)) }
        #expect(throws: JSONObjectBytes.Problem.self) { try JSONObjectBytes(parsing: Array(#"{"a":1} x"#.utf8)) }
    }

    /// Every document the tree parser refuses, the indexed reader refuses too, wherever it sits in the object.
    @Test(arguments: ["", "{", "[1,]", #"{"a":1,}"#, "01", "1.", "-", "tru", "nul", #""abc"#, #"{"a" 1}"#, "[1 2]", #""\x""#,
                      #""\ud800""#, #""\udc00""#, "\"a\u{01}b\"", "1 2", "{}{}", "NaN", "Infinity", "1e999",
                      "-6666666667e311611166666", String(repeating: "9", count: 400)])
    func refusesWhatTheTreeParserRefuses(text: String) {
        #expect(throws: JSONObjectBytes.Problem.self) { try JSONObjectBytes(parsing: Array(#"{"a":\#(text)}"#.utf8)) }
        #expect(throws: JSONObjectBytes.Problem.self) { try JSONObjectBytes(parsing: Array(#"{"a":[{"b":\#(text)}]}"#.utf8)) }
    }

    @Test func refusesInvalidUTF8AndNestingDeeperThanTheLimitInsideMembers() {
        let bytes: [UInt8] = Array(#"{"a":{"b":""#.utf8) + [0xFF, 0xFE] + Array(#""}}"#.utf8)
        #expect(throws: JSONObjectBytes.Problem.self) { try JSONObjectBytes(parsing: bytes) }
        let deep = #"{"a":"# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}"
        #expect(throws: JSONObjectBytes.Problem.self) { try JSONObjectBytes(parsing: Array(deep.utf8)) }
    }

    /// Property: on generated objects, each member read from the bytes equals the tree parser's.
    @Test func agreesWithTheTreeParserOnGeneratedObjects() throws {
        var random = SeededGenerator(seed: 29)
        for _ in 0..<1000 {
            guard case .object(let members) = JSONParserTests.randomValue(depth: 3, using: &random) else { continue }
            let bytes = JSONValue.object(members).wireBytes
            guard case .object(let tree) = try JSONValue(parsing: bytes) else { Issue.record("not an object"); continue }
            let object = try JSONObjectBytes(parsing: bytes)
            for (key, value) in tree { #expect(object[key] == value) }
        }
    }
}
