/// The border, title and scrolling every panel shares.
enum PanelFrame {
    /// Draws `panel`'s border (in `accent` when it has focus) and returns the area inside.
    static func draw(_ panel: ConsoleUI.Panel, title: String, in rect: CellBuffer.Rect, ui: ConsoleUI, on buffer: inout CellBuffer,
                     glyphs: GlyphSet) -> CellBuffer.Rect {
        let focused = ui.focus == panel
        buffer.box(rect, title: title, role: focused ? .accent : .border, titleRole: focused ? .accent : .title, glyphs: glyphs)
        return rect.inner
    }

    /// The rows of a list of `count` that fit in `height` and keep `selected` in view.
    static func window(count: Int, selected: Int, height: Int) -> Range<Int> {
        let height = max(0, min(height, count))
        let start = min(count - height, max(0, selected - height + 1))
        return start..<(start + height)
    }

    /// Highlights row `y` of `inner` when `panel` has focus and `row` is its selection.
    static func highlight(_ panel: ConsoleUI.Panel, row: Int, y: Int, inner: CellBuffer.Rect, ui: ConsoleUI, on buffer: inout CellBuffer) {
        guard ui.focus == panel, ui.selection(in: panel) == row else { return }
        buffer.restyle(CellBuffer.Rect(x: inner.x, y: y, width: inner.width, height: 1), role: .selection)
    }
}
