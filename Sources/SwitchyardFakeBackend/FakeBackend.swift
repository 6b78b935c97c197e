import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import Synchronization
import SwitchyardCore

/// A model server stand-in: speaks the OpenAI surface over real HTTP, streaming included, and behaves
/// as its profile says (latency, tokens per second, errors, malformed JSON, refusals, broken streams,
/// cold start, a concurrency limit). `/control/profile` changes the profile while it runs.
public final class FakeBackend: Sendable {
    struct State {
        var profile: BackendProfile
        var random: SeededGenerator
        var inFlight = 0
        var started: ContinuousClock.Instant
        var recent: [JSONValue] = []
        /// The `prompt_cache_key`s seen, for a profile with a prompt cache.
        var cacheKeys: Set<String> = []
    }

    /// Keys the simulated prompt cache holds before it starts afresh.
    static let promptCacheCapacity = 10_000

    /// How many received requests `/control/requests` remembers.
    static let rememberedRequests = 200

    let name: String
    let state: Mutex<State>

    public init(name: String, profile: BackendProfile, seed: UInt64) {
        self.name = name
        state = Mutex(State(profile: profile, random: SeededGenerator(seed: seed), started: .now))
    }

    public var profile: BackendProfile { state.withLock { $0.profile } }

    /// Changes the profile in place, as a drill's injected fault does.
    public func changeProfile(_ change: (inout BackendProfile) -> Void) {
        state.withLock { change(&$0.profile) }
    }

    /// Restarts the model server: it answers 503 (warming up) for `seconds` from now.
    public func restart(coldStartSeconds seconds: Double) {
        state.withLock { state in
            state.profile.coldStartSeconds = seconds
            state.started = .now
        }
    }

    /// An HTTP application serving this backend on `host:port`; `onRunning` receives the bound port.
    public func application(host: String, port: Int, onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        Application(
            responder: FakeBackendResponder(backend: self),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil, reuseAddress: true),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) })
    }

    /// Whether the backend has finished its cold start.
    var isWarm: Bool {
        state.withLock { ContinuousClock.now - $0.started >= .milliseconds(Int($0.profile.coldStartSeconds * 1000)) }
    }

    func remember(_ request: JSONValue) {
        state.withLock { state in
            state.recent.append(request)
            if state.recent.count > Self.rememberedRequests { state.recent.removeFirst() }
        }
    }

    /// Takes a slot under the concurrency limit, or returns false when the backend is full.
    func enter() -> Bool {
        state.withLock { state in
            guard state.inFlight < state.profile.maxConcurrency else { return false }
            state.inFlight += 1
            return true
        }
    }

    func leave() { state.withLock { $0.inFlight -= 1 } }

    /// Draws what happens to one request from the profile.
    func plan(outputLimit: Int?, cacheKey: String?, canCallTools: Bool) -> AnswerPlan {
        state.withLock { state in
            let profile = state.profile
            let tokens = max(1, min(outputLimit ?? profile.outputTokens, profile.outputTokens))
            var cacheHit: Bool?
            if profile.promptCache {
                if state.cacheKeys.count >= Self.promptCacheCapacity { state.cacheKeys.removeAll() }
                cacheHit = cacheKey.map { !state.cacheKeys.insert($0).inserted } ?? false
            }
            let fail = state.random.chance(profile.errorRate)
            let refuse = state.random.chance(profile.refusalRate)
            return AnswerPlan(
                fail: fail,
                refuse: refuse,
                callTool: canCallTools && !refuse && state.random.chance(profile.toolCallRate),
                cacheHit: cacheHit,
                malformed: state.random.chance(profile.malformedRate),
                breakStream: state.random.chance(profile.streamBreakRate),
                ttftMs: profile.ttft.sample(z: state.random.nextGaussian()),
                tokens: tokens,
                truncated: outputLimit.map { $0 < profile.outputTokens } ?? false,
                tokenInterval: 1 / profile.tokensPerSecond)
        }
    }

    /// Replaces fields of the profile from a JSON patch; refuses an invalid result and keeps the old profile.
    func patchProfile(_ patch: JSONValue) throws -> BackendProfile {
        try state.withLock { state in
            guard case .object(var fields) = try JSONValue(encoding: state.profile), case .object(let changes) = patch else {
                throw FakeBackendError.badRequest("send a JSON object of profile fields")
            }
            for (key, value) in changes { fields[key] = value }
            let updated: BackendProfile
            do { updated = try JSONValue.object(fields).decode() } catch {
                throw FakeBackendError.badRequest("not a valid profile: \(error)")
            }
            if let problem = updated.problems().first { throw FakeBackendError.badRequest("\(problem.field): \(problem.message)") }
            if updated.coldStartSeconds != state.profile.coldStartSeconds { state.started = .now }
            state.profile = updated
            return updated
        }
    }
}

/// What the backend decided to do with one request.
struct AnswerPlan {
    var fail: Bool
    var refuse: Bool
    /// Answer with a tool call instead of text.
    var callTool: Bool
    /// Whether the prompt was in the cache; nil when the profile keeps none (no `cached_tokens` reported).
    var cacheHit: Bool?
    var malformed: Bool
    var breakStream: Bool
    var ttftMs: Double
    var tokens: Int
    /// The request's token limit cut the answer short (finish_reason "length").
    var truncated: Bool
    var tokenInterval: Double
}

/// An error the fake backend answers with a 4xx.
enum FakeBackendError: Error {
    case badRequest(String)
}
