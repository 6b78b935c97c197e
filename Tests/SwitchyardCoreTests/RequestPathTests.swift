import Foundation
import Testing
@testable import SwitchyardCore

extension BundleApplier {
    /// Applies the bundle to a request given as a tree, and reads the bytes it sends back into one.
    func apply(to request: [String: JSONValue], kind: EndpointKind, session: String? = nil) -> [String: JSONValue] {
        let bytes = try! JSONObjectBytes(parsing: JSONValue.object(request).wireBytes)
        guard case .object(let applied) = try! JSONValue(parsing: apply(to: bytes, kind: kind, session: session).body) else { return [:] }
        return applied
    }
}

@Suite struct BundleApplierTests {
    func applier(policy: SystemPrompt.Policy = .prepend) -> BundleApplier {
        var bundle = Fixtures.bundle()
        bundle.systemPrompt = SystemPrompt(digest: Digest.sha256("Be brief."), policy: policy)
        bundle.decoding = DecodingDefaults(temperature: 0.3, topP: 0.9, maxTokens: 512, stop: ["</a>"])
        return BundleApplier(bundle: bundle, systemPromptText: "Be brief.")
    }

    let chat: [String: JSONValue] = [
        "model": "app", "temperature": 0.9,
        "messages": [["role": "system", "content": "Client rules."], ["role": "user", "content": "hi"]],
    ]

    @Test func rewritesTheModelAndFillsOnlyMissingDecodingFields() {
        let body = applier().apply(to: chat, kind: .chatCompletions)
        #expect(body["model"] == "acme/app-8b")
        #expect(body["temperature"] == 0.9)
        #expect(body["top_p"] == 0.9)
        #expect(body["max_tokens"] == 512)
        #expect(body["stop"] == ["</a>"])
    }

    @Test func eachBundleAndSessionGetsItsOwnPromptCacheKey() {
        let one = applier()
        var other = Fixtures.bundle()
        other.version = "9.9.9"
        let two = BundleApplier(bundle: other, systemPromptText: nil)
        let key = one.apply(to: chat, kind: .chatCompletions, session: "alice")["prompt_cache_key"]
        #expect(key == .string(one.cacheKey(session: "alice", clientKey: nil)))
        #expect(one.apply(to: chat, kind: .chatCompletions, session: "alice")["prompt_cache_key"] == key, "stable: the cache survives")
        #expect(one.apply(to: chat, kind: .chatCompletions, session: "bob")["prompt_cache_key"] != key)
        #expect(two.apply(to: chat, kind: .chatCompletions, session: "alice")["prompt_cache_key"] != key, "another bundle, another namespace")
        #expect(one.cacheKey(session: "alice", clientKey: nil).hasPrefix(one.cacheNamespace + "-"))
        #expect(!one.cacheKey(session: "alice", clientKey: nil).contains("alice"), "the session is hashed")
        var theirs = chat
        theirs["prompt_cache_key"] = "tenant-faq"
        #expect(one.apply(to: theirs, kind: .chatCompletions)["prompt_cache_key"] == .string(one.cacheNamespace + "-tenant-faq"))
        #expect(one.apply(to: ["model": "app", "input": "x"], kind: .embeddings)["prompt_cache_key"] == nil)
    }

    @Test func prependKeepsTheClientSystemMessageAndReplaceDropsIt() {
        let prepended = applier(policy: .prepend).apply(to: chat, kind: .chatCompletions)["messages"]
        #expect(prepended == [["role": "system", "content": "Be brief."], ["role": "system", "content": "Client rules."], ["role": "user", "content": "hi"]])
        let replaced = applier(policy: .replace).apply(to: chat, kind: .chatCompletions)["messages"]
        #expect(replaced == [["role": "system", "content": "Be brief."], ["role": "user", "content": "hi"]])
        let untouched = applier(policy: .none).apply(to: chat, kind: .chatCompletions)["messages"]
        #expect(untouched == chat["messages"])
    }

    @Test func maxCompletionTokensIsNotDoubledWithMaxTokens() {
        var request = chat
        request["max_completion_tokens"] = 64
        #expect(applier().apply(to: request, kind: .chatCompletions)["max_tokens"] == nil)
    }

    @Test func responsesGetInstructionsAndEmbeddingsOnlyTheModel() {
        let responses = applier().apply(to: ["model": "app", "input": "hi", "instructions": "Theirs."], kind: .responses)
        #expect(responses["instructions"] == "Be brief.\n\nTheirs.")
        #expect(responses["max_output_tokens"] == 512)
        let embeddings = applier().apply(to: ["model": "app", "input": "hi"], kind: .embeddings)
        #expect(embeddings == ["model": "acme/app-8b", "input": "hi"])
    }
}

