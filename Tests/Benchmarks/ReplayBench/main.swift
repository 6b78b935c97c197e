// `make bench-replay`: the replay console on a journal of a million entries: how long it takes to open, and to
// seek to a time and rebuild every panel there, against the same seeks on the small journal it was grown from
// (a real drill run), measured in the same run. Target: any seek ≤ 200 ms.
import Foundation
import SwitchyardConsole
import SwitchyardCore
import SwitchyardDrill
import SwitchyardManifest
import SwitchyardReplay
import SwitchyardStore

let target = 1_000_000
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-bench-replay-\(getpid())").path
defer { try? FileManager.default.removeItem(atPath: directory) }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// This thread's CPU time in seconds: beside the wall clock it tells work from waiting (a shared machine's
/// scheduler, the page cache).
func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// A measured call: wall-clock and CPU milliseconds.
struct Sample {
    var wall: Double
    var cpu: Double

    static func of(_ body: () throws -> Void) rethrows -> Sample {
        let cpuStart = cpuSeconds()
        let wall = try seconds(body)
        return Sample(wall: wall * 1000, cpu: (cpuSeconds() - cpuStart) * 1000)
    }
}

/// Seeks to each of `count` random times and rebuilds the panels, then jumps to the next decision, measured.
func seeks(in store: SwitchyardStore, count: Int) throws -> (goTo: [Sample], jump: [Sample]) {
    let timeline = try ReplayTimeline(store: store, from: nil, to: nil)
    let first = Timestamp.parse(try store.journalEntry(seq: timeline.span.lowerBound)!.time)!
    let last = Timestamp.parse(try store.journalEntry(seq: timeline.span.upperBound)!.time)!
    var random = SeededGenerator(seed: 7)
    var goTo: [Sample] = []
    var jump: [Sample] = []
    for _ in 0..<count {
        let time = first + Double.random(in: 0...last.timeIntervalSince(first), using: &random)
        goTo.append(try Sample.of {
            _ = try timeline.apply(.goTo(Timestamp.format(time)))
            _ = try timeline.snapshot()
        })
        jump.append(try Sample.of {
            _ = try timeline.apply(.jump(1))
            _ = try timeline.snapshot()
        })
    }
    return (goTo, jump)
}

func describe(_ samples: [Double]) -> String {
    let sorted = samples.sorted()
    let at = { (q: Double) in sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] }
    return String(format: "median %6.2f  p95 %6.2f  p99 %6.2f  max %6.2f ms", at(0.5), at(0.95), at(0.99), sorted.last!)
}

func describe(_ samples: [Sample]) -> String {
    "wall " + describe(samples.map(\.wall)) + "\n" + String(repeating: " ", count: 40) + "cpu  " + describe(samples.map(\.cpu))
}

// The seed: a real drill from the library (a rollout, a fault, an automatic rollback, telemetry every 5 s).
var runner = try DrillRunner(try DrillManifest.load(path: "Docs/drills/bad-canary-error-spike.yaml"), directory: directory)
_ = try runner.run()
let clock = ManualClock(Date(timeIntervalSince1970: 0))
let store = try SwitchyardStore(directory: directory, clock: clock, create: false)
let seed = try store.journal()
let small = try seeks(in: store, count: 200)

// Grow it to a million entries: the drill's journal again and again, an hour later each time, with a routing
// flip committed between cycles so that routing as of the cursor is looked up among many generations.
let seedStart = Timestamp.parse(seed.first!.time)!
let seedTimes = seed.map { Timestamp.parse($0.time)! }
let cycle = seedTimes.last!.timeIntervalSince(seedStart) + 60
let table = try store.routing().table
var written = seed.count
var cycles = 0
let grow = try seconds {
    while written < target {
        cycles += 1
        let shift = cycle * Double(cycles)
        let chunk = zip(seed, seedTimes).prefix(target - written).map { entry, time in
            (time: time + shift,
             draft: JournalDraft(actor: entry.actor, kind: entry.kind, subject: entry.subject, reason: entry.reason, payload: entry.payload))
        }
        try store.appendHistory(chunk)
        written += chunk.count
        guard written < target, let route = table.routes[RoutingTable.defaultTenant] else { continue }
        clock.advance(by: seedStart.timeIntervalSince(clock.now()) + shift + cycle - 30)
        try store.setRoute(tenant: RoutingTable.defaultTenant, route: route, actor: "bench", reason: "a flip between cycles")
        written += 1
    }
}
let head = try store.journalHead()!.seq
let open = try seconds { _ = try ReplayTimeline(store: try SwitchyardStore(directory: directory, clock: clock, create: false), from: nil, to: nil) }
let large = try seeks(in: store, count: 200)

let median = { (samples: [Sample]) in samples.map(\.wall).sorted()[samples.count / 2] }
print("journal grown from a drill run of \(seed.count) entries to \(head) entries (\(cycles) cycles) in \(String(format: "%.1f", grow)) s")
print("baseline, \(seed.count) entries:   seek + panels  \(describe(small.goTo))")
print("                         jump + panels  \(describe(small.jump))")
print("\(head) entries:            seek + panels  \(describe(large.goTo))")
print("                         jump + panels  \(describe(large.jump))")
print(String(format: "open: %.1f ms", open * 1000))
print(String(format: "ratio large/baseline (median seek): %.2f×", median(large.goTo) / median(small.goTo)))
let worst = (large.goTo + large.jump).max { $0.wall < $1.wall }!
let worstCPU = (large.goTo + large.jump).map(\.cpu).max()!
print(String(format: "target: every seek ≤ 200 ms → worst wall %.1f ms (its CPU %.1f ms), worst CPU %.1f ms: ", worst.wall, worst.cpu, worstCPU)
      + (worst.wall <= 200 ? "met" : worstCPU <= 200 ? "met in CPU time, not on the wall clock" : "NOT MET"))
