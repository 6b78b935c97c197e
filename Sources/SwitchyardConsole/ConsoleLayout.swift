/// Where each part of the screen goes: header and situation rows on top, three bands of panels, a command
/// line and a footer at the bottom. The top two bands get what their panels need, up to 7/20 and 6/20 of the
/// rows; the bottom band (history and events, which grow with time) gets the rest. Bands split the columns in half.
struct ConsoleLayout {
    typealias Rect = CellBuffer.Rect

    let header: Rect
    let situation: Rect
    let traffic: Rect
    let rollout: Rect
    let slo: Rect
    let history: Rect
    let events: Rect
    let commandLine: Rect
    let footer: Rect

    init(_ size: ConsoleSize, snapshot: ConsoleSnapshot) {
        let width = size.width, height = size.height
        header = Rect(x: 0, y: 0, width: width, height: 1)
        situation = Rect(x: 0, y: 1, width: width, height: 1)
        commandLine = Rect(x: 0, y: height - 2, width: width, height: 1)
        footer = Rect(x: 0, y: height - 1, width: width, height: 1)
        let rows = height - 4
        let top = min(rows * 7 / 20, max(7, 2 + max(TrafficPanel.preferredRows(snapshot), RolloutPanel.preferredRows(snapshot))))
        let middle = min(rows * 6 / 20, max(6, 2 + SLOPanel.preferredRows(snapshot)))
        let bottom = rows - top - middle
        let left = width / 2
        traffic = Rect(x: 0, y: 2, width: left, height: top)
        rollout = Rect(x: left, y: 2, width: width - left, height: top)
        slo = Rect(x: 0, y: 2 + top, width: width, height: middle)
        history = Rect(x: 0, y: 2 + top + middle, width: left, height: bottom)
        events = Rect(x: left, y: 2 + top + middle, width: width - left, height: bottom)
    }
}
