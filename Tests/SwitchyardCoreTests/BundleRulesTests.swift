import Testing
@testable import SwitchyardCore

@Suite struct BundleRefTests {
    @Test(arguments: ["app@1.0.0", "support-assistant@2.0.0-rc.1", "x@1+build.5"])
    func parsesValidReferences(text: String) throws {
        #expect(try BundleRef(parsing: text).description == text)
    }

    @Test(arguments: ["app", "@1", "app@", "app@1@2", "-app@1", "app name@1", "app@1 0"])
    func rejectsInvalidReferences(text: String) {
        #expect(throws: SwitchyardError.self) { try BundleRef(parsing: text) }
    }
}

@Suite struct FloatingReferenceTests {
    @Test(arguments: [("llama3", nil), ("llama3", "latest"), ("llama3", "main"), ("llama3", " "), ("llama3:latest", "abc123"), ("gpt-4o-latest", "2024-08-06")])
    func floatingReferencesAreRecognised(id: String, revision: String?) {
        #expect(FloatingReference.reason(model: ModelReference(provider: "p", id: id, revision: revision)) != nil)
    }

    @Test(arguments: ["a1b2c3d", "2024-08-06", "v1.2.3"])
    func pinnedReferencesAreAccepted(revision: String) {
        #expect(FloatingReference.reason(model: ModelReference(provider: "p", id: "acme/x", revision: revision)) == nil)
    }

    @Test func aFloatingTokenizerMakesTheBundleFloat() {
        var bundle = Fixtures.bundle()
        #expect(!bundle.isFloating)
        bundle.tokenizer.revision = "latest"
        #expect(bundle.isFloating)
    }
}

@Suite struct StageTests {
    let ref = Fixtures.ref("app@1.0.0")

    @Test func promotionGoesOneStageAtATime() throws {
        try Stage.candidate.checkTransition(to: .staging, of: ref)
        try Stage.staging.checkTransition(to: .production, of: ref)
        try Stage.production.checkTransition(to: .staging, of: ref)
        try Stage.production.checkTransition(to: .archived, of: ref)
        #expect { try Stage.candidate.checkTransition(to: .production, of: ref) } throws: { error in
            (error as! SwitchyardError).category == .refused
        }
    }

    @Test func archivedIsFinal() {
        for target in [Stage.candidate, .staging, .production] {
            #expect(throws: SwitchyardError.self) { try Stage.archived.checkTransition(to: target, of: ref) }
        }
    }
}

@Suite struct FieldDiffTests {
    @Test func reportsChangedFieldsByPathAndMatchesToolsByName() {
        let old = Fixtures.bundle()
        var new = Fixtures.bundle(temperature: 0.2)
        new.tools.insert(ToolGrant(name: "refund", schemaVersion: "1", permission: .confirm), at: 0)
        let paths = FieldDiff.changes(from: old.canonicalJSON(), to: new.canonicalJSON()).map(\.path)
        #expect(paths == ["decoding.temperature", "tools[refund]"])
    }

    @Test func identicalDocumentsHaveNoChanges() {
        #expect(FieldDiff.changes(from: Fixtures.bundle().canonicalJSON(), to: Fixtures.bundle().canonicalJSON()).isEmpty)
    }

    @Test func summaryShowsBothSides() {
        let change = FieldChange(path: "decoding.temperature", old: .double(0.3), new: nil)
        #expect(change.summary == "decoding.temperature: 0.3 → (absent)")
    }
}

@Suite struct RetentionPolicyTests {
    func version(_ text: String, _ stage: Stage, signedOff: String? = nil) -> RetentionPolicy.Version {
        .init(ref: Fixtures.ref(text), stage: stage, lastSignOff: signedOff)
    }

    @Test func archivesOnlySupersededUnprotectedVersions() {
        let versions = [
            version("app@1", .staging, signedOff: "2026-01-01"),
            version("app@2", .staging, signedOff: "2026-02-01"),
            version("app@3", .staging, signedOff: "2026-03-01"),
            version("app@4", .staging, signedOff: "2026-04-01"),
            version("app@5", .candidate),
            version("app@6", .staging),
            version("app@7", .production, signedOff: "2026-07-01"),
            version("app@8", .candidate),
        ]
        let archived = RetentionPolicy(keepValidated: 3).toArchive(versions, routed: [Fixtures.ref("app@5")])
        // 7, 4, 3 are the last three signed off; 5 is routed; 8 is newer than production.
        #expect(archived == [Fixtures.ref("app@1"), Fixtures.ref("app@2"), Fixtures.ref("app@6")])
    }

