/// The registry over the panels (`R`): every bundle with its stage, digest, warmth and sign-off; `d` marks one
/// and then a second to see their manifests field by field.
enum RegistryOverlay {
    static func draw(_ snapshot: ConsoleSnapshot, selected: Int, marked: Int?, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        let nameWidth = max(6, snapshot.registry.map(\.name.count).max() ?? 0)
        var body: [[Span]] = [[Span("  " + ConsoleFormat.fit("bundle", nameWidth) + "  " + ConsoleFormat.fit("stage", 10) + "  "
                                    + ConsoleFormat.fit("digest", 12) + "  warm  signed off", .dim)]]
        if snapshot.registry.isEmpty { body.append([Span("no bundles registered", .dim)]) }
        for (index, entry) in snapshot.registry.enumerated() {
            let mark = index == marked ? "* " : (index == selected ? String(glyphs.current) + " " : "  ")
            let line = mark + ConsoleFormat.fit(entry.name, nameWidth) + "  " + ConsoleFormat.fit(entry.stage, 10) + "  "
                + ConsoleFormat.fit(entry.digest, 12) + "  "
            body.append([Span(line, index == selected ? .selection : .text), Span(String(entry.warm ? glyphs.warm : glyphs.cold) + "     ",
                                                                                  entry.warm ? .ok : .warn),
                         Span(entry.signedOff ?? "-", .dim)])
        }
        let hint = marked == nil ? ["j/k", "move", "d", "mark for diff", "Esc", "close"] : ["j/k", "move", "d", "diff with marked", "Esc", "close"]
        DialogView.draw(title: "Registry (\(snapshot.registry.count) bundles)", body: body, footer: [Span.keyHints(hint)], width: 110,
                        on: &buffer, glyphs: glyphs)
    }

    static func drawDiff(_ snapshot: ConsoleSnapshot, _ first: Int, _ second: Int, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        guard snapshot.registry.indices.contains(first), snapshot.registry.indices.contains(second) else { return }
        let a = snapshot.registry[first], b = snapshot.registry[second]
        let paths = Set(a.fields.keys).union(b.fields.keys).filter { a.fields[$0] != b.fields[$0] }.sorted()
        var body: [[Span]] = paths.isEmpty ? [[Span("same content", .dim)]] : []
        for path in paths {
            body.append([Span(path, .accent)])
            body.append([Span("  - " + (a.fields[path] ?? "(absent)"), .warn)])
            body.append([Span("  + " + (b.fields[path] ?? "(absent)"), .ok)])
        }
        DialogView.draw(title: "\(a.name) → \(b.name): \(paths.count) field(s) differ", body: body,
                        footer: [Span.keyHints(["Esc", "back to the registry"])], width: 110, on: &buffer, glyphs: glyphs)
    }
}
