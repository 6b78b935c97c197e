import Testing
@testable import SwitchyardCore

@Suite struct WeightSpecTests {
    @Test(arguments: [("app@1=9000", 9000), ("app@1=90%", 9000), ("app@1=12.5%", 1250), ("app@1=0.05%", 5), ("app@1=100%", 10000), ("app@1=0", 0)])
    func parsesBasisPointsAndPercentages(text: String, expected: Int) throws {
        #expect(try WeightSpec.parse(text).basisPoints == expected)
    }

    @Test(arguments: ["app@1", "app@1=", "app@1=10001", "app@1=101%", "app@1=12.345%", "app@1=-5", "app@1=abc", "app=50%", "app@1=1.%",
                            "app@1=92233720368547758%", "app@1=9223372036854775807%"])
    func rejectsMalformedWeights(text: String) {
        #expect(throws: SwitchyardError.self) { try WeightSpec.parse(text) }
    }

    @Test func formatsPercentages() {
        #expect(WeightSpec.percent(9000) == "90%")
        #expect(WeightSpec.percent(1250) == "12.5%")
        #expect(WeightSpec.percent(5) == "0.05%")
        #expect(WeightSpec.percent(1234) == "12.34%")
    }
}

@Suite struct TenantRouteTests {
    let a = Fixtures.ref("app@1.0.0"), b = Fixtures.ref("app@2.0.0")

    @Test func refusesWeightsThatDoNotSumToExactly10000() {
        let route = TenantRoute(weights: [.init(bundle: a, basisPoints: 9000), .init(bundle: b, basisPoints: 999)])
        #expect { try route.validate() } throws: { error in
            let error = error as! SwitchyardError
            return error.category == .usage && error.message.contains("99.99%") && error.message.contains("9999 bp")
        }
    }

    @Test func refusesABundleNamedTwiceAndAnEmptyRoute() {
        #expect(throws: SwitchyardError.self) {
            try TenantRoute(weights: [.init(bundle: a, basisPoints: 5000), .init(bundle: a, basisPoints: 5000)]).validate()
        }
        #expect(throws: SwitchyardError.self) { try TenantRoute(weights: []).validate() }
    }

    @Test func ninetyTenSplitOverTenThousandSessionsLandsWithinOnePoint() throws {
        let route = TenantRoute(weights: [.init(bundle: a, basisPoints: 9000), .init(bundle: b, basisPoints: 1000)])
        try route.validate()
        let onB = (0..<10_000).filter { route.bundle(forBucket: SessionBucket.bucket(for: "session-\($0)")) == b }.count
        #expect(abs(onB - 1000) <= 100, "\(onB) of 10000 sessions on the 10% bundle")
    }

    @Test func theSameSessionAlwaysLandsOnTheSameBundle() {
        let route = TenantRoute(weights: [.init(bundle: a, basisPoints: 5000), .init(bundle: b, basisPoints: 5000)])
        for index in 0..<200 {
            let session = "user-\(index)"
            let first = route.bundle(forBucket: SessionBucket.bucket(for: session))
            #expect(route.bundle(forBucket: SessionBucket.bucket(for: session)) == first)
        }
    }

    /// Property: for random valid weight vectors, walking every bucket gives each bundle exactly its basis points.
    @Test func everyBucketMapsToABundleInProportionToItsWeight() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<300 {
            let count = Int(generator.next() % 5) + 1
            var remaining = fullWeight
            var weights: [WeightedBundle] = []
            for index in 0..<count {
                let points = index == count - 1 ? remaining : Int(generator.next() % UInt64(remaining + 1))
                remaining -= points
                weights.append(.init(bundle: Fixtures.ref("app@\(index)"), basisPoints: points))
            }
            let route = TenantRoute(weights: weights)
            #expect(throws: Never.self) { try route.validate() }
            var counts: [BundleRef: Int] = [:]
            for bucket in 0..<fullWeight { counts[route.bundle(forBucket: bucket), default: 0] += 1 }
            for weight in weights { #expect(counts[weight.bundle, default: 0] == weight.basisPoints) }
        }
    }

    @Test func bucketsStayInRange() {
        for index in 0..<5000 { #expect((0..<fullWeight).contains(SessionBucket.bucket(for: "s\(index)"))) }
    }
}

@Suite struct RoutingTableTests {
    @Test func aTenantWithoutItsOwnRouteUsesTheDefault() {
        let a = Fixtures.ref("app@1.0.0"), b = Fixtures.ref("app@2.0.0")
        let table = RoutingTable()
            .replacing(tenant: RoutingTable.defaultTenant, with: TenantRoute(weights: [.init(bundle: a, basisPoints: 10000)]))
            .replacing(tenant: "acme", with: TenantRoute(weights: [.init(bundle: b, basisPoints: 10000)]))
        #expect(table.generation == 2)
        #expect(table.route(forTenant: "acme")?.weights.first?.bundle == b)
        #expect(table.route(forTenant: "globex")?.weights.first?.bundle == a)
        #expect(table.route(forTenant: nil)?.weights.first?.bundle == a)
        #expect(table.tenantsInOrder == ["*", "acme"])
        #expect(table.referencedBundles == [a, b])
        #expect(table.replacing(tenant: "acme", with: nil).route(forTenant: "acme")?.weights.first?.bundle == a)
    }
}
