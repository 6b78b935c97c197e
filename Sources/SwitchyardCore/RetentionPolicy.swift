/// Decides which superseded bundles may be archived automatically.
public struct RetentionPolicy: Sendable {
    /// A bundle as retention sees it.
    public struct Version: Sendable, Hashable {
        public var ref: BundleRef
        public var stage: Stage
        /// When it was last signed off (ISO 8601), or nil if never.
        public var lastSignOff: String?

        public init(ref: BundleRef, stage: Stage, lastSignOff: String?) {
            self.ref = ref
            self.stage = stage
            self.lastSignOff = lastSignOff
        }
    }

    /// How many of the most recently signed-off versions of each name are always kept.
    public var keepValidated: Int

    public init(keepValidated: Int = 3) { self.keepValidated = keepValidated }

    /// `versions` in registration order; returns those to archive: registered before the newest production
    /// version of their name, not routed, and not among the last `keepValidated` signed-off versions.
    public func toArchive(_ versions: [Version], routed: Set<BundleRef>) -> [BundleRef] {
        var out: [BundleRef] = []
        for (_, group) in Dictionary(grouping: versions, by: \.ref.name).sorted(by: { $0.key < $1.key }) {
            guard let newestProduction = group.lastIndex(where: { $0.stage == .production }) else { continue }
            let protected = Set(group.filter { $0.lastSignOff != nil }
                .sorted { $0.lastSignOff! > $1.lastSignOff! }
                .prefix(keepValidated).map(\.ref))
            for version in group[..<newestProduction]
            where version.stage != .archived && !routed.contains(version.ref) && !protected.contains(version.ref) {
                out.append(version.ref)
            }
        }
        return out
    }
}