    @Test func aNameWithoutAProductionVersionIsLeftAlone() {
        #expect(RetentionPolicy().toArchive([version("app@1", .candidate), version("app@2", .staging)], routed: []).isEmpty)
    }
}

@Suite struct DurationTextTests {
    @Test func parsesAndFormats() throws {
        #expect(try DurationText.seconds("90s", field: "x") == 90)
        #expect(try DurationText.seconds("1h30m", field: "x") == 5400)
        #expect(try DurationText.seconds("2d", field: "x") == 172_800)
        #expect(DurationText.format(5400) == "1h30m")
        #expect(DurationText.format(0) == "0s")
        for bad in ["", "5", "m", "5x", "1.5h", "999999999999999999m", "9223372036854775807s1s"] {
            #expect(throws: SwitchyardError.self) { try DurationText.seconds(bad, field: "x") }
        }
    }
}

@Suite struct JSONSchemaCheckTests {
    @Test func acceptsAUsableSchema() throws {
        let schema = try JSONValue(parsing: #"{"type":"object","required":["a"],"properties":{"a":{"type":"string","maxLength":10}}}"#)
        #expect(JSONSchemaCheck.problems(schema).isEmpty)
    }

    @Test func namesTheBrokenKeyword() throws {
        let schema = try JSONValue(parsing: #"{"type":"objekt","properties":{"a":{"type":"strin"}},"required":"a","maxLength":-1}"#)
        let paths = JSONSchemaCheck.problems(schema).map(\.path).sorted()
        #expect(paths == ["maxLength", "properties.a.type", "required", "type"])
    }
}

@Suite struct PoolSpecTests {
    @Test func reportsEachInvalidField() {
        let spec = PoolSpec(bundle: Fixtures.ref("app@1"), endpoints: ["ftp://x", "http://a:1", "http://a:1"], replicas: -1,
                            maxConcurrency: 0, coldStartSeconds: -5, scaleUpPerMinute: 0)
        let fields = spec.problems().map(\.field)
        #expect(fields == ["endpoints", "endpoints", "replicas", "max_concurrency", "cold_start_seconds", "scale_up_per_minute"])
    }

    @Test func credentialsInAnEndpointOrAKeyInPlaceOfItsVariableAreRefusedWithoutBeingEchoed() {
        let spec = PoolSpec(bundle: Fixtures.ref("app@1"), endpoints: ["https://svc:sk-live-123@models.internal/v1", "http://10.0.0.5:8000/v1?api_key=sk-live-456",
                                                                    "http://10.0.0.6:8000/v1"],
                            replicas: 2, maxConcurrency: 8, apiKeyEnv: "sk-live-789")
        let problems = spec.problems()
        #expect(problems.map(\.field) == ["endpoints", "endpoints", "api_key_env"])
        let text = problems.map(\.message).joined(separator: "\n")
        #expect(text.contains("'https://***@models.internal/v1' carries credentials") && text.contains("'http://10.0.0.5:8000/v1?***' carries credentials"))
        #expect(text.contains("'sk-…' is not an environment variable name"))
        #expect(!text.contains("sk-live"), "a refusal must not print the secret it refuses")
        #expect(PoolSpec(bundle: Fixtures.ref("app@1"), endpoints: ["http://10.0.0.6:8000/v1"], replicas: 1, maxConcurrency: 1,
                         apiKeyEnv: "MODEL_API_KEY_2").problems().isEmpty)
    }

    @Test func capacityIsReplicasTimesConcurrency() {
        let spec = PoolSpec(bundle: Fixtures.ref("app@1"), endpoints: ["http://127.0.0.1:9000"], replicas: 4, maxConcurrency: 16)
        #expect(spec.problems().isEmpty)
        #expect(spec.capacity == 64)
    }
}
