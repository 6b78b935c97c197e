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
    /// The first break nobody acknowledged: while there is one, Switchyard refuses to steer.
    public var problem: ChainProblem?
    /// Breaks an operator acknowledged (`audit acknowledge`); the chain is checked on from each.
    public var acknowledged: [ChainProblem] = []
    public var isIntact: Bool { problem == nil }
}

/// Walks a journal in stored order and names the first entry that was edited, deleted or reordered.
public struct JournalChainVerifier: Sendable {
    private var expectedSeq = 1
    private var previousHash = JournalEntry.genesisHash
    private var knownHashes: [String: Int] = [:]
    private let acknowledging: Set<Int>
    public private(set) var entriesChecked = 0
    public private(set) var problem: ChainProblem?
    public private(set) var acknowledged: [ChainProblem] = []

    /// A verifier that checks on past the breaks at the entries in `acknowledging` (their `ChainProblem.seq`).
    public init(acknowledging: Set<Int> = []) {
        self.acknowledging = acknowledging
    }

    /// Checks the next entry; after an unacknowledged problem is found the rest are ignored.
    public mutating func check(_ entry: JournalEntry) {
        guard problem == nil else { return }
        entriesChecked += 1
        guard let found = self.problem(at: entry) else {
            anchor(on: entry)
            return
        }
        if acknowledging.contains(found.seq) {
            acknowledged.append(found)
            anchor(on: entry)
        } else {
            problem = found
        }
    }

    private func problem(at entry: JournalEntry) -> ChainProblem? {
        if entry.seq > expectedSeq { return .deleted(from: expectedSeq, through: entry.seq - 1) }
        if entry.computedHash() != entry.hash {
            return originalPosition(of: entry).map { .reordered(position: entry.seq, originalSeq: $0) } ?? .edited(seq: entry.seq)
        }
        if entry.previousHash != previousHash {
            return knownHashes[entry.previousHash].map { .deleted(from: $0 + 1, through: entry.seq - 1) } ?? .brokenLink(seq: entry.seq)
        }
        return nil
    }

    /// Takes `entry` as the chain's latest link.
    private mutating func anchor(on entry: JournalEntry) {
        knownHashes[entry.hash] = entry.seq
        previousHash = entry.hash
        expectedSeq = entry.seq + 1
    }

    /// Compares the end of the chain with the recorded head and returns the report.
    public func finish(head: JournalHead?) -> ChainReport {
        var report = ChainReport(entriesChecked: entriesChecked, problem: problem, acknowledged: acknowledged)
        guard problem == nil, let head else { return report }
        let lastSeq = expectedSeq - 1
        var found: ChainProblem?
        if head.seq > lastSeq {
            found = .truncated(lastSeq: lastSeq, headSeq: head.seq)
        } else if head.seq == lastSeq, head.hash != previousHash, lastSeq > 0 {
            found = .brokenLink(seq: lastSeq)
        }
        if let found {
            if acknowledging.contains(found.seq) { report.acknowledged.append(found) } else { report.problem = found }
        }
        return report
    }

    /// Verifies a whole journal held in memory.
    public static func verify(_ entries: some Sequence<JournalEntry>, head: JournalHead?, acknowledging: Set<Int> = []) -> ChainReport {
        var verifier = JournalChainVerifier(acknowledging: acknowledging)
        for entry in entries { verifier.check(entry) }
        return verifier.finish(head: head)
    }

    /// The sequence number under which this entry's content was hashed, when it was moved.
    private func originalPosition(of entry: JournalEntry) -> Int? {
        let limit = max(entry.seq, expectedSeq) + 10_000
        return (1...limit).first { $0 != entry.seq && entry.computedHash(asSeq: $0) == entry.hash }
    }
}
