import Foundation
import NIOCore
import SwitchyardCore

/// What the router keeps of a request to judge its answer: its body, read for the output format it asked for and,
/// when the answer calls tools, for how deep in tool calls its conversation already is.
struct AnswerRequest: Sendable {
    let body: JSONObjectBytes?

    init(_ body: JSONObjectBytes?) { self.body = body }

    var responseFormat: JSONValue? { body?["response_format"] }
    /// Read only for an answer that calls tools: it walks the conversation.
    var priorToolDepth: Int { body.map(ToolCallDepth.prior) ?? 0 }
}

/// A bundle as the request path uses it: how to rewrite requests, and which backends may serve them.
/// A class: every request refers to it, and copying its many fields cost a retain each.
final class ServedBundle: Sendable {
    let resolved: ResolvedBundle
    let applier: BundleApplier
    let pool: BackendPool
    let judge: ContractJudge
    /// `name@version`, worked out once: it goes in two headers of every request.
    let refText: String

    init(resolved: ResolvedBundle, applier: BundleApplier, pool: BackendPool) {
        self.resolved = resolved
        self.applier = applier
        self.pool = pool
        judge = ContractJudge(resolved.bundle.contracts)
        refText = resolved.bundle.ref.description
    }

    /// What one answer of this bundle tells: its contracts kept or broken, refusal, tool loop and cost.
    func observation(_ key: TelemetryKey, status: Int, summary: AnswerSummary, request: AnswerRequest, refusals: RefusalDetector,
                     latency: Duration, firstByte: Duration, streamBroken: Bool) -> RequestObservation {
        let answered = status < 300
        let refusal = answered && refusals.isRefusal(summary)
        let pricing = resolved.bundle.pricing
        return RequestObservation(
            key: key, time: Date(), status: status, latencyMicros: latency.microseconds, ttftMicros: firstByte.microseconds, answer: summary,
            contract: answered ? judge.interface(answer: summary.content, responseFormat: request.responseFormat) : .notApplicable,
            experience: answered && !refusal ? judge.experience(summary) : .notApplicable,
            toolLoop: answered && summary.toolCalls > 0 && judge.isToolLoop(depth: request.priorToolDepth + 1),
            refusal: refusal, upstreamError: status >= 500, streamBroken: streamBroken,
            costUSD: Double(summary.inputTokens) / 1000 * pricing.inputPer1k + Double(summary.outputTokens) / 1000 * pricing.outputPer1k)
    }

    /// The upstream timeout: the router's, or the bundle's reliability contract when that is shorter.
    func timeout(within routerTimeout: TimeAmount) -> TimeAmount {
        guard let milliseconds = resolved.bundle.contracts?.reliability?.timeoutMs else { return routerTimeout }
        return min(routerTimeout, .milliseconds(Int64(milliseconds)))
    }
}
