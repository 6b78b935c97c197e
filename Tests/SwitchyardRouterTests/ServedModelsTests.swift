import NIOCore
import SwitchyardCore
import Testing
@testable import SwitchyardRouter

/// A backend's model list against the model a bundle pins.
@Suite struct ServedModelsTests {
    let pinned = ModelReference(provider: "vllm", id: "acme/app-8b", revision: "a1b2c3d")

    func listing(_ text: String) -> ServedModels? { ServedModels(listing: ByteBuffer(string: text)) }

    @Test func thePinnedIdAndRevisionMatch() throws {
        let served = try #require(listing(#"{"object":"list","data":[{"id":"acme/app-8b","revision":"a1b2c3d"},{"id":"other"}]}"#))
        #expect(served.mismatch(with: pinned) == nil)
    }

    @Test func anotherRevisionOrAnotherModelIsAMismatch() throws {
        let rotated = try #require(listing(#"{"data":[{"id":"acme/app-8b","revision":"ffff000"}]}"#))
        #expect(rotated.mismatch(with: pinned) == "serves acme/app-8b at revision ffff000, not the pinned a1b2c3d")
        let other = try #require(listing(#"{"data":[{"id":"acme/app-70b"},{"id":"acme/app-1b"}]}"#))
        #expect(other.mismatch(with: pinned) == "serves acme/app-1b, acme/app-70b, not acme/app-8b")
    }

    @Test func aRevisionTheBackendDoesNotReportCannotBeChecked() throws {
        let silent = try #require(listing(#"{"data":[{"id":"acme/app-8b"}]}"#))
        #expect(silent.mismatch(with: pinned) == nil)
        var unpinned = pinned
        unpinned.revision = nil
        #expect(try #require(listing(#"{"data":[{"id":"acme/app-8b","revision":"x"}]}"#)).mismatch(with: unpinned) == nil)
    }

    @Test func whatIsNotAModelListIsIgnored() {
        #expect(listing("not json") == nil)
        #expect(listing(#"{"data":[{"name":"x"}]}"#) == nil)
        #expect(listing(#"{"object":"list"}"#) == nil)
    }
}
