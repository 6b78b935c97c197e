/// A centred box over the panels: a title, body lines (the last ones dropped when the screen is short) and footer lines that always show.
enum DialogView {
    static func draw(title: String, body: [[Span]], footer: [[Span]], width: Int, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        let boxWidth = min(width, buffer.width - 4)
        let gap = body.isEmpty || footer.isEmpty ? 0 : 1
        let bodyRows = max(0, min(body.count, buffer.height - 2 - gap - footer.count - 2))
        let height = bodyRows + gap + footer.count + 2
        let rect = CellBuffer.Rect(x: (buffer.width - boxWidth) / 2, y: (buffer.height - height) / 2, width: boxWidth, height: height)
        buffer.fill(rect, role: .text)
        buffer.box(rect, title: title, role: .accent, titleRole: .title, glyphs: glyphs)
        let inner = CellBuffer.Rect(x: rect.x + 2, y: rect.y + 1, width: rect.width - 4, height: rect.height - 2)
        for (offset, line) in (body.prefix(bodyRows) + [[Span]](repeating: [], count: gap) + footer).enumerated() {
            buffer.put(line, x: inner.x, y: inner.y + offset, width: inner.width, ellipsis: glyphs.ellipsis)
        }
    }

    /// `text` broken into lines of at most `width` columns, at spaces where it can be.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
            while line.count > width {
                lines.append(String(line.prefix(width)))
                line = String(line.dropFirst(width))
            }
        }
        return lines + [line]
    }
}
