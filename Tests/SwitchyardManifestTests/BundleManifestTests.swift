import Foundation
import SwitchyardCore
import Testing
@testable import SwitchyardManifest

/// A valid manifest; malformed cases are made by replacing one of its lines.
let validManifest = """
    name: app
    version: 1.10
    model:
      provider: vllm
      id: acme/app-8b
      revision: a1b2c3d
    tokenizer:
      name: acme/app-8b
      revision: a1b2c3d
    decoding:
      temperature: 0.3
      max_tokens: 512
    system_prompt:
      text: You are helpful.
      policy: prepend
    tools:
      - name: search
        schema_version: "1"
        permission: allow
    safety:
      policy_id: acme-safety
      version: "4"
    pricing:
      input_per_1k: 0.0002
      output_per_1k: 0.0006
    """

/// One malformed manifest and the problem it must report.
struct MalformedCase: CustomTestStringConvertible, Sendable {
    var name: String
    var replace: String
    var with: String
    var line: Int
    var field: String
    var says: String

    var testDescription: String { name }

    var text: String {
        precondition(validManifest.contains(replace), "\(name): '\(replace)' is not in the manifest")
        return validManifest.replacingOccurrences(of: replace, with: with)
    }
}

let malformedCases: [MalformedCase] = [
    .init(name: "bad YAML", replace: "  temperature: 0.3", with: "  temperature: [0.3", line: 12, field: "", says: "invalid YAML"),
    .init(name: "missing model", replace: "model:\n  provider: vllm\n  id: acme/app-8b\n  revision: a1b2c3d\n", with: "",
          line: 1, field: "model", says: "is required"),
    .init(name: "missing tokenizer name", replace: "  name: acme/app-8b\n", with: "", line: 7, field: "tokenizer.name", says: "is required"),
    .init(name: "unknown top-level key", replace: "pricing:", with: "pricng:", line: 23, field: "pricng",
          says: "unknown field 'pricng' at the top level; did you mean 'pricing'?"),
    .init(name: "unknown nested key (typo)", replace: "  temperature: 0.3", with: "  temprature: 0.3", line: 11,
          field: "decoding.temprature", says: "did you mean 'temperature'?"),
    .init(name: "temperature out of range", replace: "temperature: 0.3", with: "temperature: 3.5", line: 11,
          field: "decoding.temperature", says: "3.5 is out of range; valid: a number from 0 to 2"),
    .init(name: "number given as text", replace: "max_tokens: 512", with: "max_tokens: lots", line: 12,
          field: "decoding.max_tokens", says: "'lots' is not a whole number"),
    .init(name: "negative price", replace: "input_per_1k: 0.0002", with: "input_per_1k: -1", line: 24,
          field: "pricing.input_per_1k", says: "out of range"),
    .init(name: "duplicate tool names", replace: "    permission: allow", with: "    permission: allow\n  - name: search\n    schema_version: \"2\"\n    permission: deny",
          line: 20, field: "tools[1].name", says: "tool 'search' is already declared at line 17"),
    .init(name: "invalid tool permission", replace: "permission: allow", with: "permission: sometimes", line: 19,
          field: "tools[0].permission", says: "'sometimes' is not valid; valid: allow, confirm, deny"),
    .init(name: "invalid JSON Schema", replace: "safety:", with: "output_validation:\n  json_schema:\n    type: objekt\nsafety:",
          line: 22, field: "output_validation.json_schema.type", says: "invalid JSON Schema"),
    .init(name: "invalid rule regex", replace: "safety:", with: "output_validation:\n  rules:\n    - must_match: \"([a-z\"\nsafety:",
          line: 22, field: "output_validation.rules[0].must_match", says: "not a valid regular expression"),
    .init(name: "unknown rule", replace: "safety:", with: "output_validation:\n  rules:\n    - max_char: 10\nsafety:",
          line: 22, field: "output_validation.rules[0].max_char", says: "did you mean 'max_chars'?"),
    .init(name: "prompt both text and file", replace: "  policy: prepend", with: "  file: p.txt\n  policy: prepend", line: 14,
          field: "system_prompt", says: "either text or file, not both"),
    .init(name: "invalid prompt policy", replace: "policy: prepend", with: "policy: append", line: 15,
          field: "system_prompt.policy", says: "valid: prepend, replace, none"),
    .init(name: "invalid bundle name", replace: "name: app\n", with: "name: my app\n", line: 1, field: "name", says: "is not valid"),
    .init(name: "mapping where text belongs", replace: "  provider: vllm", with: "  provider: {a: b}", line: 4,
          field: "model.provider", says: "expected text, found a mapping"),
    .init(name: "repeated key", replace: "  max_tokens: 512", with: "  max_tokens: 512\n  max_tokens: 256", line: 12,
          field: "", says: "field 'max_tokens' appears twice"),
    .init(name: "list where mapping belongs", replace: "safety:\n  policy_id: acme-safety\n  version: \"4\"", with: "safety: [acme-safety]",
          line: 20, field: "safety", says: "expected a mapping"),
    .init(name: "empty file", replace: validManifest, with: "", line: 1, field: "", says: "the file is empty"),
    .init(name: "too many stop sequences", replace: "  max_tokens: 512", with: "  max_tokens: 512\n  stop: [a, b, c, d, e]", line: 13,
          field: "decoding.stop", says: "valid: at most 4"),
]

