import ArgumentParser
import SwitchyardCore
import SwitchyardManifest
import SwitchyardStore

/// `switchyard pool …`: how bundles are deployed (mutable, unlike bundles).
struct PoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool", abstract: "Set and show the backend pools that serve bundles.",
        subcommands: [PoolSet.self, PoolApply.self, PoolShow.self])
}

struct PoolSet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Create or change a bundle's pool; flags you leave out keep their current values.")

    @OptionGroup var state: StateOptions
    @Argument(help: "NAME@VERSION") var bundle: String
    @Option(name: .long, help: "Backend base URL (repeat for several).") var endpoint: [String] = []
    @Option(name: .long, help: "Replicas serving this bundle (0 = scaled to zero).") var replicas: Int?
    @Option(name: .long, help: "Concurrent requests per replica.") var maxConcurrency: Int?
    @Option(name: .long, help: "Cold-start time of a new replica, e.g. 90s or 2m.") var coldStart: String?
    @Option(name: .long, help: "Replicas that can be added per minute.") var scaleUpPerMinute: Double?
    @Option(name: .long, help: "Environment variable holding the backend API key (the key is never stored).")
    var apiKeyEnv: String?
    @OptionGroup var reason: ReasonOption

    func run() throws {
        let ref = try BundleRef(parsing: bundle)
        let why = try reason.require()
        let store = try state.openExisting()
        let current = try store.pool(ref)?.spec
        guard let replicas = replicas ?? current?.replicas, let concurrency = maxConcurrency ?? current?.maxConcurrency,
              !(endpoint.isEmpty && current == nil) else {
            throw SwitchyardError.usage(
                "\(ref) has no pool yet: --endpoint, --replicas and --max-concurrency are required to create one",
                hint: "for example: switchyard pool set \(ref) --endpoint http://10.0.0.5:8000 --replicas 4 --max-concurrency 16 --reason \"initial deploy\"")
        }
        let spec = PoolSpec(
            bundle: ref, endpoints: endpoint.isEmpty ? current!.endpoints : endpoint, replicas: replicas,
            maxConcurrency: concurrency,
            coldStartSeconds: try coldStart.map { try DurationText.seconds($0, field: "--cold-start") } ?? current?.coldStartSeconds ?? 0,
            scaleUpPerMinute: scaleUpPerMinute ?? current?.scaleUpPerMinute ?? 1,
            apiKeyEnv: apiKeyEnv ?? current?.apiKeyEnv)
        let record = try store.setPool(spec, actor: OperatorIdentity.current, reason: why)
        print(PoolText.line(record.spec))
    }
}

struct PoolApply: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apply", abstract: "Set pools from pool manifests (YAML).")

    @OptionGroup var state: StateOptions
    @Argument(help: "Pool manifest files.") var files: [String]
    @OptionGroup var reason: ReasonOption

    func run() throws {
        let why = try reason.require()
        let specs = try files.map(PoolManifest.load(path:))
        let store = try state.openExisting()
        for spec in specs {
            print(PoolText.line(try store.setPool(spec, actor: OperatorIdentity.current, reason: why).spec))
        }
    }
}

struct PoolShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show every pool, or one bundle's.")

    @OptionGroup var state: StateOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "NAME@VERSION (default: all pools)") var bundle: String?

    func run() throws {
        let store = try state.openExisting()
        var records = try store.pools()
        if let bundle {
            let ref = try BundleRef(parsing: bundle)
            records = records.filter { $0.spec.bundle == ref }
            if records.isEmpty { throw SwitchyardError.failure("\(ref) has no pool") }
        }
        if output.json { return try Terminal.printJSON(records) }
        print(Terminal.table(
            ["bundle", "replicas", "per replica", "capacity", "cold start", "scale-up/min", "endpoints", "updated"],
            records.map { record in
                let spec = record.spec
                return [spec.bundle.description, String(spec.replicas), String(spec.maxConcurrency), String(spec.capacity),
                        DurationText.format(spec.coldStartSeconds), String(spec.scaleUpPerMinute),
                        spec.endpoints.map(PoolSpec.redacted).joined(separator: " "), "\(record.updatedAt.prefix(19)) \(record.updatedBy)"]
            }))
    }
}

/// One-line pool summaries.
enum PoolText {
    static func line(_ spec: PoolSpec) -> String {
        "pool \(spec.bundle): \(spec.replicas) replicas × \(spec.maxConcurrency) = \(spec.capacity) concurrent, "
            + "cold start \(DurationText.format(spec.coldStartSeconds)), +\(spec.scaleUpPerMinute)/min, \(spec.endpoints.map(PoolSpec.redacted).joined(separator: " "))"
    }
}
