import Foundation

/// Whether an answer kept the output contract the request asked for (`response_format`).
public enum ContractOutcome: Hashable, Sendable {
    /// The request asked for no structured output.
    case notApplicable
    case passed
    case failed(String)
}

/// Checks answers against the request's `response_format` (json_object or json_schema).
public enum ContractCheck {
    public static func check(answer: String, responseFormat: JSONValue?) -> ContractOutcome {
        guard asksForJSON(responseFormat) else { return .notApplicable }
        guard let value = try? JSONValue(parsing: answer.utf8) else { return .failed(notJSON) }
        return check(value, responseFormat: responseFormat)
    }

    /// Whether the request asked for structured output at all.
    public static func asksForJSON(_ responseFormat: JSONValue?) -> Bool {
        guard case .string(let type)? = responseFormat?["type"] else { return false }
        return type == "json_object" || type == "json_schema"
    }

    /// Checks an answer already parsed against a `response_format` that asks for JSON.
    public static func check(_ value: JSONValue, responseFormat: JSONValue?) -> ContractOutcome {
        guard responseFormat?["type"] == "json_schema", let schema = responseFormat?["json_schema"]?["schema"] else {
            return .passed
        }
        if let problem = JSONSchemaValidator.firstViolation(of: value, against: schema) { return .failed(problem) }
        return .passed
    }

    static let notJSON = "the answer is not valid JSON"
}

/// Validates a JSON value against the structural subset of JSON Schema that output contracts use:
/// type, properties, required, additionalProperties, items, enum, and length and range bounds.
public enum JSONSchemaValidator {
    public static func firstViolation(of value: JSONValue, against schema: JSONValue, at path: String = "$") -> String? {
        guard case .object(let keywords) = schema else {
            return schema == .bool(false) ? "\(path): no value is allowed here" : nil
        }
        if let type = keywords["type"], !matches(value, type: type) {
            return "\(path): expected \(type.canonicalText), found \(typeName(value))"
        }
        if case .array(let allowed)? = keywords["enum"], !allowed.contains(value) {
            return "\(path): \(value.canonicalText) is not one of \(JSONValue.array(allowed).canonicalText)"
        }
        switch value {
        case .object(let members):
            if case .array(let required)? = keywords["required"] {
                for case .string(let name) in required where members[name] == nil {
                    return "\(path): required property '\(name)' is missing"
                }
            }
            let properties: [String: JSONValue] = if case .object(let map)? = keywords["properties"] { map } else { [:] }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let child = properties[name] {
                    if let problem = firstViolation(of: member, against: child, at: "\(path).\(name)") { return problem }
                } else if keywords["additionalProperties"] == .bool(false) {
                    return "\(path): property '\(name)' is not allowed"
                }
            }
        case .array(let items):
            if let child = keywords["items"] {
                for (index, item) in items.enumerated() {
                    if let problem = firstViolation(of: item, against: child, at: "\(path)[\(index)]") { return problem }
                }
            }
            if let min = keywords["minItems"]?.intValue, items.count < min { return "\(path): fewer than \(min) items" }
            if let max = keywords["maxItems"]?.intValue, items.count > max { return "\(path): more than \(max) items" }
        case .string(let text):
            if let min = keywords["minLength"]?.intValue, text.count < min { return "\(path): shorter than \(min) characters" }
            if let max = keywords["maxLength"]?.intValue, text.count > max { return "\(path): longer than \(max) characters" }
        case .int, .double:
            let number = value.doubleValue!
            if let min = keywords["minimum"]?.doubleValue, number < min { return "\(path): below the minimum \(min)" }
            if let max = keywords["maximum"]?.doubleValue, number > max { return "\(path): above the maximum \(max)" }
        default:
            break
        }
        return nil
    }

    private static func matches(_ value: JSONValue, type: JSONValue) -> Bool {
        switch type {
        case .array(let options): return options.contains { matches(value, type: $0) }
        case .string(let name):
            switch (name, value) {
            case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
                 ("number", .int), ("number", .double), ("integer", .int):
                return true
            case ("integer", .double(let number)):
                return number.rounded() == number
            default:
                return false
            }
        default:
            return true
        }
    }

    private static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// Recognises refusals: a `content_filter` finish, or an answer that opens with a refusal phrase.
public struct RefusalDetector: Sendable {
    public static let defaultMarkers = [
        "i can't help with", "i cannot help with", "i can’t help with", "i'm sorry, but i can", "i’m sorry, but i can",
        "i am unable to", "i'm unable to", "i won't be able to", "i cannot assist", "i can't assist",
    ]

    /// The markers, lowercased, as UTF-8: searched byte by byte, on every answer's path.
    private let markerBytes: [[UInt8]]

    public init(markers: [String] = RefusalDetector.defaultMarkers) { markerBytes = markers.map { Array($0.lowercased().utf8) } }

    public func isRefusal(_ answer: AnswerSummary) -> Bool {
        if answer.finishReason == "content_filter" { return true }
        let opening = Self.lowercasedOpening(answer.content)
        return markerBytes.contains { Self.bytes(opening, contain: $0) }
    }

    /// The first 200 characters, lowercased, as UTF-8. Most answers open in ASCII: without a carriage return
    /// (`\r\n` is one character), 200 bytes are 200 characters and lowercase byte by byte, with no string built.
    static func lowercasedOpening(_ text: String) -> [UInt8] {
        var text = text
        let ascii: [UInt8]? = text.withUTF8 { bytes in
            let head = bytes.prefix(200)
            guard head.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "\r") }) else { return nil }
            return head.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
        }
        return ascii ?? Array(text.prefix(200).lowercased().utf8)
    }

    private static func bytes(_ haystack: [UInt8], contain needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        var start = 0
        while start <= haystack.count - needle.count {
            if haystack[start] == first, haystack[start..<start + needle.count].elementsEqual(needle) { return true }
            start += 1
        }
        return false
    }
}
