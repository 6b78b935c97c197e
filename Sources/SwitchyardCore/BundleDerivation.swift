/// A part of a bundle that `registry derive` can take from another bundle, so an operator reverts only the
/// prompt (or only the decoding defaults) without reverting the model.
public enum BundleComponent: String, CaseIterable, Sendable, Codable {
    case prompt, decoding, tools, retrieval, validation, safety

    /// The manifest field it is, as `registry diff` names it.
    public var field: String {
        switch self {
        case .prompt: "system_prompt"
        case .decoding: "decoding"
        case .tools: "tools"
        case .retrieval: "retrieval"
        case .validation: "output_validation"
        case .safety: "safety"
        }
    }

    /// Whether `a` and `b` have the same value of this component.
    func same(_ a: ReleaseBundle, _ b: ReleaseBundle) -> Bool {
        var copy = a
        copy.take(self, from: b)
        return copy == a
    }
}

extension ReleaseBundle {
    /// Replaces `component` with `source`'s.
    mutating func take(_ component: BundleComponent, from source: ReleaseBundle) {
        switch component {
        case .prompt: systemPrompt = source.systemPrompt
        case .decoding: decoding = source.decoding
        case .tools: tools = source.tools
        case .retrieval: retrieval = source.retrieval
        case .validation: outputValidation = source.outputValidation
        case .safety: safety = source.safety
        }
    }

    /// A new version of this bundle with each of `taken`'s components from its bundle, and everything else (the
    /// weights first of all) unchanged. Refused when a component is named twice or would not change.
    public func deriving(version: String, taking taken: [(component: BundleComponent, from: ReleaseBundle)]) throws -> ReleaseBundle {
        var derived = self
        derived.version = version
        var seen: Set<BundleComponent> = []
        for (component, source) in taken {
            guard seen.insert(component).inserted else {
                throw SwitchyardError.usage("--take \(component.rawValue) is given twice", hint: "take each component from one bundle")
            }
            guard !component.same(self, source) else {
                throw SwitchyardError.refused("\(ref) already has \(source.ref)'s \(component.rawValue); taking it would change nothing",
                                              hint: "`switchyard registry diff \(ref) \(source.ref)` shows which components differ")
            }
            derived.take(component, from: source)
        }
        return derived
    }
}
