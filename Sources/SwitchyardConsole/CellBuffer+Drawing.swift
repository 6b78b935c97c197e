import SwitchyardCore
extension CellBuffer {
    /// A horizontal line `width` columns long.
    public mutating func horizontalRule(x: Int, y: Int, width: Int, role: Theme.Role, glyphs: GlyphSet) {
        put(String(repeating: glyphs.horizontal, count: max(0, width)), x: x, y: y, role: role)
    }

    /// A one-cell border around `rect` with `title` set into its top edge.
    public mutating func box(_ rect: Rect, title: String?, role: Theme.Role, titleRole: Theme.Role = .title, glyphs: GlyphSet) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.x + rect.width - 1, bottom = rect.y + rect.height - 1
        horizontalRule(x: rect.x + 1, y: rect.y, width: rect.width - 2, role: role, glyphs: glyphs)
        horizontalRule(x: rect.x + 1, y: bottom, width: rect.width - 2, role: role, glyphs: glyphs)
        for y in (rect.y + 1)..<bottom {
            self[rect.x, y] = Cell(glyphs.vertical, role)
            self[right, y] = Cell(glyphs.vertical, role)
        }
        self[rect.x, rect.y] = Cell(glyphs.topLeft, role)
        self[right, rect.y] = Cell(glyphs.topRight, role)
        self[rect.x, bottom] = Cell(glyphs.bottomLeft, role)
        self[right, bottom] = Cell(glyphs.bottomRight, role)
        if let title, rect.width > 4 {
            put(" \(title) ", x: rect.x + 1, y: rect.y, width: rect.width - 2, role: titleRole, ellipsis: glyphs.ellipsis)
        }
    }

    /// A traffic bar: the `observed` share (0–1) filled from the left, and a marker where the `desired` share (0–1) ends.
    public mutating func bar(x: Int, y: Int, width: Int, observed: Double, desired: Double, glyphs: GlyphSet) {
        guard width > 0 else { return }
        let filled = Int((min(max(observed, 0), 1) * Double(width)).rounded())
        for column in 0..<width {
            self[x + column, y] = column < filled ? Cell(glyphs.barFill, .barObserved) : Cell(glyphs.barTrack, .barDesired)
        }
        let marker = min(width - 1, Int((min(max(desired, 0), 1) * Double(width)).rounded()))
        self[x + marker, y] = Cell(glyphs.barMarker, .barDesired)
    }

    /// The last `width` values as a sparkline scaled from 0 to their maximum, right-aligned.
    public mutating func sparkline(_ values: [Double], x: Int, y: Int, width: Int, role: Theme.Role, glyphs: GlyphSet) {
        let shown = values.suffix(max(0, width))
        let top = shown.max() ?? 0
        let levels = glyphs.sparkLevels
        for (offset, value) in shown.enumerated() {
            let level = top > 0 ? Int((max(value, 0) / top * Double(levels.count - 1)).rounded()) : 0
            self[x + width - shown.count + offset, y] = Cell(levels[level], role)
        }
    }
}
