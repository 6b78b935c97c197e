import SwitchyardCore
import Foundation

/// Service levels per bundle as a table with an rps sparkline and detector states; with room, each tier's threshold.
enum SLOPanel {
    /// A table column; columns with a lower `priority` number are kept first when the panel is narrow.
    private struct Column {
        var header: String
        var width: Int
        var priority: Int
        var alignRight = false
        var cell: (ConsoleSnapshot.BundleRow) -> [Span]
    }

    private static let sparkMinimum = 12

    /// Rows inside the border for the table and every detector line.
    static func preferredRows(_ snapshot: ConsoleSnapshot) -> Int { 1 + snapshot.bundles.count + 2 + snapshot.bundles.count }

    static func draw(_ snapshot: ConsoleSnapshot, ui: ConsoleUI, in rect: CellBuffer.Rect, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        let inner = PanelFrame.draw(.slo, title: "Service levels", in: rect, ui: ui, on: &buffer, glyphs: glyphs)
        guard !snapshot.bundles.isEmpty else {
            buffer.put("no bundles routed", x: inner.x, y: inner.y, role: .dim)
            return
        }
        let wide = inner.width >= 120
        let shortName = snapshot.shortNames()
        let name = { (reference: String) in wide ? reference : shortName(reference) }
        let nameWidth = min(max(6, snapshot.bundles.map { name($0.name).count }.max() ?? 0), wide ? 32 : 16)
        let columns = chosen(columns(nameWidth: nameWidth, name: name, glyphs: glyphs), width: inner.width)
        var x = inner.x
        for column in columns {
            buffer.put(ConsoleFormat.fit(column.header, column.width, right: column.alignRight), x: x, y: inner.y, role: .dim)
            x += column.width + 1
        }
        let sparkWidth = inner.x + inner.width - x
        buffer.put("rps trend", x: x, y: inner.y, width: sparkWidth, role: .dim)
        let tableRows = min(snapshot.bundles.count, inner.height - 1)
        let rows = PanelFrame.window(count: snapshot.bundles.count, selected: ui.selection(in: .slo), height: tableRows)
        var y = inner.y + 1
        for index in rows {
            let bundle = snapshot.bundles[index]
            x = inner.x
            for column in columns {
                let spans = column.cell(bundle)
                let text = spans.map(\.text).joined()
                let pad = column.alignRight ? max(0, column.width - text.count) : 0
                buffer.put(spans, x: x + pad, y: y, width: column.width - pad, ellipsis: glyphs.ellipsis)
                x += column.width + 1
            }
            buffer.sparkline(bundle.requestsPerSecondSeries, x: x, y: y, width: sparkWidth, role: .accent, glyphs: glyphs)
            PanelFrame.highlight(.slo, row: index, y: y, inner: inner, ui: ui, on: &buffer)
            y += 1
        }
        drawDetectors(snapshot, name: name, from: y, in: inner, on: &buffer, glyphs: glyphs)
    }

    /// One line per bundle with each tier's state and threshold, when the panel has the rows for all of them.
    private static func drawDetectors(_ snapshot: ConsoleSnapshot, name: (String) -> String, from top: Int, in inner: CellBuffer.Rect,
                                      on buffer: inout CellBuffer, glyphs: GlyphSet) {
        guard top + 1 + snapshot.bundles.count <= inner.y + inner.height else { return }
        buffer.put("detectors", x: inner.x, y: top + 1, role: .dim)
        let nameWidth = snapshot.bundles.map { name($0.name).count }.max() ?? 0
        for (offset, bundle) in snapshot.bundles.enumerated() {
            var spans = [Span(ConsoleFormat.fit(name(bundle.name), nameWidth) + "  ")]
            for (tier, detector) in bundle.tiers.enumerated() {
                spans += [Span("T\(tier) \(detector.state.rawValue)", role(detector.state)), Span(" \(detector.threshold)   ", .dim)]
            }
            buffer.put(spans, x: inner.x, y: top + 2 + offset, width: inner.width, ellipsis: glyphs.ellipsis)
        }
    }

    private static func role(_ state: ConsoleSnapshot.DetectorTier.State) -> Theme.Role {
        switch state {
        case .ok: .ok
        case .watching: .warn
        case .firing: .critical
        }
    }

    /// The columns in display order, keeping the most important ones that leave room for the sparkline.
    private static func chosen(_ all: [Column], width: Int) -> [Column] {
        var kept = Set<Int>(), used = 0
        for index in all.indices.sorted(by: { all[$0].priority < all[$1].priority }) where used + all[index].width + 1 + sparkMinimum <= width {
            kept.insert(index)
            used += all[index].width + 1
        }
        return all.indices.filter(kept.contains).map { all[$0] }
    }

    private static func columns(nameWidth: Int, name: @escaping (String) -> String, glyphs: GlyphSet) -> [Column] {
        let number = { (header: String, width: Int, priority: Int, value: @escaping (ConsoleSnapshot.BundleRow) -> String) in
            Column(header: header, width: width, priority: priority, alignRight: true) { [Span(value($0))] }
        }
        return [
            Column(header: "bundle", width: nameWidth, priority: 0) { [Span(name($0.name))] },
            Column(header: "stage", width: 10, priority: 6) { [Span($0.stage, .dim)] },
            number("rps", 7, 1) { ConsoleFormat.rate($0.requestsPerSecond) },
            number("err%", 6, 1) { ConsoleFormat.percent($0.errorPercent) },
            number("p50", 6, 3) { ConsoleFormat.milliseconds($0.p50Milliseconds) },
            number("p95", 6, 1) { ConsoleFormat.milliseconds($0.p95Milliseconds) },
            number("p99", 6, 2) { ConsoleFormat.milliseconds($0.p99Milliseconds) },
            number("ttft", 6, 2) { ConsoleFormat.milliseconds($0.ttftP50Milliseconds) },
            number("schema%", 8, 4) { ConsoleFormat.percent($0.schemaFailurePercent) },
            number("refusal%", 8, 4) { ConsoleFormat.percent($0.refusalPercent) },
            number("tok/s", 7, 5) { ConsoleFormat.rate($0.tokensPerSecond) },
            number("$/h", 7, 6) { ConsoleFormat.rate($0.costUSDPerHour) },
            number("cache%", 7, 6) { row in row.cacheHitPercent.map { ConsoleFormat.percent($0) } ?? "-" },
            number("inflt", 6, 5) { "\($0.inFlight)" },
            Column(header: "ready", width: 7, priority: 4) { row in
                [Span(String(row.warm ? glyphs.warm : glyphs.cold), row.warm ? .ok : .warn), Span(" \(row.healthyReplicas)/\(row.replicas)")]
            },
            number("burn", 6, 2) { $0.burnRate.map { ConsoleFormat.fixed($0, decimals: 1) + String(glyphs.times) } ?? "-" },
            Column(header: "T012", width: 5, priority: 1) { row in
                row.tiers.map { Span(String(letter($0.state)), role($0.state)) }
            },
        ]
    }

    /// A tier's state in one letter, so that it never depends on colour alone.
    private static func letter(_ state: ConsoleSnapshot.DetectorTier.State) -> Character {
        switch state {
        case .ok: "o"
        case .watching: "w"
        case .firing: "F"
        }
    }
}
