import Foundation
import SwitchyardCore
import Yams

/// Reads a YAML document into typed values, recording every problem with its location instead of stopping at the first.
final class YAMLReader {
    let file: String
    private(set) var issues: [ManifestIssue] = []

    init(file: String) { self.file = file }

    /// Parses `text` into its root node; YAML syntax errors become located issues.
    func root(of text: String) -> Node? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                report(line: 1, column: 1, field: "", "the file is empty; a manifest is a YAML mapping of fields")
                return nil
            }
            return node
        } catch let error as YamlError {
            reportSyntax(error)
            return nil
        } catch {
            report(line: 1, column: 1, field: "", "cannot read YAML: \(error)")
            return nil
        }
    }

    /// The top-level fields of a manifest, or the error with every problem found getting there.
    func top(of text: String, allowed: [String]) throws -> Fields {
        guard let root = root(of: text), let top = fields(of: root, path: "", allowed: allowed) else {
            throw ManifestError(file: file, issues: issues)
        }
        return top
    }

    func report(at node: Node?, field: String, _ message: String) {
        report(line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, field: field, message)
    }

    func report(line: Int, column: Int, field: String, _ message: String) {
        issues.append(ManifestIssue(file: file, line: line, column: column, field: field, message: message))
    }

    /// Whether `pattern` is a usable regular expression (not empty, and it compiles); reports it when it is not.
    func acceptsRegex(_ pattern: String, at node: Node?, field: String) -> Bool {
        guard pattern.isEmpty || (try? NSRegularExpression(pattern: pattern)) == nil else { return true }
        report(at: node, field: field, "'\(pattern)' is not a valid regular expression")
        return false
    }

    /// The fields of a mapping node; unknown and repeated keys are reported.
    func fields(of node: Node, path: String, allowed: [String], key: Node? = nil) -> Fields? {
        guard let mapping = node.mapping else {
            report(at: node, field: path, "expected a mapping of fields (\(allowed.joined(separator: ", "))), found \(describe(node))")
            return nil
        }
        var values: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                report(at: key, field: path, "a field name must be plain text")
                continue
            }
            let fieldPath = Fields.join(path, name)
            if let earlier = values[name] {
                report(at: key, field: fieldPath, "appears twice (first at line \(earlier.key.mark?.line ?? 0)); give each field once")
                continue
            }
            guard allowed.contains(name) else {
                report(at: key, field: fieldPath,
                       Suggest.unknown("field", name, in: allowed, place: path.isEmpty ? "at the top level" : "in \(path)"))
                continue
            }
            values[name] = (key, value)
        }
        return Fields(reader: self, node: node, key: key, path: path, values: values)
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let scalar): scalar.string.isEmpty ? "nothing" : "'\(scalar.string)'"
        case .alias: "an alias"
        }
    }

    private func reportSyntax(_ error: YamlError) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            report(line: mark.line, column: mark.column, field: "", "invalid YAML: \(problem)\(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            report(line: context.mark.line, column: context.mark.column, field: "",
                   "field '\(duplicates.joined(separator: "', '"))' appears twice; give each field once")
        default:
            report(line: 1, column: 1, field: "", "invalid YAML: \(error)")
        }
    }
}

/// The present fields of one mapping, with typed accessors that report what is wrong and where.
struct Fields {
    let reader: YAMLReader
    let node: Node
    /// The key this mapping is the value of; problems with the mapping as a whole point here.
    let key: Node?
    let path: String
    let values: [String: (key: Node, value: Node)]

    static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    func field(_ name: String) -> String { Self.join(path, name) }

    func node(_ name: String) -> Node? {
        guard let value = values[name]?.value else { return nil }
        if value.scalar != nil, value.kind == .null { return nil }
        return value
    }

    func has(_ name: String) -> Bool { node(name) != nil }

    /// Reports a missing required field at the mapping that should hold it.
    func missing(_ name: String, _ what: String) {
        reader.report(at: values[name]?.key ?? key ?? node, field: field(name), "is required: \(what)")
    }

    /// Any scalar, as written: `version: 1.10` stays "1.10".
    func string(_ name: String, required what: String? = nil) -> String? {
        guard let value = node(name) else {
            if let what { missing(name, what) }
            return nil
        }
        guard let scalar = value.scalar else {
            reader.report(at: value, field: field(name), "expected text, found \(reader.describe(value))")
            return nil
        }
        if scalar.string.trimmingCharacters(in: .whitespaces).isEmpty {
            reader.report(at: value, field: field(name), "must not be empty")
            return nil
        }
        return scalar.string
    }

    func double(_ name: String, in range: ClosedRange<Double>? = nil, required what: String? = nil) -> Double? {
        guard let value = node(name) else {
            if let what { missing(name, what) }
            return nil
        }
        let valid = range.map { "a number from \(Self.show($0.lowerBound)) to \(Self.show($0.upperBound))" } ?? "a number"
        guard let scalar = value.scalar, [.int, .float].contains(value.kind), let number = Double(scalar.string),
              number.isFinite else {
            reader.report(at: value, field: field(name), "\(reader.describe(value)) is not a number; valid: \(valid)")
            return nil
        }
        guard range?.contains(number) ?? true else {
            reader.report(at: value, field: field(name), "\(scalar.string) is out of range; valid: \(valid)")
            return nil
        }
        return number
    }

