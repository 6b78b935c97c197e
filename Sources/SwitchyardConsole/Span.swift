import SwitchyardCore
/// A run of text in one style, for lines drawn in several.
struct Span: Hashable {
    var text: String
    var role: Theme.Role

    init(_ text: String, _ role: Theme.Role = .text) {
        self.text = text
        self.role = role
    }

    /// Key hints from alternating keys and labels: `["q", "quit"]` reads `q quit`.
    static func keyHints(_ pairs: [String]) -> [Span] {
        stride(from: 0, to: pairs.count, by: 2).flatMap { [Span(pairs[$0], .keyHint), Span(" \(pairs[$0 + 1])  ", .dim)] }
    }
}

extension CellBuffer {
    /// Writes spans one after another from `x`, cut to `width` columns; returns the columns written.
    @discardableResult
    mutating func put(_ spans: [Span], x: Int, y: Int, width: Int, ellipsis: Character? = nil) -> Int {
        var used = 0
        for span in spans where used < width {
            let room = width - used
            used += put(span.text, x: x + used, y: y, width: room, role: span.role, ellipsis: span.text.count > room ? ellipsis : nil)
        }
        return used
    }

    /// Gives every cell of `rect` the role `role`, keeping its character: how selected rows are highlighted.
    mutating func restyle(_ rect: Rect, role: Theme.Role) {
        for y in rect.y..<(rect.y + rect.height) {
            for x in rect.x..<(rect.x + rect.width) { self[x, y].role = role }
        }
    }
}
