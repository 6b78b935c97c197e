import Foundation
import Testing

@Suite struct RoutingCLITests {
    @Test func routeSetCommitsGenerationsAndStatusShowsThem() throws {
        let cli = CLIHarness()
        try cli.seedExamples()
        let set = try cli.run("route", "set", "support-assistant@1.0.0=90%", "support-assistant@1.1.0=1000", "--reason", "canary")
        #expect(set.code == 0, "\(set.stderr)")
        #expect(set.stdout.contains("generation 1 committed"))
        let tenant = try cli.run("route", "set", "--tenant", "acme", "support-assistant@1.0.0=100%",
                                 "--shadow", "support-assistant@2.0.0=5%", "--max-session-age", "10m", "--reason", "acme shadow")
        #expect(tenant.code == 0, "\(tenant.stderr)")
        let routing = try cli.json("route", "show") as! [String: Any]
        let table = routing["table"] as! [String: Any]
        #expect(table["generation"] as? Int == 2)
        let acme = (table["routes"] as! [String: Any])["acme"] as! [String: Any]
        #expect(acme["max_session_age_seconds"] as? Int == 600)
        #expect((acme["shadow"] as! [String: Any])["sample_basis_points"] as? Int == 500)
        let status = try cli.run("status")
        #expect(status.stdout.contains("default            support-assistant@1.0.0 90%, support-assistant@1.1.0 10%"))
        #expect(status.stdout.contains("shadow support-assistant@2.0.0 5%"))
        #expect(try cli.run("route", "unset", "--tenant", "acme", "--reason", "done").code == 0)
        let history = try cli.json("history", "--kind", "route") as! [[String: Any]]
        #expect(history.map { $0["reason"] as? String } == ["canary", "acme shadow", "done"])
    }

    @Test(arguments: [
        (["support-assistant@1.0.0=90%", "support-assistant@1.1.0=5%"], Int32(2), "weights sum to 95%"),
        (["support-assistant@1.0.0=100%", "support-assistant@1.0.0=0"], Int32(2), "appears twice"),
        (["support-assistant@7.0.0=100%"], Int32(1), "support-assistant@7.0.0 is not registered"),
        (["support-assistant@1.0.0=ninety"], Int32(2), "is not a weight"),
    ])
    func badRoutesAreRefusedAndChangeNothing(weights: [String], code: Int32, says: String) throws {
        let cli = CLIHarness()
        try cli.seedExamples()
        let before = try cli.journalCount()
        let result = try cli.execute(CLIHarness.binary.path, ["route", "set"] + weights + ["--reason", "r", "--state", cli.state])
        #expect(result.code == code)
        #expect(result.stderr.contains(says), "\(result.stderr)")
        #expect(try cli.journalCount() == before)
        #expect(((try cli.json("route", "show") as! [String: Any])["table"] as! [String: Any])["generation"] as? Int == 0)
    }

    @Test func archivedBundlesAreRefusedAndAReasonIsRequired() throws {
        let cli = CLIHarness()
        try cli.seedExamples()
        #expect(try cli.run("registry", "stage", "support-assistant@2.0.0", "archived", "--reason", "bad eval").code == 0)
        let archived = try cli.run("route", "set", "support-assistant@2.0.0=100%", "--reason", "r")
        #expect(archived.code == 3)
        #expect(archived.stderr.contains("archived"))
        let noReason = try cli.run("route", "set", "support-assistant@1.0.0=100%")
        #expect(noReason.code == 2)
        #expect(noReason.stderr.contains("a reason is required"))
        let blank = try cli.run("route", "set", "support-assistant@1.0.0=100%", "--reason", "  ")
        #expect(blank.code == 2)
    }

    @Test func poolSetCreatesAndUpdatesWithFlags() throws {
        let cli = CLIHarness()
        try cli.seedExamples()
        let scaled = try cli.run("pool", "set", "support-assistant@2.0.0", "--replicas", "6", "--cold-start", "2m", "--reason", "scale up")
        #expect(scaled.code == 0, "\(scaled.stderr)")
        #expect(scaled.stdout.contains("6 replicas × 16 = 96 concurrent, cold start 2m"))
        let negative = try cli.run("pool", "set", "support-assistant@2.0.0", "--replicas", "-1", "--reason", "oops")
        #expect(negative.code == 2)
        #expect(negative.stderr.contains("replicas"))
        let history = try cli.json("history", "--kind", "pool.set", "--limit", "1") as! [[String: Any]]
        #expect(history.first?["reason"] as? String == "scale up")
    }
}

@Suite struct FreezeCLITests {
    @Test func aFreezeShowsInStatusBlocksPromotionAndLifts() throws {
        let cli = CLIHarness()
        try cli.seedExamples()
        #expect(try cli.run("registry", "stage", "support-assistant@2.0.0", "staging", "--reason", "soak").code == 0)
        #expect(try cli.run("route", "set", "support-assistant@1.0.0=100%", "--reason", "in service").code == 0)
        let frozen = try cli.run("freeze", "--reason", "INC-9 error spike", "--expires", "2h")
        #expect(frozen.code == 0, "\(frozen.stderr)")
        #expect(try cli.run("status").stdout.contains("FROZEN (all) by"))
        let refused = try cli.run("registry", "stage", "support-assistant@2.0.0", "production", "--reason", "ship")
        #expect(refused.code == 3)
        #expect(refused.stderr.contains("INC-9 error spike"))
        #expect(refused.stderr.contains("--override-freeze"))
        #expect(try cli.run("route", "set", "support-assistant@1.0.0=100%", "--reason", "roll back by hand").code == 0, "routing changes stay allowed")
        let fresh = try cli.run("route", "set", "support-assistant@1.0.0=90%", "support-assistant@2.0.0=10%", "--reason", "sneak it in")
        #expect(fresh.code == 3, "a bundle that never served would open a new cache namespace")
        #expect(fresh.stderr.contains("support-assistant@2.0.0 has never served, and frozen (all) by"))
        let overridden = try cli.run("route", "set", "support-assistant@1.0.0=90%", "support-assistant@2.0.0=10%", "--override-freeze",
                                     "--reason", "the fix itself")
        #expect(overridden.code == 0, "\(overridden.stderr)")
        let entry = try #require((try cli.json("history", "--kind", "route") as? [[String: Any]])?.last)
        let note = ((entry["payload"] as? [String: Any])?["freeze_overridden"] as? [String])?.first ?? ""
        #expect(note.hasPrefix("all by ") && note.hasSuffix(": INC-9 error spike"))
        #expect(try cli.run("route", "set", "support-assistant@1.0.0=100%", "--reason", "back").code == 0)
        #expect(try cli.run("freeze", "--scope", "team:x", "--reason", "r").code == 2)
        #expect(try cli.run("unfreeze", "--reason", "INC-9 resolved").code == 0)
        #expect(try cli.run("registry", "stage", "support-assistant@2.0.0", "production", "--reason", "ship", "--skip-eval").code == 0)
        let kinds = (try cli.json("history", "--kind", "freeze") as! [[String: Any]]).map { $0["kind"] as? String }
        #expect(kinds == ["freeze.declared", "freeze.lifted"])
    }
}
