import Foundation
import SwitchyardCore
import Testing
@testable import SwitchyardManifest

@Suite struct ThemeManifestTests {
    static let themes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Themes").standardized

    @Test(arguments: ["default", "light", "high-contrast", "monochrome"])
    func theShippedThemesParseAndStyleEveryRole(name: String) throws {
        let theme = try ThemeManifest.load(path: Self.themes.appendingPathComponent("\(name).yaml").path)
        #expect(theme.name == name)
        #expect(Set(theme.styles.keys) == Set(Theme.Role.allCases))
    }

    @Test func theMonochromeFileMatchesTheBuiltInFallback() throws {
        let file = try ThemeManifest.load(path: Self.themes.appendingPathComponent("monochrome.yaml").path)
        for role in Theme.Role.allCases { #expect(file.style(role) == Theme.monochrome.style(role), "\(role)") }
    }

    @Test func coloursParseInEveryDepth() {
        #expect(Theme.Color(parsing: "default") == .terminalDefault)
        #expect(Theme.Color(parsing: "red") == .named(1))
        #expect(Theme.Color(parsing: "bright-red") == .named(9))
        #expect(Theme.Color(parsing: "214") == .indexed(214))
        #expect(Theme.Color(parsing: "256") == nil)
        #expect(Theme.Color(parsing: "orange") == nil)
    }

    @Test(arguments: [
        ("styles:\n  header: {fg: orange}", "styles.header.fg", "'orange' is not a colour"),
        ("styles:\n  header: {fg: red, attrs: [blink]}", "styles.header.attrs", "'blink' is not an attribute"),
        ("styles:\n  headr: {fg: red}", "styles.headr", "did you mean 'header'?"),
        ("styles:\n  header: {fg: red, colour: blue}", "styles.header.colour", "unknown field"),
    ])
    func aBrokenThemeNamesTheField(body: String, field: String, says: String) {
        #expect { try ThemeManifest.parse("name: broken\n" + body, file: "broken.yaml") } throws: { error in
            (error as? ManifestError)?.issues.contains { $0.field == field && $0.message.contains(says) && $0.line == 3 } == true
        }
    }

    @Test func rolesLeftOutFallBackToText() throws {
        let theme = try ThemeManifest.parse("name: tiny\nstyles:\n  text: {fg: green}\n", file: "tiny.yaml")
        #expect(theme.style(.critical) == Theme.Style(foreground: .named(2)))
    }
}
