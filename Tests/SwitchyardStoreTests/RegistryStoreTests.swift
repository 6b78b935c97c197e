import Foundation
import SwitchyardCore
import Testing
@testable import SwitchyardStore
import StoreTestSupport

@Suite struct RegistryStoreTests {
    @Test func registeringWritesTheBundleAndItsJournalEntry() throws {
        let fixture = try StoreFixture()
        let outcomes = try fixture.store.addBundles([.init(bundle: StoreFixture.bundle("1.0.0"), promptText: "Be brief.", floating: false)], actor: "alice")
        guard case .added(let record) = outcomes.first else { Issue.record("not added"); return }
        #expect(record.stage == .candidate)
        #expect(record.digest == StoreFixture.bundle("1.0.0").digest)
        #expect(try fixture.store.promptText(digest: Digest.sha256("Be brief.")) == "Be brief.")
        let entries = try fixture.store.journal()
        #expect(entries.map(\.kind) == [JournalKind.bundleAdded])
        #expect(entries[0].actor == "alice")
        #expect(entries[0].subject == "app@1.0.0")
        #expect(entries[0].payload["digest"] == .string(record.digest))
    }

    @Test func registeringIdenticalContentAgainChangesNothing() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0")
        let before = try fixture.snapshot()
        let outcomes = try fixture.store.addBundles([.init(bundle: StoreFixture.bundle("1.0.0"), promptText: "Be brief.", floating: false)], actor: "bob")
        guard case .unchanged = outcomes.first else { Issue.record("expected unchanged"); return }
        #expect(try fixture.snapshot() == before)
    }

    @Test func differentContentUnderAnExistingVersionIsRefusedWithTheFieldsThatDiffer() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0")
        let before = try fixture.snapshot()
        #expect {
            try fixture.store.addBundles([.init(bundle: StoreFixture.bundle("1.0.0", temperature: 0.9), promptText: "Be brief.", floating: false)], actor: "bob")
        } throws: { error in
            let error = error as! SwitchyardError
            return error.category == .refused && error.message.contains("decoding.temperature: 0.3 → 0.9")
        }
        #expect(try fixture.snapshot() == before)
    }

    @Test func aBatchIsAllOrNothing() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0")
        let before = try fixture.snapshot()
        let batch: [SwitchyardStore.Registration] = [
            .init(bundle: StoreFixture.bundle("2.0.0"), promptText: "Be brief.", floating: false),
            .init(bundle: StoreFixture.bundle("1.0.0", temperature: 0.5), promptText: "Be brief.", floating: false),
        ]
        #expect(throws: SwitchyardError.self) { try fixture.store.addBundles(batch, actor: "bob") }
        #expect(try fixture.store.bundle(StoreFixture.ref("2.0.0")) == nil)
        #expect(try fixture.snapshot() == before)
    }

    @Test func stageChangesFollowTheRulesAndAreJournaled() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0")
        let ref = StoreFixture.ref("1.0.0")
        let before = try fixture.snapshot()
        #expect(throws: SwitchyardError.self) { try fixture.store.setStage(ref, to: .production, actor: "alice", reason: "skip") }
        #expect(try fixture.snapshot() == before)
        try fixture.store.setStage(ref, to: .staging, actor: "alice", reason: "soak")
        let record = try fixture.store.setStage(ref, to: .production, actor: "alice", reason: "ship", skipEvaluation: true)
        #expect(record.stage == .production)
        let stages = try fixture.store.journal(JournalFilter(kind: "bundle.stage"))
        #expect(stages.map(\.payload) == [["from": "candidate", "to": "staging"],
                                          ["from": "staging", "to": "production", "evaluation": ["skipped": "ship", "reports": 0]]])
        #expect(stages.map(\.reason) == ["soak", "ship"])
    }

    @Test func signOffsAreRecordedWithActorTimeAndReason() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0")
        fixture.clock.advance(by: 60)
        let record = try fixture.store.signOff(StoreFixture.ref("1.0.0"), actor: "carol", reason: "golden suite passed")
        #expect(record.lastSignOff == SignOff(actor: "carol", reason: "golden suite passed", time: Timestamp.format(fixture.clock.now())))
        #expect(try fixture.store.journal(JournalFilter(kind: JournalKind.bundleValidated)).count == 1)
    }

    @Test func unknownBundlesAreNamedWithWhatIsRegistered() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0", "1.1.0")
        #expect { try fixture.store.requireBundle(StoreFixture.ref("9.9.9")) } throws: { error in
            (error as! SwitchyardError).hint == "registered versions of app: 1.0.0, 1.1.0"
        }
    }

    @Test func pruneKeepsTheLastSignedOffVersionsAndRoutedBundles() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1", "2", "3", "4", "5", "6")
        for version in ["1", "2", "3", "4"] {
            fixture.clock.advance(by: 1)
            try fixture.store.signOff(StoreFixture.ref(version), actor: "alice", reason: "ok")
        }
        try fixture.store.setRoute(tenant: "*", route: TenantRoute(weights: [.init(bundle: StoreFixture.ref("5"), basisPoints: 10000)]), actor: "alice", reason: "r")
        try fixture.store.setStage(StoreFixture.ref("6"), to: .staging, actor: "alice", reason: "r")
        try fixture.store.setStage(StoreFixture.ref("6"), to: .production, actor: "alice", reason: "r", skipEvaluation: true)
        let planned = try fixture.store.prune(keepValidated: 3, actor: "alice", reason: "tidy", dryRun: true)
        #expect(planned == [StoreFixture.ref("1")])
        #expect(try fixture.store.bundle(StoreFixture.ref("1"))?.stage == .candidate)
        let archived = try fixture.store.prune(keepValidated: 3, actor: "alice", reason: "tidy", dryRun: false)
        #expect(archived == planned)
        #expect(try fixture.store.bundle(StoreFixture.ref("1"))?.stage == .archived)
        #expect(try fixture.store.journal(JournalFilter(kind: JournalKind.bundleArchived)).map(\.subject) == ["app@1"])
    }

    @Test func verifyPassesOnAnUntouchedRegistry() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0", "2.0.0")
        let result = try fixture.store.verifyRegistry()
        #expect(result.checked == 2)
        #expect(result.problems.isEmpty)
    }

    @Test func theJournalChainVerifiesAfterManyChanges() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0", "2.0.0")
        for step in 0..<20 {
            let weight = step * 500
            try fixture.store.setRoute(tenant: "*", route: TenantRoute(weights: [
                .init(bundle: StoreFixture.ref("1.0.0"), basisPoints: 10000 - weight),
                .init(bundle: StoreFixture.ref("2.0.0"), basisPoints: weight),
            ]), actor: "alice", reason: "ramp \(step)")
        }
        let report = try fixture.store.verifyJournal()
        #expect(report.isIntact)
        #expect(report.entriesChecked == 24)
        #expect(try fixture.store.journalHead()?.seq == 24)
    }

    @Test func readingAMissingStateDirectoryExplainsWhatToDo() {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nothing-\(UUID().uuidString)").path
        #expect { try SwitchyardStore(directory: directory, clock: ManualClock(), create: false) } throws: { error in
            let error = error as! SwitchyardError
            return error.message.contains("no Switchyard state in") && error.hint?.contains("--state") == true
        }
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}

