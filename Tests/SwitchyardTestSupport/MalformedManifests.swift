/// Manifests shared by the manifest and CLI suites: one valid, and many broken in one way each.

import Foundation

/// A valid manifest; malformed cases are made by replacing one of its lines.
public let validManifest = """
    name: app
    version: 1.10
    model:
      provider: vllm
      id: acme/app-8b
      revision: a1b2c3d
    tokenizer:
      name: acme/app-8b
      revision: a1b2c3d
    decoding:
      temperature: 0.3
      max_tokens: 512
    system_prompt:
      text: You are helpful.
      policy: prepend
    tools:
      - name: search
        schema_version: "1"
        permission: allow
    safety:
      policy_id: acme-safety
      version: "4"
    pricing:
      input_per_1k: 0.0002
      output_per_1k: 0.0006
    """

/// One malformed manifest and the problem it must report.
public struct MalformedCase: CustomStringConvertible, Sendable {
    public var name: String
    public var replace: String
    public var with: String
    public var line: Int
    public var field: String
    public var says: String

    public var description: String { name }

    /// The valid manifest with this case's damage applied.
    public var text: String {
        precondition(validManifest.contains(replace), "\(name): '\(replace)' is not in the manifest")
        return validManifest.replacingOccurrences(of: replace, with: with)
    }
}

public let malformedCases: [MalformedCase] = [
    .init(name: "bad YAML", replace: "  temperature: 0.3", with: "  temperature: [0.3", line: 12, field: "", says: "invalid YAML"),
    .init(name: "missing model", replace: "model:\n  provider: vllm\n  id: acme/app-8b\n  revision: a1b2c3d\n", with: "",
          line: 1, field: "model", says: "is required"),
    .init(name: "missing tokenizer name", replace: "  name: acme/app-8b\n", with: "", line: 7, field: "tokenizer.name", says: "is required"),
    .init(name: "unknown top-level key", replace: "pricing:", with: "pricng:", line: 23, field: "pricng",
          says: "unknown field 'pricng' at the top level; did you mean 'pricing'?"),
    .init(name: "unknown nested key (typo)", replace: "  temperature: 0.3", with: "  temprature: 0.3", line: 11,
          field: "decoding.temprature", says: "did you mean 'temperature'?"),
    .init(name: "temperature out of range", replace: "temperature: 0.3", with: "temperature: 3.5", line: 11,
          field: "decoding.temperature", says: "3.5 is out of range; valid: a number from 0 to 2"),
    .init(name: "number given as text", replace: "max_tokens: 512", with: "max_tokens: lots", line: 12,
          field: "decoding.max_tokens", says: "'lots' is not a whole number"),
    .init(name: "negative price", replace: "input_per_1k: 0.0002", with: "input_per_1k: -1", line: 24,
          field: "pricing.input_per_1k", says: "out of range"),
    .init(name: "duplicate tool names", replace: "    permission: allow", with: "    permission: allow\n  - name: search\n    schema_version: \"2\"\n    permission: deny",
          line: 20, field: "tools[1].name", says: "tool 'search' is already declared at line 17"),
    .init(name: "invalid tool permission", replace: "permission: allow", with: "permission: sometimes", line: 19,
          field: "tools[0].permission", says: "'sometimes' is not valid; valid: allow, confirm, deny"),
    .init(name: "invalid JSON Schema", replace: "safety:", with: "output_validation:\n  json_schema:\n    type: objekt\nsafety:",
          line: 22, field: "output_validation.json_schema.type", says: "invalid JSON Schema"),
    .init(name: "invalid rule regex", replace: "safety:", with: "output_validation:\n  rules:\n    - must_match: \"([a-z\"\nsafety:",
          line: 22, field: "output_validation.rules[0].must_match", says: "not a valid regular expression"),
    .init(name: "unknown rule", replace: "safety:", with: "output_validation:\n  rules:\n    - max_char: 10\nsafety:",
          line: 22, field: "output_validation.rules[0].max_char", says: "did you mean 'max_chars'?"),
    .init(name: "prompt both text and file", replace: "  policy: prepend", with: "  file: p.txt\n  policy: prepend", line: 14,
          field: "system_prompt", says: "either text or file, not both"),
    .init(name: "invalid prompt policy", replace: "policy: prepend", with: "policy: append", line: 15,
          field: "system_prompt.policy", says: "valid: prepend, replace, none"),
    .init(name: "invalid bundle name", replace: "name: app\n", with: "name: my app\n", line: 1, field: "name", says: "is not valid"),
    .init(name: "mapping where text belongs", replace: "  provider: vllm", with: "  provider: {a: b}", line: 4,
          field: "model.provider", says: "expected text, found a mapping"),
    .init(name: "repeated key", replace: "  max_tokens: 512", with: "  max_tokens: 512\n  max_tokens: 256", line: 12,
          field: "", says: "field 'max_tokens' appears twice"),
    .init(name: "list where mapping belongs", replace: "safety:\n  policy_id: acme-safety\n  version: \"4\"", with: "safety: [acme-safety]",
          line: 20, field: "safety", says: "expected a mapping"),
    .init(name: "empty file", replace: validManifest, with: "", line: 1, field: "", says: "the file is empty"),
    .init(name: "too many stop sequences", replace: "  max_tokens: 512", with: "  max_tokens: 512\n  stop: [a, b, c, d, e]", line: 13,
          field: "decoding.stop", says: "valid: at most 4"),
    .init(name: "empty contracts", replace: pricingEnd, with: pricingEnd + "\ncontracts: {}", line: 26,
          field: "contracts", says: "declares nothing: give interface, cost, reliability, experience or safety, or remove it"),
    .init(name: "contract part that declares nothing", replace: pricingEnd, with: pricingEnd + "\ncontracts:\n  cost: {}", line: 27,
          field: "contracts.cost", says: "declares nothing; give one or more of max_usd_per_request, max_usd_per_tenant_hour"),
    .init(name: "refusal band upside down", replace: pricingEnd, with: pricingEnd + "\ncontracts:\n  safety:\n    refusal_band: [0.2, 0.1]", line: 28,
          field: "contracts.safety.refusal_band", says: "two rates from 0 to 1, lowest first"),
    .init(name: "invalid citation pattern", replace: pricingEnd, with: pricingEnd + "\ncontracts:\n  experience:\n    citation_pattern: \"[KB-\"",
          line: 28, field: "contracts.experience.citation_pattern", says: "not a valid regular expression"),
    .init(name: "empty citation pattern", replace: pricingEnd, with: pricingEnd + "\ncontracts:\n  experience:\n    citation_pattern: \"\"",
          line: 28, field: "contracts.experience.citation_pattern", says: "must not be empty"),
    .init(name: "unknown contract", replace: pricingEnd, with: pricingEnd + "\ncontracts:\n  latency: {p99_ms: 100}", line: 27,
          field: "contracts.latency", says: "unknown field 'latency' in contracts"),
    .init(name: "invalid response schema", replace: pricingEnd, with: pricingEnd + "\ncontracts:\n  interface:\n    response_schema:\n      type: objekt",
          line: 29, field: "contracts.interface.response_schema.type", says: "invalid JSON Schema"),
    .init(name: "tool-call depth of zero", replace: pricingEnd, with: pricingEnd + "\ncontracts:\n  reliability: {max_tool_call_depth: 0}", line: 27,
          field: "contracts.reliability.max_tool_call_depth", says: "0 is out of range"),
]

/// The manifest's last line, where contract cases append a `contracts:` section.
let pricingEnd = "  output_per_1k: 0.0006"

