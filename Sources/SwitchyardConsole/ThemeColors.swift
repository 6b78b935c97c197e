import SwitchyardCore

/// How a theme's colours become curses colour numbers on a terminal with 8, 16 or 256 colours.
extension Theme.Style {
    /// Curses colour numbers for a terminal with `colors` colours; -1 is the terminal's default.
    public func colorNumbers(colors: Int) -> (foreground: Int16, background: Int16) {
        let deep = colors >= 256
        return (Self.number(deep ? foreground256 ?? foreground : foreground, colors: colors),
                Self.number(deep ? background256 ?? background : background, colors: colors))
    }

    /// A bright colour on an 8-colour terminal falls back to its plain twin; an index the terminal lacks, to the default.
    private static func number(_ color: Theme.Color, colors: Int) -> Int16 {
        switch color {
        case .terminalDefault: return -1
        case .named(let index) where index >= 8 && colors < 16: return Int16(index - 8)
        case .named(let index), .indexed(let index): return index < colors ? Int16(index) : -1
        }
    }

    var usesColor: Bool {
        [foreground, background, foreground256 ?? .terminalDefault, background256 ?? .terminalDefault].contains { $0 != .terminalDefault }
    }
}

extension Theme {
    /// True when no role asks for a colour, so the terminal's colours are never touched.
    public var isMonochrome: Bool { !styles.values.contains { $0.usesColor } }
}
