import Foundation
import SwitchyardCore

extension ConsoleSnapshot {
    /// A drill's open question to the on-call (`await_operator`), shown with a timer until an action answers it.
    public struct DrillPrompt: Hashable, Sendable, Codable {
        public var text: String
        /// The action that answers it: rollback, abort, pause, freeze, promote or any.
        public var answer: String
        public var askedAt: Date
        public var withinSeconds: Int

        public init(text: String, answer: String, askedAt: Date, withinSeconds: Int) {
            self.text = text
            self.answer = answer
            self.askedAt = askedAt
            self.withinSeconds = withinSeconds
        }

        /// The newest `drill.prompt` among `prompts` unless one of `closings` (`drill.answer`, `drill.unanswered`) closed it.
        public static func open(prompts: [JournalEntry], closings: [JournalEntry]) -> DrillPrompt? {
            guard let prompt = prompts.last, let asked = Timestamp.parse(prompt.time),
                  !closings.contains(where: { $0.payload["prompt_seq"] == .int(prompt.seq) }) else { return nil }
            var answer = "any"
            if case .string(let value)? = prompt.payload["answer"] { answer = value }
            var within = 0
            if case .int(let value)? = prompt.payload["within_seconds"] { within = value }
            return DrillPrompt(text: prompt.reason, answer: answer, askedAt: asked, withinSeconds: within)
        }
    }
}
