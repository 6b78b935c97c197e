import Testing
@testable import SwitchyardCore

@Suite struct JournalChainTests {
    @Test func anIntactChainVerifies() {
        let entries = Fixtures.chain(5)
        let report = JournalChainVerifier.verify(entries, head: JournalHead(seq: 5, hash: entries[4].hash))
        #expect(report.isIntact)
        #expect(report.entriesChecked == 5)
    }

    @Test func anEditedEntryIsNamed() {
        var entries = Fixtures.chain(5)
        entries[2].reason = "nothing to see here"
        let report = JournalChainVerifier.verify(entries, head: nil)
        #expect(report.problem == .edited(seq: 3))
        #expect(report.problem?.message == "entry 3 was edited: its content no longer matches its hash")
    }

    @Test func anEditWhoseHashWasRecomputedBreaksTheNextLink() {
        var entries = Fixtures.chain(5)
        entries[1].reason = "rewritten"
        entries[1].hash = entries[1].computedHash()
        #expect(JournalChainVerifier.verify(entries, head: nil).problem == .brokenLink(seq: 3))
    }

    @Test func aDeletedEntryIsNamed() {
        var entries = Fixtures.chain(5)
        entries.remove(at: 2)
        let problem = JournalChainVerifier.verify(entries, head: nil).problem
        #expect(problem == .deleted(from: 3, through: 3))
        #expect(problem?.message == "entry 3 was deleted")
    }

    @Test func deletedAndRenumberedEntriesAreNamed() {
        var entries = Fixtures.chain(6)
        entries.removeSubrange(2...3)
        // Renumbering to hide the gap breaks the hashes instead.
        entries[2].seq = 3
        entries[3].seq = 4
        #expect(JournalChainVerifier.verify(entries, head: nil).problem == .reordered(position: 3, originalSeq: 5))
    }

    @Test func reorderedEntriesAreNamed() {
        var entries = Fixtures.chain(5)
        entries.swapAt(1, 3)
        entries[1].seq = 2
        entries[3].seq = 4
        let problem = JournalChainVerifier.verify(entries, head: nil).problem
        #expect(problem == .reordered(position: 2, originalSeq: 4))
    }

    @Test func deletingTheLastEntriesIsCaughtByTheHead() {
        let entries = Fixtures.chain(5)
        let report = JournalChainVerifier.verify(entries.prefix(3), head: JournalHead(seq: 5, hash: entries[4].hash))
        #expect(report.problem == .truncated(lastSeq: 3, headSeq: 5))
        #expect(report.problem?.message == "entries 4–5 were deleted from the end of the journal")
    }

    @Test func hashCoversEveryField() {
        let entry = Fixtures.chain(1)[0]
        var changed = [entry, entry, entry, entry, entry, entry, entry]
        changed[0].time = "2027-01-01T00:00:00.000Z"
        changed[1].actor = "mallory"
        changed[2].kind = "bundle.added"
        changed[3].subject = "tenant:acme"
        changed[4].reason = "other"
        changed[5].payload = ["generation": .int(2)]
        changed[6].previousHash = String(repeating: "1", count: 64)
        for variant in changed { #expect(variant.computedHash() != entry.hash) }
    }
}
