import Testing
@testable import SwitchyardFakeBackend

/// The fake backend's prompt-token stand-in counts words as splitting into Characters at whitespace did.
@Suite struct FakeBackendWordCountTests {
    static let samples = [
        "", " ", "hi", "  two  words ", "tab\tand\nnewline\r\nCRLF", "\u{0B}vertical\u{0C}feed",
        "no\u{00A0}break space", "em\u{2003}space and\u{3000}ideographic", "line\u{2028}separator\u{0085}next",
        "é accents café", "emoji 👩‍👩‍👧 family", "日本語 テキスト", "trailing\n",
    ]

    @Test(arguments: samples)
    func matchesCharacterSplit(_ text: String) {
        #expect(AnswerGenerator.wordCount(text) == text.split(whereSeparator: \.isWhitespace).count)
    }

    @Test func randomTextMatchesCharacterSplit() {
        let alphabet: [Character] = ["a", "b", " ", "\t", "\n", "\u{00A0}", "\u{2003}", "é", "日", "\r\n", "\u{0085}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let text = String((0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(AnswerGenerator.wordCount(text) == text.split(whereSeparator: \.isWhitespace).count, "\(text.debugDescription)")
        }
    }
}
