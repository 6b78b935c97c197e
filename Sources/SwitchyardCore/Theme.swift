/// A console colour theme: a style for each role the console draws.
public struct Theme: Hashable, Sendable {
    /// What the console colours. Each role falls back to `text` when a theme leaves it out.
    public enum Role: String, CaseIterable, Sendable {
        case text, dim, title, header, border, selection, accent, ok, warn, critical
        case barObserved = "bar_observed", barDesired = "bar_desired", banner, keyHint = "key_hint", disabled
    }

    /// A terminal colour: the terminal's default, one of the 16 named colours, or a 256-colour index.
    public enum Color: Hashable, Sendable {
        case terminalDefault
        case named(Int)
        case indexed(Int)

        public static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

        /// Parses `default`, `red`, `bright-red` or a number from 0 to 255.
        public init?(parsing text: String) {
            if text == "default" { self = .terminalDefault; return }
            if let index = Self.names.firstIndex(of: text) { self = .named(index); return }
            if text.hasPrefix("bright-"), let index = Self.names.firstIndex(of: String(text.dropFirst(7))) { self = .named(index + 8); return }
            if let number = Int(text), (0...255).contains(number) { self = .indexed(number); return }
            return nil
        }
    }

    /// Text attributes a style may add.
    public enum Attribute: String, CaseIterable, Sendable {
        case bold, underline, reverse, dim, standout
    }

    /// How one role is drawn: colours for 8/16-colour terminals, optional 256-colour refinements, attributes.
    public struct Style: Hashable, Sendable {
        public var foreground: Color
        public var background: Color
        public var foreground256: Color?
        public var background256: Color?
        public var attributes: Set<Attribute>

        public init(foreground: Color = .terminalDefault, background: Color = .terminalDefault, foreground256: Color? = nil,
                    background256: Color? = nil, attributes: Set<Attribute> = []) {
            self.foreground = foreground
            self.background = background
            self.foreground256 = foreground256
            self.background256 = background256
            self.attributes = attributes
        }
    }

    public var name: String
    public var styles: [Role: Style]

    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
    }

    /// The style of `role`, or of `text` when the theme does not set it.
    public func style(_ role: Role) -> Style { styles[role] ?? styles[.text] ?? Style() }

    /// No colours at all, only attributes: for `NO_COLOR`, `--theme monochrome` and terminals without colour.
    public static let monochrome = Theme(name: "monochrome", styles: [
        .text: Style(), .dim: Style(attributes: [.dim]), .title: Style(attributes: [.bold]),
        .header: Style(attributes: [.reverse]), .selection: Style(attributes: [.reverse]), .accent: Style(attributes: [.bold]),
        .critical: Style(attributes: [.bold, .reverse]),
        .warn: Style(attributes: [.bold]), .banner: Style(attributes: [.bold, .reverse]), .keyHint: Style(attributes: [.bold]),
        .disabled: Style(attributes: [.dim]), .barObserved: Style(attributes: [.reverse]), .barDesired: Style(attributes: [.underline]),
    ])
}
