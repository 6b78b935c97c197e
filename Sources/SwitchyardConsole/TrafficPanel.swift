import Foundation

/// Each bundle's observed share against its desired weight as a bar, then each tenant's split and shadow:
/// one line per tenant when rows are short, one line per bundle of each split when there is room.
enum TrafficPanel {
    /// Rows inside the border for every bundle and every route written out in full.
    static func preferredRows(_ snapshot: ConsoleSnapshot) -> Int {
        snapshot.bundles.count + (snapshot.routes.isEmpty ? 0 : 1 + expandedRows(snapshot.routes))
    }

    private static func expandedRows(_ routes: [ConsoleSnapshot.TenantRoute]) -> Int {
        routes.map { $0.weights.count + ($0.shadowBundle == nil ? 0 : 1) }.reduce(0, +)
    }

    static func draw(_ snapshot: ConsoleSnapshot, ui: ConsoleUI, in rect: CellBuffer.Rect, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        let inner = PanelFrame.draw(.traffic, title: "Traffic: observed \(glyphs.barFill) desired \(glyphs.barMarker)", in: rect, ui: ui,
                                    on: &buffer, glyphs: glyphs)
        let wide = inner.width >= 80
        let shortName = snapshot.shortNames()
        let name = { (reference: String) in wide ? reference : shortName(reference) }
        let nameWidth = min(snapshot.bundles.map { name($0.name).count }.max() ?? 0, inner.width / 3)
        // Stage, readiness and load beside the bar when that still leaves the bar ten columns.
        let labelWidth = 14, detailWidth = inner.width - 2 - nameWidth - 2 - labelWidth - 40 >= 10 ? 40 : 0
        let barWidth = inner.width - 2 - nameWidth - 1 - 1 - labelWidth - detailWidth
        let rows = PanelFrame.window(count: snapshot.bundles.count, selected: ui.selection(in: .traffic), height: inner.height)
        var y = inner.y
        for index in rows {
            let bundle = snapshot.bundles[index]
            buffer.put(String(bundle.warm ? glyphs.warm : glyphs.cold), x: inner.x, y: y, role: bundle.warm ? .ok : .warn)
            buffer.put(name(bundle.name), x: inner.x + 2, y: y, width: nameWidth, role: .text, ellipsis: glyphs.ellipsis)
            let barX = inner.x + 2 + nameWidth + 1
            buffer.bar(x: barX, y: y, width: barWidth, observed: bundle.observedShare, desired: Double(bundle.desiredBasisPoints) / 10_000,
                       glyphs: glyphs)
            let label = ConsoleFormat.percent(share: bundle.observedShare) + " / " + ConsoleFormat.percent(basisPoints: bundle.desiredBasisPoints)
            buffer.put(ConsoleFormat.fit(label, labelWidth, right: true), x: barX + barWidth + 1, y: y, role: .text)
            if detailWidth > 0 {
                let dot = " \(glyphs.dot) "
                let detail = "  \(bundle.stage)\(dot)\(bundle.healthyReplicas)/\(bundle.replicas) ready\(dot)\(bundle.inFlight) in flight"
                buffer.put(detail, x: barX + barWidth + 1 + labelWidth, y: y, width: detailWidth, role: .dim, ellipsis: glyphs.ellipsis)
            }
            PanelFrame.highlight(.traffic, row: index, y: y, inner: inner, ui: ui, on: &buffer)
            y += 1
        }
        let bottom = inner.y + inner.height
        guard !snapshot.routes.isEmpty, y < bottom else { return }
        let expanded = y + 1 + expandedRows(snapshot.routes) <= bottom
        if expanded || y + 1 + snapshot.routes.count <= bottom {
            buffer.put("routes (generation \(snapshot.generation))", x: inner.x, y: y, role: .dim)
            y += 1
        }
        let tenantWidth = min(snapshot.routes.map(\.tenant.count).max() ?? 0, 16) + 2
        for route in snapshot.routes {
            let shadow = route.shadowBundle.map { "shadow \(name($0)) " + ConsoleFormat.compact(route.shadowPercent) + "%" }
            let split = route.weights.map { (name($0.bundle), ConsoleFormat.percent(basisPoints: $0.basisPoints)) }
            let lines: [[Span]]
            if expanded {
                let bundleWidth = split.map(\.0.count).max() ?? 0
                lines = split.enumerated().map { index, weight in
                    [Span(ConsoleFormat.fit(index == 0 ? route.tenant : "", tenantWidth), .dim),
                     Span(ConsoleFormat.fit(weight.0, bundleWidth) + " " + ConsoleFormat.fit(weight.1, 6, right: true))]
                } + (shadow.map { [[Span(String(repeating: " ", count: tenantWidth)), Span($0, .accent)]] } ?? [])
            } else {
                lines = [[Span(ConsoleFormat.fit(route.tenant, tenantWidth), .dim), Span(split.map { "\($0.0) \($0.1)" }.joined(separator: " "))]
                         + (shadow.map { [Span("  " + $0, .accent)] } ?? [])]
            }
            for line in lines where y < bottom {
                buffer.put(line, x: inner.x, y: y, width: inner.width, ellipsis: glyphs.ellipsis)
                y += 1
            }
        }
    }
}
