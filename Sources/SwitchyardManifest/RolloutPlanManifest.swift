import Foundation
import SwitchyardCore
import Yams

/// Parses rollout plans (`Docs/operations.md`, "Rollout plans"). Weights are percentages, as in Argo Rollouts.
///
///     name: support-assistant-2.0.0
///     steps:
///       - setWeight: 5
///       - pause: 10m
///       - analysis: {metrics: [latency, error_rate], window: 5m, minimum_samples: 100}
///       - setTenant: {tenant: acme, weight: 50}
///       - pause: until_promoted
///       - setWeight: 100
public enum RolloutPlanManifest {
    static let stepKinds = ["setWeight", "pause", "analysis", "mirror", "setTenant"]

    public static func load(path: String) throws -> RolloutPlan {
        try parse(try ManifestFile.read(path), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> RolloutPlan {
        let reader = YAMLReader(file: file)
        let top = try reader.top(of: text, allowed: ["name", "steps"])
        let name = top.string("name", required: "the plan's name")
        guard let items = top.list("steps"), !items.isEmpty else {
            if top.has("steps") { reader.report(at: top.node("steps"), field: "steps", "a plan needs at least one step") }
            else { top.missing("steps", "the list of steps: setWeight, pause, analysis, mirror, setTenant") }
            throw ManifestError(file: file, issues: reader.issues)
        }
        let steps = items.compactMap { readStep($0.node, path: $0.path, reader: reader) }
        guard reader.issues.isEmpty, let name else { throw ManifestError(file: file, issues: reader.issues) }
        return RolloutPlan(name: name, steps: steps)
    }

    static func readStep(_ node: Node, path: String, reader: YAMLReader) -> RolloutStep? {
        guard let mapping = node.mapping, mapping.count == 1, let (key, value) = mapping.first, let kind = key.scalar?.string else {
            reader.report(at: node, field: path, "a step is one of \(stepKinds.joined(separator: ", ")), e.g. '- setWeight: 10'")
            return nil
        }
        let field = "\(path).\(kind)"
        switch kind {
        case "setWeight":
            if value.mapping != nil {
                guard let fields = reader.fields(of: value, path: field, allowed: ["weight", "tenant"]),
                      let points = percent(fields, "weight", reader: reader) else { return nil }
                return .setWeight(basisPoints: points, tenant: fields.string("tenant"))
            }
            return percent(value, field: field, reader: reader).map { .setWeight(basisPoints: $0, tenant: nil) }
        case "mirror":
            return percent(value, field: field, reader: reader).map { .mirror(basisPoints: $0) }
        case "setTenant":
            guard let fields = reader.fields(of: value, path: field, allowed: ["tenant", "weight"]) else { return nil }
            let tenant = fields.string("tenant", required: "the tenant to move")
            guard let points = percent(fields, "weight", reader: reader), let tenant else { return nil }
            return .setTenant(tenant: tenant, basisPoints: points)
        case "pause":
            let text = value.scalar?.string ?? ""
            if value.mapping?.count == 0 || text == "until_promoted" { return .pause(seconds: nil) }
            guard let seconds = try? DurationText.seconds(text, field: field) else {
                reader.report(at: value, field: field, "'\(text)' is not a pause; valid: a duration (90s, 10m, 1h) or until_promoted")
                return nil
            }
            return .pause(seconds: seconds)
        case "analysis":
            guard let fields = reader.fields(of: value, path: field, allowed: ["metrics", "window", "minimum_samples"]) else { return nil }
            let metrics = fields.stringList("metrics") ?? []
            if metrics.isEmpty { fields.missing("metrics", "what to judge: \(AnalysisStep.knownMetrics.joined(separator: ", "))") }
            for metric in metrics where !AnalysisStep.knownMetrics.contains(metric) {
                reader.report(at: fields.node("metrics"), field: "\(field).metrics", Suggest.unknown("metric", metric, in: AnalysisStep.knownMetrics))
            }
            let window = fields.duration("window") ?? 300
            let samples = fields.int("minimum_samples", in: 1...1_000_000) ?? MetricJudge.defaults.minimumSamples
            return .analysis(AnalysisStep(metrics: metrics, windowSeconds: window, minimumSamples: samples))
        default:
            reader.report(at: key, field: field, Suggest.unknown("step", kind, in: stepKinds))
            return nil
        }
    }

    /// A percentage (5, 12.5 or "12.5%") as basis points.
    private static func percent(_ node: Node, field: String, reader: YAMLReader) -> Int? {
        let text = (node.scalar?.string ?? "").replacingOccurrences(of: "%", with: "")
        guard let points = try? WeightSpec.basisPoints(text + "%", in: field) else {
            reader.report(at: node, field: field, "'\(node.scalar?.string ?? "")' is not a percentage; valid: 0 to 100, at most two decimals")
            return nil
        }
        return points
    }

    private static func percent(_ fields: Fields, _ key: String, reader: YAMLReader) -> Int? {
        guard let node = fields.node(key) else {
            fields.missing(key, "a percentage from 0 to 100")
            return nil
        }
        return percent(node, field: fields.field(key), reader: reader)
    }
}
