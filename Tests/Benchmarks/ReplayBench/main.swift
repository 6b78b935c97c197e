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

/// Milliseconds to seek to each of `count` random times and rebuild the panels, and to jump to the next decision.
func seeks(in store: SwitchyardStore, count: Int) throws -> (goTo: [Double], jump: [Double]) {
    let timeline = try ReplayTimeline(store: store, from: nil, to: nil)
    let first = Timestamp.parse(try store.journalEntry(seq: timeline.span.lowerBound)!.time)!
    let last = Timestamp.parse(try store.journalEntry(seq: timeline.span.upperBound)!.time)!
    var random = SeededGenerator(seed: 7)
    var goTo: [Double] = []
    var jump: [Double] = []
    for _ in 0..<count {
        let time = first + Double.random(in: 0...last.timeIntervalSince(first), using: &random)
        goTo.append(try seconds {
            _ = try timeline.apply(.goTo(Timestamp.format(time)))
            _ = try timeline.snapshot()
        } * 1000)
        jump.append(try seconds {
            _ = try timeline.apply(.jump(1))
            _ = try timeline.snapshot()
        } * 1000)
    }
    return (goTo, jump)
}

func describe(_ samples: [Double]) -> String {
    let sorted = samples.sorted()
    let at = { (q: Double) in sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] }
    return String(format: "median %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  max %6.2f ms", at(0.5), at(0.95), at(0.99), sorted.last!)
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

let median = { (samples: [Double]) in samples.sorted()[samples.count / 2] }
print("journal grown from a drill run of \(seed.count) entries to \(head) entries (\(cycles) cycles) in \(String(format: "%.1f", grow)) s")
print("baseline, \(seed.count) entries:   seek + panels  \(describe(small.goTo))")
print("                         jump + panels  \(describe(small.jump))")
print("\(head) entries:            seek + panels  \(describe(large.goTo))")
print("                         jump + panels  \(describe(large.jump))")
print(String(format: "open: %.1f ms", open * 1000))
print(String(format: "ratio large/baseline (median seek): %.2f×", median(large.goTo) / median(small.goTo)))
let worst = max(large.goTo.max()!, large.jump.max()!)
print(String(format: "target: every seek ≤ 200 ms → worst %.1f ms, ", worst) + (worst <= 200 ? "met" : "NOT MET")
      + String(format: " (the baseline's worst on %d entries: %.1f ms)", seed.count, max(small.goTo.max()!, small.jump.max()!)))
