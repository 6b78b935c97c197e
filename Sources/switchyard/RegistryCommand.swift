import ArgumentParser
import SwitchyardCore
import SwitchyardManifest
import SwitchyardStore

/// `switchyard registry …`: immutable release bundles.
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Register, inspect, compare, sign off and retire release bundles.",
        subcommands: [
            RegistryAdd.self, RegistryList.self, RegistryShow.self, RegistryDiff.self, RegistryVerify.self,
            RegistryStage.self, RegistryValidate.self, RegistryPrune.self, RegistryDerive.self,
        ]
    )
}

struct RegistryAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Register bundle manifests (all of them, or none if any is refused).")

    @OptionGroup var state: StateOptions
    @Argument(help: "Bundle manifest files (YAML).") var files: [String]
    @Flag(name: .long, help: "Register a bundle whose model or tokenizer is not pinned, marked as floating.")
    var allowFloating = false

    func run() throws {
        var registrations: [SwitchyardStore.Registration] = []
        for file in files {
            let parsed = try BundleManifest.load(path: file)
            if !parsed.floating.isEmpty && !allowFloating {
                throw SwitchyardError.refused(
                    "\(parsed.bundle.ref) is not pinned:\n" + parsed.floating.map { "  \($0)" }.joined(separator: "\n"),
                    hint: FloatingReference.advice)
            }
            registrations.append(.init(bundle: parsed.bundle, promptText: parsed.promptText, floating: !parsed.floating.isEmpty))
        }
        let store = try state.openForChange()
        for outcome in try store.addBundles(registrations, actor: OperatorIdentity.current) {
            switch outcome {
            case .added(let record):
                let mark = record.floating ? "  [FLOATING]" : ""
                print("registered \(record.ref)  \(Digest.short(record.digest))  stage \(record.stage.rawValue)\(mark)")
            case .unchanged(let record):
                print("unchanged  \(record.ref) is already registered with this content (\(Digest.short(record.digest)))")
            }
        }
    }
}

struct RegistryList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List registered bundles.")

    @OptionGroup var state: StateOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let store = try state.openExisting()
        let records = try store.bundles()
        if output.json { return try Terminal.printJSON(records) }
        let routed = try store.routing().table.referencedBundles
        print(Terminal.table(
            ["bundle", "stage", "digest", "signed off", "model", "marks"],
            records.map { record in
                [record.ref.description, record.stage.rawValue, Digest.short(record.digest),
                 record.lastSignOff.map { "\($0.actor) \($0.time.prefix(10))" } ?? "-",
                 "\(record.bundle.model.id)@\(record.bundle.model.revision ?? "?")",
                 RegistryMarks.marks(record, routed: routed)]
            }))
    }
}

/// Short flags shown beside a bundle in lists.
enum RegistryMarks {
    static func marks(_ record: BundleRecord, routed: Set<BundleRef>) -> String {
        var marks: [String] = []
        if record.floating { marks.append("FLOATING") }
        if routed.contains(record.ref) { marks.append("routed") }
        return marks.joined(separator: " ")
    }
}

struct RegistryShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one bundle in full.")

    @OptionGroup var state: StateOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "NAME@VERSION") var bundle: String

    func run() throws {
        let store = try state.openExisting()
        let record = try store.requireBundle(try BundleRef(parsing: bundle))
        let prompt = try record.bundle.systemPrompt.flatMap { try store.promptText(digest: $0.digest) }
        let pool = try store.pool(record.ref)
        if output.json {
            return try Terminal.printJSON(BundleDetail(record: record, systemPromptText: prompt, pool: pool?.spec))
        }
        print(BundleDetail(record: record, systemPromptText: prompt, pool: pool?.spec).text)
    }
}

/// A bundle with everything `registry show` prints.
struct BundleDetail: Encodable {
    var record: BundleRecord
    var systemPromptText: String?
    var pool: PoolSpec?

    enum CodingKeys: String, CodingKey {
        case record, pool
        case systemPromptText = "system_prompt_text"
    }

