import Foundation
import SwitchyardTestSupport
import Testing

@Suite struct RegistryCLITests {
    @Test func registeringTheExamplesThenAgainIsIdempotent() throws {
        let cli = CLIHarness()
        try cli.seedExamples()
        let again = try cli.run("registry", "add", "Docs/examples/support-assistant-1.0.0.yaml")
        #expect(again.code == 0)
        #expect(again.stdout.contains("unchanged"))
        let list = try cli.json("registry", "list") as! [[String: Any]]
        #expect(list.count == 3)
        #expect(try cli.journalCount() == 6)
    }

    @Test func changedContentUnderAnExistingVersionExitsThreeAndNamesTheFields() throws {
        let cli = CLIHarness()
        try cli.seedExamples()
        let original = try String(contentsOfFile: cli.root.appendingPathComponent("Docs/examples/support-assistant-1.0.0.yaml").path, encoding: .utf8)
        let promptDirectory = cli.root.appendingPathComponent("Docs/examples").path
        let changed = original.replacingOccurrences(of: "temperature: 0.3", with: "temperature: 0.7")
            .replacingOccurrences(of: "file: prompts/", with: "file: \(promptDirectory)/prompts/")
        let path = try cli.write("changed.yaml", changed)
        let result = try cli.run("registry", "add", path)
        #expect(result.code == 3)
        #expect(result.stderr.contains("support-assistant@1.0.0 is already registered with different content"))
        #expect(result.stderr.contains("decoding.temperature: 0.3 → 0.7"))
        #expect(try cli.journalCount() == 6)
    }

    @Test func aFloatingModelIsRefusedUnlessAllowedAndThenMarked() throws {
        let cli = CLIHarness()
        let floating = try cli.write("floating.yaml", """
            name: chat
            version: "1"
            model: {provider: openai, id: gpt-4o, revision: latest}
            tokenizer: {name: o200k_base, revision: "2024-05-13"}
            decoding: {temperature: 0.5}
            safety: {policy_id: s, version: "1"}
            pricing: {input_per_1k: 0.0025, output_per_1k: 0.01}
            """)
        let refused = try cli.run("registry", "add", floating)
        #expect(refused.code == 3)
        #expect(refused.stderr.contains("floating.yaml:3:"))
        #expect(refused.stderr.contains("model.revision"))
        #expect(refused.stderr.contains("Pin it"))
        #expect(refused.stderr.contains("--allow-floating"))
        #expect(!FileManager.default.fileExists(atPath: cli.state + "/switchyard.sqlite"))

        let allowed = try cli.run("registry", "add", "--allow-floating", floating)
        #expect(allowed.code == 0)
        #expect(allowed.stdout.contains("[FLOATING]"))
        let status = try cli.run("status")
        #expect(status.stdout.contains("FLOATING: chat@1 not pinned"))
    }

    @Test func aMalformedManifestExitsOneNamesTheLineAndChangesNothing() throws {
        let cli = CLIHarness()
        try cli.seedExamples()
        let bad = try cli.write("bad.yaml", """
            name: chat
            version: "2"
            model: {provider: vllm, id: acme/x, revision: abc1234}
            tokenizer: {name: acme/x, revision: abc1234}
            decoding: {temperature: 0.5, top_k: 40}
            safety: {policy_id: s, version: "1"}
            pricing: {input_per_1k: 0.1, output_per_1k: 0.2}
            """)
        let result = try cli.run("registry", "add", "Docs/examples/support-assistant-2.0.0.yaml", bad)
        #expect(result.code == 1)
        #expect(result.stderr.contains("bad.yaml:5:"))
        #expect(result.stderr.contains("unknown field 'top_k' in decoding"))
        #expect(result.stderr.contains("nothing was changed"))
        #expect(try cli.journalCount() == 6)
    }

    @Test func showDiffAndVerifyDescribeTheBundles() throws {
        let cli = CLIHarness()
        try cli.seedExamples()
        let show = try cli.run("registry", "show", "support-assistant@1.1.0")
        #expect(show.code == 0)
        #expect(show.stdout.contains("issue_refund v1 (confirm)"))
        #expect(show.stdout.contains("pool           4 × 16 concurrent"))
        let diff = try cli.run("registry", "diff", "support-assistant@1.1.0", "support-assistant@2.0.0")
        #expect(diff.stdout.contains("model.revision: \"a1b2c3d4e5f6\" → \"9f8e7d6c5b4a\""))
        #expect(diff.stdout.contains("decoding.max_tokens: 1024 → 768"))
        #expect(diff.stdout.contains("safety.version: \"4\" → \"5\""))
        let changes = try cli.json("registry", "diff", "support-assistant@1.0.0", "support-assistant@1.1.0") as! [[String: Any]]
        #expect(changes.contains { $0["path"] as? String == "tools[lookup_order].schema_version" })
        let verify = try cli.run("registry", "verify")
        #expect(verify.code == 0)
        #expect(verify.stdout.contains("3 bundles, every digest matches"))
    }

