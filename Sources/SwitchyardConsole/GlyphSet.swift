/// The characters the console draws with: Unicode box drawing and blocks, or plain ASCII for other locales.
public struct GlyphSet: Hashable, Sendable {
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    /// The observed part of a traffic bar, the empty track after it, and the desired-weight marker.
    public var barFill: Character
    public var barTrack: Character
    public var barMarker: Character
    /// Sparkline levels, lowest first.
    public var sparkLevels: [Character]
    /// A bundle with warm replicas, and one without.
    public var warm: Character
    public var cold: Character
    /// The current rollout step or drain stage.
    public var current: Character
    public var arrow: Character
    /// Between the steps of a chain, and between items of a list.
    public var separator: Character
    public var dot: Character
    public var times: Character
    public var dash: Character
    /// Marks text cut short.
    public var ellipsis: Character

    public static let unicode = GlyphSet(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        barFill: "█", barTrack: "·", barMarker: "┃", sparkLevels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        warm: "●", cold: "○", current: "▶", arrow: "→", separator: "›", dot: "·", times: "×", dash: "—", ellipsis: "…")

    public static let ascii = GlyphSet(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        barFill: "#", barTrack: ".", barMarker: "|", sparkLevels: [".", ":", "-", "=", "#"],
        warm: "*", cold: "o", current: ">", arrow: ">", separator: ">", dot: ".", times: "x", dash: "-", ellipsis: "~")
}
