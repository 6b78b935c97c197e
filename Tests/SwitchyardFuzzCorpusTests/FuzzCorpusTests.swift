import Foundation
import SwitchyardFuzzTargets
import Testing

/// Every committed fuzz input, through its target, on every `make test`: the corpus seeds (real manifests,
/// journal payloads, request bodies, streams) and each crash a fuzzer ever found, kept as a regression.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus")

    static func inputs(_ target: FuzzTarget) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: corpus.appendingPathComponent(target.rawValue), includingPropertiesForKeys: nil)
    }

    @Test(arguments: FuzzTarget.allCases)
    func everyCommittedInputPasses(_ target: FuzzTarget) throws {
        let files = try Self.inputs(target)
        #expect(files.count >= 3, "\(target.rawValue) has a corpus of \(files.count) input(s); seed it (Docs/reliability.md)")
        for file in files { target.run(Array(try Data(contentsOf: file))) }
    }
}
