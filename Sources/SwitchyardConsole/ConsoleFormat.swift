import Foundation

/// How numbers, times and durations read on screen.
enum ConsoleFormat {
    /// Basis points as a percentage: `10%`, `12.5%`.
    static func percent(basisPoints: Int) -> String {
        let whole = basisPoints / 100, rest = basisPoints % 100
        guard rest != 0 else { return "\(whole)%" }
        return "\(whole)." + (rest % 10 == 0 ? "\(rest / 10)" : String(format: "%02d", rest)) + "%"
    }

    /// A 0–1 share as a percentage with one decimal.
    static func percent(share: Double) -> String { String(format: "%.1f%%", share * 100) }

    /// A percentage value with one decimal, `-` for nothing.
    static func percent(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Milliseconds, rounded; `-` without samples.
    static func milliseconds(_ value: Double?) -> String { value.map { String(format: "%.0f", $0) } ?? "-" }

    /// A rate: one decimal under 100, whole numbers above, thousands as `k`.
    static func rate(_ value: Double) -> String {
        switch value {
        case ..<100: String(format: "%.1f", value)
        case ..<10_000: String(format: "%.0f", value)
        default: String(format: "%.1fk", value / 1000)
        }
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

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// `03:14:07` in UTC.
    static func time(_ date: Date) -> String {
        let parts = utc.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02d", parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    /// `11-22 03:14Z`.
    static func shortDateTime(_ date: Date) -> String {
        let parts = utc.dateComponents([.month, .day, .hour, .minute], from: date)
        return String(format: "%02d-%02d %02d:%02dZ", parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// `2026-11-22 03:14:07Z`.
    static func dateTime(_ date: Date) -> String {
        let parts = utc.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0) + time(date) + "Z"
    }

    /// Pads or cuts `text` to exactly `width` columns, aligned right when `right`.
    static func fit(_ text: String, _ width: Int, right: Bool = false) -> String {
        guard text.count < width else { return String(text.prefix(width)) }
        let padding = String(repeating: " ", count: width - text.count)
        return right ? padding + text : text + padding
    }
}
