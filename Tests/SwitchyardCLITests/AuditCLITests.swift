import Foundation
import Testing

/// Tampering with the state database behind Switchyard's back, with the sqlite3 tool, must be caught and named.
@Suite struct AuditCLITests {
    /// A state with 9 journal entries: 3 bundles, 3 pools, 3 routing changes.
    func seeded() throws -> CLIHarness {
        let cli = CLIHarness()
        try cli.seedExamples()
        for weight in ["90%", "50%", "0%"] {
            let result = try cli.execute(CLIHarness.binary.path, [
                "route", "set", "support-assistant@1.0.0=\(weight)", "support-assistant@1.1.0=\(100 - Int(weight.dropLast())!)%",
                "--reason", "ramp", "--state", cli.state,
            ])
            #expect(result.code == 0, "\(result.stderr)")
        }
        let clean = try cli.run("audit", "verify")
        #expect(clean.code == 0)
        #expect(clean.stdout.contains("journal: 9 entries, chain intact"))
        return cli
    }

    @Test func theTriggersRefuseEditsThroughSQLite() throws {
        let cli = try seeded()
        let result = try cli.execute("sqlite3", ["\(cli.state)/switchyard.sqlite", "UPDATE journal SET reason = 'x' WHERE seq = 2"])
        #expect(result.code != 0)
        #expect(result.stderr.contains("append-only"))
    }

    @Test func anEditedEntryIsNamed() throws {
        let cli = try seeded()
        try cli.sql("DROP TRIGGER journal_no_update; UPDATE journal SET reason = 'routine' WHERE seq = 7")
        let result = try cli.run("audit", "verify")
        #expect(result.code == 1)
        #expect(result.stderr.contains("journal: BROKEN at entry 7: entry 7 was edited"))
        let json = try cli.execute(CLIHarness.binary.path, ["audit", "verify", "--json", "--state", cli.state])
        #expect(json.code == 1)
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(report["problem_seq"] as? Int == 7)
        #expect(report["intact"] as? Bool == false)
    }

    @Test func anAcknowledgedBreakIsListedAndTheChainIsCheckedOnFromIt() throws {
        let cli = try seeded()
        let intact = try cli.run("audit", "acknowledge", "--reason", "nothing happened")
        #expect(intact.code == 2 && intact.stderr.contains("nothing to acknowledge: the journal's chain is intact"))
        try cli.sql("DROP TRIGGER journal_no_update; UPDATE journal SET reason = 'routine' WHERE seq = 7")
        let acknowledged = try cli.run("audit", "acknowledge", "--reason", "INC-42: restored nothing, evidence kept")
        #expect(acknowledged.code == 0, "\(acknowledged.stderr)")
        #expect(acknowledged.stdout.contains("acknowledged the break at entry 7 (entry 7 was edited: its content no longer matches its hash) as entry #10"))
        let verified = try cli.run("audit", "verify")
        #expect(verified.code == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("journal: acknowledged break at entry 7: entry 7 was edited"))
        #expect(verified.stdout.contains("journal: 10 entries, chain intact from each acknowledged break on"))
        let route = try cli.run("route", "set", "support-assistant@1.0.0=100%", "--reason", "after the incident")
        #expect(route.code == 0, "\(route.stderr)")
        try cli.sql("UPDATE journal SET reason = 'nobody saw this' WHERE seq = 11")
        let later = try cli.run("audit", "verify")
        #expect(later.code == 1)
        #expect(later.stderr.contains("BROKEN at entry 11: entry 11 was edited"), "a later break is still caught: \(later.stderr)")
    }

