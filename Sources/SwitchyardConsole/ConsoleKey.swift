/// A key press as the console's reducer sees it.
public enum ConsoleKey: Hashable, Sendable {
    case character(Character)
    /// A control chord: Ctrl-L is `.control("l")`.
    case control(Character)
    case enter, escape, tab, backTab, backspace, up, down, pageUp, pageDown, left, right, shiftLeft, shiftRight
    /// Ctrl-C, which arrives as SIGINT: quits, asking first when an action is half-entered.
    case interrupt
    /// The terminal changed size.
    case resize
}
