import Testing
@testable import SwitchyardConsole

/// The drawing primitives, cell by cell.
@Suite struct CellBufferTests {
    @Test func putClipsToTheWidthAndMarksTheCut() {
        var buffer = CellBuffer(width: 10, height: 1)
        #expect(buffer.put("support-assistant", x: 2, y: 0, width: 6, role: .text, ellipsis: "…") == 6)
        #expect(buffer.rendered() == ["  suppo…"])
        #expect(buffer.put("abcdefgh", x: 6, y: 0, role: .accent) == 4, "the buffer's edge clips too")
        #expect(buffer.rendered() == ["  suppabcd"])
        #expect(buffer[9, 0] == CellBuffer.Cell("d", .accent))
        #expect(buffer.put("x", x: 0, y: 1, role: .text) == 0, "rows outside are ignored")
    }

    @Test func putTurnsControlCharactersIntoSpaces() {
        var buffer = CellBuffer(width: 8, height: 1)
        buffer.put("a\nb\tc\u{1b}d", x: 0, y: 0, role: .text)
        #expect(buffer.rendered() == ["a b c d"])
    }

    @Test func boxDrawsBordersAndTitle() {
        var buffer = CellBuffer(width: 12, height: 3)
        buffer.box(CellBuffer.Rect(x: 0, y: 0, width: 12, height: 3), title: "Events", role: .border, glyphs: .unicode)
        #expect(buffer.rendered() == ["┌ Events ──┐", "│          │", "└──────────┘"])
        #expect(buffer[2, 0].role == .title)
        #expect(buffer[0, 1].role == .border)
        var ascii = CellBuffer(width: 6, height: 2)
        ascii.box(CellBuffer.Rect(x: 0, y: 0, width: 6, height: 2), title: nil, role: .border, glyphs: .ascii)
        #expect(ascii.rendered() == ["+----+", "+----+"])
    }

    @Test func barFillsTheObservedShareAndMarksTheDesiredOne() {
        var buffer = CellBuffer(width: 10, height: 2)
        buffer.bar(x: 0, y: 0, width: 10, observed: 0.3, desired: 0.5, glyphs: .ascii)
        #expect(buffer.rendered()[0] == "###..|....")
        #expect(buffer[0, 0].role == .barObserved)
        #expect(buffer[5, 0].role == .barDesired)
        buffer.bar(x: 0, y: 1, width: 10, observed: 1.2, desired: 1, glyphs: .unicode)
        #expect(buffer.rendered()[1] == "█████████┃", "shares are clamped and the marker stays inside")
    }

    @Test func sparklineScalesFromZeroAndAlignsRight() {
        var buffer = CellBuffer(width: 6, height: 2)
        buffer.sparkline([0, 2, 4, 8], x: 0, y: 0, width: 6, role: .accent, glyphs: .unicode)
        #expect(buffer.rendered()[0] == "  ▁▃▅█")
        buffer.sparkline([9, 0, 0, 0, 0, 0, 4, 8], x: 0, y: 1, width: 6, role: .accent, glyphs: .ascii)
        #expect(buffer.rendered()[1] == "....-#", "only the last values count, scaled to their own maximum")
    }

    @Test func renderedDropsTrailingSpacesOnly() {
        var buffer = CellBuffer(width: 5, height: 2)
        buffer.put(" a b", x: 0, y: 1, role: .text)
        #expect(buffer.rendered() == ["", " a b"])
    }

    @Test func percentagesReadLikeTheCLI() {
        #expect(ConsoleFormat.percent(basisPoints: 1000) == "10%")
        #expect(ConsoleFormat.percent(basisPoints: 1250) == "12.5%")
        #expect(ConsoleFormat.percent(basisPoints: 1205) == "12.05%")
        #expect(ConsoleFormat.duration(5400) == "1h30m")
        #expect(ConsoleFormat.rate(12_345) == "12.3k")
        #expect(ConsoleFormat.dateTime(Fixtures.now) == "2026-11-22 03:14:07Z")
    }
}
