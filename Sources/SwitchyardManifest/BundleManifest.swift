import Foundation
import Yams
import SwitchyardCore

/// A bundle read from its YAML manifest: the bundle itself, its system prompt text (stored by digest),
/// and why it floats, if it does.
public struct ParsedBundle: Sendable {
    public var bundle: ReleaseBundle
    public var promptText: String?
    /// Located reasons the model or tokenizer is not pinned; empty for a pinned bundle.
    public var floating: [ManifestIssue]
}

/// Parses bundle manifests (`Docs/bundles.md` is the reference).
public enum BundleManifest {
    static let topFields = [
        "name", "version", "model", "tokenizer", "decoding", "system_prompt", "tools", "retrieval",
        "output_validation", "safety", "pricing", "contracts", "compatibility_notes",
    ]

    /// Parses a manifest file; the system prompt's `file:` is read relative to the manifest.
    public static func load(path: String) throws -> ParsedBundle {
        let text = try ManifestFile.read(path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        return try parse(text, file: path) { relative in
            let url = relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : directory.appendingPathComponent(relative)
            return try String(contentsOf: url, encoding: .utf8)
        }
    }

    /// Parses manifest text. `readFile` loads a system prompt given by `file:`.
    public static func parse(
        _ text: String, file: String, readFile: (String) throws -> String = { _ in throw CocoaError(.fileNoSuchFile) }
    ) throws -> ParsedBundle {
        let reader = YAMLReader(file: file)
        let top = try reader.top(of: text, allowed: topFields)
        let name = identifier(top, "name", "the bundle's name, e.g. support-assistant", valid: BundleRef.isValidName)
        let version = identifier(top, "version", "the bundle's version, e.g. 1.2.0", valid: BundleRef.isValidVersion)
        let model = readModel(top)
        let tokenizer = readTokenizer(top)
        let decoding = readDecoding(top)
        let prompt = readSystemPrompt(top, readFile: readFile)
        let tools = readTools(top)
        let retrieval = readRetrieval(top)
        let validation = readValidation(top)
        let safety = readSafety(top)
        let pricing = readPricing(top)
        let contracts = ContractsManifest.read(top)
        let notes = top.string("compatibility_notes")

        guard reader.issues.isEmpty, let name, let version, let model, let tokenizer, let decoding,
              let safety, let pricing else {
            throw ManifestError(file: file, issues: reader.issues)
        }
        let bundle = ReleaseBundle(
            name: name, version: version, model: model, tokenizer: tokenizer, decoding: decoding,
            systemPrompt: prompt?.prompt, tools: tools ?? [], retrieval: retrieval, outputValidation: validation,
            safety: safety, pricing: pricing, contracts: contracts, compatibilityNotes: notes)
        return ParsedBundle(bundle: bundle, promptText: prompt?.text, floating: floatingIssues(top, bundle, file: file))
    }

    private static func identifier(_ top: Fields, _ key: String, _ what: String, valid: (String) -> Bool) -> String? {
        guard let text = top.string(key, required: what) else { return nil }
        guard valid(text) else {
            top.reader.report(at: top.node(key), field: key,
                              "'\(text)' is not valid; use letters, digits, '-', '_' and '.', starting with a letter or digit (at most 64)")
            return nil
        }
        return text
    }

    private static func readModel(_ top: Fields) -> ModelReference? {
        guard let model = top.mapping("model", allowed: ["provider", "id", "revision"],
                                      required: "the weights: provider, id and pinned revision") else { return nil }
        let provider = model.string("provider", required: "who serves the weights, e.g. vllm or openai")
        let id = model.string("id", required: "the model id the backend knows, e.g. acme/support-8b")
        let revision = model.string("revision")
        guard let provider, let id else { return nil }
        return ModelReference(provider: provider, id: id, revision: revision)
    }

    private static func readTokenizer(_ top: Fields) -> TokenizerReference? {
        guard let tokenizer = top.mapping("tokenizer", allowed: ["name", "revision"],
                                          required: "the tokenizer: name and pinned revision") else { return nil }
        let name = tokenizer.string("name", required: "the tokenizer's name")
        let revision = tokenizer.string("revision")
        return name.map { TokenizerReference(name: $0, revision: revision) }
    }

    private static func readDecoding(_ top: Fields) -> DecodingDefaults? {
        let allowed = ["temperature", "top_p", "max_tokens", "stop", "presence_penalty", "frequency_penalty", "seed"]
        guard let decoding = top.mapping("decoding", allowed: allowed,
                                         required: "decoding defaults (temperature, top_p, max_tokens, ...)") else { return nil }
        let stop = decoding.stringList("stop")
        if let stop, stop.count > 4 {
            decoding.reader.report(at: decoding.node("stop"), field: "decoding.stop", "has \(stop.count) sequences; valid: at most 4")
        }
        return DecodingDefaults(
            temperature: decoding.double("temperature", in: 0...2),
            topP: decoding.double("top_p", in: 0...1),
            maxTokens: decoding.int("max_tokens", in: 1...1_000_000),
            stop: stop,
            presencePenalty: decoding.double("presence_penalty", in: -2...2),
            frequencyPenalty: decoding.double("frequency_penalty", in: -2...2),
            seed: decoding.int("seed", in: 0...Int.max))
    }

    private static func readSystemPrompt(_ top: Fields, readFile: (String) throws -> String) -> (prompt: SystemPrompt, text: String)? {
        guard let prompt = top.mapping("system_prompt", allowed: ["text", "file", "policy"]) else { return nil }
        let policy = prompt.choice("policy", SystemPrompt.Policy.self) ?? .prepend
        let inline = prompt.string("text")
        let file = prompt.string("file")
        let text: String?
        switch (inline, file) {
        case (let inline?, nil): text = inline
        case (nil, let file?):
            do { text = try readFile(file) } catch {
                prompt.reader.report(at: prompt.node("file"), field: "system_prompt.file",
                                     "cannot read '\(file)' (paths are relative to the manifest)")
                text = nil
            }
        case (.some, .some):
            prompt.reader.report(at: prompt.node, field: "system_prompt", "give either text or file, not both")
            text = nil
        case (nil, nil):
            if policy != .none {
                prompt.reader.report(at: prompt.node, field: "system_prompt",
                                     "needs text or file (or policy: none for no system prompt)")
            }
            return nil
        }
        guard let text else { return nil }
        return (SystemPrompt(digest: Digest.sha256(text), policy: policy), text)
    }

    private static func readTools(_ top: Fields) -> [ToolGrant]? {
        guard let items = top.list("tools") else { return nil }
        var seen: [String: Int] = [:]
        return items.compactMap { item in
            guard let tool = top.reader.fields(of: item.node, path: item.path, allowed: ["name", "schema_version", "permission"])
            else { return nil }
            let name = tool.string("name", required: "the tool's name")
            let schema = tool.string("schema_version", required: "the version of the tool's call schema")
            let permission = tool.choice("permission", ToolGrant.Permission.self, required: "allow, confirm or deny")
            if let name {
                if let first = seen[name] {
                    top.reader.report(at: tool.node("name"), field: "\(item.path).name",
                                      "tool '\(name)' is already declared at line \(first); each tool appears once")
                }
                seen[name] = tool.node("name")?.mark?.line ?? 0
            }
            guard let name, let schema, let permission else { return nil }
            return ToolGrant(name: name, schemaVersion: schema, permission: permission)
        }
    }

    private static func readRetrieval(_ top: Fields) -> RetrievalConfig? {
        guard let retrieval = top.mapping("retrieval", allowed: ["index", "version", "ranking"]) else { return nil }
        let index = retrieval.string("index", required: "the retrieval index name")
        let version = retrieval.string("version", required: "the index version, pinned like the model")
        var ranking: [String: Double] = [:]
        if let node = retrieval.node("ranking") {
            if let mapping = node.mapping {
                for (key, value) in mapping {
                    let field = "retrieval.ranking.\(key.scalar?.string ?? "?")"
                    if let number = value.jsonValue(), let weight = number.doubleValue, weight >= 0 {
                        ranking[key.scalar?.string ?? ""] = weight
                    } else {
                        retrieval.reader.report(at: value, field: field, "must be a number, 0 or more")
                    }
                }
            } else {
                retrieval.reader.report(at: node, field: "retrieval.ranking", "expected a mapping from signal to weight, e.g. {bm25: 0.3, dense: 0.7}")
            }
        }
        guard let index, let version else { return nil }
        return RetrievalConfig(index: index, version: version, ranking: ranking)
    }

    private static func readValidation(_ top: Fields) -> OutputValidation? {
        guard let validation = top.mapping("output_validation", allowed: ["json_schema", "rules"]) else { return nil }
        var schema: JSONValue?
        if let node = validation.node("json_schema") {
            if let value = node.jsonValue() {
                for problem in JSONSchemaCheck.problems(value) {
                    let field = problem.path.isEmpty ? "output_validation.json_schema" : "output_validation.json_schema.\(problem.path)"
                    validation.reader.report(at: node, field: field, "invalid JSON Schema: \(problem.message)")
                }
                schema = value
            } else {
                validation.reader.report(at: node, field: "output_validation.json_schema", "must be plain JSON-compatible YAML (no aliases)")
            }
        }
        let rules = (validation.list("rules") ?? []).compactMap { readRule($0.node, path: $0.path, reader: validation.reader) }
        if schema == nil && rules.isEmpty {
            validation.reader.report(at: validation.node, field: "output_validation", "declares nothing: give json_schema, rules, or remove it")
        }
        return OutputValidation(jsonSchema: schema, rules: rules)
    }

    private static func readRule(_ node: Node, path: String, reader: YAMLReader) -> ValidationRule? {
        let kinds = ValidationRule.Kind.allCases.map(\.rawValue)
        guard let mapping = node.mapping, mapping.count == 1, let (key, value) = mapping.first,
              let name = key.scalar?.string else {
            reader.report(at: node, field: path, "a rule is one field: \(kinds.joined(separator: ", ")), e.g. '- max_chars: 4000'")
            return nil
        }
        guard let kind = ValidationRule.Kind(rawValue: name) else {
            reader.report(at: key, field: "\(path).\(name)", Suggest.unknown("rule", name, in: kinds))
            return nil
        }
        let text = value.scalar?.string ?? ""
        switch kind {
        case .maxChars:
            guard let limit = Int(text), limit > 0 else {
                reader.report(at: value, field: "\(path).\(name)", "'\(text)' is not valid; valid: a whole number of characters above 0")
                return nil
            }
        case .mustMatch, .mustNotMatch:
            guard reader.acceptsRegex(text, at: value, field: "\(path).\(name)") else { return nil }
        }
        return ValidationRule(kind: kind, value: text)
    }

    private static func readSafety(_ top: Fields) -> SafetyPolicyReference? {
        guard let safety = top.mapping("safety", allowed: ["policy_id", "version"],
                                       required: "the safety policy: policy_id and version") else { return nil }
        let id = safety.string("policy_id", required: "the safety policy's id")
        let version = safety.string("version", required: "the safety policy's version")
        guard let id, let version else { return nil }
        return SafetyPolicyReference(policyId: id, version: version)
    }

    private static func readPricing(_ top: Fields) -> Pricing? {
        guard let pricing = top.mapping("pricing", allowed: ["input_per_1k", "output_per_1k"],
                                        required: "price in USD per 1k input and output tokens") else { return nil }
        let input = pricing.double("input_per_1k", in: 0...1000, required: "USD per 1k input tokens")
        let output = pricing.double("output_per_1k", in: 0...1000, required: "USD per 1k output tokens")
        guard let input, let output else { return nil }
        return Pricing(inputPer1k: input, outputPer1k: output)
    }

    private static func floatingIssues(_ top: Fields, _ bundle: ReleaseBundle, file: String) -> [ManifestIssue] {
        var out: [ManifestIssue] = []
        func add(_ section: String, _ reason: String?) {
            guard let reason, let fields = top.values[section]?.value else { return }
            let node = fields.mapping?["revision"] ?? fields
            out.append(ManifestIssue(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1,
                                     field: "\(section).revision", message: "floating reference: \(reason)"))
        }
        add("model", FloatingReference.reason(model: bundle.model))
        add("tokenizer", FloatingReference.reason(tokenizer: bundle.tokenizer))
        return out
    }
}

/// Reads manifest files with errors that name the path.
enum ManifestFile {
    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SwitchyardError.failure("cannot read '\(path)': no such file, or not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SwitchyardError.failure("'\(path)' is not UTF-8 text")
        }
        return text
    }
}