@Suite struct BundleChooserTests {
    let a = Fixtures.ref("app@1"), b = Fixtures.ref("app@2")
    let now = Date(timeIntervalSince1970: 1_000_000)

    func route(_ aWeight: Int, migrate: Bool = false) -> TenantRoute {
        TenantRoute(weights: [.init(bundle: a, basisPoints: aWeight), .init(bundle: b, basisPoints: fullWeight - aWeight)],
                    maxSessionAgeSeconds: 1800, migrateSessions: migrate)
    }

    @Test func aNewSessionIsPinnedWhereItsBucketFalls() {
        let choice = BundleChooser.choose(route: route(10000), session: "s", pin: nil, now: now) { 0 }
        #expect(choice.bundle == a)
        #expect(choice.newPin == SessionPin(bundle: a, since: now))
    }

    @Test func aPinHoldsThroughARampWhileItsBundleStillHasWeight() {
        let pin = SessionPin(bundle: a, since: now)
        let choice = BundleChooser.choose(route: route(1), session: "s", pin: pin, now: now + 60) { 0 }
        #expect(choice.bundle == a)
        #expect(choice.newPin == nil)
    }

    @Test func aPinMovesWhenItsBundleLosesAllWeightItExpiresOrTheRouteMigrates() {
        let pin = SessionPin(bundle: a, since: now)
        #expect(BundleChooser.choose(route: route(0), session: "s", pin: pin, now: now + 60) { 0 }.bundle == b)
        #expect(BundleChooser.choose(route: route(0, migrate: true), session: "s", pin: pin, now: now + 60) { 0 }.newPin?.bundle == b)
        let expired = BundleChooser.choose(route: route(5000), session: "s", pin: SessionPin(bundle: b, since: now), now: now + 1801) { 0 }
        #expect(expired.newPin != nil)
    }

    @Test func requestsWithoutASessionUseTheRandomBucketAndAreNotPinned() {
        let low = BundleChooser.choose(route: route(5000), session: nil, pin: nil, now: now) { 10 }
        let high = BundleChooser.choose(route: route(5000), session: nil, pin: nil, now: now) { 9990 }
        #expect(low == BundleChoice(bundle: a, newPin: nil))
        #expect(high == BundleChoice(bundle: b, newPin: nil))
    }
}

@Suite struct AnswerInspectionTests {
    @Test func aStreamIsScannedAcrossArbitraryChunkBoundaries() {
        let stream = """
            data: {"choices":[{"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}

            data: {"choices":[{"delta":{"content":"lo","tool_calls":[{"index":0,"id":"call_1","function":{"name":"f"}}]},"finish_reason":null}]}

            data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]},"finish_reason":"tool_calls"}]}

            data: {"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":5}}}

            data: [DONE]


            """
        let bytes = Array(stream.utf8)
        for size in [1, 7, 64, bytes.count] {
            var scanner = StreamScanner()
            for start in stride(from: 0, to: bytes.count, by: size) { scanner.feed(bytes[start..<min(start + size, bytes.count)]) }
            let summary = scanner.summary
            #expect(summary.content == "Hello")
            #expect(summary.toolCalls == 1)
            #expect(summary.finishReason == "tool_calls")
            #expect(summary.inputTokens == 7 && summary.outputTokens == 3 && summary.cachedTokens == 5)
            #expect(summary.sawDone)
        }
    }

    @Test func refusalMarkersMatchInAnyCaseWithinTheOpeningOnly() {
        func answer(_ content: String) -> AnswerSummary {
            var summary = AnswerSummary()
            summary.content = content
            return summary
        }
        #expect(RefusalDetector().isRefusal(answer("Well. I’M SORRY, BUT I CANNOT do that")))
        #expect(RefusalDetector(markers: ["Nope"]).isRefusal(answer("nope")))
        #expect(!RefusalDetector(markers: ["nope"]).isRefusal(answer("no")))
        #expect(!RefusalDetector().isRefusal(answer(String(repeating: "x", count: 200) + "i cannot assist")))
    }

    @Test func aCompleteAnswerIsRead() {
        let body = #"{"choices":[{"message":{"content":"I can't help with that."},"finish_reason":"stop"}],"usage":{"prompt_tokens":4,"completion_tokens":6}}"#
        let summary = AnswerSummary(json: Data(body.utf8))
        #expect(summary.outputTokens == 6)
        #expect(RefusalDetector().isRefusal(summary))
        var filtered = AnswerSummary()
        filtered.finishReason = "content_filter"
        #expect(RefusalDetector().isRefusal(filtered))
        #expect(!RefusalDetector().isRefusal(AnswerSummary(json: Data(#"{"choices":[{"message":{"content":"Sure."}}]}"#.utf8))))
    }

