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
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())  // Switchyard's times are after 1970
        let whole = Date(timeIntervalSince1970: TimeInterval(milliseconds / 1000)).formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        return "\(whole.dropLast()).\(String(1000 + milliseconds % 1000).dropFirst())Z"
    }

    /// Parses what `format` writes, and plain `2026-01-01T00:00:00Z` too.
    public static func parse(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text))
            ?? (try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text))
    }
}