    @Test func stagesSignOffsAndPruneGoThroughTheCLI() throws {
        let cli = CLIHarness()
        try cli.seedExamples()
        #expect(try cli.run("registry", "stage", "support-assistant@1.0.0", "production", "--reason", "skip").code == 3)
        #expect(try cli.run("registry", "stage", "support-assistant@1.0.0", "live", "--reason", "x").code == 2)
        #expect(try cli.run("registry", "stage", "support-assistant@1.0.0", "staging").code == 2)
        #expect(try cli.run("registry", "validate", "support-assistant@1.0.0", "--reason", "golden suite").code == 0)
        for version in ["1.1.0", "2.0.0"] {
            #expect(try cli.run("registry", "stage", "support-assistant@\(version)", "staging", "--reason", "soak").code == 0)
        }
        let ungated = try cli.run("registry", "stage", "support-assistant@2.0.0", "production", "--reason", "ship")
        #expect(ungated.code == 3 && ungated.stderr.contains("has no passing evaluation report"))
        #expect(try cli.run("registry", "stage", "support-assistant@2.0.0", "production", "--reason", "ship", "--skip-eval").code == 0)
        let dry = try cli.run("registry", "prune", "--keep-validated", "1", "--dry-run")
        #expect(dry.stdout == "would archive support-assistant@1.1.0\n")
        let pruned = try cli.run("registry", "prune", "--keep-validated", "1", "--reason", "tidy")
        #expect(pruned.stdout == "archived support-assistant@1.1.0\n")
        let bundles = try cli.json("registry", "list") as! [[String: Any]]
        #expect(bundles.map { $0["stage"] as? String } == ["candidate", "archived", "production"])
    }

    @Test func showListsTheContractsABundleDeclares() throws {
        let cli = CLIHarness()
        #expect(try cli.run("registry", "add", "Tests/Fuzz/Corpus/bundle/with-contracts.yaml").code == 0)
        let shown = try cli.run("registry", "show", "support-assistant@2.0.0").stdout
        #expect(shown.contains("contracts      cost.max_usd_per_request=0.002\n               cost.max_usd_per_tenant_hour=20\n"))
        #expect(shown.contains("               safety.max_refusal_rate=0.08\n               safety.min_refusal_rate=0.01\n"))
    }

    @Test func unknownBundlesAndMissingStateAreFailures() throws {
        let cli = CLIHarness()
        let missing = try cli.run("status")
        #expect(missing.code == 1)
        #expect(missing.stderr.contains("no Switchyard state in"))
        try cli.seedExamples()
        let unknown = try cli.run("registry", "show", "support-assistant@9.9.9")
        #expect(unknown.code == 1)
        #expect(unknown.stderr.contains("registered versions of support-assistant: 1.0.0, 1.1.0, 2.0.0"))
        #expect(try cli.run("registry", "show", "not-a-ref").code == 2)
        #expect(try cli.run("registry", "frobnicate").code == 2)
    }
}

/// Every malformed manifest, through the real CLI against a populated store: a clear error naming the
/// file and line, exit 1, and nothing changed.
@Suite struct MalformedManifestCLITests {
    @Test(arguments: malformedCases)
    func aMalformedManifestChangesNothing(_ malformed: MalformedCase) throws {
        let cli = CLIHarness()
        try cli.seedExamples()
        let before = try cli.run("status", "--json").stdout
        let path = try cli.write("bad.yaml", malformed.text.replacingOccurrences(of: "name: app\n", with: "name: support-assistant\n"))
        let result = try cli.run("registry", "add", path)
        #expect(result.code == 1, "\(malformed.name): \(result.stderr)")
        #expect(result.stderr.contains("bad.yaml:\(malformed.line):"), "\(malformed.name): \(result.stderr)")
        #expect(result.stderr.contains("nothing was changed"))
        #expect(try cli.run("status", "--json").stdout == before)
    }
}
