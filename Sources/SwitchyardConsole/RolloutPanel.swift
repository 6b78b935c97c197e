import SwitchyardCore
/// The active drain's stages, then the rollout: canary against baseline, status, next gate and its steps with the current one marked.
enum RolloutPanel {
    /// Rows inside the border to show everything: drain, rollout summary, every step and the last analysis.
    static func preferredRows(_ snapshot: ConsoleSnapshot) -> Int {
        let drain = snapshot.drain == nil ? 0 : 2
        guard let rollout = snapshot.rollout else { return max(drain, 1) }
        return drain + 2 + rollout.steps.count + (rollout.lastAnalysis == nil ? 0 : 1)
    }

    static func draw(_ snapshot: ConsoleSnapshot, ui: ConsoleUI, in rect: CellBuffer.Rect, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        let inner = PanelFrame.draw(.rollout, title: snapshot.drain == nil ? "Rollout" : "Rollout and drain", in: rect, ui: ui, on: &buffer,
                                    glyphs: glyphs)
        let shortName = snapshot.shortNames()
        let name = { (reference: String) in inner.width >= 80 ? reference : shortName(reference) }
        let dot = " \(glyphs.dot) "
        var lines: [[Span]] = []
        if let drain = snapshot.drain {
            lines.append([Span("drain \(name(drain.from)) \(glyphs.arrow) \(name(drain.to)): ", .warn), Span(drain.status)])
            lines.append(drain.remainingBasisPoints.enumerated().flatMap { stage, points in
                let text = ConsoleFormat.percent(basisPoints: points)
                let spans = stage == drain.currentStage ? [Span("[\(text)]", .accent)] : [Span(text, stage < drain.currentStage ? .dim : .text)]
                return (stage == 0 ? [] : [Span(" \(glyphs.separator) ", .dim)]) + spans
            })
        }
        if let rollout = snapshot.rollout {
            lines.append([Span(name(rollout.canary), .title), Span(" vs \(name(rollout.baseline))"),
                          Span(dot + ConsoleFormat.duration(rollout.secondsInStep) + " in step", .dim)])
            lines.append([Span(rollout.status, .accent), Span(dot + "next: ", .dim), Span(rollout.nextGate)])
            // The steps that fit, ending one past the current step so that what comes next shows.
            let shown = PanelFrame.window(count: rollout.steps.count, selected: min(rollout.steps.count - 1, rollout.currentStep + 1),
                                          height: min(rollout.steps.count, inner.height - lines.count))
            for index in shown {
                let current = index == rollout.currentStep
                let role: Theme.Role = current ? .accent : index < rollout.currentStep ? .dim : .text
                lines.append([Span("\(current ? glyphs.current : " ") \(index + 1). \(rollout.steps[index])", role)])
            }
            if let analysis = rollout.lastAnalysis, shown.count == rollout.steps.count {
                lines.append([Span("last analysis: ", .dim), Span(analysis)])
            }
        } else if snapshot.drain == nil {
            lines.append([Span("no rollout in progress", .dim)])
        }
        for (offset, line) in lines.prefix(inner.height).enumerated() {
            buffer.put(line, x: inner.x, y: inner.y + offset, width: inner.width, ellipsis: glyphs.ellipsis)
        }
    }
}
