import SwitchyardCore

/// Small, valid domain values for tests.
enum Fixtures {
    static func bundle(_ name: String = "app", _ version: String = "1.0.0", temperature: Double = 0.3) -> ReleaseBundle {
        ReleaseBundle(
            name: name, version: version,
            model: ModelReference(provider: "vllm", id: "acme/app-8b", revision: "a1b2c3d"),
            tokenizer: TokenizerReference(name: "acme/app-8b", revision: "a1b2c3d"),
            decoding: DecodingDefaults(temperature: temperature, maxTokens: 512),
            tools: [ToolGrant(name: "search", schemaVersion: "1", permission: .allow)],
            safety: SafetyPolicyReference(policyId: "acme-safety", version: "4"),
            pricing: Pricing(inputPer1k: 0.0002, outputPer1k: 0.0006))
    }

    static func ref(_ text: String) -> BundleRef { try! BundleRef(parsing: text) }

    /// A valid chain of `count` entries.
    static func chain(_ count: Int) -> [JournalEntry] {
        var entries: [JournalEntry] = []
        for seq in 1...count {
            let draft = JournalDraft(actor: "alice", kind: "route.set", subject: "tenant:*", reason: "step \(seq)",
                                     payload: ["generation": .int(seq)])
            entries.append(JournalEntry(seq: seq, time: "2026-01-01T00:00:0\(seq % 10).000Z", draft: draft,
                                        previousHash: entries.last?.hash ?? JournalEntry.genesisHash))
        }
        return entries
    }
}
