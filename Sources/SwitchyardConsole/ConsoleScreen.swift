/// Composes a whole frame from a snapshot and the UI state: a pure function, what golden tests check.
public enum ConsoleScreen {
    public static func render(_ snapshot: ConsoleSnapshot, ui: ConsoleUI, size: ConsoleSize, glyphs: GlyphSet) -> CellBuffer {
        var buffer = CellBuffer(width: size.width, height: size.height)
        guard size.fits else {
            TooSmallView.draw(size, on: &buffer, glyphs: glyphs)
            return buffer
        }
        let layout = ConsoleLayout(size, snapshot: snapshot)
        HeaderView.draw(snapshot, ui: ui, layout: layout, on: &buffer, glyphs: glyphs)
        TrafficPanel.draw(snapshot, ui: ui, in: layout.traffic, on: &buffer, glyphs: glyphs)
        RolloutPanel.draw(snapshot, ui: ui, in: layout.rollout, on: &buffer, glyphs: glyphs)
        SLOPanel.draw(snapshot, ui: ui, in: layout.slo, on: &buffer, glyphs: glyphs)
        HistoryPanel.draw(snapshot, ui: ui, in: layout.history, on: &buffer, glyphs: glyphs)
        EventsPanel.draw(snapshot, ui: ui, in: layout.events, on: &buffer, glyphs: glyphs)
        FooterView.draw(ui: ui, layout: layout, on: &buffer, glyphs: glyphs)
        switch ui.mode {
        case .help: HelpOverlay.draw(ui: ui, on: &buffer, glyphs: glyphs)
        case .details(let row): DetailsOverlay.draw(snapshot, row: row, on: &buffer, glyphs: glyphs)
        case .registry(let selected, let marked): RegistryOverlay.draw(snapshot, selected: selected, marked: marked, on: &buffer, glyphs: glyphs)
        case .registryDiff(let first, let second): RegistryOverlay.drawDiff(snapshot, first, second, on: &buffer, glyphs: glyphs)
        case .entering, .confirming, .awaitingPlan, .confirmingQuit: ActionDialog.draw(ui.mode, snapshot: snapshot, on: &buffer, glyphs: glyphs)
        case .browsing, .filtering, .command: break
        }
        return buffer
    }
}
