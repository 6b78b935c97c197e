// `make bench-request-path`: the CPU that Switchyard's own steps add to one chat completion, step by step, in one
// thread and in-process (no sockets, so no scheduler noise), against a baseline measured in the same run:
// validating the request and the answer as UTF-8, the least any proxy that reads them does. `make bench-router`
// measures the whole path through real sockets; this shows which step the per-request CPU goes to.
import Foundation
import SwitchyardCore

let request = Array(#"{"model":"support-assistant","messages":[{"role":"user","content":"hi"}],"max_tokens":8}"#.utf8)
let answer = Array(#"""
    {"choices":[{"finish_reason":"stop","index":0,"message":{"content":"Echo: w0 w1 w2 w3 w4 w5 w6 w7","role":"assistant"}}],\#
    "created":1795427245,"id":"fake-3855746723","model":"acme/support-llm-8b","object":"chat.completion",\#
    "usage":{"completion_tokens":8,"prompt_tokens":36,"total_tokens":44}}
    """#.utf8)
let bundle = ReleaseBundle(
    name: "support-assistant", version: "1.0.0",
    model: ModelReference(provider: "vllm", id: "acme/support-llm-8b", revision: "a1b2c3d4e5f6"),
    tokenizer: TokenizerReference(name: "acme/support-llm-8b", revision: "a1b2c3d4e5f6"),
    decoding: DecodingDefaults(temperature: 0.2),
    systemPrompt: SystemPrompt(digest: Digest.sha256("You are the support assistant."), policy: .prepend),
    safety: SafetyPolicyReference(policyId: "s", version: "1"),
    pricing: Pricing(inputPer1k: 0.1, outputPer1k: 0.2))
let applier = BundleApplier(bundle: bundle, systemPromptText: "You are the support assistant.")
let parsedRequest = try! JSONObjectBytes(parsing: request)
let summary = AnswerSummary(json: answer)
let refusals = RefusalDetector()
let key = TelemetryKey(bundle: BundleRef(name: "support-assistant", version: "1.0.0"), tenant: "default", role: .primary)
var series = TelemetrySeries()
let now = Date()

/// This thread's CPU time in nanoseconds.
func cpuNanos() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Nanoseconds of CPU per call of `body`: the best of five rounds of `count` calls.
func nanos(count: Int = 200_000, _ body: () -> Void) -> Double {
    (0..<5).map { _ in
        let start = cpuNanos()
        for _ in 0..<count { body() }
        return Double(cpuNanos() - start) / Double(count)
    }.min()!
}

@inline(never) func keep<T>(_ value: T) { withExtendedLifetime(value) {} }

let baseline = nanos {
    keep(String(validating: request, as: UTF8.self))
    keep(String(validating: answer, as: UTF8.self))
}
let steps: [(String, Double)] = [
    ("read the request (JSONObjectBytes)", nanos { keep(try? JSONObjectBytes(parsing: request)) }),
    ("apply the bundle (BundleApplier)", nanos { keep(applier.apply(to: parsedRequest, kind: .chatCompletions, session: "user-7")) }),
    ("summarise the answer (AnswerSummary)", nanos { keep(AnswerSummary(json: answer)) }),
    ("look for a refusal (RefusalDetector)", nanos { keep(refusals.isRefusal(summary)) }),
    ("record the series (TelemetrySeries)", nanos {
        series.record(RequestObservation(key: key, time: now, status: 200, latencyMicros: 900, ttftMicros: 400, answer: summary))
    }),
]
print("request path, CPU per call in one thread (best of 5 rounds of 200 000 calls)\n")
print("step".padding(toLength: 44, withPad: " ", startingAt: 0) + "ns/call".leftPad(10) + "× baseline".leftPad(12))
print("baseline: UTF-8 check of request + answer".padding(toLength: 44, withPad: " ", startingAt: 0)
      + String(format: "%10.0f%12.2f", baseline, 1.0))
for (name, value) in steps {
    print(name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%10.0f%12.2f", value, value / baseline))
}
let total = steps.map(\.1).reduce(0, +)
print("all steps".padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%10.0f%12.2f", total, total / baseline))

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
