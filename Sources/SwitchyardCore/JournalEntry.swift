/// What a caller asks to have journaled; the store assigns sequence, time and hashes.
public struct JournalDraft: Hashable, Sendable {
    public var actor: String
    public var kind: String
    public var subject: String
    public var reason: String
    public var payload: JSONValue

    public init(actor: String, kind: String, subject: String, reason: String, payload: JSONValue = .object([:])) {
        self.actor = actor
        self.kind = kind
        self.subject = subject
        self.reason = reason
        self.payload = payload
    }
}

/// One link of the append-only, hash-chained journal.
public struct JournalEntry: Codable, Hashable, Sendable {
    /// The previous hash of the first entry.
    public static let genesisHash = String(repeating: "0", count: 64)

    public var seq: Int
    public var time: String
    public var actor: String
    public var kind: String
    public var subject: String
    public var reason: String
    public var payload: JSONValue
    public var previousHash: String
    public var hash: String

    public init(seq: Int, time: String, draft: JournalDraft, previousHash: String) {
        self.seq = seq
        self.time = time
        self.actor = draft.actor
        self.kind = draft.kind
        self.subject = draft.subject
        self.reason = draft.reason
        self.payload = draft.payload
        self.previousHash = previousHash
        self.hash = ""
        self.hash = computedHash()
    }

    /// Builds an entry exactly as stored, hash included, without recomputing anything.
    public init(
        seq: Int, time: String, actor: String, kind: String, subject: String, reason: String,
        payload: JSONValue, previousHash: String, hash: String
    ) {
        self.seq = seq
        self.time = time
        self.actor = actor
        self.kind = kind
        self.subject = subject
        self.reason = reason
        self.payload = payload
        self.previousHash = previousHash
        self.hash = hash
    }

    enum CodingKeys: String, CodingKey {
        case seq, time, actor, kind, subject, reason, payload, hash
        case previousHash = "previous_hash"
    }

    /// SHA-256 over the canonical form of every field but the hash itself (the previous hash included).
    public func computedHash(asSeq seq: Int? = nil) -> String {
        Digest.of(.object([
            "seq": .int(seq ?? self.seq),
            "time": .string(time),
            "actor": .string(actor),
            "kind": .string(kind),
            "subject": .string(subject),
            "reason": .string(reason),
            "payload": payload,
            "previous_hash": .string(previousHash),
        ]))
    }
}
