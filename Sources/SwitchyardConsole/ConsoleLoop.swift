import SwitchyardCore
/// Runs the console on the main actor until the operator quits: fetches snapshots, draws when something
/// changed, reads keys, and hands intents to the backend, showing its answers on the status line.
@MainActor
public final class ConsoleLoop {
    /// What the screen shows; a frame is drawn only when this changes (or on Ctrl-L).
    private struct Frame: Equatable {
        var snapshot: ConsoleSnapshot
        var ui: ConsoleUI
        var size: ConsoleSize
    }

    private let backend: ConsoleBackend
    private let terminal: CursesTerminal
    private let refreshInterval: Duration
    private var palette: Theme
    private var ui: ConsoleUI
    private var snapshot: ConsoleSnapshot?
    private var drawn: Frame?

    /// `notice`, when given, is on the status line from the first frame (a theme that could not be used, say);
    /// `readonlyHint` says what to do about a refused action.
    public init(backend: ConsoleBackend, palette: Theme, readonly: Bool = false, readonlyHint: String? = nil, forceASCII: Bool = false,
                refreshInterval: Duration = .seconds(1), notice: String? = nil, replay: Bool = false) {
        self.backend = backend
        self.palette = palette
        self.refreshInterval = refreshInterval
        terminal = CursesTerminal(forceASCII: forceASCII)
        ui = readonlyHint.map { ConsoleUI(readonly: readonly, replay: replay, readonlyHint: $0) } ?? ConsoleUI(readonly: readonly, replay: replay)
        if let notice { ui.report(notice, isError: true) }
    }

    /// Takes over the terminal and returns when the operator quits, with the terminal restored.
    public func run() async {
        terminal.start(palette: palette)
        defer { terminal.stop() }
        await refresh()
        let clock = ContinuousClock()
        var nextRefresh = clock.now + refreshInterval
        while true {
            drawIfChanged()
            guard let key = terminal.readKey(timeoutMilliseconds: 0) else {
                if clock.now >= nextRefresh {
                    await refresh()
                    nextRefresh = clock.now + refreshInterval
                } else {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                continue
            }
            guard let intent = ui.handle(key: key) else { continue }
            switch intent {
            case .quit:
                return
            case .redraw:
                terminal.redrawAll()
                drawn = nil
            case .requestRollbackPlan:
                drawIfChanged()
                do { ui.presentRollbackPlan(try await backend.rollbackPlan()) } catch { ui.rollbackPlanFailed(String(describing: error)) }
            case .theme(let name):
                do {
                    palette = try await backend.palette(name)
                    terminal.apply(palette)
                    drawn = nil
                    ui.report("theme \(name)", isError: false)
                } catch {
                    ui.report(String(describing: error), isError: true)
                }
            default:
                ui.report("sending\(terminal.glyphs.ellipsis)", isError: false)
                drawIfChanged()
                do { ui.report(try await backend.execute(intent), isError: false) } catch { ui.report(String(describing: error), isError: true) }
                await refresh()
            }
        }
    }

    private func refresh() async {
        let latest = await backend.snapshot()
        snapshot = latest
        ui.sync(with: latest)
    }

    private func drawIfChanged() {
        guard let snapshot else { return }
        let size = terminal.size
        ui.screenTooSmall = !size.fits
        let frame = Frame(snapshot: snapshot, ui: ui, size: size)
        guard frame != drawn else { return }
        terminal.draw(ConsoleScreen.render(snapshot, ui: ui, size: size, glyphs: terminal.glyphs))
        drawn = frame
    }
}
