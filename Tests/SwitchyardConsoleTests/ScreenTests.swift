import Testing
@testable import SwitchyardConsole

/// What frames show for a given state, beyond the goldens: focus, selection, roles, filtering, fallbacks.
@Suite struct ScreenTests {
    func text(_ buffer: CellBuffer) -> String { buffer.rendered().joined(separator: "\n") }

    @Test func theFocusedPanelsBorderIsAccented() {
        var ui = ConsoleUI()
        var frame = Fixtures.render(ui: ui)
        #expect(frame[0, 2].role == .accent, "traffic has focus first")
        #expect(frame[40, 2].role == .border)
        _ = ui.press([.tab, .tab])
        frame = Fixtures.render(ui: ui)
        #expect(frame[0, 2].role == .border)
        #expect(frame[40, 2].role == .accent, "rollout has focus after two tabs")
        #expect(frame[79, 8].role == .accent)
    }

    @Test func theSelectedRowIsHighlightedInTheFocusedPanelOnly() {
        var ui = ConsoleUI()
        ui.sync(with: Fixtures.calm)
        _ = ui.press([.tab, .character("j")])
        let frame = Fixtures.render(ui: ui)
        let row = frame.rendered().firstIndex { $0.contains("│@2.0.0") && $0.contains("4.6") }
        #expect(row != nil)
        #expect(frame[5, row ?? 0].role == .selection)
        #expect(frame[5, 4].role != .selection, "traffic is not focused: no highlight there")
    }

    @Test func layoutKeepsEveryPanelAtBothSizes() {
        for (width, height) in [(80, 24), (200, 60)] {
            let frame = text(Fixtures.render(Fixtures.incident, width: width, height: height))
            for title in ["Traffic", "Rollout and drain", "Service levels", "Rollback history", "Events", "FROZEN (all) by bob", "BREAKER OPEN"] {
                #expect(frame.contains(title), "\(width)x\(height) lacks \(title)")
            }
        }
    }

    @Test func aBrokenJournalsAlarmComesFirstOnTheSituationRowInTheCriticalRole() {
        var snapshot = Fixtures.incident
        snapshot.alarm = "JOURNAL BROKEN at entry 5: entry 5 was edited"
        let frame = Fixtures.render(snapshot, ui: ConsoleUI(readonly: true), width: 120, height: 30)
        let rows = frame.rendered()
        #expect(rows[0].contains("READ-ONLY"))
        #expect(rows[1].hasPrefix(" JOURNAL BROKEN at entry 5"), "\(rows[1])")
        #expect(rows[1].contains("BREAKER OPEN"), "the breaker still shows after the alarm")
        #expect(frame[2, 1].role == .critical)
    }

    @Test func everySizeInBetweenKeepsEveryPanel() {
        for width in stride(from: 80, through: 220, by: 7) {
            for height in stride(from: 24, through: 70, by: 5) {
                for snapshot in [Fixtures.calm, Fixtures.incident] {
                    let frame = text(Fixtures.render(snapshot, width: width, height: height))
                    for title in ["Traffic", "Rollout", "Service levels", "Rollback history", "Events", "p promote"] {
                        #expect(frame.contains(title), "\(width)x\(height) lacks \(title)")
                    }
                }
            }
        }
    }

    @Test func extraRoomShowsMoreColumnsAndRows() {
        let small = text(Fixtures.render(width: 80, height: 24)), large = text(Fixtures.render(width: 200, height: 60))
        for column in ["schema%", "refusal%", "tok/s", "detectors", "T1 watching burn rate", "routes (generation 42)", "1. setWeight 10%"] {
            #expect(!small.contains(column), "80x24 has no room for \(column)")
            #expect(large.contains(column), "200x60 shows \(column)")
        }
        #expect(large.contains("support-assistant@2.0.0 canary"))
        #expect(small.contains("@2.0.0"))
    }

    @Test func readonlyGreysTheActionKeysButShowsThem() {
        let normal = Fixtures.render(), readonly = Fixtures.render(ui: ConsoleUI(readonly: true))
        #expect(readonly.rendered()[23] == normal.rendered()[23], "the same hints, never hidden")
        #expect(normal[0, 23].role == .keyHint)
        #expect(readonly[0, 23].role == .disabled)
        #expect(readonly.rendered()[0].contains("READ-ONLY"))
    }

    @Test func theFilterNarrowsTheEventsPanel() {
        var ui = ConsoleUI()
        ui.sync(with: Fixtures.calm)
        _ = ui.type("/registry")
        let lines = Fixtures.render(ui: ui, width: 200, height: 60).rendered()
        #expect(lines.contains { $0.contains("Events /registry (5 of 30)") })
        let eventRows = lines.map { String($0.dropFirst(100)) }.filter { $0.contains("entry ") }
        #expect(eventRows.count == 5)
        #expect(eventRows.allSatisfy { $0.contains("registry.stage") })
        #expect(lines[58].hasPrefix("/registry"), "the command line shows the filter being typed")
    }

    @Test func theStatusLineShowsWhatTheExecutableReported() {
        var ui = ConsoleUI()
        ui.report("refused: frozen (all) by bob", isError: true)
        let frame = Fixtures.render(ui: ui)
        #expect(frame.rendered()[22].hasPrefix("refused: frozen (all) by bob"))
        #expect(frame[0, 22].role == .critical)
    }

    @Test func aWrongRollbackTargetIsShownInTheDialog() {
        var ui = ConsoleUI()
        ui.sync(with: Fixtures.calm)
        _ = ui.type("b")
        ui.presentRollbackPlan(ReducerTests.plan)
        _ = ui.type("why") + ui.press([.enter]) + ui.type("support-assistant@2.0.0") + ui.press([.enter])
        let frame = text(Fixtures.render(ui: ui))
        #expect(frame.contains("'support-assistant@2.0.0' is not support-assistant@1.0.0: nothing"))
        #expect(frame.contains("│ was sent "), "a long error wraps inside the dialog")
        #expect(frame.contains("Type support-assistant@1.0.0 to confirm:"))
        #expect(frame.contains("drain 2.0.0 to 1.0.0 in four stages"))
    }

    @Test func asciiGlyphsDrawNothingButASCII() {
        for ui in [ConsoleUI(), { var ui = ConsoleUI(); _ = ui.type("?"); return ui }()] {
            let frame = Fixtures.render(Fixtures.incident, ui: ui, glyphs: .ascii)
            let stray = frame.cells.map(\.character).filter { !$0.isASCII }
            #expect(stray.isEmpty, "non-ASCII: \(String(stray))")
        }
        let tooSmall = Fixtures.render(width: 79, height: 30, glyphs: .ascii)
        #expect(text(tooSmall).contains("terminal too small (need 80x24, have 79x30) - q quits"))
    }

    @Test func aTooSmallTerminalSaysWhatItNeeds() {
        for (width, height) in [(79, 24), (80, 23)] {
            let frame = text(Fixtures.render(width: width, height: height))
            #expect(frame.contains("terminal too small (need 80×24, have \(width)×\(height)) — q quits"))
            #expect(!frame.contains("Traffic"))
        }
        #expect(text(Fixtures.render(width: 80, height: 24)).contains("Traffic"))
    }
}
