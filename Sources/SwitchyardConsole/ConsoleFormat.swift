import Foundation
import SwitchyardCore

/// How numbers, times and durations read on screen.
enum ConsoleFormat {
    /// Basis points as a percentage: `10%`, `12.5%`.
    static func percent(basisPoints: Int) -> String {
        let whole = basisPoints / 100, rest = basisPoints % 100
        guard rest != 0 else { return "\(whole)%" }
        return "\(whole)." + (rest % 10 == 0 ? "\(rest / 10)" : twoDigits(rest)) + "%"
    }

    /// A 0–1 share as a percentage with one decimal.
    static func percent(share: Double) -> String { fixed(share * 100, decimals: 1) + "%" }

    /// A percentage value with one decimal.
    static func percent(_ value: Double) -> String { fixed(value, decimals: 1) }

    /// Milliseconds, rounded; `-` without samples.
    static func milliseconds(_ value: Double?) -> String { value.map { fixed($0, decimals: 0) } ?? "-" }

    /// A rate: one decimal under 100, whole numbers above, thousands as `k`.
    static func rate(_ value: Double) -> String {
        switch value {
        case ..<100: fixed(value, decimals: 1)
        case ..<10_000: fixed(value, decimals: 0)
        default: fixed(value / 1000, decimals: 1) + "k"
        }
    }

    /// `value` rounded to `decimals` places (0–3), without Foundation's format machinery: the console draws
    /// hundreds of numbers a frame.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "-" }
        let scale = [1, 10, 100, 1000][min(max(decimals, 0), 3)]
        let scaled = Int((abs(value) * Double(scale)).rounded())
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard scale > 1 else { return sign + "\(scaled)" }
        var fraction = String(scaled % scale)
        while fraction.count < decimals { fraction = "0" + fraction }
        return sign + "\(scaled / scale)." + fraction
    }

    /// Whole numbers without decimals, others with up to two: `5`, `12.5`, `0.25`.
    static func compact(_ value: Double) -> String {
        var text = fixed(value, decimals: 2)
        while text.contains("."), text.last == "0" || text.last == "." { text.removeLast() }
        return text
    }

    /// `1h30m`, `45s`, `0s`.
    static func duration(_ seconds: Int) -> String {
        guard seconds > 0 else { return "0s" }
        var rest = seconds, out = ""
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }

    /// `03:14:07` in UTC.
    static func time(_ date: Date) -> String {
        let second = secondOfDay(date)
        return twoDigits(second / 3600) + ":" + twoDigits(second / 60 % 60) + ":" + twoDigits(second % 60)
    }

    /// `11-22 03:14Z`.
    static func shortDateTime(_ date: Date) -> String {
        let (_, month, day) = civilDate(date)
        let second = secondOfDay(date)
        return twoDigits(month) + "-" + twoDigits(day) + " " + twoDigits(second / 3600) + ":" + twoDigits(second / 60 % 60) + "Z"
    }

    /// `2026-11-22 03:14:07Z`.
    static func dateTime(_ date: Date) -> String {
        let (year, month, day) = civilDate(date)
        return "\(year)-" + twoDigits(month) + "-" + twoDigits(day) + " " + time(date) + "Z"
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func secondOfDay(_ date: Date) -> Int {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        return ((seconds % 86400) + 86400) % 86400
    }

    /// The UTC calendar date of `date`.
    private static func civilDate(_ date: Date) -> (year: Int, month: Int, day: Int) {
        UTCCalendar.civilDate(daysSince1970: Int((date.timeIntervalSince1970 / 86400).rounded(.down)))
    }

    /// Pads or cuts `text` to exactly `width` columns, aligned right when `right`.
    static func fit(_ text: String, _ width: Int, right: Bool = false) -> String {
        guard text.count < width else { return String(text.prefix(width)) }
        let padding = String(repeating: " ", count: width - text.count)
        return right ? padding + text : text + padding
    }
}
