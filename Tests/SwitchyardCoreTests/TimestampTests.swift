import Foundation
import Testing
@testable import SwitchyardCore

@Suite struct TimestampTests {
    @Test func aFormattedTimeParsesBackToTheSameText() throws {
        var random = SeededGenerator(seed: 11)
        for _ in 0..<2000 {
            let milliseconds = Int64.random(in: 1_700_000_000_000...1_900_000_000_000, using: &random)
            let text = Timestamp.format(Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000))
            let parsed = try #require(Timestamp.parse(text))
            #expect(Timestamp.format(parsed) == text)
        }
    }

    @Test func timesRoundToTheNearestMillisecond() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_800_000_000.9296)) == "2027-01-15T08:00:00.930Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_800_000_000.9994)) == "2027-01-15T08:00:00.999Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_800_000_000.9996)) == "2027-01-15T08:00:01.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_800_000_000)) == "2027-01-15T08:00:00.000Z")
    }

    /// Property: the integer formatting writes what Foundation's ISO 8601 formatter writes for the whole second,
    /// from 1970 to 2200.
    @Test func agreesWithFoundationsFormatter() {
        var random = SeededGenerator(seed: 7)
        for _ in 0..<5000 {
            let milliseconds = Int64.random(in: 0...7_258_118_400_000, using: &random)
            let whole = Date(timeIntervalSince1970: TimeInterval(milliseconds / 1000)).formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
            let expected = "\(whole.dropLast()).\(String(1000 + milliseconds % 1000).dropFirst())Z"
            #expect(Timestamp.format(Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)) == expected)
        }
        #expect(Timestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z", "a leap day")
    }
}
