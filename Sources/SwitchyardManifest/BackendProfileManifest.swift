import SwitchyardCore
import Yams

/// Parses fake-backend profiles: the model served, speed and injected faults (`Docs/router.md`, "Fake backend").
public enum BackendProfileManifest {
    static let fields = [
        "model", "revision", "ttft", "tokens_per_second", "output_tokens", "error_rate", "malformed_rate",
        "refusal_rate", "stream_break_rate", "cold_start_seconds", "max_concurrency", "tool_call_rate", "prompt_cache",
    ]

    public static func load(path: String) throws -> BackendProfile {
        try parse(try ManifestFile.read(path), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> BackendProfile {
        let reader = YAMLReader(file: file)
        let top = try reader.top(of: text, allowed: fields)
        let defaults = BackendProfile(model: "", revision: "")
        let model = top.string("model", required: "the model id this backend serves")
        let revision = top.string("revision", required: "the revision it reports in /v1/models")
        var ttft = defaults.ttft
        if let latency = top.mapping("ttft", allowed: ["p50_ms", "p99_ms"]) {
            ttft.p50Ms = latency.double("p50_ms", in: 0...600_000) ?? ttft.p50Ms
            ttft.p99Ms = latency.double("p99_ms", in: 0...600_000) ?? max(ttft.p99Ms, ttft.p50Ms)
        }
        var profile = BackendProfile(
            model: model ?? "", revision: revision ?? "", ttft: ttft,
            tokensPerSecond: top.double("tokens_per_second") ?? defaults.tokensPerSecond,
            outputTokens: top.int("output_tokens") ?? defaults.outputTokens,
            errorRate: top.double("error_rate") ?? 0,
            malformedRate: top.double("malformed_rate") ?? 0,
            refusalRate: top.double("refusal_rate") ?? 0,
            streamBreakRate: top.double("stream_break_rate") ?? 0,
            coldStartSeconds: top.double("cold_start_seconds") ?? 0,
            maxConcurrency: top.int("max_concurrency") ?? defaults.maxConcurrency)
        profile.toolCallRate = top.double("tool_call_rate") ?? 0
        profile.promptCache = top.bool("prompt_cache") ?? false
        for problem in profile.problems() {
            reader.report(at: top.node(problem.field) ?? top.node, field: problem.field, problem.message)
        }
        guard reader.issues.isEmpty else { throw ManifestError(file: file, issues: reader.issues) }
        return profile
    }
}
