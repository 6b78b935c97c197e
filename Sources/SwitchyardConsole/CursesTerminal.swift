import SwitchyardCore
import CNcursesw
import Foundation

/// The thin layer over ncursesw: sets the terminal up, copies frames to it, reads keys and puts it back.
/// Every curses call happens here, on the main actor; ncurses is not thread-safe.
@MainActor
public final class CursesTerminal {
    /// Unicode when the locale's character set is UTF-8 and ASCII was not forced; known after `start`.
    public private(set) var glyphs = GlyphSet.ascii
    private let forceASCII: Bool
    private var window: UnsafeMutablePointer<WINDOW>?
    private var colorStarted = false
    private var defaultColors = false
    private var styles: [Theme.Role: (attributes: attr_t, pair: Int16)] = [:]
    private var interruptSource: DispatchSourceSignal?
    private var interrupted = false

    public init(forceASCII: Bool = false) {
        self.forceASCII = forceASCII
    }

    /// Takes over the terminal: locale, curses mode, keys, no cursor, no mouse, and the palette's colours.
    /// Ctrl-C becomes a key (`.interrupt`) instead of killing the process with the terminal half restored.
    public func start(palette: Theme) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .main)
        source.setEventHandler { [weak self] in MainActor.assumeIsolated { self?.interrupted = true } }
        source.resume()
        interruptSource = source
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET))).lowercased()
        glyphs = !forceASCII && (codeset == "utf-8" || codeset == "utf8") ? .unicode : .ascii
        window = initscr()
        cbreak()
        noecho()
        keypad(window, true)
        set_escdelay(25)
        curs_set(0)
        mousemask(0, nil)
        apply(palette)
    }

    /// Sets one colour pair and attribute set per role; colours only when the terminal has them and the palette asks for any.
    public func apply(_ palette: Theme) {
        let useColor = has_colors() && !palette.isMonochrome
        if useColor && !colorStarted {
            start_color()
            defaultColors = use_default_colors() == OK
            colorStarted = true
        }
        let colors = Int(sy_colors())
        for (index, role) in Theme.Role.allCases.enumerated() {
            let style = palette.style(role)
            var pair: Int16 = 0
            if useColor {
                var (foreground, background) = style.colorNumbers(colors: colors)
                if !defaultColors {
                    foreground = foreground < 0 ? Int16(COLOR_WHITE) : foreground
                    background = background < 0 ? Int16(COLOR_BLACK) : background
                }
                pair = Int16(index + 1)
                init_pair(pair, foreground, background)
            }
            styles[role] = (Self.attributes(style.attributes), pair)
        }
    }

    private static func attributes(_ set: Set<Theme.Attribute>) -> attr_t {
        set.reduce(sy_a_normal()) { bits, attribute in
            switch attribute {
            case .bold: bits | sy_a_bold()
            case .underline: bits | sy_a_underline()
            case .reverse: bits | sy_a_reverse()
            case .dim: bits | sy_a_dim()
            case .standout: bits | sy_a_standout()
            }
        }
    }

    /// The terminal's size now.
    public var size: ConsoleSize { ConsoleSize(width: Int(sy_getmaxx(window)), height: Int(sy_getmaxy(window))) }

    /// Copies a frame to the screen; curses sends only what changed since the last one.
    public func draw(_ buffer: CellBuffer) {
        werase(window)
        for y in 0..<buffer.height {
            let row = Array(buffer.row(y))
            var start = 0
            while start < row.count {
                let role = row[start].role
                var end = start
                var text: [wchar_t] = []
                while end < row.count, row[end].role == role {
                    text.append(wchar_t(bitPattern: row[end].scalar.value))
                    end += 1
                }
                let style = styles[role] ?? (sy_a_normal(), 0)
                sy_set_style(window, style.attributes, style.pair)
                mvwaddnwstr(window, Int32(y), Int32(start), text + [0], Int32(text.count))
                start = end
            }
        }
        wnoutrefresh(window)
        doupdate()
    }

    /// Makes the next `draw` repaint the whole screen (Ctrl-L).
    public func redrawAll() {
        wclear(window)
    }

    /// The next key, waiting at most `timeoutMilliseconds` (0: only what is already typed); nil when none came.
    public func readKey(timeoutMilliseconds: Int) -> ConsoleKey? {
        if interrupted {
            interrupted = false
            return .interrupt
        }
        wtimeout(window, Int32(timeoutMilliseconds))
        var code: wint_t = 0
        let result = wget_wch(window, &code)
        return ConsoleKey(cursesResult: result, code: code)
    }

    /// Gives the terminal back.
    public func stop() {
        endwin()
        interruptSource?.cancel()
        interruptSource = nil
        signal(SIGINT, SIG_DFL)
    }
}
