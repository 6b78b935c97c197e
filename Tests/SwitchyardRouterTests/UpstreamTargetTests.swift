import Testing
@testable import SwitchyardRouter

/// Pool endpoint URLs as the data plane connects to them.
@Suite struct UpstreamTargetTests {
    @Test func hostPortAndPrefixAreSplit() {
        let target = UpstreamTarget(url: "http://10.0.0.7:8000/openai")
        #expect(target.host == "10.0.0.7")
        #expect(target.port == 8000)
        #expect(!target.tls)
        #expect(target.pathPrefix == "/openai")
        #expect(target.hostHeader == "10.0.0.7:8000")
    }

    @Test func theSchemeGivesTheDefaultPortAndTLS() {
        let plain = UpstreamTarget(url: "http://models.internal")
        #expect(plain.port == 80 && !plain.tls && plain.pathPrefix.isEmpty && plain.hostHeader == "models.internal")
        let secure = UpstreamTarget(url: "https://api.example.com")
        #expect(secure.port == 443 && secure.tls && secure.hostHeader == "api.example.com")
        #expect(UpstreamTarget(url: "https://api.example.com:8443").hostHeader == "api.example.com:8443")
    }

    @Test func anIPv6HostKeepsItsBracketsOnlyInTheHostHeader() {
        let target = UpstreamTarget(url: "http://[::1]:9000/v")
        #expect(target.host == "::1")
        #expect(target.port == 9000)
        #expect(target.pathPrefix == "/v")
        #expect(target.hostHeader == "[::1]:9000")
    }
}

/// Header names compared in any case, as the data plane filters them.
@Suite struct HeaderNameTests {
    @Test func hopByHopNamesMatchInAnyCaseAndOnlyWhole() {
        #expect(HopByHop.contains("Connection"))
        #expect(HopByHop.contains("TRANSFER-ENCODING"))
        #expect(!HopByHop.contains("Connections"))
        #expect(!HopByHop.contains("content-type"))
    }

    @Test func prefixesMatchInAnyCase() {
        #expect("X-Switchyard-Bundle".hasPrefixIgnoringASCIICase("x-switchyard-"))
        #expect(!"X-Switch".hasPrefixIgnoringASCIICase("x-switchyard-"))
        #expect("Authorization".equalsIgnoringASCIICase("authorization"))
        #expect(!"Authorisation".equalsIgnoringASCIICase("authorization"))
    }
}
