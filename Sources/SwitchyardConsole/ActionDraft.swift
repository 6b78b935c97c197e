import Foundation

/// An action being filled in: the fields answered so far and the text being typed for the current one.
public struct ActionDraft: Hashable, Sendable {
    /// Something an action asks for.
    public enum Field: String, Hashable, Sendable {
        case reason, scope, expires, target

        /// What an empty answer means; nil when an answer is required.
        var defaultValue: String? {
            switch self {
            case .scope: "all"
            case .expires: "2h"
            case .reason, .target: nil
            }
        }
    }

    public let action: ConsoleAction
    /// The rollback plan being confirmed, for rollbacks.
    public let plan: RollbackPlan?
    public private(set) var values: [Field: String] = [:]
    public private(set) var fieldIndex = 0
    public var input: String
    /// Why the last answer was not accepted.
    public private(set) var error: String?

    init(action: ConsoleAction, plan: RollbackPlan? = nil, input: String = "") {
        self.action = action
        self.plan = plan
        self.input = input
    }

    /// The field being answered; nil once all are.
    public var field: Field? { fieldIndex < action.fields.count ? action.fields[fieldIndex] : nil }

    /// The intent once every field is answered.
    var intent: ConsoleIntent? { field == nil ? action.intent(values) : nil }

    /// Takes the typed answer for the current field, or records why it cannot.
    mutating func submit() {
        guard let field else { return }
        let answer = input.trimmingCharacters(in: .whitespaces)
        switch field {
        case .reason where answer.isEmpty:
            error = "a reason is required: it goes into the journal"
            return
        case .target where answer != plan?.target:
            error = "'\(answer)' is not \(plan?.target ?? "the target"): nothing was sent"
            input = ""
            return
        default:
            values[field] = answer.isEmpty ? field.defaultValue : answer
        }
        error = nil
        input = ""
        fieldIndex += 1
    }
}
