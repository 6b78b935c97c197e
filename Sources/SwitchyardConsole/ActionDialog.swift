/// The dialogs of an action: its fields being answered, the last look before sending, waiting for a rollback
/// plan, and the question whether to quit with an action half-entered.
enum ActionDialog {
    static let width = 72

    static func draw(_ mode: ConsoleUI.Mode, snapshot: ConsoleSnapshot, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        let textWidth = min(width, buffer.width - 4) - 4
        switch mode {
        case .entering(let draft):
            let body = (draft.plan.map { plan in plan.lines.flatMap { DialogView.wrap($0, width: textWidth) }.map { [Span($0)] } + [[]] } ?? [])
                + context(draft.action, snapshot: snapshot, glyphs: glyphs) + answers(draft)
            var footer = [[Span(prompt(draft), .title)], [Span("> "), Span(draft.input), Span(" ", .selection)]]
            footer += DialogView.wrap(draft.error ?? "", width: textWidth).filter { !$0.isEmpty }.map { [Span($0, .critical)] }
            let last = draft.field == draft.action.fields.last && draft.action == .rollback
            footer.append(Span.keyHints(["Enter", last ? "roll back" : "next", "Esc", "cancel"]))
            DialogView.draw(title: draft.action.title, body: body, footer: footer, width: width, on: &buffer, glyphs: glyphs)
        case .confirming(let draft):
            DialogView.draw(title: draft.action.title + "?", body: context(draft.action, snapshot: snapshot, glyphs: glyphs) + answers(draft),
                            footer: [Span.keyHints(["y", "send", "n", "cancel", "q", "quit"])], width: width, on: &buffer, glyphs: glyphs)
        case .awaitingPlan:
            DialogView.draw(title: ConsoleAction.rollback.title, body: [[Span("asking for the pre-flight plan\(glyphs.ellipsis)", .dim)]],
                            footer: [Span.keyHints(["Esc", "cancel"])], width: width, on: &buffer, glyphs: glyphs)
        case .confirmingQuit(let previous):
            let action = halfEntered(previous).map { " (\($0.rawValue))" } ?? ""
            let body = DialogView.wrap("An action is half-entered\(action). Quitting drops it: nothing is sent.", width: textWidth)
            DialogView.draw(title: "Quit?", body: body.map { [Span($0)] },
                            footer: [Span.keyHints(["y", "quit", "n", "go back"])], width: width, on: &buffer, glyphs: glyphs)
        default:
            break
        }
    }

    private static func halfEntered(_ mode: ConsoleUI.Mode) -> ConsoleAction? {
        switch mode {
        case .entering(let draft), .confirming(let draft): draft.action
        case .awaitingPlan: .rollback
        default: nil
        }
    }

    /// What the action acts on, from the snapshot.
    private static func context(_ action: ConsoleAction, snapshot: ConsoleSnapshot, glyphs: GlyphSet) -> [[Span]] {
        switch action {
        case .promote, .promoteFull, .pause, .resume, .abort:
            guard let rollout = snapshot.rollout else { return [[Span("no rollout in progress", .warn)]] }
            let step = rollout.steps.indices.contains(rollout.currentStep)
                ? "step \(rollout.currentStep + 1)/\(rollout.steps.count): \(rollout.steps[rollout.currentStep])" : "finished"
            return [[Span("rollout ", .dim), Span(rollout.canary, .title), Span(" vs \(rollout.baseline)")],
                    [Span("\(rollout.status) at \(step)", .dim)]]
        case .drainAdvance, .drainHold:
            guard let drain = snapshot.drain else { return [[Span("no drain in progress", .warn)]] }
            return [[Span("drain \(drain.from) \(glyphs.arrow) \(drain.to): \(drain.status)", .dim)]]
        case .unfreeze, .freeze:
            guard let freeze = snapshot.freeze else { return action == .unfreeze ? [[Span("no freeze in force", .warn)]] : [] }
            return [[Span("in force: \(freeze.scope) by \(freeze.actor): \(freeze.reason)", .dim)]]
        case .breakerReset:
            return [[Span("breaker \(snapshot.breaker.open ? "open" : "closed") after \(snapshot.breaker.consecutive) automatic rollbacks", .dim)]]
        case .rollback:
            return []
        }
    }

    private static func answers(_ draft: ActionDraft) -> [[Span]] {
        draft.action.fields.compactMap { field in
            draft.values[field].map { [Span("\(field.rawValue): ", .dim), Span($0)] }
        }
    }

    private static func prompt(_ draft: ActionDraft) -> String {
        switch draft.field {
        case .reason: "Reason (goes into the journal):"
        case .scope: "Scope: all, bundle:NAME or tenant:T (Enter: all)"
        case .expires: "Expires after, e.g. 30m, 2h or never (Enter: 2h)"
        case .target: "Type \(draft.plan?.target ?? "the target") to confirm:"
        case nil: ""
        }
    }
}
