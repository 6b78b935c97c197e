/// How fast a bundle spends its error budget: its error rate over the budget `1 - slo`.
/// A burn rate of 1 spends exactly the budget over the SLO period; 14.4 spends 2% of a 30-day budget in an hour.
public struct MultiwindowBurnRule: Hashable, Sendable, Codable {
    public var longWindowSeconds: Int
    public var shortWindowSeconds: Int
    public var threshold: Double

    enum CodingKeys: String, CodingKey {
        case threshold
        case longWindowSeconds = "long_window_seconds"
        case shortWindowSeconds = "short_window_seconds"
    }

    /// The SRE workbook's fast-burn page: 14.4 over 1 h, confirmed over 5 min.
    public static let fastBurn = MultiwindowBurnRule(longWindowSeconds: 3600, shortWindowSeconds: 300, threshold: 14.4)

    public init(longWindowSeconds: Int, shortWindowSeconds: Int, threshold: Double) {
        self.longWindowSeconds = longWindowSeconds
        self.shortWindowSeconds = shortWindowSeconds
        self.threshold = threshold
    }

    /// Fires only when both windows burn above the threshold: the long window proves it matters,
    /// the short one that it is still happening. Too few requests in the short window is inconclusive.
    public func evaluate(long: TelemetryCounters, short: TelemetryCounters, slo: Double, minimumRequests: Int) -> BurnReading {
        let budget = max(1 - slo, 1e-9)
        let longRate = long.errorRate / budget
        let shortRate = short.errorRate / budget
        let verdict: CheckVerdict
        if short.requests < minimumRequests {
            verdict = .inconclusive
        } else {
            verdict = longRate > threshold && shortRate > threshold ? .fail : .pass
        }
        return BurnReading(longBurnRate: longRate, shortBurnRate: shortRate, threshold: threshold, requests: short.requests, verdict: verdict)
    }
}

/// One evaluation of a burn-rate rule, kept in the journal beside any decision it causes.
public struct BurnReading: Hashable, Sendable, Codable {
    public var longBurnRate: Double
    public var shortBurnRate: Double
    public var threshold: Double
    public var requests: Int
    public var verdict: CheckVerdict

    enum CodingKeys: String, CodingKey {
        case threshold, requests, verdict
        case longBurnRate = "long_burn_rate"
        case shortBurnRate = "short_burn_rate"
    }
}

/// The outcome of one check. Missing data is inconclusive, never a pass.
public enum CheckVerdict: String, Hashable, Sendable, Codable {
    case pass, fail, inconclusive
}

/// The canary's failure rate against the baseline's, measured at the same time, so that a fault that hits
/// both (the environment) is not blamed on the canary.
public struct CriticalRatioRule: Hashable, Sendable, Codable {
    /// The canary fails when its error rate exceeds this multiple of the baseline's.
    public var maximumRatio: Double
    /// Below this many requests on either side the check is inconclusive.
    public var minimumRequests: Int
    /// Error rates under this floor are treated as equal to it, so that 1 error against 0 is not "infinitely worse".
    public var floor: Double
    /// The canary cannot fail with fewer failures than this: one unlucky error in 200 requests against none in
    /// 500 is a ratio of 5 and means nothing. (A drill caught exactly that rolling back a healthy canary.)
    public var minimumFailures: Int

    enum CodingKeys: String, CodingKey {
        case floor
        case maximumRatio = "maximum_ratio"
        case minimumRequests = "minimum_requests"
        case minimumFailures = "minimum_failures"
    }

    public static let defaults = CriticalRatioRule(maximumRatio: 5, minimumRequests: 100, floor: 0.001, minimumFailures: 5)

    public init(maximumRatio: Double, minimumRequests: Int, floor: Double, minimumFailures: Int = 5) {
        self.maximumRatio = maximumRatio
        self.minimumRequests = minimumRequests
        self.floor = floor
        self.minimumFailures = minimumFailures
    }

    public func evaluate(canary: TelemetryCounters, baseline: TelemetryCounters) -> RatioReading {
        let ratio = max(canary.errorRate, floor) / max(baseline.errorRate, floor)
        let verdict: CheckVerdict = if canary.requests < minimumRequests || baseline.requests < minimumRequests {
            .inconclusive
        } else {
            ratio > maximumRatio && canary.failed >= minimumFailures ? .fail : .pass
        }
        return RatioReading(canaryErrorRate: canary.errorRate, baselineErrorRate: baseline.errorRate, ratio: ratio,
                            maximumRatio: maximumRatio, verdict: verdict)
    }
}

/// One evaluation of the canary-against-baseline ratio.
public struct RatioReading: Hashable, Sendable, Codable {
    public var canaryErrorRate: Double
    public var baselineErrorRate: Double
    public var ratio: Double
    public var maximumRatio: Double
    public var verdict: CheckVerdict

    enum CodingKeys: String, CodingKey {
        case ratio, verdict
        case canaryErrorRate = "canary_error_rate"
        case baselineErrorRate = "baseline_error_rate"
        case maximumRatio = "maximum_ratio"
    }
}

/// Debounces a check: it fires after `toFire` consecutive failures and clears only after `toClear`
/// consecutive passes (hysteresis). Inconclusive checks change neither count.
public struct ConsecutiveChecks: Hashable, Sendable, Codable {
    public var toFire: Int
    public var toClear: Int
    public private(set) var failures = 0
    public private(set) var passes = 0
    public private(set) var firing = false

    public init(toFire: Int = 3, toClear: Int = 3) {
        self.toFire = toFire
        self.toClear = toClear
    }

    /// Records a verdict; returns true when this verdict made the check start firing.
    @discardableResult
    public mutating func record(_ verdict: CheckVerdict) -> Bool {
        switch verdict {
        case .fail:
            failures += 1
            passes = 0
            if !firing && failures >= toFire {
                firing = true
                return true
            }
        case .pass:
            passes += 1
            failures = 0
            if firing && passes >= toClear { firing = false }
        case .inconclusive:
            break
        }
        return false
    }

    /// ok, watching (failing but not yet firing) or firing, as the console shows it.
    public var state: DetectorState { firing ? .firing : (failures > 0 ? .watching : .ok) }
}

/// A detector's state as operators see it, ordered from calm to firing.
public enum DetectorState: String, Hashable, Sendable, Codable, Comparable, CaseIterable {
    case ok, watching, firing

    public static func < (lhs: DetectorState, rhs: DetectorState) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
