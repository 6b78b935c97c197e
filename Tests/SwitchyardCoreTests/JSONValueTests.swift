import Testing
@testable import SwitchyardCore

@Suite struct JSONValueTests {
    @Test func canonicalTextSortsKeysAndHasNoSpaces() throws {
        let value = try JSONValue(parsing: #"{ "b": [1, 2.5, true, null], "a": {"z": "x", "y": 1.0} }"#)
        #expect(value.canonicalText == #"{"a":{"y":1,"z":"x"},"b":[1,2.5,true,null]}"#)
    }

    @Test func equalDocumentsWrittenDifferentlyHaveOneCanonicalForm() throws {
        let one = try JSONValue(parsing: #"{"x": 1, "y": "é\n"}"#)
        let two = try JSONValue(parsing: #"{"y":"\u00e9\n","x":1.0}"#)
        #expect(one.canonicalText == two.canonicalText)
    }

    @Test func stringsAreEscaped() {
        #expect(JSONValue.string("a\"b\\c\u{01}\t").canonicalText == #""a\"b\\c\u0001\t""#)
    }

    @Test func wireBytesParseBackToTheSameValueWithEveryEscape() throws {
        let value = try JSONValue(parsing: #"{"messages":[{"role":"user","content":"é \"q\" \\ \n\u0001"}],"n":2.5,"k":null,"t":true,"m":-3}"#)
        let wire = value.wireBytes
        #expect(try JSONValue(parsing: wire) == value)
        #expect(String(decoding: wire, as: UTF8.self).contains(#"\u0001"#))
    }

    @Test func roundTripsThroughCodable() throws {
        let bundle = Fixtures.bundle()
        let decoded = try bundle.canonicalJSON().decode(as: ReleaseBundle.self)
        #expect(decoded == bundle)
    }
}

@Suite struct DigestTests {
    @Test func sha256MatchesTheStandardTestVector() {
        #expect(Digest.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func bundleDigestChangesWithAnyBehaviouralField() {
        let base = Fixtures.bundle()
        var warmer = base
        warmer.decoding.temperature = 0.31
        #expect(base.digest != warmer.digest)
        #expect(base.digest == Fixtures.bundle().digest)
        #expect(Digest.short(base.digest).hasPrefix("sha256:"))
        #expect(Digest.short(base.digest).count == 19)
    }
}
