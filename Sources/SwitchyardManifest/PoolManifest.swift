import SwitchyardCore
import Yams

/// Parses pool manifests: how one bundle is deployed (`Docs/bundles.md`, "Pools").
public enum PoolManifest {
    static let fields = ["bundle", "endpoints", "replicas", "max_concurrency", "cold_start_seconds", "scale_up_per_minute", "api_key_env"]

    public static func load(path: String) throws -> PoolSpec {
        try parse(try ManifestFile.read(path), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> PoolSpec {
        let reader = YAMLReader(file: file)
        let top = try reader.top(of: text, allowed: fields)
        var bundle: BundleRef?
        if let text = top.string("bundle", required: "the bundle this pool serves, NAME@VERSION") {
            bundle = try? BundleRef(parsing: text)
            if bundle == nil { reader.report(at: top.node("bundle"), field: "bundle", "'\(text)' is not NAME@VERSION") }
        }
        let endpoints = top.stringList("endpoints")
        if endpoints == nil { top.missing("endpoints", "a list of backend base URLs, e.g. [http://10.0.0.5:8000]") }
        // Ranges are checked by PoolSpec.problems() below so that the CLI flags and files share one rule.
        let replicas = top.int("replicas", required: "how many replicas serve this bundle")
        let concurrency = top.int("max_concurrency", required: "concurrent requests per replica")
        let coldStart = top.int("cold_start_seconds") ?? 0
        let scaleUp = top.double("scale_up_per_minute") ?? 1
        let apiKeyEnv = top.string("api_key_env")
        guard let bundle, let endpoints, let replicas, let concurrency, reader.issues.isEmpty else {
            throw ManifestError(file: file, issues: reader.issues)
        }
        let spec = PoolSpec(bundle: bundle, endpoints: endpoints, replicas: replicas, maxConcurrency: concurrency,
                            coldStartSeconds: coldStart, scaleUpPerMinute: scaleUp, apiKeyEnv: apiKeyEnv)
        for problem in spec.problems() {
            reader.report(at: top.node(problem.field), field: problem.field, problem.message)
        }
        guard reader.issues.isEmpty else { throw ManifestError(file: file, issues: reader.issues) }
        return spec
    }
}
