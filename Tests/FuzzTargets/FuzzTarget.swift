import Foundation
import SwitchyardCore
import SwitchyardManifest

/// One input-handling surface under fuzzing. Each takes arbitrary bytes and must neither crash nor break
/// its property; a broken property traps, which libFuzzer reports as a finding with the input that did it.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case bundle, pool, plan, policy, drill, theme, profile
    /// A golden-prompt suite for `eval run`.
    case eval
    /// The journal reader's payload text: parsed, its canonical text must parse back to the same text
    /// (every entry's hash is computed over it).
    case journalPayload = "journal-payload"
    /// A client's request body with a bundle applied, for every endpoint kind: the pinned model always wins.
    case request
    /// An upstream server-sent-events stream: scanning it whole or cut in two anywhere gives the same summary.
    case stream
    /// An answer checked against a JSON schema (`schema` NUL `answer`), as the client's and as a bundle's interface
    /// contract, and its text against a citation pattern made of the schema's text.
    case contract

    /// Runs one input.
    public func run(_ data: [UInt8]) {
        switch self {
        case .bundle, .pool, .plan, .policy, .drill, .theme, .profile, .eval: parseManifest(String(decoding: data, as: UTF8.self))
        case .journalPayload: roundTripPayload(data)
        case .request: applyBundle(data)
        case .stream: scanStream(data)
        case .contract: checkContract(data)
        }
    }

    private static let file = "fuzz.yaml"

    /// A manifest either parses or is refused with a ManifestError naming the file; nothing else may escape.
    private func parseManifest(_ text: String) {
        do {
            switch self {
            case .bundle: _ = try BundleManifest.parse(text, file: Self.file)
            case .pool: _ = try PoolManifest.parse(text, file: Self.file)
            case .plan: _ = try RolloutPlanManifest.parse(text, file: Self.file)
            case .policy: _ = try PolicyManifest.parse(text, file: Self.file)
            case .drill: _ = try DrillManifest.parse(text, file: Self.file)
            case .theme: _ = try ThemeManifest.parse(text, file: Self.file)
            case .eval: _ = try EvalSuiteManifest.parse(text, file: Self.file)
            default: _ = try BackendProfileManifest.parse(text, file: Self.file)
            }
        } catch let error as ManifestError {
            precondition("\(error)".contains(Self.file), "a refusal that does not name the file: \(error)")
        } catch {
            preconditionFailure("\(rawValue): an error that is not a located ManifestError escaped: \(error)")
        }
    }

    private func roundTripPayload(_ data: [UInt8]) {
        guard let value = try? JSONValue(parsing: data) else { return }
        let text = value.canonicalText
        guard let again = try? JSONValue(parsing: text) else { preconditionFailure("canonical text does not parse: \(text)") }
        precondition(again.canonicalText == text, "canonical text changes on a second pass: \(text) → \(again.canonicalText)")
    }

    private static let applier: BundleApplier = {
        let manifest = """
            name: fuzz
            version: 1.0.0
            model: {provider: vllm, id: acme/fuzz-8b, revision: a1b2c3d4e5f6}
            tokenizer: {name: acme/fuzz-8b, revision: a1b2c3d4e5f6}
            decoding: {temperature: 0.3, top_p: 0.9, max_tokens: 64, stop: ["</a>"], seed: 7}
            system_prompt: {text: "You are a fuzz target.", policy: prepend}
            safety: {policy_id: fuzz-safety, version: "1"}
            pricing: {input_per_1k: 0.0002, output_per_1k: 0.0006}
            """
        let parsed = try! BundleManifest.parse(manifest, file: "fuzz-bundle.yaml")
        return BundleApplier(bundle: parsed.bundle, systemPromptText: parsed.promptText)
    }()

    /// The members a bundle may rewrite; every other member must come out as it went in.
    private static let bundleMembers: Set<String> = ["model", "prompt_cache_key", "temperature", "top_p", "max_tokens", "max_output_tokens",
                                                     "stop", "presence_penalty", "frequency_penalty", "seed", "messages", "instructions"]

    private func applyBundle(_ data: [UInt8]) {
        let tree = try? JSONValue(parsing: data)
        let indexed = try? JSONObjectBytes(parsing: data)
        guard case .object(let original)? = tree else {
            return precondition(indexed == nil, "the indexed reader took a body the tree parser refuses as an object")
        }
        guard let indexed else { preconditionFailure("the indexed reader refused an object the tree parser takes") }
        for kind in EndpointKind.allCases {
            let body = Self.applier.apply(to: indexed, kind: kind).body
            guard case .object(let applied)? = try? JSONValue(parsing: body), let names = try? JSONObjectBytes(parsing: body).keys else {
                preconditionFailure("\(kind): the applied request is not a JSON object")
            }
            precondition(Set(names).count == names.count, "\(kind): a member name reaches the backend twice")
            precondition(applied["model"] == .string("acme/fuzz-8b"), "\(kind): the pinned model was not applied")
            for (key, value) in original where !Self.bundleMembers.contains(key) {
                precondition(applied[key] == value, "\(kind): the member \(key) changed on the way through")
            }
        }
    }

    private func scanStream(_ data: [UInt8]) {
        var whole = StreamScanner()
        whole.feed(data)
        let cut = data.isEmpty ? 0 : Int(data[0]) % (data.count + 1)
        var split = StreamScanner()
        split.feed(data[..<cut])
        split.feed(data[cut...])
        precondition(whole.summary == split.summary, "cutting the stream at byte \(cut) changed what was read")
    }

    private func checkContract(_ data: [UInt8]) {
        let parts = data.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        guard let schema = try? JSONValue(parsing: parts[0]) else { return }
        let answer = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : ""
        let format: JSONValue = ["type": "json_schema", "json_schema": ["name": "fuzz", "schema": schema]]
        _ = ContractCheck.check(answer: answer, responseFormat: format)
        var summary = AnswerSummary()
        summary.content = answer
        let judge = ContractJudge(BundleContracts(interface: InterfaceContract(responseSchema: schema),
                                                  experience: ExperienceContract(maxOutputTokens: 10, citationPattern: String(decoding: parts[0], as: UTF8.self))))
        _ = judge.interface(answer: answer, responseFormat: ["type": "json_object"])
        _ = judge.experience(summary)
    }
}
