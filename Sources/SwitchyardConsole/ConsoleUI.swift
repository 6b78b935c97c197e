/// The console's interaction state, changed only by keys and by what the executable reports back; pure and testable.
public struct ConsoleUI: Hashable, Sendable {
    /// The panels Tab moves between, in order.
    public enum Panel: String, CaseIterable, Hashable, Sendable {
        case traffic, slo, rollout, history, events
    }

    /// What the keyboard is doing right now.
    public indirect enum Mode: Hashable, Sendable {
        case browsing
        case help
        /// Typing the events filter.
        case filtering
        /// Typing a `:` command.
        case command(String)
        /// A history row's details.
        case details(Int)
        /// The registry: the selected bundle, and the one marked for a diff.
        case registry(selected: Int, marked: Int?)
        /// A field-by-field diff of two registry entries.
        case registryDiff(Int, Int)
        /// Answering an action's fields.
        case entering(ActionDraft)
        /// Reviewing an action before it is sent.
        case confirming(ActionDraft)
        /// Waiting for the executable's rollback plan; `reason` is typed ahead from a `:rollback REASON` command.
        case awaitingPlan(reason: String)
        /// Asking whether to quit and lose the action half-entered in the mode it returns to.
        case confirmingQuit(Mode)
    }

    /// A message on the status line.
    public struct Status: Hashable, Sendable {
        public var text: String
        public var isError: Bool
    }

    /// Every `:` command, in the order completion lists them.
    public static let commands = ConsoleAction.allCases.map(\.rawValue) + ["theme", "goto", "quit"]

    /// Actions are refused (and their keys greyed) in a read-only console.
    public let readonly: Bool
    /// What a refused action tells the operator to do about it.
    public let readonlyHint: String
    /// A replay of a past journal: always read-only, and the arrows, space, + and - move through time.
    public let replay: Bool
    public internal(set) var focus = Panel.traffic
    public internal(set) var mode = Mode.browsing
    /// The events filter in force.
    public internal(set) var filter = ""
    public internal(set) var status: Status?
    /// Set by the loop when the terminal is under 80×24: only quitting and redrawing work then.
    public var screenTooSmall = false
    var selections: [Panel: Int] = [:]
    var rowCounts: [Panel: Int] = [:]
    var events: [ConsoleSnapshot.Event] = []
    var registryCount = 0

    public init(readonly: Bool = false, replay: Bool = false, readonlyHint: String = "start the console without --readonly to act") {
        self.readonly = readonly || replay
        self.readonlyHint = readonlyHint
        self.replay = replay
    }

    /// The selected row of `panel`.
    public func selection(in panel: Panel) -> Int { selections[panel] ?? 0 }

    /// The events the filter keeps, newest first.
    func visibleEvents(_ all: [ConsoleSnapshot.Event]) -> [ConsoleSnapshot.Event] { filter.isEmpty ? all : all.filter { $0.matches(filter) } }

    func rowCount(_ panel: Panel) -> Int { panel == .events ? visibleEvents(events).count : rowCounts[panel] ?? 0 }

    /// Takes in a new snapshot's row counts, keeping selections in range.
    public mutating func sync(with snapshot: ConsoleSnapshot) {
        rowCounts = [.traffic: snapshot.bundles.count, .slo: snapshot.bundles.count, .rollout: snapshot.rollout?.steps.count ?? 0,
                     .history: snapshot.rollbacks.count]
        events = snapshot.events
        registryCount = snapshot.registry.count
        if case .registry(let selected, _) = mode, selected >= registryCount { mode = .browsing }
        if case .registryDiff(let a, let b) = mode, max(a, b) >= registryCount { mode = .browsing }
        for panel in Panel.allCases { select(selection(in: panel), in: panel) }
        if case .details(let row) = mode, row >= rowCount(.history) { mode = .browsing }
    }

    /// The executable's pre-flight plan for the rollback the operator asked for.
    public mutating func presentRollbackPlan(_ plan: RollbackPlan) {
        guard case .awaitingPlan(let reason) = mode else { return }
        mode = .entering(ActionDraft(action: .rollback, plan: plan, input: reason))
    }

    /// The executable could not plan the rollback.
    public mutating func rollbackPlanFailed(_ message: String) {
        guard case .awaitingPlan = mode else { return }
        mode = .browsing
        report("rollback not possible: \(message)", isError: true)
    }

    /// Shows the result of an action (or any other message) on the status line.
    public mutating func report(_ message: String, isError: Bool) {
        status = Status(text: message, isError: isError)
    }

    mutating func select(_ row: Int, in panel: Panel) {
        selections[panel] = max(0, min(row, rowCount(panel) - 1))
    }
}
