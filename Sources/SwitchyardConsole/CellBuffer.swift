import SwitchyardCore
/// A width × height grid of characters, each with a style role: what a frame looks like, with no terminal involved.
public struct CellBuffer: Hashable, Sendable {
    /// One screen position: a single Unicode scalar (4 bytes, no reference counting) and its role.
    public struct Cell: Hashable, Sendable {
        public var scalar: Unicode.Scalar
        public var role: Theme.Role

        public init(_ character: Character, _ role: Theme.Role) {
            self.init(scalar: character.unicodeScalars.first!, role)
        }

        public init(scalar: Unicode.Scalar, _ role: Theme.Role) {
            self.scalar = scalar
            self.role = role
        }

        public var character: Character { Character(scalar) }
    }

    /// A rectangle of cells.
    public struct Rect: Hashable, Sendable {
        public var x: Int
        public var y: Int
        public var width: Int
        public var height: Int

        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        /// The rectangle inside a one-cell border.
        public var inner: Rect { Rect(x: x + 1, y: y + 1, width: max(0, width - 2), height: max(0, height - 2)) }
    }

    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(" ", .text), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { if x >= 0, y >= 0, x < width, y < height { cells[y * width + x] = newValue } }
    }

    /// Writes `text` from column `x`, one column per Unicode scalar, cut to `width` columns and to the buffer's
    /// edge; text that is cut ends in `ellipsis` when one is given. Control characters become spaces. Returns the
    /// columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, width: Int? = nil, role: Theme.Role, ellipsis: Character? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let room = min(width ?? Int.max, self.width - x)
        guard room > 0 else { return 0 }
        let rowStart = y * self.width
        var column = 0
        for scalar in text.unicodeScalars {
            if column == room {
                if let ellipsis, x + room - 1 >= 0 { cells[rowStart + x + room - 1] = Cell(ellipsis, role) }
                break
            }
            if x + column >= 0 { cells[rowStart + x + column] = Cell(scalar: Self.printable(scalar), role) }
            column += 1
        }
        return column
    }

    /// Newlines, tabs and other control characters would move the terminal's cursor: they become spaces.
    static func printable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        scalar.value < 32 || scalar.value == 127 || (0x80..<0xA0).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}" ? " " : scalar
    }

    /// Fills `rect` with `character` in `role`.
    public mutating func fill(_ rect: Rect, with character: Character = " ", role: Theme.Role) {
        for y in rect.y..<(rect.y + max(0, rect.height)) {
            for x in rect.x..<(rect.x + max(0, rect.width)) { self[x, y] = Cell(character, role) }
        }
    }

    /// The cells of row `y`.
    public func row(_ y: Int) -> ArraySlice<Cell> { cells[(y * width)..<((y + 1) * width)] }

    /// The text of each row without trailing spaces: what golden tests compare.
    public func rendered() -> [String] {
        (0..<height).map { y in
            var line = String(String.UnicodeScalarView(row(y).map(\.scalar)))
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}
