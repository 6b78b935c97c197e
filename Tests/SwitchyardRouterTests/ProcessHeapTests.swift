import Foundation
import Testing
import SwitchyardRouter

@Suite struct ProcessHeapTests {
    /// Anonymous resident memory of this process, from /proc, in bytes.
    static func residentAnonymous() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("RssAnon:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])) * 1024
    }

    @Test func figuresFollowLiveAllocations() throws {
        let before = try #require(ProcessHeap.figures())
        let block = UnsafeMutableRawPointer.allocate(byteCount: 64 << 20, alignment: 16)
        let during = try #require(ProcessHeap.figures())
        block.deallocate()
        let after = try #require(ProcessHeap.figures())
        #expect(during.inUse >= before.inUse + (60 << 20))
        #expect(during.inUse <= during.held)
        #expect(after.inUse <= during.inUse - (60 << 20))
    }

    /// Memory freed between live blocks stays resident until a trim gives it back to the kernel.
    @Test func trimReturnsMemoryFreedBetweenLiveBlocks() throws {
        let chunk = 16 << 10  // below glibc's mmap threshold, so the chunks come from an arena
        let chunks = (0..<2048).map { _ in
            let pointer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
            pointer.initializeMemory(as: UInt8.self, repeating: 1, count: chunk)
            return pointer
        }
        // Every 16th chunk stays live, so what is freed lies between live blocks, never at the top of the heap.
        let kept = chunks.enumerated().filter { $0.offset % 16 == 15 }.map(\.element)
        defer { kept.forEach { $0.deallocate() } }
        let withChunks = try Self.residentAnonymous()
        chunks.enumerated().filter { $0.offset % 16 != 15 }.forEach { $0.element.deallocate() }
        ProcessHeap.trim()
        let trimmed = try Self.residentAnonymous()
        #expect(trimmed <= withChunks - (16 << 20), "30 MiB freed; resident \(withChunks) → \(trimmed) bytes after the trim")
    }
}
