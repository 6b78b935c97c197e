/// What the console shows instead of its panels on a terminal under 80×24.
enum TooSmallView {
    static func draw(_ size: ConsoleSize, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        let minimum = ConsoleSize.minimum
        let message = "terminal too small (need \(minimum.width)\(glyphs.times)\(minimum.height), have \(size.width)\(glyphs.times)\(size.height))"
            + " \(glyphs.dash) q quits"
        let lines = DialogView.wrap(message, width: max(1, size.width))
        let top = max(0, (size.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            buffer.put(line, x: max(0, (size.width - line.count) / 2), y: top + offset, role: .warn)
        }
    }
}
