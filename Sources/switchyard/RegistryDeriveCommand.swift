import ArgumentParser
import SwitchyardCore
import SwitchyardStore

/// `switchyard registry derive`: a new immutable bundle made of one bundle with some components of others, to roll
/// back only the part that broke (the prompt, the decoding defaults …) and keep the model.
struct RegistryDerive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "derive", abstract: "Register a new version of a bundle with components taken from other bundles.",
        discussion: """
            Example: keep 2.0.0's model but put back 1.0.0's prompt:
              switchyard registry derive 2.0.1 --from support-assistant@2.0.0 --take prompt=support-assistant@1.0.0 --reason "INC-7: new prompt leaks"
            Components: \(BundleComponent.allCases.map(\.rawValue).joined(separator: ", ")). Everything else, the weights first of all, is the base's.
            """)

    @OptionGroup var state: StateOptions
    @Argument(help: "The new bundle's version.") var version: String
    @Option(name: .long, help: "NAME@VERSION of the base bundle.") var from: String
    @Option(name: .long, help: "COMPONENT=NAME@VERSION: take this component from that bundle (repeatable).") var take: [String] = []
    @OptionGroup var reason: ReasonOption

    func run() throws {
        let why = try reason.require()
        guard !take.isEmpty else {
            throw SwitchyardError.usage("derive needs at least one --take COMPONENT=NAME@VERSION",
                                        hint: "components: \(BundleComponent.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let store = try state.openExisting()
        let base = try store.requireBundle(try BundleRef(parsing: from))
        let taken = try take.map { try parse($0, store: store) }
        let derived = try base.bundle.deriving(version: version, taking: taken.map { ($0.component, $0.from.bundle) })
        let parts = taken.map { "\($0.component.rawValue) from \($0.from.ref)" }.joined(separator: ", ")
        let origin: [String: JSONValue] = [
            "derived_from": .string(base.ref.description),
            "taken": .object(Dictionary(uniqueKeysWithValues: taken.map { ($0.component.rawValue, JSONValue.string($0.from.ref.description)) })),
        ]
        // Its prompt text is stored already, under its digest, with the bundle it comes from.
        let registration = SwitchyardStore.Registration(bundle: derived, promptText: nil, floating: base.floating, origin: ("derived from \(base.ref), taking \(parts): \(why)", origin))
        guard case .added(let record) = try store.addBundles([registration], actor: OperatorIdentity.current).first! else {
            return print("unchanged  \(derived.ref) is already registered with this content (\(Digest.short(derived.digest)))")
        }
        print("registered \(record.ref)  \(Digest.short(record.digest))  stage \(record.stage.rawValue): \(base.ref) with \(parts)")
        for change in FieldDiff.changes(from: base.bundle.canonicalJSON(), to: derived.canonicalJSON()) where change.path != "version" {
            print("  " + change.summary)
        }
        if let pool = try store.pool(base.ref)?.spec {
            print("It serves with \(base.ref)'s weights; give it that pool: switchyard pool set \(record.ref) "
                  + pool.endpoints.map { "--endpoint \($0)" }.joined(separator: " ")
                  + " --replicas \(pool.replicas) --max-concurrency \(pool.maxConcurrency) --reason …")
        }
    }

    private func parse(_ text: String, store: SwitchyardStore) throws -> (component: BundleComponent, from: BundleRecord) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let component = BundleComponent(rawValue: parts[0]) else {
            throw SwitchyardError.usage("--take '\(text)' is not COMPONENT=NAME@VERSION",
                                        hint: "components: \(BundleComponent.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return (component, try store.requireBundle(try BundleRef(parsing: parts[1])))
    }
}
