import Foundation
import SwitchyardCore
import SwitchyardTestSupport
import Testing
@testable import SwitchyardManifest

@Suite struct BundleManifestTests {
    @Test func aValidManifestParsesAndKeepsVersionTextAsWritten() throws {
        let parsed = try BundleManifest.parse(validManifest, file: "app.yaml")
        #expect(parsed.bundle.ref.description == "app@1.10")
        #expect(parsed.bundle.decoding.temperature == 0.3)
        #expect(parsed.promptText == "You are helpful.")
        #expect(parsed.bundle.systemPrompt?.digest == Digest.sha256("You are helpful."))
        #expect(parsed.floating.isEmpty)
    }

    @Test func contractsParseIntoTheBundle() throws {
        let text = validManifest + """

            contracts:
              interface: {response_schema: {type: object, required: [answer]}}
              cost: {max_usd_per_request: 0.01, max_usd_per_tenant_hour: 20}
              reliability: {timeout_ms: 30000, max_tool_call_depth: 6}
              experience: {max_output_tokens: 800, citation_pattern: '\\[KB-\\d+\\]'}
              safety: {refusal_band: [0.01, 0.08]}
            """
        let contracts = try #require(try BundleManifest.parse(text, file: "app.yaml").bundle.contracts)
        #expect(contracts.interface?.responseSchema == ["type": "object", "required": ["answer"]])
        #expect(contracts.cost == CostContract(maxUSDPerRequest: 0.01, maxUSDPerTenantHour: 20))
        #expect(contracts.reliability == ReliabilityContract(timeoutMs: 30000, maxToolCallDepth: 6))
        #expect(contracts.experience == ExperienceContract(maxOutputTokens: 800, citationPattern: #"\[KB-\d+\]"#))
        #expect(contracts.safety == SafetyContract(minRefusalRate: 0.01, maxRefusalRate: 0.08))
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
