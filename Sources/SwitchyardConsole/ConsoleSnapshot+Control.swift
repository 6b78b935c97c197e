import Foundation

extension ConsoleSnapshot {
    /// The rollout in progress.
    public struct Rollout: Hashable, Sendable, Codable {
        public var canary: String
        public var baseline: String
        /// Each step as it reads, e.g. `setWeight 10%`.
        public var steps: [String]
        public var currentStep: Int
        public var status: String
        public var secondsInStep: Int
        /// What lets the current step pass, e.g. `pause ends in 6m`.
        public var nextGate: String
        public var lastAnalysis: String?

        public init(canary: String, baseline: String, steps: [String], currentStep: Int, status: String, secondsInStep: Int,
                    nextGate: String, lastAnalysis: String? = nil) {
            self.canary = canary
            self.baseline = baseline
            self.steps = steps
            self.currentStep = currentStep
            self.status = status
            self.secondsInStep = secondsInStep
            self.nextGate = nextGate
            self.lastAnalysis = lastAnalysis
        }
    }

    /// A staged rollback drain moving traffic from a bad bundle to its target.
    public struct Drain: Hashable, Sendable, Codable {
        public var from: String
        public var to: String
        /// The bad bundle's share after each stage, in basis points.
        public var remainingBasisPoints: [Int]
        public var currentStage: Int
        public var status: String

        public init(from: String, to: String, remainingBasisPoints: [Int], currentStage: Int, status: String) {
            self.from = from
            self.to = to
            self.remainingBasisPoints = remainingBasisPoints
            self.currentStage = currentStage
            self.status = status
        }
    }

    /// One rollback, automatic or by hand.
    public struct Rollback: Hashable, Sendable, Codable {
        public var time: Date
        public var from: String
        public var to: String
        /// The operator, or the detector that triggered it (`auto:tier1`).
        public var actor: String
        public var reason: String
        /// How the drain went, e.g. `75% › 50% › 0% in 2m10s`.
        public var stages: String
        public var secondsToDetect: Int?
        public var secondsToRestore: Int?
        public var inFlightAffected: Int
        /// The journal entries behind it, oldest first.
        public var entries: [Event]

        public init(time: Date, from: String, to: String, actor: String, reason: String, stages: String, secondsToDetect: Int?,
                    secondsToRestore: Int?, inFlightAffected: Int, entries: [Event] = []) {
            self.time = time
            self.from = from
            self.to = to
            self.actor = actor
            self.reason = reason
            self.stages = stages
            self.secondsToDetect = secondsToDetect
            self.secondsToRestore = secondsToRestore
            self.inFlightAffected = inFlightAffected
            self.entries = entries
        }
    }

    /// One journal entry.
    public struct Event: Hashable, Sendable, Codable {
        public var sequence: Int
        public var time: Date
        public var actor: String
        public var kind: String
        public var subject: String
        public var reason: String

        public init(sequence: Int, time: Date, actor: String, kind: String, subject: String, reason: String) {
            self.sequence = sequence
            self.time = time
            self.actor = actor
            self.kind = kind
            self.subject = subject
            self.reason = reason
        }

        /// Whether the events filter keeps this entry: every word of `filter` appears in some field, ignoring case.
        public func matches(_ filter: String) -> Bool {
            let text = "\(sequence) \(actor) \(kind) \(subject) \(reason)".lowercased()
            return filter.lowercased().split(separator: " ").allSatisfy { text.contains($0) }
        }
    }

    /// A registered bundle, for the registry view.
    public struct RegistryEntry: Hashable, Sendable, Codable {
        /// `name@version`.
        public var name: String
        public var stage: String
        /// The content digest, shortened.
        public var digest: String
        public var warm: Bool
        /// Who signed it off and when, if anyone did.
        public var signedOff: String?
        /// Every manifest field as a dotted path and its value, for diffs.
        public var fields: [String: String]

        public init(name: String, stage: String, digest: String, warm: Bool, signedOff: String?, fields: [String: String]) {
            self.name = name
            self.stage = stage
            self.digest = digest
            self.warm = warm
            self.signedOff = signedOff
            self.fields = fields
        }
    }
}
