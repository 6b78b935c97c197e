/// Checks that a document is a usable JSON Schema (the structural keywords have the right shapes),
/// so that a typo in a bundle's output contract is caught at registration, not in production.
public enum JSONSchemaCheck {
    static let types: Set<String> = ["object", "array", "string", "number", "integer", "boolean", "null"]

    /// Problems as (path inside the schema, message); empty when the schema is usable.
    public static func problems(_ schema: JSONValue, path: String = "") -> [(path: String, message: String)] {
        guard case .object(let members) = schema else {
            if case .bool = schema { return [] }
            return [(path, "a schema must be a mapping of keywords (or true/false)")]
        }
        var out: [(String, String)] = []
        func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
        if let type = members["type"] {
            let names: [JSONValue] = if case .array(let items) = type { items } else { [type] }
            for name in names {
                guard case .string(let text) = name, types.contains(text) else {
                    out.append((at("type"), "\(name.canonicalText) is not a JSON Schema type; valid: \(types.sorted().joined(separator: ", "))"))
                    continue
                }
            }
        }
        if let properties = members["properties"] {
            if case .object(let schemas) = properties {
                for (name, child) in schemas.sorted(by: { $0.key < $1.key }) {
                    out += problems(child, path: at("properties.\(name)"))
                }
            } else {
                out.append((at("properties"), "must be a mapping from property name to schema"))
            }
        }
        if let required = members["required"] {
            if case .array(let names) = required, names.allSatisfy({ if case .string = $0 { true } else { false } }) {
                if Set(names).count != names.count { out.append((at("required"), "names a property twice")) }
            } else {
                out.append((at("required"), "must be a list of property names"))
            }
        }
        if let items = members["items"] { out += problems(items, path: at("items")) }
        if let additional = members["additionalProperties"] { out += problems(additional, path: at("additionalProperties")) }
        if let values = members["enum"] {
            if case .array(let list) = values, !list.isEmpty {} else {
                out.append((at("enum"), "must be a non-empty list of allowed values"))
            }
        }
        for keyword in ["anyOf", "oneOf", "allOf"] {
            guard let value = members[keyword] else { continue }
            if case .array(let list) = value, !list.isEmpty {
                for (index, child) in list.enumerated() { out += problems(child, path: at("\(keyword)[\(index)]")) }
            } else {
                out.append((at(keyword), "must be a non-empty list of schemas"))
            }
        }
        for keyword in ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"] {
            guard let value = members[keyword] else { continue }
            if case .int(let number) = value, number >= 0 { continue }
            out.append((at(keyword), "must be a whole number, 0 or more"))
        }
        for keyword in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"] {
            guard let value = members[keyword] else { continue }
            switch value {
            case .int, .double: continue
            default: out.append((at(keyword), "must be a number"))
            }
        }
        return out
    }
}
