#if canImport(Glibc)
import CMalloc
#endif
import ServiceLifecycle

/// The C library's heap: what it holds for live objects versus what it keeps mapped, and giving the difference back.
///
/// glibc keeps memory freed by a burst (say, buffers for 256 client connections during a stall) in its arenas for
/// reuse, so without a trim `serve`'s resident memory only ever rises to its high-water mark.
public enum ProcessHeap {
    /// Bytes in live allocations, and bytes the allocator holds from the kernel (nil where the C library cannot say).
    public static func figures() -> (inUse: Int, held: Int)? {
        #if canImport(Glibc)
        let info = mallinfo2()
        return (Int(info.uordblks + info.hblkhd), Int(info.arena + info.hblkhd))
        #else
        return nil
        #endif
    }

    /// Returns free pages in every arena to the kernel.
    public static func trim() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}

/// Trims the heap on an interval, so resident memory follows live memory down after a burst.
struct HeapTrimmer: Service {
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                ProcessHeap.trim()
            }
        }
    }
}
