import Testing
@testable import SwitchyardConsole

/// Key sequences through `ConsoleUI` and the intents they produce.
@Suite struct ReducerTests {
    static let plan = RollbackPlan(target: "support-assistant@1.0.0", lines: ["drain 2.0.0 to 1.0.0 in four stages"])

    func ui(readonly: Bool = false) -> ConsoleUI {
        var ui = ConsoleUI(readonly: readonly)
        ui.sync(with: Fixtures.calm)
        return ui
    }

    @Test func promoteAsksForAReasonThenConfirms() {
        var ui = ui()
        #expect(ui.type("p").isEmpty)
        #expect(ui.type("canary looks good").isEmpty)
        #expect(ui.press([.enter]).isEmpty)
        guard case .confirming(let draft) = ui.mode else { Issue.record("expected the review dialog, got \(ui.mode)"); return }
        #expect(draft.values[.reason] == "canary looks good")
        #expect(ui.type("y") == [.promote(full: false, reason: "canary looks good")])
        #expect(ui.mode == .browsing)
    }

    @Test func everySingleKeyActionBuildsItsIntent() {
        let expected: [(String, ConsoleIntent)] = [
            ("P", .promote(full: true, reason: "why")), ("s", .pause(reason: "why")), ("r", .resume(reason: "why")), ("a", .abort(reason: "why")),
            ("u", .unfreeze(reason: "why")),
        ]
        for (key, intent) in expected {
            var ui = ui()
            #expect(ui.type(key + "why") + ui.press([.enter, .enter]) == [intent], "key \(key)")
        }
    }

    @Test func anEmptyReasonIsRefused() {
        var ui = ui()
        #expect(ui.press([.character("s"), .character(" "), .enter]).isEmpty)
        guard case .entering(let draft) = ui.mode else { Issue.record("expected the reason prompt, got \(ui.mode)"); return }
        #expect(draft.field == .reason)
        #expect(draft.error?.contains("reason is required") == true)
    }

