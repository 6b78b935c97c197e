import ArgumentParser
import SwitchyardCore
import SwitchyardStore

/// `switchyard route …`: the routing table.
struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route", abstract: "Show and change how traffic is split between bundles.",
        subcommands: [RouteShow.self, RouteSet.self, RouteUnset.self])
}

struct RouteShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the routing generation in force.")

    @OptionGroup var state: StateOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let routing = try state.openExisting().routing()
        if output.json { return try Terminal.printJSON(routing) }
        print(RouteText.describe(routing))
    }
}

struct RouteSet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Commit a new routing generation for one tenant (or the default).",
        discussion: "Weights are basis points (app@1.2.0=9000) or percentages (app@1.2.0=90%) and must sum to exactly 100%.")

    @OptionGroup var state: StateOptions
    @Option(name: .long, help: "The tenant whose route you set (default: the route every other tenant uses).")
    var tenant: String?
    @Argument(help: "NAME@VERSION=WEIGHT for each bundle.") var weights: [String]
    @Option(name: .long, help: "Shadow bundle and sample rate, e.g. app@1.3.0=5%.") var shadow: String?
    @Option(name: .long, help: "How long a session stays on the bundle it started on, e.g. 30m.") var maxSessionAge: String?
    @Flag(name: .long, help: "Move pinned sessions to the new split at once (for a safety rollback).")
    var migrateSessions = false
    @Option(name: .long, help: "Requests in flight on a bundle this removes: finish (default) or reissue (cancel and resend those not yet answering).")
    var inFlight: String = InFlightPolicy.finish.rawValue
    @Flag(name: .long, help: "Route a bundle that has never served despite a freeze; the override is journaled with your reason.")
    var overrideFreeze = false
    @OptionGroup var reason: ReasonOption

    func run() throws {
        let why = try reason.require()
        let parsed = try weights.map(WeightSpec.parse)
        var shadowRoute: ShadowRoute?
        if let shadow {
            let spec = try WeightSpec.parse(shadow)
            guard !parsed.contains(where: { $0.bundle == spec.bundle }) else {
                throw SwitchyardError.usage("\(spec.bundle) already receives live traffic in this route; a shadow must be another bundle")
            }
            shadowRoute = ShadowRoute(bundle: spec.bundle, sampleBasisPoints: spec.basisPoints)
        }
        let age = try maxSessionAge.map { try DurationText.seconds($0, field: "--max-session-age") }
            ?? TenantRoute.defaultMaxSessionAgeSeconds
        let route = TenantRoute(weights: parsed, shadow: shadowRoute, maxSessionAgeSeconds: age, migrateSessions: migrateSessions)
        try route.validate()
        guard let policy = InFlightPolicy(rawValue: inFlight) else {
            throw SwitchyardError.usage("--in-flight '\(inFlight)' is not a policy", hint: "valid: finish, reissue")
        }
        let key = tenant ?? RoutingTable.defaultTenant
        let store = try state.openExisting()
        let table = try store.setRoute(tenant: key, route: route, inFlightPolicy: policy, actor: OperatorIdentity.current, reason: why,
                                       overrideFreeze: overrideFreeze)
        print("generation \(table.generation) committed: \(RouteText.tenantName(key)) → \(RouteText.weights(route))")
        InForceReport.line(for: table.generation, stateDirectory: store.directory).map { print($0) }
    }
}

struct RouteUnset: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unset", abstract: "Remove a tenant's own route so it follows the default again.")

    @OptionGroup var state: StateOptions
    @Option(name: .long, help: "The tenant whose route you remove.") var tenant: String
    @OptionGroup var reason: ReasonOption

    func run() throws {
        let why = try reason.require()
        let store = try state.openExisting()
        let table = try store.setRoute(tenant: tenant, route: nil, actor: OperatorIdentity.current, reason: why)
        print("generation \(table.generation) committed: tenant \(tenant) follows the default route")
        InForceReport.line(for: table.generation, stateDirectory: store.directory).map { print($0) }
    }
}

/// Text forms of routes.
enum RouteText {
    static func tenantName(_ key: String) -> String { key == RoutingTable.defaultTenant ? "default" : "tenant \(key)" }

    static func weights(_ route: TenantRoute) -> String {
        var text = route.weights.map { "\($0.bundle) \(WeightSpec.percent($0.basisPoints))" }.joined(separator: ", ")
        if let shadow = route.shadow { text += "; shadow \(shadow.bundle) \(WeightSpec.percent(shadow.sampleBasisPoints))" }
        return text
    }

    static func describe(_ routing: RoutingGeneration) -> String {
        let table = routing.table
        guard !table.routes.isEmpty else {
            return "generation \(table.generation): no routes yet (switchyard route set NAME@VERSION=100% --reason …)"
        }
        var lines = ["generation \(table.generation), committed \(routing.committedAt ?? "-")"]
        for key in table.tenantsInOrder {
            let route = table.routes[key]!
            let extras = "sessions pinned \(DurationText.format(route.maxSessionAgeSeconds))" + (route.migrateSessions ? ", migrate" : "")
            lines.append("  \(tenantName(key).padding(toLength: 18, withPad: " ", startingAt: 0)) \(weights(route))  (\(extras))")
        }
        return lines.joined(separator: "\n")
    }
}
