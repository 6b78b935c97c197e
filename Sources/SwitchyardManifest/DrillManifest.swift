import SwitchyardCore
import Yams

/// Parses drill scripts (`Docs/drills.md`). Every problem names its line and field; nothing runs until the
/// whole script is valid.
public enum DrillManifest {
    static let topFields = ["name", "description", "seed", "duration", "bundle", "fleet", "traffic", "routing", "policy", "steps", "expect"]
    static let bundleFields = ["version", "validated", "replicas", "max_replicas", "per_replica_concurrency", "cold_start",
                               "scale_up_per_minute", "latency_ms", "error_rate", "refusal_rate", "schema_failure_rate"]
    static let actions = ["promote", "promote_full", "pause", "resume", "abort", "unfreeze", "breaker_reset", "rollback", "freeze"]
    static let expectations = ["tier0_fires_within", "tier1_fires_within", "tier2_fires_within", "restored_within", "no_rollback",
                               "max_failed_requests", "no_oscillation", "drain_within_capacity", "breaker_open", "rollout_ends"]

    public static func load(path: String) throws -> DrillScript {
        try parse(try ManifestFile.read(path), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> DrillScript {
        let reader = YAMLReader(file: file)
        let top = try reader.top(of: text, allowed: topFields)
        let name = top.string("name", required: "the drill's name")
        let duration = top.duration("duration")
        if !top.has("duration") { top.missing("duration", "how long the drill runs, e.g. 30m") }
        let bundles = (top.list("fleet") ?? []).compactMap { readBundle($0.node, path: $0.path, reader: reader) }
        if bundles.isEmpty { top.missing("fleet", "a list of versions with their pools and behaviour") }
        let versions = Set(bundles.map(\.version))
        let traffic = top.mapping("traffic", allowed: ["rps", "tenants"], required: "requests per second and tenants").flatMap {
            readTraffic($0, reader: reader)
        }
        let routing = readRouting(top, versions: versions, reader: reader)
        let policy = top.mapping("policy", allowed: PolicyManifest.sections).map { PolicyManifest.read($0, reader: reader) } ?? ControlPolicy()
        let steps = (top.list("steps") ?? []).compactMap { readStep($0.node, path: $0.path, versions: versions, reader: reader) }
        let expectations = (top.list("expect") ?? []).compactMap { readExpectation($0.node, path: $0.path, reader: reader) }
        if !top.has("expect") { top.missing("expect", "what must happen: \(expectations.isEmpty ? Self.expectations.joined(separator: ", ") : "")") }
        guard reader.issues.isEmpty, let name, let duration, let traffic else { throw ManifestError(file: file, issues: reader.issues) }
        return DrillScript(name: name, description: top.string("description") ?? "", seed: UInt64(top.int("seed", in: 0...Int.max) ?? 1),
                           durationSeconds: duration, bundleName: top.string("bundle") ?? "app", bundles: bundles, traffic: traffic,
                           routing: routing, policy: policy, steps: steps.sorted { $0.atSeconds < $1.atSeconds }, expectations: expectations)
    }

    private static func readBundle(_ node: Node, path: String, reader: YAMLReader) -> DrillBundle? {
        guard let fields = reader.fields(of: node, path: path, allowed: bundleFields),
              let version = fields.string("version", required: "the version, e.g. 2.0.0") else { return nil }
        let replicas = fields.int("replicas", in: 0...10_000) ?? 4
        return DrillBundle(
            version: version, validated: fields.string("validated") == "true", replicas: replicas,
            maxReplicas: fields.int("max_replicas", in: 0...10_000) ?? replicas, perReplicaConcurrency: fields.int("per_replica_concurrency", in: 1...100_000) ?? 8,
            coldStartSeconds: seconds(fields, "cold_start") ?? 60, scaleUpPerMinute: fields.double("scale_up_per_minute", in: 0.01...1000) ?? 2,
            latencyMilliseconds: fields.double("latency_ms", in: 1...600_000) ?? 500, errorRate: fields.double("error_rate", in: 0...1) ?? 0.001,
            refusalRate: fields.double("refusal_rate", in: 0...1) ?? 0.01, schemaFailureRate: fields.double("schema_failure_rate", in: 0...1) ?? 0.005)
    }

    private static func readTraffic(_ fields: Fields, reader: YAMLReader) -> DrillTraffic? {
        var schedule: [DrillTraffic.RatePoint] = []
        if fields.node("rps")?.sequence != nil, let points = fields.list("rps") {
            for point in points {
                guard let item = reader.fields(of: point.node, path: point.path, allowed: ["at", "rps"]) else { continue }
                if let rps = item.double("rps", in: 0...100_000, required: "requests per second from then on") {
                    schedule.append(.init(atSeconds: seconds(item, "at") ?? 0, requestsPerSecond: rps))
                }
            }
        } else if let rps = fields.double("rps", in: 0...100_000, required: "requests per second, or a list of {at, rps}") {
            schedule = [.init(atSeconds: 0, requestsPerSecond: rps)]
        }
        var tenants: [DrillTraffic.TenantShare] = []
        for (name, node) in entries(fields.node("tenants")) {
            guard let share = node.scalar.flatMap({ Double($0.string) }), share > 0 else {
                reader.report(at: node, field: fields.field("tenants.\(name)"), "is not a share; valid: a number above 0")
                continue
            }
            tenants.append(.init(tenant: name, share: share))
        }
        if tenants.isEmpty { tenants = [.init(tenant: "acme", share: 0.5), .init(tenant: "globex", share: 0.5)] }
        let total = tenants.map(\.share).reduce(0, +)
        return DrillTraffic(schedule: schedule, tenants: tenants.map { .init(tenant: $0.tenant, share: $0.share / total) })
    }

    private static func readRouting(_ top: Fields, versions: Set<String>, reader: YAMLReader) -> [String: [String: Int]] {
        var routing: [String: [String: Int]] = [:]
        guard let node = top.node("routing") else {
            top.missing("routing", "the initial split, e.g. {default: {1.0.0: 100}}")
            return routing
        }
        for (tenant, split) in entries(node) {
            let key = tenant == "default" ? RoutingTable.defaultTenant : tenant
            var weights: [String: Int] = [:]
            for (version, value) in entries(split) {
                let field = "routing.\(tenant).\(version)"
                guard versions.contains(version) else {
                    reader.report(at: value, field: field, Suggest.unknown("version", version, in: versions.sorted(), place: "in the fleet"))
                    continue
                }
                guard let percent = value.scalar.flatMap({ Double($0.string) }), (0...100).contains(percent) else {
                    reader.report(at: value, field: field, "is not a percentage; valid: a number from 0 to 100")
                    continue
                }
                weights[version] = Int((percent * 100).rounded())
            }
            if weights.values.reduce(0, +) != fullWeight {
                reader.report(at: split, field: "routing.\(tenant)", "weights add up to \(Double(weights.values.reduce(0, +)) / 100)%; valid: 100%")
            }
            routing[key] = weights
        }
        return routing
    }

    private static func readStep(_ node: Node, path: String, versions: Set<String>, reader: YAMLReader) -> DrillStep? {
        guard let fields = reader.fields(of: node, path: path, allowed: ["at", "rollout", "fault", "action", "await_operator"]) else { return nil }
        let at = seconds(fields, "at")
        if !fields.has("at") { fields.missing("at", "when the step happens, e.g. 2m") }
        let kinds = ["rollout", "fault", "action", "await_operator"].filter(fields.has)
        guard kinds.count == 1 else {
            reader.report(at: node, field: path, "a step has exactly one of rollout, fault, action or await_operator (found \(kinds.isEmpty ? "none" : kinds.joined(separator: ", ")))")
            return nil
        }
        let checkVersion = { (version: String?, field: String, at: Node?) -> Bool in
            guard let version, !versions.contains(version) else { return true }
            reader.report(at: at, field: field, Suggest.unknown("version", version, in: versions.sorted(), place: "in the fleet"))
            return false
        }
        var kind: DrillStep.Kind?
        switch kinds[0] {
        case "rollout":
            guard let rollout = fields.mapping("rollout", allowed: ["canary", "steps"]),
                  let canary = rollout.string("canary", required: "the version to ramp"), checkVersion(canary, rollout.field("canary"), rollout.node("canary")),
                  let items = rollout.list("steps") else { break }
            let steps = items.compactMap { RolloutPlanManifest.readStep($0.node, path: $0.path, reader: reader) }
            kind = .rollout(canary: canary, plan: RolloutPlan(name: "drill-\(canary)", steps: steps))
        case "fault":
            guard let fault = fields.mapping("fault", allowed: ["version", "all", "error_rate", "latency_x", "ttft_x", "refusal_rate",
                                                                "schema_failure_rate", "tool_loop_rate", "cost_x", "capacity_loss", "cold_start"]) else { break }
            let version = fault.string("version")
            if version == nil && fault.string("all") != "true" { fault.missing("version", "the faulty version, or all: true for an environment fault") }
            guard checkVersion(version, fault.field("version"), fault.node("version")) else { break }
            let effects = ["error_rate", "latency_x", "ttft_x", "refusal_rate", "schema_failure_rate", "tool_loop_rate", "cost_x", "capacity_loss", "cold_start"]
            if !effects.contains(where: fault.has) {
                reader.report(at: fields.node("fault"), field: fields.field("fault"), "a fault changes something; give one or more of \(effects.joined(separator: ", "))")
                break
            }
            kind = .fault(DrillFault(version: version, errorRate: fault.double("error_rate", in: 0...1), latencyFactor: fault.double("latency_x", in: 0.01...1000),
                                     ttftFactor: fault.double("ttft_x", in: 0.01...1000), refusalRate: fault.double("refusal_rate", in: 0...1),
                                     schemaFailureRate: fault.double("schema_failure_rate", in: 0...1),
                                     toolLoopRate: fault.double("tool_loop_rate", in: 0...1), costFactor: fault.double("cost_x", in: 0.01...1000), capacityLoss: fault.int("capacity_loss", in: 1...10_000),
                                     coldStartSeconds: fault.duration("cold_start")))
        case "await_operator":
            kind = readPrompt(fields).map { .awaitOperator($0) }
        default:
            kind = readAction(fields, versions: versions, reader: reader).map { .action($0) }
        }
        guard let kind, let at else { return nil }
        return DrillStep(atSeconds: at, kind: kind)
    }

    private static func readPrompt(_ step: Fields) -> OperatorPrompt? {
        guard let prompt = step.mapping("await_operator", allowed: ["prompt", "answer", "within", "unattended_after"]),
              let text = prompt.string("prompt", required: "what the on-call is asked, e.g. 'Errors on 2.0.0 are rising: decide.'") else { return nil }
        let within = prompt.duration("within")
        if !prompt.has("within") { prompt.missing("within", "how long the on-call has to answer, e.g. 5m") }
        let answer = prompt.has("answer") ? prompt.choice("answer", OperatorPrompt.Answer.self) : .any
        guard let within, let answer else { return nil }
        return OperatorPrompt(text: text, answer: answer, withinSeconds: within, unattendedAfterSeconds: prompt.duration("unattended_after"))
    }

    private static func readAction(_ step: Fields, versions: Set<String>, reader: YAMLReader) -> DrillAction? {
        guard let node = step.node("action") else { return nil }
        let field = step.field("action")
        if let word = node.scalar?.string {
            switch word {
            case "promote": return .promote(full: false)
            case "promote_full": return .promote(full: true)
            case "pause": return .pause
            case "resume": return .resume
            case "abort": return .abort
            case "unfreeze": return .unfreeze
            case "breaker_reset": return .breakerReset
            default:
                reader.report(at: node, field: field, Suggest.unknown("action", word, in: actions))
                return nil
            }
        }
        guard let fields = reader.fields(of: node, path: field, allowed: ["rollback", "freeze"]) else { return nil }
        if let rollback = fields.mapping("rollback", allowed: ["to", "tenants", "mode", "warm_first"]) {
            let to = rollback.string("to")
            if let to, !versions.contains(to) {
                reader.report(at: rollback.node("to"), field: rollback.field("to"), Suggest.unknown("version", to, in: versions.sorted(), place: "in the fleet"))
            }
            return .rollback(to: to, tenants: rollback.stringList("tenants") ?? [], mode: rollback.choice("mode", Rollback.Mode.self),
                             warmFirst: rollback.string("warm_first") == "true")
        }
        if let freeze = fields.mapping("freeze", allowed: ["scope", "expires"]) {
            guard let scope = try? Freeze.Scope(parsing: freeze.string("scope") ?? "all") else {
                reader.report(at: freeze.node("scope"), field: freeze.field("scope"), "is not a scope; valid: all, bundle:NAME, tenant:T")
                return nil
            }
            return .freeze(scope: scope, expiresSeconds: freeze.duration("expires"))
        }
        reader.report(at: node, field: field, "valid actions: \(actions.joined(separator: ", "))")
        return nil
    }

    private static func readExpectation(_ node: Node, path: String, reader: YAMLReader) -> DrillExpectation? {
        guard let fields = reader.fields(of: node, path: path, allowed: expectations), fields.values.count == 1, let name = fields.values.keys.first else {
            reader.report(at: node, field: path, "an expectation is one of \(expectations.joined(separator: ", ")), e.g. '- restored_within: 5m'")
            return nil
        }
        switch name {
        case "tier0_fires_within", "tier1_fires_within", "tier2_fires_within":
            return fields.duration(name).map { .tierFiresWithin(tier: Int(String(name.dropFirst(4).prefix(1)))!, seconds: $0) }
        case "restored_within": return fields.duration(name).map { .restoredWithin(seconds: $0) }
        case "max_failed_requests": return fields.int(name, in: 0...Int.max).map { .maxFailedRequests($0) }
        case "breaker_open": return .breakerOpen(fields.string(name) == "true")
        case "rollout_ends":
            let valid = ["completed", "aborted", "running", "paused", "waiting"]
            guard let state = fields.string(name), valid.contains(state) else {
                reader.report(at: fields.node(name), field: fields.field(name), "valid: \(valid.joined(separator: ", "))")
                return nil
            }
            return .rolloutEnds(state)
        case "no_rollback": return .noRollback
        case "no_oscillation": return .noOscillation
        default: return .drainWithinCapacity
        }
    }

    /// A duration that may be zero (`at: 0s`), in seconds.
    private static func seconds(_ fields: Fields, _ name: String) -> Int? {
        guard let text = fields.string(name) else { return nil }
        guard let value = try? DurationText.seconds(text, field: name) else {
            reader(fields).report(at: fields.node(name), field: fields.field(name), "'\(text)' is not a duration; valid: 0s, 90s, 5m, 1h")
            return nil
        }
        return value
    }

    private static func reader(_ fields: Fields) -> YAMLReader { fields.reader }

    /// The keys and values of a mapping node, in order.
    private static func entries(_ node: Node?) -> [(String, Node)] {
        node?.mapping?.compactMap { key, value in key.scalar.map { ($0.string, value) } } ?? []
    }
}