    @Test func rollbackShowsThePlanAndRefusesAWrongTargetName() {
        var ui = ui()
        #expect(ui.type("b") == [.requestRollbackPlan])
        #expect(ui.mode == .awaitingPlan(reason: ""))
        ui.presentRollbackPlan(Self.plan)
        #expect(ui.type("INC-42 error spike").isEmpty)
        #expect(ui.press([.enter]).isEmpty)
        #expect(ui.type("support-assistant@2.0.0").isEmpty)
        #expect(ui.press([.enter]).isEmpty, "a wrong name must not send anything")
        guard case .entering(let draft) = ui.mode else { Issue.record("expected the confirmation prompt, got \(ui.mode)"); return }
        #expect(draft.field == .target)
        #expect(draft.input.isEmpty)
        #expect(draft.error == "'support-assistant@2.0.0' is not support-assistant@1.0.0: nothing was sent")
        #expect(ui.type("support-assistant@1.0.") + ui.press([.enter]) == [], "a prefix is not the name")
        #expect(ui.type("support-assistant@1.0.0") + ui.press([.enter])
                == [.rollback(target: "support-assistant@1.0.0", reason: "INC-42 error spike")])
        #expect(ui.mode == .browsing)
    }

    @Test func aFailedRollbackPlanGoesBackWithTheError() {
        var ui = ui()
        _ = ui.type("b")
        ui.rollbackPlanFailed("no baseline to roll back to")
        #expect(ui.mode == .browsing)
        #expect(ui.status == ConsoleUI.Status(text: "rollback not possible: no baseline to roll back to", isError: true))
        ui.presentRollbackPlan(Self.plan)
        #expect(ui.mode == .browsing, "a plan that arrives after the operator gave up is ignored")
    }

    @Test func freezeDefaultsToAllForTwoHours() {
        var ui = ui()
        #expect(ui.type("fINC-42") + ui.press([.enter, .enter, .enter, .enter]) == [.freeze(scope: "all", reason: "INC-42", expires: "2h")])
    }

    @Test func freezeTakesAScopeAndNeverExpires() {
        var ui = ui()
        let intents = ui.type("fINC-43") + ui.press([.enter]) + ui.type("tenant:acme") + ui.press([.enter]) + ui.type("never") + ui.press([.enter])
            + ui.type("y")
        #expect(intents == [.freeze(scope: "tenant:acme", reason: "INC-43", expires: nil)])
    }

    @Test func readonlyRefusesEveryActionWithAMessage() {
        for key in ["p", "P", "s", "r", "a", "b", "f", "u"] {
            var ui = ui(readonly: true)
            #expect(ui.type(key).isEmpty, "key \(key)")
            #expect(ui.mode == .browsing)
            #expect(ui.status?.isError == true)
            #expect(ui.status?.text.hasPrefix("read-only console:") == true)
        }
        var ui = ui(readonly: true)
        #expect(ui.type(":breaker-reset") + ui.press([.enter]) == [])
        #expect(ui.status?.text.contains("breaker-reset refused") == true)
        #expect(ui.type(":theme light") + ui.press([.enter]) == [.theme(name: "light")], "looking is allowed")
    }

    @Test func qQuitsAtOnceWhenNothingIsHalfEntered() {
        var ui = ui()
        #expect(ui.type("q") == [.quit])
        ui = self.ui()
        #expect(ui.type("?q") == [.quit])
    }

    @Test func qIsTextInAPromptAndAsksFirstWhenAnActionIsHalfEntered() {
        var ui = ui()
        #expect(ui.type("pquick fix").isEmpty)
        guard case .entering(let draft) = ui.mode else { Issue.record("expected the reason prompt"); return }
        #expect(draft.input == "quick fix")
        _ = ui.press([.enter])
        let review = ui.mode
        #expect(ui.type("q").isEmpty, "an action is half-entered: ask first")
        #expect(ui.mode == .confirmingQuit(review))
        #expect(ui.type("n").isEmpty)
        #expect(ui.mode == review, "n goes back to the action")
        #expect(ui.type("q") + ui.type("y") == [.quit])
    }

    @Test func controlCQuitsAndAsksFirstEvenInAPrompt() {
        var ui = ui()
        #expect(ui.press([.interrupt]) == [.quit])
        ui = self.ui()
        _ = ui.type("fINC")
        guard case .entering = ui.mode else { Issue.record("expected the reason prompt"); return }
        let prompt = ui.mode
        #expect(ui.press([.interrupt]).isEmpty)
        #expect(ui.mode == .confirmingQuit(prompt))
        #expect(ui.press([.escape]).isEmpty)
        #expect(ui.mode == prompt, "Esc goes back to the prompt with the text kept")
        #expect(ui.press([.interrupt, .interrupt]) == [.quit], "a second Ctrl-C quits")
    }

    @Test func qWhileWaitingForARollbackPlanAsksFirst() {
        var ui = ui()
        _ = ui.type("b")
        #expect(ui.type("q").isEmpty)
        #expect(ui.mode == .confirmingQuit(.awaitingPlan(reason: "")))
        #expect(ui.press([.escape]).isEmpty)
        #expect(ui.mode == .awaitingPlan(reason: ""))
        #expect(ui.press([.escape]).isEmpty)
        #expect(ui.mode == .browsing)
    }

    @Test func escapeCancelsAnActionAndSaysNothingWasSent() {
        var ui = ui()
        #expect(ui.type("aoops") + ui.press([.escape]) == [])
        #expect(ui.mode == .browsing)
        #expect(ui.status == ConsoleUI.Status(text: "abort cancelled: nothing was sent", isError: false))
    }

    @Test func filterNarrowsTheEventsAndEscapeClearsIt() {
        var ui = ui()
        #expect(ui.type("/alice").isEmpty)
        #expect(ui.focus == .events)
        #expect(ui.filter == "alice")
        #expect(ui.rowCount(.events) == Fixtures.events.filter { $0.actor == "alice" }.count)
        _ = ui.press([.backspace, .enter])
        #expect(ui.filter == "alic")
        #expect(ui.mode == .browsing)
        _ = ui.press([.escape])
        #expect(ui.filter.isEmpty)
        #expect(ui.rowCount(.events) == Fixtures.events.count)
    }

    @Test func commandsCompleteWithTab() {
        var ui = ui()
        _ = ui.type(":prom")
        _ = ui.press([.tab])
        #expect(ui.mode == .command("promote"), "two names start with prom: complete as far as they agree")
        _ = ui.type("-")
        _ = ui.press([.tab])
        #expect(ui.mode == .command("promote-full "))
        #expect(ConsoleUI.complete("bre") == "breaker-reset ")
        #expect(ConsoleUI.complete("drain-") == "drain-")
        #expect(ConsoleUI.complete("zz") == "zz")
    }

    @Test func commandsRunByNameOrUnambiguousPrefix() {
        var ui = ui()
        #expect(ui.type(":q") + ui.press([.enter]) == [.quit])
        ui = self.ui()
        #expect(ui.type(":p") + ui.press([.enter]) == [])
        #expect(ui.status == ConsoleUI.Status(text: "'p' could be promote, promote-full, pause", isError: true))
        #expect(ui.type(":nope") + ui.press([.enter]) == [])
        #expect(ui.status?.text.hasPrefix("unknown command 'nope'") == true)
        #expect(ui.type(":theme") + ui.press([.enter]) == [])
        #expect(ui.status?.text.hasPrefix("usage: :theme NAME") == true)
        #expect(ui.type(":drain-hold capacity") + ui.press([.enter, .enter, .enter]) == [.drainHold(reason: "capacity")])
        #expect(ui.type(":rollback bad canary") + ui.press([.enter]) == [.requestRollbackPlan])
        ui.presentRollbackPlan(Self.plan)
        guard case .entering(let draft) = ui.mode else { Issue.record("expected the rollback prompt"); return }
        #expect(draft.input == "bad canary", "the command's argument is typed ahead into the reason")
    }

    @Test func tabMovesFocusAroundThePanels() {
        var ui = ui()
        var seen: [ConsoleUI.Panel] = []
        for _ in 0..<5 {
            _ = ui.press([.tab])
            seen.append(ui.focus)
        }
        #expect(seen == [.slo, .rollout, .history, .events, .traffic])
        _ = ui.press([.backTab])
        #expect(ui.focus == .events)
    }

    @Test func selectionStaysInsideTheRows() {
        var ui = ui()
        _ = ui.press([.character("j"), .down, .down, .down, .character("j")])
        #expect(ui.selection(in: .traffic) == 2)
        _ = ui.press([.up, .character("k"), .character("k"), .character("k")])
        #expect(ui.selection(in: .traffic) == 0)
        _ = ui.press([.pageDown, .pageDown])
        #expect(ui.selection(in: .traffic) == 2)
        var fewer = Fixtures.calm
        fewer.bundles.removeLast(2)
        ui.sync(with: fewer)
        #expect(ui.selection(in: .traffic) == 0)
    }

    @Test func scrollingWindowsStayInsideTheRows() {
        #expect(PanelFrame.window(count: 30, selected: 0, height: 5) == 0..<5)
        #expect(PanelFrame.window(count: 30, selected: 12, height: 5) == 8..<13)
        #expect(PanelFrame.window(count: 3, selected: 2, height: 10) == 0..<3)
        #expect(PanelFrame.window(count: 7, selected: 6, height: -3) == 7..<7)
        #expect(PanelFrame.window(count: 0, selected: 0, height: 0) == 0..<0)
    }

    @Test func enterOpensHistoryDetails() {
        var ui = ui()
        _ = ui.press([.backTab, .backTab, .enter])
        #expect(ui.focus == .history)
        #expect(ui.mode == .details(0))
        _ = ui.press([.character("j"), .character("j")])
        #expect(ui.mode == .details(1))
        _ = ui.press([.escape])
        #expect(ui.mode == .browsing)
        #expect(ui.selection(in: .history) == 1)
    }

    @Test func controlLRedrawsFromAnywhere() {
        var ui = ui()
        _ = ui.type("p")
        #expect(ui.press([.control("l")]) == [.redraw])
        #expect(ui.type("?") == [], "still typing the reason")
    }

    @Test func aTooSmallTerminalOnlyQuitsAndRedraws() {
        var ui = ui()
        _ = ui.type("pnearly")
        ui.screenTooSmall = true
        #expect(ui.type("p") == [])
        #expect(ui.press([.control("l")]) == [.redraw])
        #expect(ui.type("q") == [.quit])
    }

    @Test func theRegistryMarksTwoBundlesAndDiffsThemThenBacksOut() {
        var ui = ui()
        _ = ui.type("R")
        #expect(ui.mode == .registry(selected: 0, marked: nil))
        _ = ui.type("d")
        #expect(ui.mode == .registry(selected: 0, marked: 0))
        _ = ui.type("d")
        #expect(ui.mode == .registry(selected: 0, marked: nil), "d on the marked bundle unmarks it")
        _ = ui.type("dkjjjd")
        #expect(ui.mode == .registryDiff(0, 1), "the selection stops at the last bundle")
        #expect(ui.press([.escape]).isEmpty && ui.mode == .registry(selected: 1, marked: nil))
        #expect(ui.press([.escape]).isEmpty && ui.mode == .browsing)
    }

    @Test func aReplayConsoleMovesThroughTimeAndRefusesActions() {
        var replay = ConsoleUI(replay: true)
        replay.sync(with: Fixtures.calm)
        #expect(replay.readonly)
        #expect(replay.press([.character(" "), .left, .right, .shiftLeft, .shiftRight]) ==
                [.replay(.toggle), .replay(.step(-1)), .replay(.step(1)), .replay(.jump(-1)), .replay(.jump(1))])
        #expect(replay.type("+-") == [.replay(.faster), .replay(.slower)])
        #expect(replay.type(":goto 08:00") == [] && replay.press([.enter]) == [.replay(.goTo("08:00"))])
        #expect(replay.type("p").isEmpty && replay.status?.isError == true, "actions are refused in a replay")
        var live = ui()
        _ = live.type(":goto 08:00")
        #expect(live.press([.enter]).isEmpty && live.status?.text.contains("live") == true)
        #expect(live.press([.left]).isEmpty, "arrows do nothing in a live console")
    }
}
