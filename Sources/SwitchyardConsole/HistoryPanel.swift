import Foundation

/// Rollbacks, newest first: when, from and to, who or what triggered them and why; wide, also how fast and what they touched.
enum HistoryPanel {
    static func draw(_ snapshot: ConsoleSnapshot, ui: ConsoleUI, in rect: CellBuffer.Rect, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        let inner = PanelFrame.draw(.history, title: "Rollback history (Enter: details)", in: rect, ui: ui, on: &buffer, glyphs: glyphs)
        guard !snapshot.rollbacks.isEmpty else {
            buffer.put("no rollbacks yet", x: inner.x, y: inner.y, role: .dim)
            return
        }
        let wide = inner.width >= 80, full = inner.width >= 140
        let shortName = snapshot.shortNames()
        let name = { (reference: String) in full ? reference : shortName(reference) }
        let time = { (date: Date) in full ? ConsoleFormat.dateTime(date) : ConsoleFormat.shortDateTime(date) }
        let moves = snapshot.rollbacks.map { "\(name($0.from)) \(glyphs.arrow) \(name($0.to))" }
        let actorWidth = max(2, min(16, snapshot.rollbacks.map(\.actor.count).max() ?? 0))
        let widths = [time(snapshot.now).count, max(9, moves.map(\.count).max() ?? 0), actorWidth, 7, 7, 6]
        let columns = { (cells: [String]) in
            zip(cells, widths).enumerated().map { ConsoleFormat.fit($1.0, $1.1, right: $0 >= 3) }.joined(separator: "  ") + "  "
        }
        var top = inner.y
        if wide {
            buffer.put(columns(["time", "from \(glyphs.arrow) to", "by", "detect", "restore", "in-flt"]) + "reason", x: inner.x, y: top,
                       width: inner.width, role: .dim)
            top += 1
        }
        let rows = PanelFrame.window(count: snapshot.rollbacks.count, selected: ui.selection(in: .history), height: inner.y + inner.height - top)
        for (offset, index) in rows.enumerated() {
            let rollback = snapshot.rollbacks[index]
            let y = top + offset
            let seconds = { (value: Int?) in value.map(ConsoleFormat.duration) ?? "-" }
            let spans = wide
                ? [Span(columns([time(rollback.time), moves[index], rollback.actor, seconds(rollback.secondsToDetect),
                                 seconds(rollback.secondsToRestore), "\(rollback.inFlightAffected)"])), Span(rollback.reason, .dim)]
                : [Span(time(rollback.time) + " ", .dim), Span(moves[index] + " "), Span(rollback.actor + " ", .accent), Span(rollback.reason, .dim)]
            buffer.put(spans, x: inner.x, y: y, width: inner.width, ellipsis: glyphs.ellipsis)
            PanelFrame.highlight(.history, row: index, y: y, inner: inner, ui: ui, on: &buffer)
        }
    }
}
