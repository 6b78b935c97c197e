import Foundation
import SwitchyardCore

/// Reads a bundle manifest's `contracts:` section (`Docs/bundles.md`, "Contracts").
///
///     contracts:
///       interface: {response_schema: {type: object, required: [answer]}}
///       cost: {max_usd_per_request: 0.01, max_usd_per_tenant_hour: 20}
///       reliability: {timeout_ms: 30000, max_tool_call_depth: 6}
///       experience: {max_output_tokens: 800, citation_pattern: '\[KB-\d+\]'}
///       safety: {refusal_band: [0.01, 0.08]}
enum ContractsManifest {
    static func read(_ top: Fields) -> BundleContracts? {
        guard let section = top.mapping("contracts", allowed: ["interface", "cost", "reliability", "experience", "safety"]) else { return nil }
        var contracts = BundleContracts()
        if let interface = section.mapping("interface", allowed: ["response_schema"]) {
            contracts.interface = readSchema(interface)
        }
        if let cost = section.mapping("cost", allowed: ["max_usd_per_request", "max_usd_per_tenant_hour"]) {
            contracts.cost = CostContract(maxUSDPerRequest: cost.double("max_usd_per_request", in: 0...1000),
                                          maxUSDPerTenantHour: cost.double("max_usd_per_tenant_hour", in: 0...1_000_000))
            declares(cost, contracts.cost?.maxUSDPerRequest != nil || contracts.cost?.maxUSDPerTenantHour != nil,
                     "max_usd_per_request, max_usd_per_tenant_hour")
        }
        if let reliability = section.mapping("reliability", allowed: ["timeout_ms", "max_tool_call_depth"]) {
            contracts.reliability = ReliabilityContract(timeoutMs: reliability.int("timeout_ms", in: 1...3_600_000),
                                                        maxToolCallDepth: reliability.int("max_tool_call_depth", in: 1...1000))
            declares(reliability, contracts.reliability?.timeoutMs != nil || contracts.reliability?.maxToolCallDepth != nil,
                     "timeout_ms, max_tool_call_depth")
        }
        if let experience = section.mapping("experience", allowed: ["max_output_tokens", "citation_pattern"]) {
            contracts.experience = ExperienceContract(maxOutputTokens: experience.int("max_output_tokens", in: 1...10_000_000),
                                                      citationPattern: readPattern(experience))
            declares(experience, contracts.experience?.maxOutputTokens != nil || contracts.experience?.citationPattern != nil,
                     "max_output_tokens, citation_pattern")
        }
        if let safety = section.mapping("safety", allowed: ["refusal_band"]) {
            contracts.safety = readBand(safety)
        }
        if contracts == BundleContracts() {
            section.reader.report(at: section.node, field: "contracts", "declares nothing: give interface, cost, reliability, experience or safety, or remove it")
        }
        return contracts
    }

    /// Reports a contract part that was given but sets none of its fields.
    private static func declares(_ part: Fields, _ anything: Bool, _ fields: String) {
        if !anything { part.reader.report(at: part.node, field: part.path, "declares nothing; give one or more of \(fields)") }
    }

    private static func readSchema(_ interface: Fields) -> InterfaceContract? {
        guard let node = interface.node("response_schema") else {
            interface.missing("response_schema", "the JSON Schema every structured answer must meet")
            return nil
        }
        guard let schema = node.jsonValue() else {
            interface.reader.report(at: node, field: "contracts.interface.response_schema", "must be plain JSON-compatible YAML (no aliases)")
            return nil
        }
        for problem in JSONSchemaCheck.problems(schema) {
            let field = "contracts.interface.response_schema" + (problem.path.isEmpty ? "" : ".\(problem.path)")
            interface.reader.report(at: node, field: field, "invalid JSON Schema: \(problem.message)")
        }
        return InterfaceContract(responseSchema: schema)
    }

    private static func readPattern(_ experience: Fields) -> String? {
        guard let pattern = experience.string("citation_pattern") else { return nil }
        guard experience.reader.acceptsRegex(pattern, at: experience.node("citation_pattern"), field: experience.field("citation_pattern")) else {
            return nil
        }
        return pattern
    }

    private static func readBand(_ safety: Fields) -> SafetyContract? {
        let field = safety.field("refusal_band")
        guard let items = safety.list("refusal_band") else {
            safety.missing("refusal_band", "the refusal rates allowed, as [lowest, highest], e.g. [0.01, 0.08]")
            return nil
        }
        let rates = items.compactMap { $0.node.scalar.flatMap { Double($0.string) } }
        guard rates.count == 2, items.count == 2, (0...1).contains(rates[0]), (0...1).contains(rates[1]), rates[0] <= rates[1] else {
            safety.reader.report(at: safety.node("refusal_band"), field: field,
                                 "must be two rates from 0 to 1, lowest first, e.g. [0.01, 0.08]")
            return nil
        }
        return SafetyContract(minRefusalRate: rates[0], maxRefusalRate: rates[1])
    }
}
