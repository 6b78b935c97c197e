/// Maps a session id to a bucket in 0..<10000 with a stable hash, so the same session always lands
/// in the same place and a weight split over many sessions is proportional.
public enum SessionBucket {
    public static func bucket(for session: String) -> Int {
        // FNV-1a over the bytes, then a SplitMix64 finaliser to spread similar ids apart.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in session.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 30
        hash &*= 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 27
        hash &*= 0x94d0_49bb_1331_11eb
        hash ^= hash >> 31
        return Int(hash % UInt64(fullWeight))
    }
}
