import Foundation

/// Requests one bundle answered, packed in bytes: what `serve` keeps in memory and saves once a second for
/// `switchyard affected`, one row per bundle rather than one per request (a row and a struct of strings per
/// request cost the data plane about 8 µs of CPU each; Docs/benchmarks.md).
///
/// Each request is: its time in milliseconds since 1970 (8 bytes, little-endian), generation (8), status (2),
/// then its id, tenant and session, each as a 4-byte length and UTF-8 (a session of length `absent` is nil).
public struct ServedRequestBatch: Sendable, Hashable {
    public let bundle: BundleRef
    /// The earliest and latest request times, in milliseconds since 1970.
    public private(set) var firstMillis = Int64.max
    public private(set) var lastMillis = Int64.min
    public private(set) var count = 0
    public private(set) var bytes: [UInt8] = []

    static let absent = UInt32.max

    public init(bundle: BundleRef) { self.bundle = bundle }

    /// A batch as the store saved it; `requests()` checks its bytes.
    public init(bundle: BundleRef, firstMillis: Int64, lastMillis: Int64, count: Int, bytes: [UInt8]) {
        self.bundle = bundle
        self.firstMillis = firstMillis
        self.lastMillis = lastMillis
        self.count = count
        self.bytes = bytes
    }

    public mutating func append(id: String, millis: Int64, tenant: String, session: String?, generation: Int, status: Int) {
        firstMillis = min(firstMillis, millis)
        lastMillis = max(lastMillis, millis)
        count += 1
        put(UInt64(bitPattern: millis), bytes: 8)
        put(UInt64(bitPattern: Int64(generation)), bytes: 8)
        put(UInt64(UInt16(clamping: status)), bytes: 2)
        put(id)
        put(tenant)
        if let session { put(session) } else { put(UInt64(Self.absent), bytes: 4) }
    }

    public mutating func append(_ request: ServedRequest) {
        append(id: request.id, millis: Timestamp.milliseconds(request.time), tenant: request.tenant, session: request.session,
               generation: request.generation, status: request.status)
    }

    private mutating func put(_ value: UInt64, bytes count: Int) {
        for shift in stride(from: 0, to: count * 8, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    private mutating func put(_ text: String) {
        put(UInt64(text.utf8.count), bytes: 4)
        bytes.append(contentsOf: text.utf8)
    }

    /// The requests, in the order they were appended; an error when the bytes are not a batch of `count` requests.
    public func requests() throws(SwitchyardError) -> [ServedRequest] {
        guard count >= 0 else { throw .failure("the saved requests of \(bundle) give a negative count (\(count))") }
        var reader = Reader(bytes: bytes)
        var out: [ServedRequest] = []
        // A damaged count must not reserve more than the bytes can hold (each request takes at least 30).
        out.reserveCapacity(min(count, bytes.count / 30))
        for index in 0..<count {
            guard let millis = reader.integer(8), let generation = reader.integer(8), let status = reader.integer(2),
                  let id = reader.text(), let tenant = reader.text(), let session = reader.optionalText() else {
                throw .failure("the saved requests of \(bundle) are damaged at request \(index + 1) of \(count)",
                               hint: "they are kept for `switchyard affected` only; the routing state is not affected")
            }
            out.append(ServedRequest(id: id, time: Date(timeIntervalSince1970: Double(Int64(bitPattern: millis)) / 1000), tenant: tenant,
                                     session: session, bundle: bundle, generation: Int(Int64(bitPattern: generation)), status: Int(status)))
        }
        guard reader.atEnd else {
            throw .failure("the saved requests of \(bundle) have \(bytes.count - reader.offset) bytes more than their \(count) requests")
        }
        return out
    }

    /// Reads the fields back, refusing any that run past the end.
    private struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var atEnd: Bool { offset == bytes.count }

        mutating func integer(_ count: Int) -> UInt64? {
            guard bytes.count - offset >= count else { return nil }
            var value: UInt64 = 0
            for index in 0..<count { value |= UInt64(bytes[offset + index]) << UInt64(index * 8) }
            offset += count
            return value
        }

        mutating func text() -> String? {
            guard let length = integer(4), length != UInt64(ServedRequestBatch.absent) else { return nil }
            return text(length: Int(length))
        }

        /// A text that may be absent: `.some(nil)` for the absent marker, nil when the bytes are damaged.
        mutating func optionalText() -> String?? {
            guard let length = integer(4) else { return nil }
            return length == UInt64(ServedRequestBatch.absent) ? .some(nil) : text(length: Int(length)).map { .some($0) }
        }

        private mutating func text(length: Int) -> String? {
            guard bytes.count - offset >= length else { return nil }
            defer { offset += length }
            return String(validating: bytes[offset..<offset + length], as: UTF8.self)
        }
    }
}