    func int(_ name: String, in range: ClosedRange<Int>? = nil, required what: String? = nil) -> Int? {
        guard let value = node(name) else {
            if let what { missing(name, what) }
            return nil
        }
        let valid = switch range {
        case nil: "a whole number"
        case let range? where range.upperBound == Int.max: "a whole number, \(range.lowerBound) or more"
        case let range?: "a whole number from \(range.lowerBound) to \(range.upperBound)"
        }
        guard let scalar = value.scalar, value.kind == .int, let number = Int(scalar.string) else {
            reader.report(at: value, field: field(name), "\(reader.describe(value)) is not a whole number; valid: \(valid)")
            return nil
        }
        guard range?.contains(number) ?? true else {
            reader.report(at: value, field: field(name), "\(number) is out of range; valid: \(valid)")
            return nil
        }
        return number
    }

    /// `true` or `false`.
    func bool(_ name: String) -> Bool? {
        guard let text = string(name) else { return nil }
        guard let value = Bool(text.lowercased()) else {
            reader.report(at: node(name), field: field(name), "'\(text)' is not valid; valid: true, false")
            return nil
        }
        return value
    }

    /// A positive duration written `90s`, `5m`, `1h` or `1h30m`, in seconds.
    func duration(_ name: String) -> Int? {
        guard let text = string(name) else { return nil }
        guard let seconds = try? DurationText.seconds(text, field: name), seconds > 0 else {
            reader.report(at: node(name), field: field(name), "'\(text)' is not a duration; valid: 90s, 5m, 1h")
            return nil
        }
        return seconds
    }

    /// A value from a fixed set, reported with the valid choices.
    func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type, required what: String? = nil) -> T?
    where T.RawValue == String {
        guard let text = string(name, required: what) else { return nil }
        guard let value = T(rawValue: text) else {
            let valid = T.allCases.map(\.rawValue).joined(separator: ", ")
            reader.report(at: node(name), field: field(name), "'\(text)' is not valid; valid: \(valid)")
            return nil
        }
        return value
    }

    func mapping(_ name: String, allowed: [String], required what: String? = nil) -> Fields? {
        guard let value = node(name) else {
            if let what { missing(name, what) }
            return nil
        }
        return reader.fields(of: value, path: field(name), allowed: allowed, key: values[name]?.key)
    }

    /// The items of a list field, each with its path (`tools[0]`).
    func list(_ name: String) -> [(path: String, node: Node)]? {
        guard let value = node(name) else { return nil }
        guard let items = value.sequence else {
            reader.report(at: value, field: field(name), "expected a list, found \(reader.describe(value))")
            return nil
        }
        return items.enumerated().map { ("\(field(name))[\($0.offset)]", $0.element) }
    }

    func stringList(_ name: String) -> [String]? {
        guard let items = list(name) else { return nil }
        return items.compactMap { item in
            guard let scalar = item.node.scalar else {
                reader.report(at: item.node, field: item.path, "expected text, found \(reader.describe(item.node))")
                return nil
            }
            return scalar.string
        }
    }

    private static func show(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// Suggests the valid name closest to a misspelt one.
enum Suggest {
    /// `unknown KIND 'name' [PLACE]; did you mean 'x'? valid KINDs: a, b.`: one wording for every unknown name.
    static func unknown(_ kind: String, _ name: String, in valid: [String], place: String? = nil) -> String {
        var message = "unknown \(kind) '\(name)'" + (place.map { " \($0)" } ?? "")
        if let guess = closest(to: name, in: valid) { message += "; did you mean '\(guess)'?" }
        return message + "; valid \(kind)s: \(valid.joined(separator: ", "))."
    }

    static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = word.lowercased()
        if lowered.count >= 4, let extended = candidates.first(where: { $0.hasPrefix(lowered) || lowered.hasPrefix($0) }) {
            return extended
        }
        let scored = candidates.map { ($0, distance(lowered, $0)) }.min { $0.1 < $1.1 }
        guard let (best, score) = scored, score <= max(2, word.count / 3) else { return nil }
        return best
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}

extension Node {
    /// The node as JSON: mappings with text keys, lists and typed scalars.
    func jsonValue() -> JSONValue? {
        switch self {
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.scalar?.string, let converted = value.jsonValue() else { return nil }
                members[name] = converted
            }
            return .object(members)
        case .sequence(let sequence):
            let items = sequence.map { $0.jsonValue() }
            return items.contains { $0 == nil } ? nil : .array(items.compactMap { $0 })
        case .scalar(let scalar):
            switch kind {
            case .null: return .null
            case .bool: return self.bool.map(JSONValue.bool)
            case .int: return Int(scalar.string).map(JSONValue.int) ?? self.float.map(JSONValue.double)
            case .float: return self.float.flatMap { $0.isFinite ? .double($0) : nil }
            default: return .string(scalar.string)
            }
        case .alias:
            return nil
        }
    }
}

extension Node {
    /// The resolved YAML type of the node (`int`, `float`, `str`, `null`, `map`, ...).
    var kind: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
