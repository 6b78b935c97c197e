/// The journal's tail, newest first, narrowed by the `/` filter.
enum EventsPanel {
    static func draw(_ snapshot: ConsoleSnapshot, ui: ConsoleUI, in rect: CellBuffer.Rect, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        let events = ui.visibleEvents(snapshot.events)
        let title = ui.filter.isEmpty ? "Events" : "Events /\(ui.filter) (\(events.count) of \(snapshot.events.count))"
        let inner = PanelFrame.draw(.events, title: title, in: rect, ui: ui, on: &buffer, glyphs: glyphs)
        guard !events.isEmpty else {
            buffer.put(ui.filter.isEmpty ? "no journal entries" : "nothing matches /\(ui.filter)", x: inner.x, y: inner.y, width: inner.width,
                       role: .dim, ellipsis: glyphs.ellipsis)
            return
        }
        let wide = inner.width >= 80
        let shortName = snapshot.shortNames()
        let subject = { (event: ConsoleSnapshot.Event) in inner.width >= 140 ? event.subject : shortName(event.subject) }
        let kindWidth = max(4, min(events.map(\.kind.count).max() ?? 0, 20)), actorWidth = max(5, min(events.map(\.actor.count).max() ?? 0, 16))
        let subjectWidth = max(7, min(events.map { subject($0).count }.max() ?? 0, 28))
        let columns = { (sequence: String, time: String, actor: String, kind: String, subject: String) in
            [ConsoleFormat.fit(sequence, 6, right: true), ConsoleFormat.fit(time, 8), ConsoleFormat.fit(actor, actorWidth),
             ConsoleFormat.fit(kind, kindWidth), ConsoleFormat.fit(subject, subjectWidth)].joined(separator: "  ") + "  "
        }
        var top = inner.y
        if wide {
            buffer.put(columns("seq", "time", "actor", "kind", "subject") + "reason", x: inner.x, y: top, width: inner.width, role: .dim)
            top += 1
        }
        let rows = PanelFrame.window(count: events.count, selected: ui.selection(in: .events), height: inner.y + inner.height - top)
        for (offset, index) in rows.enumerated() {
            let event = events[index]
            let y = top + offset
            let spans = wide
                ? [Span(columns("\(event.sequence)", ConsoleFormat.time(event.time), event.actor, event.kind, subject(event))),
                   Span(event.reason, .dim)]
                : [Span(ConsoleFormat.time(event.time) + " ", .dim), Span(event.kind + " "), Span(subject(event) + " "),
                   Span(event.actor, .accent)]
            buffer.put(spans, x: inner.x, y: y, width: inner.width, ellipsis: glyphs.ellipsis)
            PanelFrame.highlight(.events, row: index, y: y, inner: inner, ui: ui, on: &buffer)
        }
    }
}
