/// Durations written the way operators write them: `90s`, `30m`, `2h`, `1d`, or `1h30m`.
public enum DurationText {
    /// Seconds in `text`, or a usage error naming `field` and the accepted forms.
    public static func seconds(_ text: String, field: String) throws -> Int {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var total = 0
        var digits = ""
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if let unit = units[character], let value = Int(digits) {
                // Overflow-checked: a duration of 10^17 minutes is an error, not a crash (found by fuzzing plans).
                let (part, partOverflow) = value.multipliedReportingOverflow(by: unit)
                let (sum, sumOverflow) = total.addingReportingOverflow(part)
                guard !partOverflow, !sumOverflow else { throw invalid(text, field: field) }
                total = sum
                digits = ""
            } else {
                throw invalid(text, field: field)
            }
        }
        guard digits.isEmpty, !text.isEmpty else { throw invalid(text, field: field) }
        return total
    }

    /// The shortest way to write `seconds` back: `1h30m`, `45s`, `0s`.
    public static func format(_ seconds: Int) -> String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var out = ""
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }

    private static func invalid(_ text: String, field: String) -> SwitchyardError {
        .usage("\(field): '\(text)' is not a duration", hint: "write a number with a unit: 90s, 30m, 2h, 1d or 1h30m")
    }
}

extension Duration {
    /// Whole microseconds (truncated).
    public var microseconds: Int { Int(components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000) }
}
