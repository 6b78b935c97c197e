/// Parses weights as operators type them: `NAME@VERSION=9000` (basis points) or `NAME@VERSION=90%`.
public enum WeightSpec {
    public static func parse(_ text: String) throws -> WeightedBundle {
        guard let equals = text.lastIndex(of: "=") else {
            throw SwitchyardError.usage(
                "'\(text)' has no weight", hint: "write NAME@VERSION=WEIGHT, for example app@1.2.0=9000 or app@1.2.0=90%")
        }
        let bundle = try BundleRef(parsing: String(text[..<equals]))
        let weightText = String(text[text.index(after: equals)...])
        return WeightedBundle(bundle: bundle, basisPoints: try basisPoints(weightText, in: text))
    }

    /// `90%` → 9000, `12.5%` → 1250, `9000` → 9000.
    public static func basisPoints(_ weightText: String, in context: String) throws -> Int {
        let invalid = SwitchyardError.usage(
            "'\(context)': '\(weightText)' is not a weight",
            hint: "a weight is basis points from 0 to 10000 (9000) or a percentage with at most two decimals (90%, 12.5%)")
        if weightText.hasSuffix("%") {
            let number = weightText.dropLast()
            let parts = number.split(separator: ".", omittingEmptySubsequences: false)
            // Bounded before `* 100`: a huge percentage would overflow (found by fuzzing the rollout-plan parser).
            guard (1...2).contains(parts.count), let whole = Int(parts[0]), (0...fullWeight / 100).contains(whole) else { throw invalid }
            var fraction = 0
            if parts.count == 2 {
                guard (1...2).contains(parts[1].count), parts[1].allSatisfy(\.isNumber), let value = Int(parts[1]) else {
                    throw invalid
                }
                fraction = parts[1].count == 1 ? value * 10 : value
            }
            let points = whole * 100 + fraction
            guard points <= fullWeight else { throw invalid }
            return points
        }
        guard let points = Int(weightText), (0...fullWeight).contains(points) else { throw invalid }
        return points
    }

    /// 9000 → `90%`, 1250 → `12.5%`.
    public static func percent(_ basisPoints: Int) -> String {
        let whole = basisPoints / 100
        let fraction = abs(basisPoints % 100)
        if fraction == 0 { return "\(whole)%" }
        let digits = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0\(fraction)" : String(fraction))
        return "\(whole).\(digits)%"
    }
}
