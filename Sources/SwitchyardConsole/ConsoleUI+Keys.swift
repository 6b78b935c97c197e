import Foundation

extension ConsoleUI {
    /// Applies one key and returns what must happen outside the UI state, if anything.
    public mutating func handle(key: ConsoleKey) -> ConsoleIntent? {
        if key == .control("l") { return .redraw }
        if screenTooSmall { return key == .character("q") || key == .interrupt ? .quit : nil }
        if key == .interrupt { return interrupt() }
        switch mode {
        case .browsing: return browse(key)
        case .help: return help(key)
        case .filtering: editFilter(key)
        case .command(let draft): return command(key, draft: draft)
        case .details(let row): return details(key, row: row)
        case .registry(let selected, let marked): return registry(key, selected: selected, marked: marked)
        case .registryDiff(_, let second): return registryDiff(key, returningTo: second)
        case .entering(let draft): return enter(key, draft: draft)
        case .confirming(let draft): return confirm(key, draft: draft)
        case .awaitingPlan: waitForPlan(key)
        case .confirmingQuit(let previous): return confirmQuit(key, returningTo: previous)
        }
        return nil
    }

    private mutating func browse(_ key: ConsoleKey) -> ConsoleIntent? {
        if replay, let control = Self.replayControl(key) { return .replay(control) }
        switch key {
        case .character("q"): return .quit
        case .character("?"): mode = .help
        case .character("/"):
            focus = .events
            mode = .filtering
        case .character(":"): mode = .command("")
        case .character("R"): mode = .registry(selected: 0, marked: nil)
        case .tab: cycleFocus(by: 1)
        case .backTab: cycleFocus(by: -1)
        case .character("j"), .down: select(selection(in: focus) + 1, in: focus)
        case .character("k"), .up: select(selection(in: focus) - 1, in: focus)
        case .pageDown: select(selection(in: focus) + 10, in: focus)
        case .pageUp: select(selection(in: focus) - 10, in: focus)
        case .enter where focus == .history && rowCount(.history) > 0: mode = .details(selection(in: .history))
        case .escape:
            filter = ""
            status = nil
            select(selection(in: .events), in: .events)
        case .character(let character):
            if let action = ConsoleAction.allCases.first(where: { $0.key == character }) { return start(action, reason: "") }
        default: break
        }
        return nil
    }

    /// The keys that move a replay's cursor.
    static func replayControl(_ key: ConsoleKey) -> ReplayControl? {
        switch key {
        case .character(" "): .toggle
        case .left: .step(-1)
        case .right: .step(1)
        case .shiftLeft: .jump(-1)
        case .shiftRight: .jump(1)
        case .character("+"): .faster
        case .character("-"): .slower
        default: nil
        }
    }

    private mutating func help(_ key: ConsoleKey) -> ConsoleIntent? {
        switch key {
        case .character("q"): return .quit
        case .escape, .enter, .character("?"): mode = .browsing
        default: break
        }
        return nil
    }

    private mutating func editFilter(_ key: ConsoleKey) {
        switch key {
        case .enter: mode = .browsing
        case .escape:
            filter = ""
            mode = .browsing
        case .backspace where !filter.isEmpty: filter.removeLast()
        case .control("u"): filter = ""
        case .character(let character): filter.append(character)
        default: return
        }
        select(0, in: .events)
    }

    private mutating func command(_ key: ConsoleKey, draft: String) -> ConsoleIntent? {
        switch key {
        case .escape: mode = .browsing
        case .backspace: mode = draft.isEmpty ? .browsing : .command(String(draft.dropLast()))
        case .control("u"): mode = .command("")
        case .tab: mode = .command(Self.complete(draft))
        case .enter: return run(draft)
        case .character(let character): mode = .command(draft + String(character))
        default: break
        }
        return nil
    }

    /// Completes a command name: fully when one name matches, else as far as all matching names agree.
    static func complete(_ draft: String) -> String {
        guard !draft.contains(" ") else { return draft }
        let matches = commands.filter { $0.hasPrefix(draft) }
        if matches.count == 1, let only = matches.first { return only + " " }
        guard var common = matches.first else { return draft }
        for name in matches.dropFirst() { while !name.hasPrefix(common) { common.removeLast() } }
        return common
    }

