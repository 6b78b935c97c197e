/// One field whose value differs between two documents, by dotted path (`decoding.temperature`, `tools[search].permission`).
public struct FieldChange: Hashable, Sendable, Codable {
    public var path: String
    public var old: JSONValue?
    public var new: JSONValue?

    public init(path: String, old: JSONValue?, new: JSONValue?) {
        self.path = path
        self.old = old
        self.new = new
    }

    /// `path: old → new`, with `(absent)` for a side that lacks the field.
    public var summary: String {
        "\(path): \(old.map(Self.show) ?? "(absent)") → \(new.map(Self.show) ?? "(absent)")"
    }

    private static func show(_ value: JSONValue) -> String {
        let text = value.canonicalText
        return text.count > 80 ? String(text.prefix(77)) + "…" : text
    }
}

/// Field-level comparison of two JSON documents.
public enum FieldDiff {
    /// Every field that differs, sorted by path. Both sides are walked together: a section present on only one
    /// side is one change, not one per leaf. Arrays of objects that each carry a unique `name` are matched by
    /// name rather than position, so inserting a tool does not shift every other one.
    public static func changes(from old: JSONValue, to new: JSONValue) -> [FieldChange] {
        var out: [FieldChange] = []
        compare(old, new, path: "", into: &out)
        return out.sorted { $0.path < $1.path }
    }

    private static func compare(_ old: JSONValue?, _ new: JSONValue?, path: String, into out: inout [FieldChange]) {
        guard old != new else { return }
        switch (old, new) {
        case (.object(let before)?, .object(let after)?):
            for key in Set(before.keys).union(after.keys) {
                compare(before[key], after[key], path: path.isEmpty ? key : "\(path).\(key)", into: &out)
            }
        case (.array(let before)?, .array(let after)?):
            if let beforeByName = byName(before), let afterByName = byName(after) {
                for key in Set(beforeByName.keys).union(afterByName.keys) {
                    compare(beforeByName[key], afterByName[key], path: "\(path)[\(key)]", into: &out)
                }
            } else if before.count == after.count {
                for index in before.indices { compare(before[index], after[index], path: "\(path)[\(index)]", into: &out) }
            } else {
                out.append(FieldChange(path: path, old: old, new: new))
            }
        default:
            out.append(FieldChange(path: path, old: old, new: new))
        }
    }

    private static func byName(_ items: [JSONValue]) -> [String: JSONValue]? {
        var out: [String: JSONValue] = [:]
        for item in items {
            guard case .string(let name)? = item["name"], out[name] == nil else { return nil }
            out[name] = item
        }
        return out
    }

    /// Leaf values by path, for showing a section as `key=value` pairs.
    public static func flatten(_ value: JSONValue, prefix: String = "") -> [String: JSONValue] {
        switch value {
        case .object(let members) where !members.isEmpty:
            var out: [String: JSONValue] = [:]
            for (key, member) in members {
                out.merge(flatten(member, prefix: prefix.isEmpty ? key : "\(prefix).\(key)")) { $1 }
            }
            return out
        default:
            return [prefix: value]
        }
    }
}
