/// The bottom two rows: the command line (a `:` command, the `/` filter or the last status message) with the
/// navigation keys, and the action keys, greyed out but never hidden in a read-only console.
enum FooterView {
    static func draw(ui: ConsoleUI, layout: ConsoleLayout, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        let line = layout.commandLine
        var left: [Span]
        var navigating = false
        switch ui.mode {
        case .command(let draft):
            left = [Span(":" + draft), Span(" ", .selection)]
            if !draft.contains(" ") {
                left.append(Span("  " + ConsoleUI.commands.filter { $0.hasPrefix(draft) }.joined(separator: " "), .dim))
            }
        case .filtering:
            left = [Span("/" + ui.filter), Span(" ", .selection), Span("  Enter keeps the filter, Esc clears it", .dim)]
        default:
            left = ui.status.map { [Span($0.text, $0.isError ? .critical : .ok)] } ?? []
            navigating = true
        }
        let used = buffer.put(left, x: line.x, y: line.y, width: line.width, ellipsis: glyphs.ellipsis)
        let candidates = [Span.keyHints(["Tab", "focus", "/", "filter", ":", "command", "?", "help", "q", "quit"]),
                          Span.keyHints(["?", "help", "q", "quit"])]
        for candidate in navigating ? candidates : [] {
            let width = candidate.map(\.text.count).reduce(0, +)
            if used + 2 + width <= line.width {
                buffer.put(candidate, x: line.x + line.width - width, y: line.y, width: width)
                break
            }
        }
        let disabled = ui.readonly
        var keys = ConsoleAction.allCases.compactMap { action in
            action.key.map { [Span(String($0), disabled ? .disabled : .keyHint), Span(" \(action.label) ", disabled ? .disabled : .text)] }
        }.flatMap { $0 }
        if layout.footer.width >= 120 { keys += Span.keyHints(["j/k", "move", "Enter", "details", "Esc", "back", "^L", "redraw"]) }
        buffer.put(keys, x: layout.footer.x, y: layout.footer.y, width: layout.footer.width)
    }
}
