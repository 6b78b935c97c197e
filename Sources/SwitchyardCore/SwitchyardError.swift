/// An error a user can meet, with the category that picks the exit code and a hint that says what to do.
public struct SwitchyardError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; the CLI maps it to an exit code.
    public enum Category: Sendable, Equatable {
        /// Something went wrong (bad file, unknown bundle, broken chain): exit 1.
        case failure
        /// The command line itself is wrong: exit 2.
        case usage
        /// The request is understood but a policy refuses it (immutability, pinning, stage rules): exit 3.
        case refused
        /// A rollback's target has no warm, health-checked replicas to take the traffic: exit 4.
        case targetNotWarm
    }

    public var category: Category
    public var message: String
    public var hint: String?

    public init(_ category: Category, _ message: String, hint: String? = nil) {
        self.category = category
        self.message = message
        self.hint = hint
    }

    public static func failure(_ message: String, hint: String? = nil) -> Self { .init(.failure, message, hint: hint) }
    public static func usage(_ message: String, hint: String? = nil) -> Self { .init(.usage, message, hint: hint) }
    public static func refused(_ message: String, hint: String? = nil) -> Self { .init(.refused, message, hint: hint) }
    public static func targetNotWarm(_ message: String, hint: String? = nil) -> Self { .init(.targetNotWarm, message, hint: hint) }

    public var description: String {
        guard let hint else { return message }
        return message + "\n" + hint
    }
}