    var text: String {
        let bundle = record.bundle
        var lines = [
            "\(record.ref)  \(Digest.short(record.digest))  stage \(record.stage.rawValue)\(record.floating ? "  [FLOATING: not pinned]" : "")",
            "registered     \(record.registeredAt) by \(record.registeredBy)",
            "model          \(bundle.model.provider) \(bundle.model.id) revision \(bundle.model.revision ?? "(none)")",
            "tokenizer      \(bundle.tokenizer.name) revision \(bundle.tokenizer.revision ?? "(none)")",
            "decoding       \(FieldDiff.flatten(bundle.canonicalJSON()["decoding"] ?? .null).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.canonicalText)" }.joined(separator: " "))",
        ]
        if let prompt = bundle.systemPrompt {
            let preview = systemPromptText.map { $0.split(separator: "\n").first.map(String.init) ?? "" } ?? "(text missing)"
            lines.append("system prompt  \(prompt.policy.rawValue) \(Digest.short(prompt.digest)): \(preview.prefix(60))")
        } else {
            lines.append("system prompt  none")
        }
        lines.append("tools          " + (bundle.tools.isEmpty ? "none" : bundle.tools.map { "\($0.name) v\($0.schemaVersion) (\($0.permission.rawValue))" }.joined(separator: ", ")))
        if let retrieval = bundle.retrieval {
            let ranking = retrieval.ranking.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            lines.append("retrieval      \(retrieval.index)@\(retrieval.version) \(ranking)")
        }
        if let validation = bundle.outputValidation {
            let rules = validation.rules.map { "\($0.kind.rawValue)=\($0.value)" }
            lines.append("validation     " + ((validation.jsonSchema != nil ? ["json_schema"] : []) + rules).joined(separator: ", "))
        }
        lines.append("safety         \(bundle.safety.policyId) v\(bundle.safety.version)")
        lines.append("pricing        $\(bundle.pricing.inputPer1k) in / $\(bundle.pricing.outputPer1k) out per 1k tokens")
        if let contracts = bundle.canonicalJSON()["contracts"] {
            let terms = FieldDiff.flatten(contracts).sorted { $0.key < $1.key }
            lines.append("contracts      " + terms.map { "\($0.key)=\($0.value.canonicalText)" }.joined(separator: "\n               "))
        }
        if let pool {
            lines.append("pool           \(pool.replicas) × \(pool.maxConcurrency) concurrent, cold start \(DurationText.format(pool.coldStartSeconds)), \(pool.endpoints.joined(separator: " "))")
        } else {
            lines.append("pool           none (not deployed)")
        }
        for signOff in record.signOffs {
            lines.append("signed off     \(signOff.time) by \(signOff.actor): \(signOff.reason)")
        }
        if let notes = bundle.compatibilityNotes {
            lines.append("notes          " + notes.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: "\n               "))
        }
        return lines.joined(separator: "\n")
    }
}

struct RegistryDiff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Show, field by field, what changes in behaviour from bundle A to bundle B.")

    @OptionGroup var state: StateOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "NAME@VERSION of the bundle you compare from") var from: String
    @Argument(help: "NAME@VERSION of the bundle you compare to") var to: String

    func run() throws {
        let store = try state.openExisting()
        let old = try store.requireBundle(try BundleRef(parsing: from))
        let new = try store.requireBundle(try BundleRef(parsing: to))
        let changes = FieldDiff.changes(from: old.bundle.canonicalJSON(), to: new.bundle.canonicalJSON())
            .filter { $0.path != "version" && $0.path != "name" }
        if output.json { return try Terminal.printJSON(changes) }
        print("\(old.ref) → \(new.ref): \(changes.count) behavioural field\(changes.count == 1 ? "" : "s") differ")
        for change in changes { print("  " + change.summary) }
        if let oldPrompt = old.bundle.systemPrompt, let newPrompt = new.bundle.systemPrompt, oldPrompt.digest != newPrompt.digest,
           let oldText = try store.promptText(digest: oldPrompt.digest), let newText = try store.promptText(digest: newPrompt.digest) {
            print("  system prompt text:")
            for line in PromptDiff.lines(from: oldText, to: newText) { print("    " + line) }
        }
    }
}

