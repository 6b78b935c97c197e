import Foundation
import Synchronization
import SwitchyardCore

/// What installing a generation did to requests in flight.
public struct FlipOutcome: Sendable, Hashable, Codable {
    public var generation: Int
    /// In-flight requests on a bundle the new generation removed for their tenant.
    public var affected: Int
    /// Of those, the ones cancelled upstream and sent again.
    public var reissued: Int
}

/// One request in flight: its tenant and bundle, and whether it has started answering.
final class InFlightTicket: Sendable {
    let tenant: String
    let bundle: BundleRef
    private let state = Mutex<(started: Bool, reissue: Bool, cancel: (@Sendable () -> Void)?)>((false, false, nil))

    init(tenant: String, bundle: BundleRef) {
        self.tenant = tenant
        self.bundle = bundle
    }

    /// Records how to cancel the upstream call; cancels at once if a reissue was already asked for.
    func attach(cancel: @escaping @Sendable () -> Void) {
        let cancelNow = state.withLock { state -> Bool in
            state.cancel = cancel
            return state.reissue
        }
        if cancelNow { cancel() }
    }

    /// Forgets how to cancel the upstream call, once the request is over.
    func detach() { state.withLock { $0.cancel = nil } }

    /// Marks the first byte as sent; false when a flip asked for a reissue first.
    func markStarted() -> Bool {
        state.withLock { state in
            guard !state.reissue else { return false }
            state.started = true
            return true
        }
    }

    var reissueRequested: Bool { state.withLock { $0.reissue } }

    /// Asks for a reissue; true when the request had not started answering and was cancelled.
    func requestReissue() -> Bool {
        let cancel = state.withLock { state -> (@Sendable () -> Void)?? in
            guard !state.started, !state.reissue else { return nil }
            state.reissue = true
            return .some(state.cancel)
        }
        guard let cancel else { return false }
        cancel?()
        return true
    }
}

/// Every request in flight, so that a flip can apply its policy and report how many it touched.
final class InFlightRegistry: Sendable {
    private let tickets = Mutex<[ObjectIdentifier: InFlightTicket]>([:])

    func register(_ ticket: InFlightTicket) { tickets.withLock { $0[ObjectIdentifier(ticket)] = ticket } }

    func remove(_ ticket: InFlightTicket) { _ = tickets.withLock { $0.removeValue(forKey: ObjectIdentifier(ticket)) } }

    var count: Int { tickets.withLock { $0.count } }

    func countByBundle() -> [BundleRef: Int] {
        tickets.withLock { tickets in
            var out: [BundleRef: Int] = [:]
            for ticket in tickets.values { out[ticket.bundle, default: 0] += 1 }
            return out
        }
    }

    /// Applies `policy` to requests whose bundle no longer has weight for their tenant in `table`.
    func flip(to table: RoutingTable, policy: InFlightPolicy) -> FlipOutcome {
        let affected = tickets.withLock { tickets in
            tickets.values.filter { ticket in
                let route = table.route(forTenant: ticket.tenant)
                return !(route?.weights.contains { $0.bundle == ticket.bundle && $0.basisPoints > 0 } ?? false)
            }
        }
        let reissued = policy == .reissue ? affected.filter { $0.requestReissue() }.count : 0
        return FlipOutcome(generation: table.generation, affected: affected.count, reissued: reissued)
    }
}
