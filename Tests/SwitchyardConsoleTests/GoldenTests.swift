import Foundation
import Testing
@testable import SwitchyardConsole

/// Whole frames compared line by line with files in Goldens/ (UPDATE_GOLDENS=1 rewrites them).
@Suite struct GoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")

    func expectGolden(_ buffer: CellBuffer, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = Self.directory.appendingPathComponent(name + ".txt")
        let actual = buffer.rendered()
        if ProcessInfo.processInfo.environment["UPDATE_GOLDENS"] == "1" {
            try (actual.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .map(String.init)
        #expect(actual.count == expected.count, "\(name): \(actual.count) rows, golden has \(expected.count)", sourceLocation: sourceLocation)
        for (row, (got, want)) in zip(actual, expected).enumerated() where got != want {
            Issue.record("\(name) row \(row):\n  got:  \(got)\n  want: \(want)", sourceLocation: sourceLocation)
        }
    }

    @Test func calmAt80x24() throws { try expectGolden(Fixtures.render(), "calm-80x24") }
    @Test func calmAt200x60() throws { try expectGolden(Fixtures.render(width: 200, height: 60), "calm-200x60") }
    @Test func incidentAt80x24() throws { try expectGolden(Fixtures.render(Fixtures.incident), "incident-80x24") }
    @Test func incidentAt200x60() throws { try expectGolden(Fixtures.render(Fixtures.incident, width: 200, height: 60), "incident-200x60") }
    @Test func asciiAt80x24() throws { try expectGolden(Fixtures.render(Fixtures.incident, glyphs: .ascii), "ascii-incident-80x24") }

    @Test func registryAndADiffAt80x24() throws {
        var ui = ConsoleUI()
        ui.sync(with: Fixtures.calm)
        _ = ui.type("R")
        try expectGolden(Fixtures.render(ui: ui), "registry-80x24")
        _ = ui.type("djd")
        try expectGolden(Fixtures.render(ui: ui), "registry-diff-80x24")
    }

    @Test func helpAt80x24() throws {
        var ui = ConsoleUI()
        _ = ui.type("?")
        try expectGolden(Fixtures.render(ui: ui), "help-80x24")
    }

    @Test func rollbackConfirmationAt80x24() throws {
        var ui = ConsoleUI()
        ui.sync(with: Fixtures.incident)
        _ = ui.type("b")
        ui.presentRollbackPlan(RollbackPlan(target: "support-assistant@1.0.0", lines: [
            "support-assistant@2.0.0 -> support-assistant@1.0.0, staged: 75% > 50% > 25% > 0%",
            "target warm: 4 replicas, capacity 64 concurrent; needs 40 at the end",
            "estimated 1m20s; 36 requests in flight finish where they are",
        ]))
        _ = ui.type("INC-42")
        _ = ui.press([.enter])
        _ = ui.type("support")
        try expectGolden(Fixtures.render(Fixtures.incident, ui: ui), "rollback-confirm-80x24")
    }

    @Test func tooSmall() throws { try expectGolden(Fixtures.render(width: 60, height: 20), "too-small-60x20") }
}