@Suite struct BundleManifestTests {
    @Test func aValidManifestParsesAndKeepsVersionTextAsWritten() throws {
        let parsed = try BundleManifest.parse(validManifest, file: "app.yaml")
        #expect(parsed.bundle.ref.description == "app@1.10")
        #expect(parsed.bundle.decoding.temperature == 0.3)
        #expect(parsed.promptText == "You are helpful.")
        #expect(parsed.bundle.systemPrompt?.digest == Digest.sha256("You are helpful."))
        #expect(parsed.floating.isEmpty)
    }

    @Test(arguments: malformedCases)
    func aMalformedManifestNamesFileLineAndField(_ malformed: MalformedCase) {
        #expect { try BundleManifest.parse(malformed.text, file: "bad.yaml") } throws: { error in
            guard let error = error as? ManifestError else { return false }
            let match = error.issues.first { $0.line == malformed.line && $0.field == malformed.field && $0.message.contains(malformed.says) }
            if match == nil { Issue.record("\(malformed.name): got \(error.issues)") }
            return match != nil && error.description.hasPrefix("bad.yaml has ")
        }
    }

    @Test func allProblemsAreReportedNotJustTheFirst() {
        let text = validManifest.replacingOccurrences(of: "temperature: 0.3", with: "temperature: 9")
            .replacingOccurrences(of: "permission: allow", with: "permission: maybe")
        #expect { try BundleManifest.parse(text, file: "bad.yaml") } throws: { error in
            (error as? ManifestError)?.issues.map(\.field) == ["decoding.temperature", "tools[0].permission"]
        }
    }

    @Test func floatingReferencesAreReportedWithTheirLine() throws {
        let text = validManifest.replacingOccurrences(of: "  revision: a1b2c3d\ntokenizer", with: "  revision: latest\ntokenizer")
        let parsed = try BundleManifest.parse(text, file: "f.yaml")
        #expect(parsed.floating.count == 1)
        #expect(parsed.floating[0].line == 6)
        #expect(parsed.floating[0].field == "model.revision")
        #expect(parsed.floating[0].message.contains("alias"))
    }

    @Test func aMissingRevisionFloats() throws {
        let text = validManifest.replacingOccurrences(of: "  id: acme/app-8b\n  revision: a1b2c3d\n", with: "  id: acme/app-8b\n")
        let parsed = try BundleManifest.parse(text, file: "f.yaml")
        #expect(parsed.floating.map(\.field) == ["model.revision"])
        #expect(parsed.bundle.isFloating)
    }

    @Test func aPromptFileIsReadRelativeToTheManifest() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("prompts"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "Be brief.\n".write(to: directory.appendingPathComponent("prompts/p.txt"), atomically: true, encoding: .utf8)
        let manifest = validManifest.replacingOccurrences(of: "text: You are helpful.", with: "file: prompts/p.txt")
        let path = directory.appendingPathComponent("app.yaml").path
        try manifest.write(toFile: path, atomically: true, encoding: .utf8)
        let parsed = try BundleManifest.load(path: path)
        #expect(parsed.promptText == "Be brief.\n")
    }

    @Test func aMissingPromptFileIsNamed() {
        let manifest = validManifest.replacingOccurrences(of: "text: You are helpful.", with: "file: nowhere.txt")
        #expect { try BundleManifest.parse(manifest, file: "app.yaml") } throws: { error in
            (error as? ManifestError)?.issues.first?.message.contains("cannot read 'nowhere.txt'") == true
        }
    }

    @Test func theExamplesInDocsParse() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Docs/examples").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasPrefix("support-assistant-") }
        #expect(files.count >= 3)
        var digests = Set<String>()
        for file in files {
            let parsed = try BundleManifest.load(path: examples.appendingPathComponent(file).path)
            #expect(parsed.floating.isEmpty)
            digests.insert(parsed.bundle.digest)
        }
        #expect(digests.count == files.count)
        let pools = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasPrefix("pool-") }
        #expect(pools.count >= 3)
        for file in pools { _ = try PoolManifest.load(path: examples.appendingPathComponent(file).path) }
    }
}

@Suite struct PoolManifestTests {
    let valid = """
        bundle: app@1.0.0
        endpoints: [http://127.0.0.1:9101]
        replicas: 4
        max_concurrency: 16
        cold_start_seconds: 60
        """

    @Test func aValidPoolParses() throws {
        let spec = try PoolManifest.parse(valid, file: "pool.yaml")
        #expect(spec.capacity == 64)
        #expect(spec.coldStartSeconds == 60)
        #expect(spec.scaleUpPerMinute == 1)
    }

    @Test(arguments: [
        ("replicas: 4", "replicas: -2", "replicas", "is negative"),
        ("max_concurrency: 16", "max_concurrency: 0", "max_concurrency", "not positive"),
        ("endpoints: [http://127.0.0.1:9101]", "endpoints: [127.0.0.1:9101]", "endpoints", "not an http:// or https:// URL"),
        ("bundle: app@1.0.0", "bundle: app", "bundle", "is not NAME@VERSION"),
        ("cold_start_seconds: 60", "cold_start: 60", "cold_start", "did you mean 'cold_start_seconds'?"),
    ])
    func aMalformedPoolNamesTheField(replace: String, with: String, field: String, says: String) {
        let text = valid.replacingOccurrences(of: replace, with: with)
        #expect { try PoolManifest.parse(text, file: "pool.yaml") } throws: { error in
            (error as? ManifestError)?.issues.contains { $0.field == field && $0.message.contains(says) } == true
        }
    }
}
