import ServiceLifecycle
import SwitchyardEngine

/// The admin socket as one of serve's services: open while serve runs, removed when it stops.
struct AdminSocketService: Service {
    let socket: AdminSocket

    func run() async throws {
        socket.start()
        try? await gracefulShutdown()
        socket.stop()
    }
}
