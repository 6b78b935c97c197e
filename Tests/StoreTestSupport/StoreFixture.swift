import Foundation
import SwitchyardCore
import SwitchyardStore

/// A store in a fresh temporary directory, removed when the fixture is released.
public final class StoreFixture {
    public let directory: String
    public let clock = ManualClock()
    public let store: SwitchyardStore

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-\(UUID().uuidString)").path
        store = try SwitchyardStore(directory: directory, clock: clock, create: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    public static func bundle(_ version: String, temperature: Double = 0.3) -> ReleaseBundle {
        ReleaseBundle(
            name: "app", version: version,
            model: ModelReference(provider: "vllm", id: "acme/app-8b", revision: "a1b2c3d"),
            tokenizer: TokenizerReference(name: "acme/app-8b", revision: "a1b2c3d"),
            decoding: DecodingDefaults(temperature: temperature),
            systemPrompt: SystemPrompt(digest: Digest.sha256("Be brief."), policy: .prepend),
            safety: SafetyPolicyReference(policyId: "s", version: "1"),
            pricing: Pricing(inputPer1k: 0.1, outputPer1k: 0.2))
    }

    public static func ref(_ version: String) -> BundleRef { BundleRef(name: "app", version: version) }

    /// Registers and deploys `versions`.
    public func deploy(_ versions: String...) throws { try deploy(versions) }

    /// Registers and deploys `versions`.
    public func deploy(_ versions: [String]) throws {
        _ = try store.addBundles(versions.map { .init(bundle: Self.bundle($0), promptText: "Be brief.", floating: false) }, actor: "alice")
        for version in versions {
            try store.setPool(PoolSpec(bundle: Self.ref(version), endpoints: ["http://127.0.0.1:9000"], replicas: 2, maxConcurrency: 8),
                              actor: "alice", reason: "deploy")
        }
    }

    /// Everything that must not move when a change is refused.
    public func snapshot() throws -> String {
        let bundles = try store.bundles().map { "\($0.ref) \($0.stage.rawValue) \($0.signOffs.count)" }
        let routing = try store.routing().table
        return "\(bundles) \(try JSONValue(encoding: routing).canonicalText) \(try store.journal().count) \(try store.pools().count)"
    }
}
