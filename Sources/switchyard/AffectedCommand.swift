import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardStore

/// `switchyard affected`: the requests a bundle answered in a window (ids, times, tenants, sessions; never their
/// content), so downstream systems can reprocess or flag what a bad bundle served during an incident.
struct AffectedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "affected", abstract: "Export the requests a bundle answered (no content), as CSV or JSON.",
        discussion: """
            `serve` keeps one record per answered request for --affected-retention (24h by default): its id (the client's
            x-request-id, or the router's, returned as x-switchyard-request-id), time, tenant, session, bundle, generation
            and status. Times are ISO 8601 in UTC, such as 2026-11-22T03:10:00Z.
            """)

    /// The export formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, json
    }

    @OptionGroup var state: StateOptions
    @Option(name: .long, help: "The bundle whose answers to export, NAME@VERSION.") var bundle: String
    @Option(name: .long, help: "From this time (ISO 8601, UTC), inclusive.") var from: String?
    @Option(name: .long, help: "Up to this time (ISO 8601, UTC), inclusive.") var to: String?
    @Option(name: .long, help: "csv or json.") var format: Format = .csv

    func run() throws {
        let ref = try BundleRef(parsing: bundle)
        let start = try from.map { try Self.time($0, option: "--from") }
        let end = try to.map { try Self.time($0, option: "--to") }
        if let start, let end, end < start {
            throw SwitchyardError.usage("--to \(Timestamp.format(end)) is before --from \(Timestamp.format(start))")
        }
        let store = try state.openExisting()
        _ = try store.requireBundle(ref)
        let requests = try store.servedRequests(bundle: ref, from: start, to: end)
        let rows = requests.map(Row.init)
        switch format {
        case .json: try Terminal.printJSON(rows)
        case .csv:
            print(Row.header)
            for row in rows { print(row.fields.map(Self.csvField).joined(separator: ",")) }
        }
    }

    static func time(_ text: String, option: String) throws -> Date {
        guard let date = Timestamp.parse(text) else {
            throw SwitchyardError.usage("\(option) '\(text)' is not a time", hint: "use ISO 8601 in UTC, such as 2026-11-22T03:10:00Z")
        }
        return date
    }

    /// One exported request: a JSON object, or a CSV line of `header`'s columns.
    struct Row: Encodable {
        static let header = "id,time,tenant,session,bundle,generation,status"
        let id, time, tenant: String
        let session: String?
        let bundle: String
        let generation, status: Int

        init(_ request: ServedRequest) {
            id = request.id
            time = Timestamp.format(request.time)
            tenant = request.tenant
            session = request.session
            bundle = request.bundle.description
            generation = request.generation
            status = request.status
        }

        var fields: [String] { [id, time, tenant, session ?? "", bundle, String(generation), String(status)] }
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { ",\"\n\r".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
