import Foundation

/// The source of "now". Core never reads the wall clock; callers inject one of these.
public protocol Clock: Sendable {
    func now() -> Date
}

/// A clock that only moves when told to: for tests, drills and replay.
public final class ManualClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) { current = start }

    public func now() -> Date { lock.withLock { current } }

    public func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}

/// Timestamps as Switchyard writes them: UTC, ISO 8601, millisecond precision.
public enum Timestamp {
    /// Rounded to the nearest millisecond, so that `format(parse(text))` gives `text` back (the formatter alone
    /// truncates, and a parsed `.930` is often a hair below it).
    public static func format(_ date: Date) -> String {
        let milliseconds = Int(Self.milliseconds(date))
        let seconds = milliseconds.floorDivided(by: 1000)
        let days = seconds.floorDivided(by: 86400)
        let second = seconds - days * 86400
        let (year, month, day) = UTCCalendar.civilDate(daysSince1970: days)
        let pad = UTCCalendar.padded
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(second / 3600, 2) + ":" + pad(second / 60 % 60, 2) + ":"
            + pad(second % 60, 2) + "." + pad(milliseconds - seconds * 1000, 3) + "Z"
    }

    /// Milliseconds since 1970, rounded to the nearest as `format` writes them.
    public static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// Parses what `format` writes, and plain `2026-01-01T00:00:00Z` too.
    public static func parse(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text))
            ?? (try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text))
    }
}

extension Int {
    /// The quotient rounded towards minus infinity, so that times before 1970 fall on the right day.
    func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