    @Test func entriesDeletedFromTheEndCanBeAcknowledged() throws {
        let cli = try seeded()
        try cli.sql("DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq >= 8")
        #expect(try cli.run("audit", "verify").code == 1)
        let acknowledged = try cli.run("audit", "acknowledge", "--reason", "INC-43")
        #expect(acknowledged.stdout.contains("acknowledged the break at entry 8 (entries 8–9 were deleted from the end of the journal) as entry #10"),
                "\(acknowledged.stdout)\(acknowledged.stderr)")
        let verified = try cli.run("audit", "verify")
        #expect(verified.code == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("acknowledged break at entry 8: entries 8–9 were deleted"))
    }

    @Test(arguments: [
        ("DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 5", "BROKEN at entry 5: entry 5 was deleted"),
        ("DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq >= 8", "entries 8–9 were deleted from the end of the journal"),
        ("""
         DROP TRIGGER journal_no_update;
         UPDATE journal SET seq = -1 WHERE seq = 3;
         UPDATE journal SET seq = 3 WHERE seq = 6;
         UPDATE journal SET seq = 6 WHERE seq = -1;
         """, "BROKEN at entry 3: entries were reordered: the entry at position 3 was written as entry 6"),
    ])
    func deletedAndReorderedEntriesAreNamed(tampering: String, says: String) throws {
        let cli = try seeded()
        try cli.sql(tampering)
        let result = try cli.run("audit", "verify")
        #expect(result.code == 1)
        #expect(result.stderr.contains(says), "\(result.stderr)")
    }

    @Test func aTamperedBundleManifestIsNamed() throws {
        let cli = try seeded()
        try cli.sql("""
            DROP TRIGGER bundles_are_immutable;
            UPDATE bundles SET manifest = replace(manifest, '"temperature":0.2', '"temperature":0.9') WHERE version = '2.0.0';
            """)
        let registry = try cli.run("registry", "verify")
        #expect(registry.code == 1)
        #expect(registry.stderr.contains("support-assistant@2.0.0: manifest was changed after registration"))
        let audit = try cli.run("audit", "verify")
        #expect(audit.code == 1)
        #expect(audit.stderr.contains("journal: 9 entries, chain intact"))
        #expect(audit.stderr.contains("registry: support-assistant@2.0.0"))
    }

    @Test func aReplacedBundleRowIsCaughtByTheJournaledDigest() throws {
        let cli = try seeded()
        // A careful attacker recomputes the digest column too; the digest in the journal still disagrees.
        try cli.sql("""
            DROP TRIGGER bundles_are_immutable;
            UPDATE bundles SET digest = (SELECT digest FROM bundles WHERE version = '1.1.0'),
                               manifest = replace((SELECT manifest FROM bundles WHERE version = '1.1.0'), '1.1.0', '1.0.0')
            WHERE version = '1.0.0';
            """)
        let result = try cli.run("registry", "verify")
        #expect(result.code == 1)
        #expect(result.stderr.contains("support-assistant@1.0.0"))
    }
}

@Suite struct HistoryCLITests {
    @Test func historyFiltersByKindSinceAndLimit() throws {
        let cli = CLIHarness()
        try cli.seedExamples()
        let all = try cli.json("history") as! [[String: Any]]
        #expect(all.count == 6)
        #expect(all.map { $0["seq"] as? Int } == [1, 2, 3, 4, 5, 6])
        #expect((try cli.json("history", "--kind", "bundle") as! [[String: Any]]).count == 3)
        #expect((try cli.json("history", "--kind", "bundle.added") as! [[String: Any]]).count == 3)
        #expect((try cli.json("history", "--kind", "bund") as! [[String: Any]]).isEmpty)
        #expect((try cli.json("history", "--since", "1h") as! [[String: Any]]).count == 6)
        #expect((try cli.json("history", "--since", "2999-01-01T00:00:00Z") as! [[String: Any]]).isEmpty)
        let last = try cli.json("history", "--limit", "2") as! [[String: Any]]
        #expect(last.map { $0["seq"] as? Int } == [5, 6])
        let text = try cli.run("history")
        #expect(text.stdout.hasPrefix("#  TIME (UTC)"))
        #expect(try cli.run("history", "--since", "yesterday").code == 2)
    }

    @Test func completionsAndHelpWork() throws {
        let cli = CLIHarness()
        let completion = try cli.run("--generate-completion-script", "bash", state: false)
        #expect(completion.code == 0)
        #expect(completion.stdout.contains("_switchyard"))
        let help = try cli.run("--help", state: false)
        #expect(help.code == 0)
        #expect(help.stdout.contains("Exit codes: 0 ok, 1 failure, 2 usage error, 3 refused, 4 target not warm."))
    }
}
