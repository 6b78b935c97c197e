import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SwitchyardCore
import SwitchyardFakeBackend
import SwitchyardManifest

/// `switchyard fake-backend`: model-server stand-ins for tests, demos and drills.
struct FakeBackendCommand: LongRunningCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-backend",
        abstract: "Serve the OpenAI surface with simulated latency and faults (one backend per --listen).",
        discussion: "Change a running backend's profile with: curl -X PUT HOST:PORT/control/profile -d '{\"error_rate\":0.2}'")

    @Option(name: .long, help: "HOST:PORT to listen on; repeat for several backends.") var listen: [String] = ["127.0.0.1:9101"]
    @Option(name: .long, help: "Profile YAML (model, revision, ttft, tokens_per_second, faults).") var profile: String?
    @Option(name: .long, help: "Model id to serve when no profile is given.") var model = "fake/model"
    @Option(name: .long, help: "Revision to report when no profile is given.") var revision = "0000000"
    @Option(name: .long, help: "Random seed; each backend adds its index.") var seed: UInt64 = 1

    func runUntilStopped() async throws {
        let base = try profile.map(BackendProfileManifest.load(path:)) ?? BackendProfile(model: model, revision: revision)
        let addresses = try listen.map { try ListenAddress(parsing: $0, option: "--listen") }
        let services: [any Service] = addresses.enumerated().map { index, address in
            let backend = FakeBackend(name: address.description, profile: base, seed: seed &+ UInt64(index))
            return backend.application(host: address.host, port: address.port) { port in
                Terminal.announce("fake backend listening on http://\(address.host):\(port) serving \(base.model)@\(base.revision)")
            }
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "fake-backend")))
        try await group.run()
    }
}