/// A short line diff of two system prompts: lines removed and added.
enum PromptDiff {
    static func lines(from old: String, to new: String) -> [String] {
        let before = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let after = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let difference = after.difference(from: before)
        return difference.map { change in
            switch change {
            case .remove(_, let line, _): "- " + line
            case .insert(_, let line, _): "+ " + line
            }
        }
    }
}

struct RegistryVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Recompute every bundle's digest and name any row that was tampered with.")

    @OptionGroup var state: StateOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let result = try state.openExisting().verifyRegistry()
        if output.json {
            try Terminal.printJSON(["checked": String(result.checked), "problems": String(result.problems.count)])
        } else if result.problems.isEmpty {
            print("registry: \(result.checked) bundles, every digest matches")
        }
        guard result.problems.isEmpty else {
            throw SwitchyardError.failure(
                "registry: \(Set(result.problems.map(\.subject)).count) of \(result.checked) bundles do not match what was registered:\n"
                    + result.problems.map { "  \($0.subject): \($0.message)" }.joined(separator: "\n"),
                hint: "compare with the journal (`switchyard history --kind bundle`) and restore the store from a backup")
        }
    }
}

struct RegistryStage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stage", abstract: "Move a bundle to another stage: candidate → staging → production → archived.")

    @OptionGroup var state: StateOptions
    @Argument(help: "NAME@VERSION") var bundle: String
    @Argument(help: "candidate, staging, production or archived") var stage: String
    @Flag(name: .long, help: "Act despite a freeze; the override is journaled with your reason.") var overrideFreeze = false
    @Flag(name: .long, help: "Go to production without a passing evaluation report; journaled with your reason.") var skipEval = false
    @OptionGroup var reason: ReasonOption

    func run() throws {
        let ref = try BundleRef(parsing: bundle)
        let target = try Stage(parsing: stage)
        let why = try reason.require()
        let record = try state.openExisting().setStage(ref, to: target, actor: OperatorIdentity.current, reason: why, overrideFreeze: overrideFreeze,
                                                       skipEvaluation: skipEval)
        print("\(record.ref) is now in stage \(record.stage.rawValue)")
    }
}

struct RegistryValidate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Record your human sign-off of a bundle (who, when, why).")

    @OptionGroup var state: StateOptions
    @Argument(help: "NAME@VERSION") var bundle: String
    @OptionGroup var reason: ReasonOption

    func run() throws {
        let why = try reason.require()
        let record = try state.openExisting().signOff(try BundleRef(parsing: bundle), actor: OperatorIdentity.current, reason: why)
        let signOff = record.lastSignOff!
        print("\(record.ref) signed off by \(signOff.actor) at \(signOff.time)")
    }
}

struct RegistryPrune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Archive superseded bundles; the last N signed-off versions and routed bundles are always kept.")

    @OptionGroup var state: StateOptions
    @Option(name: .long, help: "Signed-off versions of each bundle name that are never archived automatically.")
    var keepValidated = 3
    @Flag(name: .long, help: "Show what would be archived and change nothing.") var dryRun = false
    @OptionGroup var reason: ReasonOption

    func run() throws {
        guard keepValidated >= 0 else { throw SwitchyardError.usage("--keep-validated must be 0 or more") }
        let why = dryRun ? (reason.reason ?? "dry run") : try reason.require()
        let refs = try state.openExisting().prune(keepValidated: keepValidated, actor: OperatorIdentity.current, reason: why, dryRun: dryRun)
        let verb = dryRun ? "would archive" : "archived"
        print(refs.isEmpty ? "nothing to archive" : refs.map { "\(verb) \($0)" }.joined(separator: "\n"))
    }
}
