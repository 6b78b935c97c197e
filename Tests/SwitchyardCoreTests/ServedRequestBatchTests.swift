import Foundation
import SwitchyardCore
import Testing

@Suite struct ServedRequestBatchTests {
    let ref = BundleRef(name: "app", version: "1.0.0")

    func request(_ n: Int, session: String?) -> ServedRequest {
        ServedRequest(id: "req-\(n)", time: Date(timeIntervalSince1970: 1_795_000_000 + Double(n) / 7), tenant: n % 2 == 0 ? "acme" : "default",
                      session: session, bundle: ref, generation: 40 + n, status: n % 3 == 0 ? 502 : 200)
    }

    @Test func requestsComeBackAsAppendedToTheMillisecond() throws {
        var batch = ServedRequestBatch(bundle: ref)
        let requests = (0..<50).map { request($0, session: $0 % 4 == 0 ? nil : "sess \"\($0)\"\t∞\n") }
        for request in requests { batch.append(request) }
        let back = try batch.requests()
        #expect(back.count == 50 && batch.count == 50)
        #expect(back.map(\.id) == requests.map(\.id))
        #expect(back.map(\.session) == requests.map(\.session), "a nil session stays nil, tabs and newlines survive")
        #expect(back.map(\.tenant) == requests.map(\.tenant))
        #expect(back.map(\.generation) == requests.map(\.generation))
        #expect(back.map(\.status) == requests.map(\.status))
        #expect(back.map { Timestamp.format($0.time) } == requests.map { Timestamp.format($0.time) })
        #expect(batch.firstMillis == Timestamp.milliseconds(requests[0].time))
        #expect(batch.lastMillis == Timestamp.milliseconds(requests[49].time))
    }

    @Test func damagedBytesAreAnErrorNamingTheBundleAndRequest() throws {
        var batch = ServedRequestBatch(bundle: ref)
        batch.append(request(1, session: "s"))
        batch.append(request(2, session: nil))
        let cut = ServedRequestBatch(bundle: ref, firstMillis: batch.firstMillis, lastMillis: batch.lastMillis, count: 2,
                                     bytes: Array(batch.bytes.dropLast(3)))
        #expect(throws: SwitchyardError.failure("the saved requests of app@1.0.0 are damaged at request 2 of 2",
                                                hint: "they are kept for `switchyard affected` only; the routing state is not affected")) {
            try cut.requests()
        }
        let longer = ServedRequestBatch(bundle: ref, firstMillis: batch.firstMillis, lastMillis: batch.lastMillis, count: 1, bytes: batch.bytes)
        #expect(throws: SwitchyardError.self) { try longer.requests() }
        let negative = ServedRequestBatch(bundle: ref, firstMillis: 0, lastMillis: 0, count: -1, bytes: [])
        #expect(throws: SwitchyardError.failure("the saved requests of app@1.0.0 give a negative count (-1)")) { try negative.requests() }
        // A count far beyond what the bytes hold is refused, not reserved.
        let huge = ServedRequestBatch(bundle: ref, firstMillis: 0, lastMillis: 0, count: 1 << 50, bytes: batch.bytes)
        #expect(throws: SwitchyardError.self) { try huge.requests() }
    }
}