    @Test func contractsAreCheckedOnlyWhenAsked() throws {
        let schema = try JSONValue(parsing: #"{"type":"json_schema","json_schema":{"schema":{"type":"object","required":["answer"],"additionalProperties":false,"properties":{"answer":{"type":"string","maxLength":5}}}}}"#)
        #expect(ContractCheck.check(answer: "anything", responseFormat: nil) == .notApplicable)
        #expect(ContractCheck.check(answer: #"{"a":1}"#, responseFormat: ["type": "json_object"]) == .passed)
        #expect(ContractCheck.check(answer: #"{"a":"#, responseFormat: ["type": "json_object"]) == .failed("the answer is not valid JSON"))
        #expect(ContractCheck.check(answer: #"{"answer":"ok"}"#, responseFormat: schema) == .passed)
        #expect(ContractCheck.check(answer: #"{"answer":"too long"}"#, responseFormat: schema) == .failed("$.answer: longer than 5 characters"))
        #expect(ContractCheck.check(answer: #"{"answer":"ok","x":1}"#, responseFormat: schema) == .failed("$: property 'x' is not allowed"))
        #expect(ContractCheck.check(answer: #"{}"#, responseFormat: schema) == .failed("$: required property 'answer' is missing"))
    }
}

@Suite struct TelemetrySeriesTests {
    let key = TelemetryKey(bundle: Fixtures.ref("app@1"), tenant: "default", role: .primary)
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func observation(at offset: TimeInterval, status: Int = 200, latencyMs: Int = 10) -> RequestObservation {
        var answer = AnswerSummary()
        answer.outputTokens = 5
        return RequestObservation(key: key, time: start + offset, status: status, latencyMicros: latencyMs * 1000,
                                  ttftMicros: latencyMs * 500, answer: answer, costUSD: 0.001)
    }

    @Test func windowsSumTheirSecondsOnly() {
        var series = TelemetrySeries()
        for second in 0..<120 { series.record(observation(at: Double(second), status: second % 10 == 0 ? 500 : 200)) }
        let lastMinute = series.totals(lastSeconds: 60, now: start + 119)
        #expect(lastMinute.requests == 60)
        #expect(lastMinute.status5xx == 6)
        #expect(lastMinute.errorRate == 0.1)
        #expect(lastMinute.outputTokens == 300)
        #expect(lastMinute.costMicroUSD == 60_000)
        #expect(series.perSecond(lastSeconds: 5, now: start + 200).allSatisfy { $0.requests == 0 })
    }

    @Test func slotsOlderThanAnHourAreNotCounted() {
        var series = TelemetrySeries()
        series.record(observation(at: 0))
        series.record(observation(at: 3600))
        #expect(series.totals(lastSeconds: 3600, now: start + 3600).requests == 1)
    }

    @Test func latencyQuantilesComeFromTheHistograms() {
        var series = TelemetrySeries()
        for index in 1...100 { series.record(observation(at: 1, latencyMs: index)) }
        let latency = series.latency(lastSeconds: 60, now: start + 30)
        #expect(latency.count == 100)
        #expect((49_000...51_000).contains(latency.p50))
        #expect((98_000...100_500).contains(latency.p99))
        #expect(series.timeToFirstToken(lastSeconds: 60, now: start + 30).count == 100)
        #expect(series.latency(lastSeconds: 60, now: start + 3000) == .empty)
    }
}

@Suite struct BackendProfileTests {
    @Test func lognormalSamplesHitTheirQuantiles() {
        let distribution = LatencyDistribution(p50Ms: 40, p99Ms: 200)
        #expect(abs(distribution.sample(z: 0) - 40) < 0.001)
        #expect(abs(distribution.sample(z: 2.326) - 200) < 0.1)
        #expect(distribution.scaled(by: 3).p99Ms == 600)
    }

    @Test func invalidProfilesNameTheirFields() {
        var profile = BackendProfile(model: "m", revision: "r")
        #expect(profile.problems().isEmpty)
        profile.errorRate = 1.5
        profile.maxConcurrency = 0
        #expect(profile.problems().map(\.field) == ["error_rate", "max_concurrency"])
    }

    @Test func theSeededGeneratorRepeats() {
        var one = SeededGenerator(seed: 7), two = SeededGenerator(seed: 7)
        #expect((0..<10).map { _ in one.next() } == (0..<10).map { _ in two.next() })
    }
}
