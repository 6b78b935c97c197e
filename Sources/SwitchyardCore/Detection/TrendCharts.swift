import Foundation

/// An EWMA control chart on a quality signal (refusal rate, output length, schema failures): slow drifts that
/// no single window shows. Advisory only: trends never roll back on their own.
public struct EWMAChart: Hashable, Sendable, Codable {
    public var lambda: Double
    public var limit: Double
    public var target: Double
    public var sigma: Double
    public private(set) var value: Double
    public private(set) var samples = 0

    /// λ = 0.2 and L = 3 (about 3 standard errors) are the textbook defaults.
    public init(target: Double, sigma: Double, lambda: Double = 0.2, limit: Double = 3) {
        self.lambda = lambda
        self.limit = limit
        self.target = target
        self.sigma = sigma
        value = target
    }

    /// Adds an observation; returns true when the smoothed value leaves its control limits.
    public mutating func add(_ x: Double) -> Bool {
        samples += 1
        value = lambda * x + (1 - lambda) * value
        let decay = 1 - pow(1 - lambda, Double(2 * samples))
        let width = limit * sigma * (lambda / (2 - lambda) * decay).squareRoot()
        return abs(value - target) > width
    }
}

/// A one-sided (upward) CUSUM chart: accumulates how far each observation sits above target, less a slack k,
/// and signals when the sum passes h. Catches small persistent shifts that EWMA smooths away.
public struct CUSUMChart: Hashable, Sendable, Codable {
    public var k: Double
    public var h: Double
    public var target: Double
    public var sigma: Double
    public private(set) var sum = 0.0

    /// k = 0.5 and h = 5 (in standard deviations) detect a one-sigma shift quickly with few false alarms.
    public init(target: Double, sigma: Double, k: Double = 0.5, h: Double = 5) {
        self.k = k
        self.h = h
        self.target = target
        self.sigma = sigma
    }

    public mutating func add(_ x: Double) -> Bool {
        sum = max(0, sum + (x - target) / max(sigma, .leastNonzeroMagnitude) - k)
        return sum > h
    }
}

