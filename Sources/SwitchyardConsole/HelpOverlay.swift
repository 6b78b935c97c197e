import SwitchyardCore
/// Every key, in two columns (moving about, and actions), then the `:` commands.
enum HelpOverlay {
    static func draw(ui: ConsoleUI, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        let navigation = [("Tab S-Tab", "next/previous panel"), ("j k Dn Up", "move the selection"), ("PgDn PgUp", "move ten rows"),
                          ("Enter", "rollback details"), ("R", "registry; d d diffs two"), ("/", "filter events"), (":", "command, Tab completes"),
                          ("Esc", "back out, clear filter"), ("Ctrl-L", "redraw"), ("?", "this help"), ("q Ctrl-C", "quit (asks if mid-action)")]
        let actions = ConsoleAction.allCases.compactMap { action in action.key.map { (String($0), description(action)) } }
        let role: Theme.Role = ui.readonly ? .disabled : .keyHint
        var body: [[Span]] = [[Span(ConsoleFormat.fit("Moving about", 36), .title),
                               Span(ui.readonly ? "Actions (read-only: refused)" : "Actions", .title)]]
        for row in 0..<max(navigation.count, actions.count) {
            var line: [Span] = []
            if row < navigation.count {
                line += [Span(ConsoleFormat.fit(navigation[row].0, 10), .keyHint), Span(ConsoleFormat.fit(navigation[row].1, 26))]
            } else {
                line.append(Span(String(repeating: " ", count: 36)))
            }
            if row < actions.count {
                line += [Span(ConsoleFormat.fit(actions[row].0, 3), role), Span(actions[row].1, ui.readonly ? .disabled : .text)]
            } else if row == actions.count {
                line.append(Span("each asks for a reason", .dim))
            }
            body.append(line)
        }
        let width = min(76, buffer.width - 4) - 4
        let commands = ConsoleUI.commands.map { $0 == "theme" ? "theme NAME" : ($0 == "goto" ? "goto TIME" : $0) }.joined(separator: ", ")
        body += [[]] + DialogView.wrap("Commands (: then Tab completes): " + commands, width: width).map { [Span($0, .dim)] }
        if ui.replay {
            body += [[]] + DialogView.wrap("Replay: space play/pause · ←/→ one entry · Shift-←/→ previous/next decision · + - speed · :goto TIME",
                                           width: width).map { [Span($0, .keyHint)] }
        }
        DialogView.draw(title: "Help", body: body, footer: [Span.keyHints(["Esc", "close", "q", "quit"])], width: 76, on: &buffer, glyphs: glyphs)
    }

    private static func description(_ action: ConsoleAction) -> String {
        switch action {
        case .promote: "promote one step"
        case .promoteFull: "promote to 100% now"
        case .pause: "pause the rollout"
        case .resume: "resume the rollout"
        case .abort: "abort the rollout"
        case .rollback: "roll back: plan, type the target"
        case .freeze: "freeze: reason, scope, expiry"
        default: action.rawValue
        }
    }
}
