import Foundation
import Testing

@Suite struct RolloutCLITests {
    let plan = """
        name: canary
        steps:
          - setWeight: 10
          - pause: 10m
          - setTenant: {tenant: acme, weight: 50}
          - pause: until_promoted
          - setWeight: 100
        """

    func prepared() throws -> (CLIHarness, String) {
        let cli = CLIHarness()
        try cli.seedExamples()
        #expect(try cli.run("route", "set", "support-assistant@1.0.0=100%", "--reason", "baseline").code == 0)
        return (cli, try cli.write("plan.yaml", plan))
    }

    func defaultRoute(_ cli: CLIHarness) throws -> [String: Int] {
        let table = (try cli.json("route", "show") as! [String: Any])["table"] as! [String: Any]
        let route = (table["routes"] as! [String: Any])["*"] as! [String: Any]
        var out: [String: Int] = [:]
        for weight in route["weights"] as! [[String: Any]] {
            let bundle = weight["bundle"] as! [String: Any]
            out["\(bundle["name"]!)@\(bundle["version"]!)"] = weight["basis_points"] as? Int
        }
        return out
    }

    @Test func aRolloutRampsPromotesAndIsJournaledWithItsGenerations() throws {
        let (cli, plan) = try prepared()
        let start = try cli.run("rollout", "start", "support-assistant@2.0.0", "--plan", plan, "--reason", "ship 2.0.0")
        #expect(start.code == 0, "\(start.stderr)")
        #expect(start.stdout.contains("→ now  2. pause 10m"))
        #expect(try defaultRoute(cli) == ["support-assistant@1.0.0": 9000, "support-assistant@2.0.0": 1000])
        #expect(try cli.run("rollout", "start", "support-assistant@1.1.0", "--plan", plan, "--reason", "second").code == 3)
        #expect(try cli.run("rollout", "promote", "--reason", "pause skipped").stdout.contains("waiting for promotion"))
        #expect(try cli.run("rollout", "promote", "--reason", "acme is happy").stdout.contains("completed"))
        #expect(try defaultRoute(cli) == ["support-assistant@2.0.0": 10000])
        let entries = try cli.json("history", "--kind", "rollout") as! [[String: Any]]
        #expect(entries.map { $0["kind"] as? String } == ["rollout.start", "rollout.promote", "rollout.promote"])
        #expect(entries.allSatisfy { ($0["payload"] as! [String: Any])["generation"] != nil })
        let status = try cli.json("rollout", "status") as! [String: Any]
        #expect((status["canary_weights"] as? [String: Int])?["acme"] == 5000)
        #expect(try cli.run("audit", "verify").code == 0)
    }

    @Test func aFreezeBlocksPromotionButNotAbort() throws {
        let (cli, plan) = try prepared()
        #expect(try cli.run("rollout", "start", "support-assistant@2.0.0", "--plan", plan, "--reason", "ship").code == 0)
        #expect(try cli.run("freeze", "--reason", "INC-3").code == 0)
        let refused = try cli.run("rollout", "promote", "--reason", "go")
        #expect(refused.code == 3)
        #expect(refused.stderr.contains("INC-3"))
        #expect(try cli.run("rollout", "start", "support-assistant@1.1.0", "--plan", plan, "--reason", "x").code == 3)
        #expect(try cli.run("rollout", "promote", "--override-freeze", "--reason", "the fix itself").code == 0)
        let promoted = (try cli.json("history", "--kind", "rollout.promote") as! [[String: Any]]).last!
        #expect((promoted["payload"] as! [String: Any])["freeze_overridden"] as? String == "all by \(NSUserName()): INC-3")
        let abort = try cli.run("rollout", "abort", "--reason", "error spike")
        #expect(abort.code == 0, "\(abort.stderr)")
        #expect(abort.stdout.contains("aborted"))
        #expect(try defaultRoute(cli) == ["support-assistant@1.0.0": 10000])
        #expect(try cli.run("rollout", "pause", "--reason", "x").code == 1, "nothing is in progress after an abort")
    }

    @Test func aCanaryThatCannotServeIsRefusedAndNothingChanges() throws {
        let (cli, plan) = try prepared()
        let undeployed = try cli.write("chat.yaml", """
            name: support-assistant
            version: 9.0.0
            model: {provider: vllm, id: acme/support-llm-8b, revision: abc1234}
            tokenizer: {name: acme/support-llm-8b, revision: abc1234}
            decoding: {temperature: 0.2}
            safety: {policy_id: s, version: "1"}
            pricing: {input_per_1k: 0.1, output_per_1k: 0.2}
            """)
        #expect(try cli.run("registry", "add", undeployed).code == 0)
        let before = try cli.run("status", "--json").stdout
        let refused = try cli.run("rollout", "start", "support-assistant@9.0.0", "--plan", plan, "--reason", "ship")
        #expect(refused.code == 3)
        #expect(refused.stderr.contains("has no pool"))
        #expect(try cli.run("status", "--json").stdout == before)
        #expect(try cli.run("rollout", "status").code == 1, "the refused start left no rollout behind")
    }
}
