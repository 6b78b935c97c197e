/// A terminal size in columns and rows.
public struct ConsoleSize: Hashable, Sendable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The smallest terminal the console lays out for.
    public static let minimum = ConsoleSize(width: 80, height: 24)

    public var fits: Bool { width >= Self.minimum.width && height >= Self.minimum.height }
}
