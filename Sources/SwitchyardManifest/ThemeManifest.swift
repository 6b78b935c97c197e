import SwitchyardCore
import Yams

/// Parses console themes (`Themes/*.yaml`): a name and a style for each role.
///
///     name: default-dark
///     styles:
///       header: {fg: black, bg: cyan, fg256: 16, bg256: 37, attrs: [bold]}
public enum ThemeManifest {
    static let styleFields = ["fg", "bg", "fg256", "bg256", "attrs"]

    public static func load(path: String) throws -> Theme {
        try parse(try ManifestFile.read(path), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> Theme {
        let reader = YAMLReader(file: file)
        let top = try reader.top(of: text, allowed: ["name", "description", "styles"])
        let name = top.string("name", required: "the theme's name, used by --theme")
        _ = top.string("description")
        var styles: [Theme.Role: Theme.Style] = [:]
        if let section = top.mapping("styles", allowed: Theme.Role.allCases.map(\.rawValue), required: "a style for each role the console draws") {
            for role in Theme.Role.allCases {
                guard let style = section.mapping(role.rawValue, allowed: styleFields) else { continue }
                styles[role] = readStyle(style)
            }
        }
        guard reader.issues.isEmpty, let name else { throw ManifestError(file: file, issues: reader.issues) }
        return Theme(name: name, styles: styles)
    }

    private static func readStyle(_ style: Fields) -> Theme.Style {
        func color(_ key: String) -> Theme.Color? {
            guard let text = style.string(key) else { return nil }
            guard let color = Theme.Color(parsing: text) else {
                style.reader.report(at: style.node(key), field: style.field(key),
                                    "'\(text)' is not a colour; valid: default, \(Theme.Color.names.joined(separator: ", ")), bright-NAME, or 0 to 255")
                return nil
            }
            return color
        }
        var attributes = Set<Theme.Attribute>()
        for name in style.stringList("attrs") ?? [] {
            if let attribute = Theme.Attribute(rawValue: name) {
                attributes.insert(attribute)
            } else {
                style.reader.report(at: style.node("attrs"), field: style.field("attrs"),
                                    "'\(name)' is not an attribute; valid: \(Theme.Attribute.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        return Theme.Style(foreground: color("fg") ?? .terminalDefault, background: color("bg") ?? .terminalDefault,
                           foreground256: color("fg256"), background256: color("bg256"), attributes: attributes)
    }
}
