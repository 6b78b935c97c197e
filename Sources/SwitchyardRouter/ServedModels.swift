import Foundation
import NIOCore
import SwitchyardCore

/// What a backend's `GET /v1/models` lists: each model id with the revision it reports, if it reports one.
/// Health checks read it so that a backend serving other weights than the bundle pins (a floating alias rotated
/// underneath) never counts as warm for that bundle.
struct ServedModels: Sendable, Equatable {
    /// Model id → the revision reported for it (nil when the backend does not say).
    let revisions: [String: String?]

    /// Whether this backend serves `model`: it lists the id, at the pinned revision unless it reports none (a
    /// revision the backend does not report cannot be checked, so only the id must match then).
    func serves(_ model: ModelReference) -> Bool {
        guard let reported = revisions[model.id] else { return false }
        guard let pinned = model.revision, let reported else { return true }
        return reported == pinned
    }

    /// Why `model` is not what this backend serves, or nil when it is.
    func mismatch(with model: ModelReference) -> String? {
        if serves(model) { return nil }
        guard case let reported?? = revisions[model.id] else {
            return "serves \(revisions.keys.sorted().joined(separator: ", ")), not \(model.id)"
        }
        return "serves \(model.id) at revision \(reported), not the pinned \(model.revision ?? "")"
    }

    /// Reads an OpenAI model list (`{"data": [{"id": …, "revision": …}]}`); nil when it is not one.
    init?(listing body: ByteBuffer) {
        guard case .array(let data)? = (try? JSONValue(parsing: String(buffer: body)))?["data"] else { return nil }
        var revisions: [String: String?] = [:]
        for entry in data {
            guard case .string(let id)? = entry["id"] else { return nil }
            if case .string(let revision)? = entry["revision"] { revisions[id] = revision } else { revisions[id] = .some(nil) }
        }
        self.revisions = revisions
    }
}
