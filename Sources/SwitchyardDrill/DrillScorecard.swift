import Foundation
import SwitchyardCore

/// What a drill run measured, and whether each expectation held. Deterministic for a script and its seed:
/// `journalHead` is the hash of the run's last journal entry.
public struct DrillScorecard: Codable, Sendable {
    /// One expectation and its outcome.
    public struct Check: Codable, Sendable {
        public var expectation: String
        public var passed: Bool
        public var detail: String
    }

    /// A question put to the on-call and how long the answer took.
    public struct Response: Codable, Sendable {
        public var prompt: String
        public var askedAtSeconds: Int
        public var answeredAfterSeconds: Int?
        public var answeredBy: String?

        enum CodingKeys: String, CodingKey {
            case prompt
            case askedAtSeconds = "asked_at_seconds"
            case answeredAfterSeconds = "answered_after_seconds"
            case answeredBy = "answered_by"
        }
    }

    public var drill: String
    public var seed: UInt64
    public var durationSeconds: Int
    /// Seconds from the start to the first injected fault; nil when the drill injects none.
    public var faultOnsetSeconds: Int?
    /// Onset → the first detector acting (tier 0 rollback, tier 1 analysis verdict, tier 2 advice).
    public var timeToDetectSeconds: Int?
    public var detectedBy: String?
    /// Onset → the first rollback or abort, by anyone.
    public var timeToDecideSeconds: Int?
    /// Onset → no faulty version has traffic.
    public var timeToRestoreSeconds: Int?
    /// Client requests answered with a failure after the onset.
    public var failedRequests: Int
    public var requests: Int
    /// Rollbacks of versions that had no fault.
    public var wrongActions: [String]
    public var oscillations: Int
    public var capacityViolations: Int
    /// Each `await_operator` prompt, in order.
    public var operatorResponses: [Response]
    public var checks: [Check]
    public var journalEntries: Int
    public var journalHead: String

    enum CodingKeys: String, CodingKey {
        case drill, seed, requests, oscillations, checks
        case durationSeconds = "duration_seconds"
        case faultOnsetSeconds = "fault_onset_seconds"
        case timeToDetectSeconds = "time_to_detect_seconds"
        case detectedBy = "detected_by"
        case timeToDecideSeconds = "time_to_decide_seconds"
        case timeToRestoreSeconds = "time_to_restore_seconds"
        case failedRequests = "failed_requests"
        case wrongActions = "wrong_actions"
        case capacityViolations = "capacity_violations"
        case operatorResponses = "operator_responses"
        case journalEntries = "journal_entries"
        case journalHead = "journal_head"
    }

    public var passed: Bool { checks.allSatisfy(\.passed) }

    /// The scorecard as the drill leader reads it.
    public func markdown() -> String {
        let time = { (seconds: Int?) in seconds.map(DurationText.format) ?? "—" }
        var lines = [
            "## Drill \(drill): \(passed ? "PASSED" : "FAILED")", "",
            "| measure | value |", "| --- | --- |",
            "| seed, virtual duration | \(seed), \(DurationText.format(durationSeconds)) |",
            "| fault onset | \(faultOnsetSeconds.map { "at " + DurationText.format($0) } ?? "no fault injected") |",
            "| time to detect | \(time(timeToDetectSeconds))\(detectedBy.map { " (\($0))" } ?? "") |",
            "| time to decide | \(time(timeToDecideSeconds)) |",
            "| time to restore | \(time(timeToRestoreSeconds)) |",
            "| client requests failed after onset | \(failedRequests) of \(requests) |",
            "| wrong actions | \(wrongActions.isEmpty ? "none" : wrongActions.joined(separator: "; ")) |",
            "| oscillations | \(oscillations) |",
            "| seconds over a drain target's capacity | \(capacityViolations) |",
        ] + operatorResponses.map { response in
            "| on-call, asked at \(DurationText.format(response.askedAtSeconds)) | "
                + (response.answeredAfterSeconds.map { "answered after \(DurationText.format($0)) by \(response.answeredBy ?? "?")" } ?? "unanswered") + " |"
        } + [
            "| journal | \(journalEntries) entries, head \(journalHead.prefix(12)) |", "",
            "| expectation | result | detail |", "| --- | --- | --- |",
        ]
        lines += checks.map { "| \($0.expectation) | \($0.passed ? "pass" : "**FAIL**") | \($0.detail) |" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// JUnit XML: one test suite per drill, one test case per expectation.
    public static func junit(_ cards: [DrillScorecard]) -> String {
        let escape = { (text: String) in
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var xml = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                   "<testsuites name=\"switchyard drills\" tests=\"\(cards.map(\.checks.count).reduce(0, +))\" failures=\"\(cards.flatMap(\.checks).filter { !$0.passed }.count)\">"]
        for card in cards {
            xml.append("  <testsuite name=\"\(escape(card.drill))\" tests=\"\(card.checks.count)\" failures=\"\(card.checks.filter { !$0.passed }.count)\">")
            for check in card.checks {
                let name = "<testcase classname=\"drill.\(escape(card.drill))\" name=\"\(escape(check.expectation))\""
                xml.append(check.passed ? "    \(name)/>"
                    : "    \(name)>\n      <failure message=\"\(escape(check.detail))\"/>\n    </testcase>")
            }
            xml.append("  </testsuite>")
        }
        xml.append("</testsuites>")
        return xml.joined(separator: "\n") + "\n"
    }
}
