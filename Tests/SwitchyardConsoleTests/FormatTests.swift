import Foundation
import Testing
@testable import SwitchyardConsole

@Suite struct FormatTests {
    @Test func numbersRoundLikePrintfWithoutIt() {
        #expect(ConsoleFormat.fixed(41.25, decimals: 1) == "41.3", "halves round away from zero")
        #expect(ConsoleFormat.fixed(0.04, decimals: 1) == "0.0")
        #expect(ConsoleFormat.fixed(-3.14159, decimals: 2) == "-3.14")
        #expect(ConsoleFormat.fixed(-0.001, decimals: 1) == "0.0")
        #expect(ConsoleFormat.fixed(1479.6, decimals: 0) == "1480")
        #expect(ConsoleFormat.fixed(.nan, decimals: 1) == "-")
        #expect(ConsoleFormat.rate(12_345) == "12.3k")
        #expect(ConsoleFormat.compact(5) == "5" && ConsoleFormat.compact(12.5) == "12.5" && ConsoleFormat.compact(0.25) == "0.25")
    }

    @Test func datesMatchFoundationsUTCCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // Leap days, year ends and the epoch, then a sweep of random instants up to 2100.
        var instants: [Double] = [0, 951_782_400, 951_868_799, 1_709_164_800, 1_767_225_599, 4_107_542_400]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 { instants.append(Double.random(in: 0..<4_102_444_800, using: &random)) }
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant.rounded(.down))
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(format: "%04d-%02d-%02d %02d:%02d:%02dZ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!)
            #expect(ConsoleFormat.dateTime(date) == expected)
        }
    }
}
