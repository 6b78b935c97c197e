import SwitchyardCore
import Testing
@testable import SwitchyardConsole

/// Colour choice per terminal depth, the fallbacks, and what counts as monochrome.
@Suite struct PaletteTests {
    let style = Theme.Style(foreground: .named(8), background: .named(3), foreground256: .indexed(244), attributes: [.bold])

    @Test func twoHundredFiftySixColoursUseTheRefinement() {
        #expect(style.colorNumbers(colors: 256) == (244, 3))
    }

    @Test func sixteenColoursKeepBrightNames() {
        #expect(style.colorNumbers(colors: 16) == (8, 3))
    }

    @Test func eightColoursFallBackToThePlainTwin() {
        #expect(style.colorNumbers(colors: 8) == (0, 3))
        let indexed = Theme.Style(foreground: .indexed(200), background: .terminalDefault)
        #expect(indexed.colorNumbers(colors: 8) == (-1, -1), "an index the terminal lacks is its default")
    }

    @Test func monochromeHasNoColourAndMissingRolesFallBackToText() {
        #expect(Theme.monochrome.isMonochrome)
        #expect(Theme.monochrome.style(.critical).attributes == [.bold, .reverse])
        let palette = Theme(name: "test", styles: [.text: style])
        #expect(!palette.isMonochrome)
        #expect(palette.style(.banner) == style)
        #expect(Theme(name: "test", styles: [.text: .init(foreground256: .indexed(31))]).isMonochrome == false)
    }

    @Test func rolesUseTheThemeFilesNames() {
        #expect(Theme.Role.allCases.map(\.rawValue) == ["text", "dim", "title", "header", "border", "selection", "accent", "ok", "warn", "critical",
                                                       "bar_observed", "bar_desired", "banner", "key_hint", "disabled"])
    }
}
