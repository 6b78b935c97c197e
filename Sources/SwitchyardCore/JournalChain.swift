/// The last entry the store recorded as written, kept apart from the entries so that
/// deleting entries from the end of the journal is caught too.
public struct JournalHead: Hashable, Sendable {
    public var seq: Int
    public var hash: String

    public init(seq: Int, hash: String) {
        self.seq = seq
        self.hash = hash
    }
}

/// The first way in which a journal differs from an intact chain.
public enum ChainProblem: Hashable, Sendable {
    /// The entry's content no longer matches its own hash.
    case edited(seq: Int)
    /// The entry at `position` was written as entry `originalSeq`.
    case reordered(position: Int, originalSeq: Int)
    /// Entries in this range are gone.
    case deleted(from: Int, through: Int)
    /// The entry's content is intact but it does not follow the entry before it.
    case brokenLink(seq: Int)
    /// The journal ends before the head the store last recorded.
    case truncated(lastSeq: Int, headSeq: Int)

    /// The entry an operator should look at first.
    public var seq: Int {
        switch self {
        case .edited(let seq), .brokenLink(let seq): seq
        case .reordered(let position, _): position
        case .deleted(let from, _): from
        case .truncated(let lastSeq, _): lastSeq + 1
        }
    }

    public var message: String {
        switch self {
        case .edited(let seq):
            "entry \(seq) was edited: its content no longer matches its hash"
        case .reordered(let position, let originalSeq):
            "entries were reordered: the entry at position \(position) was written as entry \(originalSeq)"
        case .deleted(let from, let through):
            from == through ? "entry \(from) was deleted" : "entries \(from)–\(through) were deleted"
        case .brokenLink(let seq):
            "entry \(seq) does not follow entry \(seq - 1): entry \(seq - 1) was rewritten or replaced"
        case .truncated(let lastSeq, let headSeq):
            "entries \(lastSeq + 1)–\(headSeq) were deleted from the end of the journal"
        }
    }
}

/// The outcome of walking the chain.
public struct ChainReport: Hashable, Sendable {
    public var entriesChecked: Int
    public var problem: ChainProblem?
    public var isIntact: Bool { problem == nil }
}

/// Walks a journal in stored order and names the first entry that was edited, deleted or reordered.
public struct JournalChainVerifier: Sendable {
    private var expectedSeq = 1
    private var previousHash = JournalEntry.genesisHash
    private var knownHashes: [String: Int] = [:]
    public private(set) var entriesChecked = 0
    public private(set) var problem: ChainProblem?

    public init() {}

    /// Checks the next entry; after a problem is found the rest are ignored.
    public mutating func check(_ entry: JournalEntry) {
        guard problem == nil else { return }
        entriesChecked += 1
        if entry.seq > expectedSeq {
            problem = .deleted(from: expectedSeq, through: entry.seq - 1)
            return
        }
        if entry.computedHash() != entry.hash {
            problem = originalPosition(of: entry).map { .reordered(position: entry.seq, originalSeq: $0) }
                ?? .edited(seq: entry.seq)
            return
        }
        if entry.previousHash != previousHash {
            if let earlier = knownHashes[entry.previousHash] {
                problem = .deleted(from: earlier + 1, through: entry.seq - 1)
            } else {
                problem = .brokenLink(seq: entry.seq)
            }
            return
        }
        knownHashes[entry.hash] = entry.seq
        previousHash = entry.hash
        expectedSeq = entry.seq + 1
    }

    /// Compares the end of the chain with the recorded head and returns the report.
    public func finish(head: JournalHead?) -> ChainReport {
        var found = problem
        if found == nil, let head {
            let lastSeq = expectedSeq - 1
            if head.seq > lastSeq {
                found = .truncated(lastSeq: lastSeq, headSeq: head.seq)
            } else if head.seq == lastSeq, head.hash != previousHash, lastSeq > 0 {
                found = .brokenLink(seq: lastSeq)
            }
        }
        return ChainReport(entriesChecked: entriesChecked, problem: found)
    }

    /// Verifies a whole journal held in memory.
    public static func verify(_ entries: some Sequence<JournalEntry>, head: JournalHead?) -> ChainReport {
        var verifier = JournalChainVerifier()
        for entry in entries { verifier.check(entry) }
        return verifier.finish(head: head)
    }

    /// The sequence number under which this entry's content was hashed, when it was moved.
    private func originalPosition(of entry: JournalEntry) -> Int? {
        let limit = max(entry.seq, expectedSeq) + 10_000
        return (1...limit).first { $0 != entry.seq && entry.computedHash(asSeq: $0) == entry.hash }
    }
}