    /// Runs a command line: a command name (or an unambiguous prefix of one) and an optional argument.
    private mutating func run(_ draft: String) -> ConsoleIntent? {
        mode = .browsing
        let parts = draft.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1).map(String.init)
        guard let word = parts.first else { return nil }
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        let matches = Self.commands.contains(word) ? [word] : Self.commands.filter { $0.hasPrefix(word) }
        guard matches.count == 1, let name = matches.first else {
            let message = matches.isEmpty ? "unknown command '\(word)': press : then Tab to list them"
                : "'\(word)' could be \(matches.joined(separator: ", "))"
            report(message, isError: true)
            return nil
        }
        switch name {
        case "quit": return .quit
        case "goto":
            guard replay else {
                report(":goto moves a replay's cursor; this console is live", isError: true)
                return nil
            }
            return .replay(.goTo(argument))
        case "theme":
            guard !argument.isEmpty else {
                report("usage: :theme NAME (default, light, high-contrast, monochrome, …)", isError: true)
                return nil
            }
            return .theme(name: argument)
        default:
            return ConsoleAction(rawValue: name).flatMap { start($0, reason: argument) }
        }
    }

    private mutating func registry(_ key: ConsoleKey, selected: Int, marked: Int?) -> ConsoleIntent? {
        let last = max(0, registryCount - 1)
        switch key {
        case .character("q"): return .quit
        case .escape, .character("R"): mode = .browsing
        case .character("j"), .down: mode = .registry(selected: min(selected + 1, last), marked: marked)
        case .character("k"), .up: mode = .registry(selected: max(selected - 1, 0), marked: marked)
        case .character("d"), .character(" "), .enter:
            guard registryCount > 0 else { break }
            switch marked {
            case nil: mode = .registry(selected: selected, marked: selected)
            case selected?: mode = .registry(selected: selected, marked: nil)
            case let first?: mode = .registryDiff(first, selected)
            }
        default: break
        }
        return nil
    }

    private mutating func registryDiff(_ key: ConsoleKey, returningTo selected: Int) -> ConsoleIntent? {
        switch key {
        case .character("q"): return .quit
        case .escape, .enter, .character("d"): mode = .registry(selected: selected, marked: nil)
        default: break
        }
        return nil
    }

    private mutating func details(_ key: ConsoleKey, row: Int) -> ConsoleIntent? {
        switch key {
        case .character("q"): return .quit
        case .escape, .enter: mode = .browsing
        case .character("j"), .down, .character("k"), .up:
            select(row + (key == .character("j") || key == .down ? 1 : -1), in: .history)
            mode = .details(selection(in: .history))
        default: break
        }
        return nil
    }

    private mutating func enter(_ key: ConsoleKey, draft: ActionDraft) -> ConsoleIntent? {
        var draft = draft
        switch key {
        case .escape:
            mode = .browsing
            report("\(draft.action.rawValue) cancelled: nothing was sent", isError: false)
            return nil
        case .enter:
            draft.submit()
            if let intent = draft.intent {
                // A rollback's typed target name is its confirmation; everything else gets a last look.
                mode = draft.action == .rollback ? .browsing : .confirming(draft)
                return draft.action == .rollback ? intent : nil
            }
        case .backspace where !draft.input.isEmpty: draft.input.removeLast()
        case .control("u"): draft.input = ""
        case .character(let character): draft.input.append(character)
        default: break
        }
        mode = .entering(draft)
        return nil
    }

    private mutating func confirm(_ key: ConsoleKey, draft: ActionDraft) -> ConsoleIntent? {
        switch key {
        case .character("y"), .character("Y"), .enter:
            mode = .browsing
            return draft.intent
        case .character("n"), .character("N"), .escape:
            mode = .browsing
            report("\(draft.action.rawValue) cancelled: nothing was sent", isError: false)
        case .character("q"): mode = .confirmingQuit(mode)
        default: break
        }
        return nil
    }

    private mutating func waitForPlan(_ key: ConsoleKey) {
        switch key {
        case .escape:
            mode = .browsing
            report("rollback cancelled: nothing was sent", isError: false)
        case .character("q"): mode = .confirmingQuit(mode)
        default: break
        }
    }

    private mutating func confirmQuit(_ key: ConsoleKey, returningTo previous: Mode) -> ConsoleIntent? {
        switch key {
        case .character("y"), .character("Y"), .character("q"), .enter: return .quit
        case .character("n"), .character("N"), .escape: mode = previous
        default: break
        }
        return nil
    }

    /// Ctrl-C quits from anywhere, even a text prompt; with an action half-entered it asks first, and a second Ctrl-C quits.
    private mutating func interrupt() -> ConsoleIntent? {
        switch mode {
        case .entering, .confirming, .awaitingPlan:
            mode = .confirmingQuit(mode)
            return nil
        default:
            return .quit
        }
    }

    private mutating func start(_ action: ConsoleAction, reason: String) -> ConsoleIntent? {
        guard !readonly else {
            report("read-only console: \(action.rawValue) refused (\(readonlyHint))", isError: true)
            return nil
        }
        status = nil
        if action == .rollback {
            mode = .awaitingPlan(reason: reason)
            return .requestRollbackPlan
        }
        mode = .entering(ActionDraft(action: action, input: reason))
        return nil
    }

    private mutating func cycleFocus(by step: Int) {
        let panels = Panel.allCases
        let index = panels.firstIndex(of: focus) ?? 0
        focus = panels[(index + step + panels.count) % panels.count]
    }
}
