/// One rollback from the history, every field of it.
enum DetailsOverlay {
    static func draw(_ snapshot: ConsoleSnapshot, row: Int, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        guard snapshot.rollbacks.indices.contains(row) else { return }
        let rollback = snapshot.rollbacks[row]
        let width = min(76, buffer.width - 4) - 4
        let seconds = { (value: Int?) in value.map { "after " + ConsoleFormat.duration($0) } ?? "not recorded" }
        let fields = [("when", ConsoleFormat.dateTime(rollback.time)), ("from", rollback.from), ("to", rollback.to), ("by", rollback.actor),
                      ("reason", rollback.reason), ("stages", rollback.stages), ("detected", seconds(rollback.secondsToDetect)),
                      ("restored", seconds(rollback.secondsToRestore)), ("in flight", "\(rollback.inFlightAffected) requests affected")]
        var body = fields.flatMap { label, value in
            DialogView.wrap(value, width: width - 11).enumerated().map { [Span(ConsoleFormat.fit($0 == 0 ? label : "", 11), .dim), Span($1)] }
        }
        if !rollback.entries.isEmpty {
            body.append([])
            body.append([Span("journal", .title)])
            body += rollback.entries.map { entry in
                [Span(ConsoleFormat.fit("#\(entry.sequence)", 7), .dim), Span(ConsoleFormat.time(entry.time) + " ", .dim),
                 Span(entry.kind + " "), Span(entry.actor + " ", .accent), Span(entry.reason, .dim)]
            }
        }
        DialogView.draw(title: "Rollback \(row + 1) of \(snapshot.rollbacks.count)", body: body,
                        footer: [Span.keyHints(["j/k", "next/previous", "Esc", "close"])], width: 76, on: &buffer, glyphs: glyphs)
    }
}
