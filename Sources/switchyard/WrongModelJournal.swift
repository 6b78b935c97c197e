import Synchronization
import SwitchyardCore
import SwitchyardStore

/// Journals a backend whose `/v1/models` lists other weights than its bundle pins when the router first sees it
/// (it is then not warm for that bundle), and again once it serves the pinned weights, so a floating alias rotated
/// underneath shows in the history, the console and replay.
final class WrongModelJournal: Sendable {
    static let actor = "auto:router"
    let store: SwitchyardStore
    /// "bundle endpoint" → what it served instead, for those journaled and not yet seen right again.
    private let reported = Mutex<[String: String]>([:])

    init(store: SwitchyardStore) { self.store = store }

    func record(_ observations: [BundleObservation]) throws {
        var drafts: [JournalDraft] = []
        reported.withLock { reported in
            for observation in observations {
                let bundle = observation.bundle.description
                for (url, mismatch) in (observation.wrongModel ?? [:]).sorted(by: { $0.key < $1.key }) where reported["\(bundle) \(url)"] != mismatch {
                    reported["\(bundle) \(url)"] = mismatch
                    drafts.append(JournalDraft(actor: Self.actor, kind: "health.wrong-model", subject: bundle,
                                               reason: "\(url) \(mismatch); not warm for \(bundle) until it serves the pinned weights",
                                               payload: ["endpoint": .string(url), "mismatch": .string(mismatch)]))
                }
                for url in observation.healthyEndpoints where reported.removeValue(forKey: "\(bundle) \(url)") != nil {
                    drafts.append(JournalDraft(actor: Self.actor, kind: "health.model-restored", subject: bundle,
                                               reason: "\(url) serves the pinned weights again; warm for \(bundle)",
                                               payload: ["endpoint": .string(url)]))
                }
            }
        }
        for draft in drafts { try store.note(draft) }
    }
}
