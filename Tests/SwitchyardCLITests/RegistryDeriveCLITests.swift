import Foundation
import SwitchyardTestSupport
import Testing

/// `registry derive`: a new bundle that differs from its base only in the components taken.
@Suite struct RegistryDeriveCLITests {
    func changedFields(_ cli: CLIHarness, _ from: String, _ to: String) throws -> [String] {
        let changes = try cli.json("registry", "diff", from, to) as! [[String: Any]]
        return changes.map { $0["path"] as! String }.sorted()
    }

    @Test func aDerivedBundleDiffersFromItsBaseOnlyInTheTakenComponent() throws {
        let cli = CLIHarness()
        try cli.seedExamples()
        let derive = try cli.run("registry", "derive", "2.0.1", "--from", "support-assistant@2.0.0",
                                 "--take", "prompt=support-assistant@1.0.0", "--reason", "INC-7: the v2 prompt leaks internal names")
        #expect(derive.code == 0, "\(derive.stderr)")
        #expect(derive.stdout.contains("registered support-assistant@2.0.1"))
        #expect(derive.stdout.contains("support-assistant@2.0.0 with prompt from support-assistant@1.0.0"))
        #expect(derive.stdout.contains("give it that pool: switchyard pool set support-assistant@2.0.1 --endpoint"))
        let fromBase = try changedFields(cli, "support-assistant@2.0.0", "support-assistant@2.0.1")
        #expect(!fromBase.isEmpty && fromBase.allSatisfy { $0.hasPrefix("system_prompt") }, "\(fromBase)")
        let fromDonor = try changedFields(cli, "support-assistant@1.0.0", "support-assistant@2.0.1")
        #expect(!fromDonor.contains { $0.hasPrefix("system_prompt") }, "\(fromDonor)")
        #expect(fromDonor.contains("model.revision"), "the weights stay 2.0.0's")
        let show = try cli.run("registry", "show", "support-assistant@2.0.1")
        #expect(show.code == 0 && show.stdout.contains("9f8e7d6c5b4a"), "\(show.stdout)")

        let entries = try cli.json("history", "--kind", "bundle", "--json") as! [[String: Any]]
        let entry = try #require(entries.last { ($0["subject"] as? String) == "support-assistant@2.0.1" })
        #expect(entry["reason"] as? String == "derived from support-assistant@2.0.0, taking prompt from support-assistant@1.0.0: INC-7: the v2 prompt leaks internal names")
        let payload = try #require(entry["payload"] as? [String: Any])
        #expect(payload["derived_from"] as? String == "support-assistant@2.0.0")
        #expect(payload["taken"] as? [String: String] == ["prompt": "support-assistant@1.0.0"])
        #expect(try cli.run("registry", "verify").code == 0)
        let again = try cli.run("registry", "derive", "2.0.1", "--from", "support-assistant@2.0.0",
                                "--take", "prompt=support-assistant@1.0.0", "--reason", "re-run")
        #expect(again.code == 0 && again.stdout.contains("unchanged  support-assistant@2.0.1 is already registered with this content"))
    }

    @Test func aDeriveThatWouldChangeNothingOrCannotBeReadIsRefusedAndChangesNothing() throws {
        let cli = CLIHarness()
        try cli.seedExamples()
        let before = try cli.journalCount()
        let same = try cli.run("registry", "derive", "1.1.1", "--from", "support-assistant@1.1.0",
                               "--take", "safety=support-assistant@1.0.0", "--reason", "r")
        #expect(same.code == 3)
        #expect(same.stderr.contains("support-assistant@1.1.0 already has support-assistant@1.0.0's safety; taking it would change nothing"))
        let twice = try cli.run("registry", "derive", "2.0.1", "--from", "support-assistant@2.0.0",
                                "--take", "prompt=support-assistant@1.0.0", "--take", "prompt=support-assistant@1.1.0", "--reason", "r")
        #expect(twice.code == 2 && twice.stderr.contains("--take prompt is given twice"))
        let unknown = try cli.run("registry", "derive", "2.0.1", "--from", "support-assistant@2.0.0", "--take", "weights=support-assistant@1.0.0",
                                  "--reason", "r")
        #expect(unknown.code == 2 && unknown.stderr.contains("--take 'weights=support-assistant@1.0.0' is not COMPONENT=NAME@VERSION"))
        #expect(unknown.stderr.contains("components: prompt, decoding, tools, retrieval, validation, safety"))
        let none = try cli.run("registry", "derive", "2.0.1", "--from", "support-assistant@2.0.0", "--reason", "r")
        #expect(none.code == 2 && none.stderr.contains("derive needs at least one --take COMPONENT=NAME@VERSION"))
        let taken = try cli.run("registry", "derive", "1.0.0", "--from", "support-assistant@2.0.0",
                                "--take", "prompt=support-assistant@1.0.0", "--reason", "r")
        #expect(taken.code == 3 && taken.stderr.contains("support-assistant@1.0.0 is already registered with different content"))
        #expect(try cli.journalCount() == before)
    }
}
