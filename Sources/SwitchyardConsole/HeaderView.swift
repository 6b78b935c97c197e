/// The top two rows: mode, state directory, generation and clock; then the freeze, breaker and cooldown banners.
enum HeaderView {
    static func draw(_ snapshot: ConsoleSnapshot, ui: ConsoleUI, layout: ConsoleLayout, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        drawTitleRow(snapshot, ui: ui, rect: layout.header, on: &buffer, glyphs: glyphs)
        drawSituationRow(snapshot, rect: layout.situation, on: &buffer, glyphs: glyphs)
    }

    private static func drawTitleRow(_ snapshot: ConsoleSnapshot, ui: ConsoleUI, rect: CellBuffer.Rect, on buffer: inout CellBuffer,
                                     glyphs: GlyphSet) {
        buffer.fill(rect, role: .header)
        let dot = " \(glyphs.dot) "
        let clock = " " + (rect.width >= 120 ? ConsoleFormat.dateTime(snapshot.now) : ConsoleFormat.time(snapshot.now) + "Z") + " "
        let left = " switchyard" + dot + snapshot.mode.rawValue + (ui.readonly ? dot + "READ-ONLY" : "") + dot + "gen \(snapshot.generation)" + dot
        let room = rect.width - left.count - clock.count - 1
        var directory = snapshot.stateDirectory
        if directory.count > room { directory = String(glyphs.ellipsis) + directory.suffix(max(0, room - 1)) }
        buffer.put(left + directory, x: rect.x, y: rect.y, width: rect.width - clock.count, role: .header)
        buffer.put(clock, x: rect.x + rect.width - clock.count, y: rect.y, role: .header)
    }

    /// A broken journal's alarm first, then a drill's question to the on-call with its timer; then breaker, cooldown and freeze, short and loud
    /// first so that a long freeze reason is what gets cut; the session and in-flight counts on the right only
    /// when they leave the banners room.
    private static func drawSituationRow(_ snapshot: ConsoleSnapshot, rect: CellBuffer.Rect, on buffer: inout CellBuffer, glyphs: GlyphSet) {
        let long = rect.width >= 120
        let breaker = snapshot.breaker
        let open = long ? " BREAKER OPEN after \(breaker.consecutive) automatic rollbacks: breaker-reset re-arms "
            : " BREAKER OPEN (\(breaker.consecutive)) "
        var spans: [Span] = []
        if let alarm = snapshot.alarm { spans += [Span(" \(alarm) ", .critical), Span(" ")] }
        if let prompt = snapshot.prompt {
            let waited = ConsoleFormat.duration(max(0, Int(snapshot.now.timeIntervalSince(prompt.askedAt))))
            spans += [Span(" DRILL \(waited)/\(ConsoleFormat.duration(prompt.withinSeconds)) (\(prompt.answer)): \(prompt.text) ", .critical), Span(" ")]
        }
        spans += breaker.open ? [Span(open, .critical)] : [Span(" breaker closed (\(breaker.consecutive))", .dim)]
        if let cooldown = snapshot.cooldownEnds, cooldown > snapshot.now {
            let left = ConsoleFormat.duration(Int(cooldown.timeIntervalSince(snapshot.now)))
            spans += [Span(" "), Span(long ? " cooldown until \(ConsoleFormat.time(cooldown))Z (\(left) left) " : " cooldown \(left) ", .warn)]
        }
        if let freeze = snapshot.freeze {
            let until = freeze.expires.map { "until " + (long ? ConsoleFormat.time($0) : String(ConsoleFormat.time($0).prefix(5))) + "Z" }
                ?? "until unfreeze"
            spans += [Span(" "), Span(" FROZEN (\(freeze.scope)) by \(freeze.actor) \(until): \(freeze.reason) ", .banner)]
        } else {
            spans += [Span(" \(glyphs.dot) not frozen", .dim)]
        }
        let counts = "pinned sessions \(snapshot.pinnedSessions) \(glyphs.dot) in flight \(snapshot.requestsInFlight) "
        let banners = spans.map(\.text.count).reduce(0, +)
        let room = banners + 1 + counts.count <= rect.width ? rect.width - counts.count - 1 : rect.width
        if room < rect.width { buffer.put(counts, x: rect.x + rect.width - counts.count, y: rect.y, role: .dim) }
        buffer.put(spans, x: rect.x, y: rect.y, width: room, ellipsis: glyphs.ellipsis)
    }
}