@Suite struct FreezeStoreTests {
    @Test func aFreezeRefusesStageChangesUntilLiftedAndIsJournaled() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0")
        let ref = StoreFixture.ref("1.0.0")
        try fixture.store.setStage(ref, to: .staging, actor: "alice", reason: "soak")
        try fixture.store.freeze(scope: .all, reason: "INC-7 latency", actor: "bob", expiresAfterSeconds: nil)
        let before = try fixture.snapshot()
        #expect { try fixture.store.setStage(ref, to: .production, actor: "alice", reason: "ship") } throws: { error in
            (error as! SwitchyardError).message.contains("by bob") && (error as! SwitchyardError).category == .refused
        }
        #expect(try fixture.snapshot() == before)
        try fixture.store.setStage(ref, to: .archived, actor: "alice", reason: "retire during the incident")
        let kinds = try fixture.store.journal().map(\.kind)
        #expect(kinds.suffix(2) == [JournalKind.freezeDeclared, JournalKind.bundleStage])
        try fixture.store.unfreeze(scope: nil, reason: "INC-7 resolved", actor: "bob")
        #expect(try fixture.store.activeFreezes(at: fixture.clock.now()).isEmpty)
        #expect(throws: SwitchyardError.self) { try fixture.store.unfreeze(scope: nil, reason: "again", actor: "bob") }
    }

    @Test func anOverrideIsJournaledAsSuch() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0")
        let ref = StoreFixture.ref("1.0.0")
        try fixture.store.setStage(ref, to: .staging, actor: "alice", reason: "soak")
        try fixture.store.freeze(scope: .bundle("app"), reason: "INC-8", actor: "bob", expiresAfterSeconds: 3600)
        try fixture.store.setStage(ref, to: .production, actor: "carol", reason: "hotfix is the fix", overrideFreeze: true, skipEvaluation: true)
        let entry = try #require(try fixture.store.journal(JournalFilter(kind: JournalKind.bundleStage)).last)
        #expect(entry.payload["freeze_overridden"] == .string("bundle:app by bob: INC-8"))
        #expect(entry.reason == "hotfix is the fix")
    }

    @Test func productionNeedsAPassingEvaluationReport() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0")
        let ref = StoreFixture.ref("1.0.0")
        try fixture.store.setStage(ref, to: .staging, actor: "alice", reason: "soak")
        let suite = EvalSuite(name: "golden", cases: [], digest: "d1")
        func report(passing: Bool) -> EvalReport {
            EvalReport(bundle: ref, suite: suite, baseline: nil,
                       results: [EvalCaseResult(id: "refund-json", passed: passing, failures: passing ? [] : ["not schema-valid"], outputTokens: 9)],
                       baselineResults: [])
        }
        let before = try fixture.snapshot()
        #expect { try fixture.store.setStage(ref, to: .production, actor: "alice", reason: "ship") } throws: { error in
            let error = error as! SwitchyardError
            return error.category == .refused && error.message == "app@1.0.0 has no passing evaluation report; production needs one"
                && error.hint?.contains("switchyard eval run app@1.0.0 --suite FILE") == true
        }
        #expect(try fixture.snapshot() == before, "a refused promotion changes nothing")

        let failed = try fixture.store.recordEvalReport(report(passing: false), actor: "alice")
        #expect { try fixture.store.setStage(ref, to: .production, actor: "alice", reason: "ship") } throws: { error in
            (error as! SwitchyardError).message.contains("its newest report, #\(failed), failed: golden: 0 of 1 case(s) passed")
        }
        let passed = try fixture.store.recordEvalReport(report(passing: true), actor: "alice")
        try fixture.store.setStage(ref, to: .production, actor: "alice", reason: "ship")
        let entry = try #require(try fixture.store.journal(JournalFilter(kind: JournalKind.bundleStage)).last)
        #expect(entry.payload["evaluation"]?["report_id"] == .int(passed))
        #expect(try fixture.store.evalReports(ref).map(\.report.passed) == [false, true])
        try fixture.store.setStage(ref, to: .staging, actor: "alice", reason: "regressed")
        try fixture.store.recordEvalReport(report(passing: false), actor: "alice")
        #expect(throws: SwitchyardError.self, "a newer failure outweighs the older pass") {
            try fixture.store.setStage(ref, to: .production, actor: "alice", reason: "ship again")
        }
        try fixture.store.setStage(ref, to: .production, actor: "alice", reason: "INC-9: cannot wait", skipEvaluation: true)
        let skipped = try #require(try fixture.store.journal(JournalFilter(kind: JournalKind.bundleStage)).last)
        #expect(skipped.payload["evaluation"] == ["skipped": "INC-9: cannot wait", "reports": 3], "the skip counts every report on file")
        let journaled = try fixture.store.journal(JournalFilter(kind: JournalKind.evalReport))
        #expect(journaled.map(\.reason) == ["golden: 0 of 1 case(s) passed (0%, 100% required): FAILED", "golden: 1 of 1 case(s) passed (100%, 100% required): passed",
                                            "golden: 0 of 1 case(s) passed (0%, 100% required): FAILED"])
    }

    @Test func anExpiredFreezeNoLongerHolds() throws {
        let fixture = try StoreFixture()
        try fixture.deploy("1.0.0")
        try fixture.store.freeze(scope: .all, reason: "short", actor: "bob", expiresAfterSeconds: 60)
        #expect(try fixture.store.activeFreezes(at: fixture.clock.now()).count == 1)
        fixture.clock.advance(by: 61)
        #expect(try fixture.store.activeFreezes(at: fixture.clock.now()).isEmpty)
        try fixture.store.setStage(StoreFixture.ref("1.0.0"), to: .staging, actor: "alice", reason: "after the freeze")
    }
}
