// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "Switchyard",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "switchyard", targets: ["switchyard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Floor 1: pure domain logic. No I/O, no wall clock, no threads.
        .target(
            name: "SwitchyardCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // Floor 1: YAML manifests -> Core types, with errors that name file, line and field.
        .target(
            name: "SwitchyardManifest",
            dependencies: ["SwitchyardCore", "Yams"]
        ),
        // Floor 2: the only module that speaks SQL.
        .target(
            name: "SwitchyardStore",
            dependencies: ["SwitchyardCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Floor 2: the data plane, an OpenAI-compatible HTTP proxy that splits traffic between bundles.
        .target(
            name: "SwitchyardRouter",
            dependencies: [
                "SwitchyardCore",
                "CMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Floor 2: a model server stand-in that speaks the OpenAI surface over real HTTP, with injectable faults.
        .target(
            name: "SwitchyardFakeBackend",
            dependencies: [
                "SwitchyardCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // Floor 0: ncursesw and a C shim for the macros Swift cannot import; only the console uses it.
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        // glibc's malloc.h, for the router's heap figures and trims.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // Floor 4: the ncurses console: pure views into a cell buffer, a key reducer, and a thin curses layer.
        .target(name: "SwitchyardConsole", dependencies: ["SwitchyardCore", "CNcursesw"]),
        // Floor 2: a simulated fleet and traffic on a virtual clock, for scenario tests and drills.
        .target(name: "SwitchyardSim", dependencies: ["SwitchyardCore"]),
        // Floor 4: scripted drills in virtual time with a scorecard.
        .target(name: "SwitchyardDrill", dependencies: ["SwitchyardCore", "SwitchyardStore", "SwitchyardEngine", "SwitchyardSim"]),
        // Floor 4: the console's panels rebuilt from the journal, for replay: indexed queries, nothing loaded up front.
        .target(name: "SwitchyardReplay", dependencies: ["SwitchyardCore", "SwitchyardStore", "SwitchyardConsole"]),
        // Floor 3: the control-plane runtime: commands and (next) the tick loop, composing the floors below.
        .target(name: "SwitchyardEngine", dependencies: ["SwitchyardCore", "SwitchyardStore"]),
        // Floor 5: the command-line program.
        .executableTarget(
            name: "switchyard",
            dependencies: [
                "SwitchyardCore", "SwitchyardManifest", "SwitchyardStore", "SwitchyardRouter", "SwitchyardFakeBackend", "SwitchyardEngine",
                "SwitchyardConsole", "SwitchyardDrill", "SwitchyardReplay",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Benchmark-only: the Hummingbird + async-http-client floor that make bench-router compares the router with.
        .executableTarget(
            name: "bare-proxy",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/Benchmarks/BareProxy"
        ),
        // Benchmark-only: the same pass-through written directly on SwiftNIO channel pipelines, the floor of that design.
        .executableTarget(
            name: "nio-bare-proxy",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/Benchmarks/NIOBareProxy"
        ),
        // Benchmark-only: an hour of simulated traffic through the full control plane (make bench-drills).
        .executableTarget(name: "drill-bench", dependencies: ["SwitchyardDrill", "SwitchyardSim"], path: "Tests/Benchmarks/DrillBench"),
        // Benchmark-only: opening and seeking a journal of a million entries (make bench-replay).
        .executableTarget(name: "replay-bench", dependencies: ["SwitchyardReplay", "SwitchyardDrill", "SwitchyardManifest"], path: "Tests/Benchmarks/ReplayBench"),
        // Benchmark-only: the CPU of each of Switchyard's steps on a request's path, in-process (make bench-request-path).
        .executableTarget(name: "request-path-bench", dependencies: ["SwitchyardCore"], path: "Tests/Benchmarks/RequestPathBench"),
        // Benchmark-only: frame time of the console at 200×60 (make bench-console).
        .executableTarget(name: "console-bench", dependencies: ["SwitchyardConsole"], path: "Tests/Benchmarks/ConsoleBench"),
        // Fuzzing: the input-handling surfaces as fuzz targets, libFuzzer's entry point (make fuzz) and the corpus replay.
        .target(name: "SwitchyardFuzzTargets", dependencies: ["SwitchyardCore", "SwitchyardManifest"], path: "Tests/FuzzTargets"),
        .executableTarget(name: "switchyard-fuzz", dependencies: ["SwitchyardFuzzTargets"], path: "Tests/Fuzz/switchyard-fuzz",
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
        .testTarget(name: "SwitchyardFuzzCorpusTests", dependencies: ["SwitchyardFuzzTargets"]),
        .testTarget(name: "SwitchyardCoreTests", dependencies: ["SwitchyardCore"]),
        .target(name: "SwitchyardTestSupport", path: "Tests/SwitchyardTestSupport"),
        .testTarget(name: "SwitchyardManifestTests", dependencies: ["SwitchyardManifest", "SwitchyardTestSupport"]),
        .target(name: "StoreTestSupport", dependencies: ["SwitchyardStore"], path: "Tests/StoreTestSupport"),
        .testTarget(name: "SwitchyardStoreTests", dependencies: ["SwitchyardStore", "StoreTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "SwitchyardConsoleTests", dependencies: ["SwitchyardConsole"], exclude: ["Goldens"]),
        .testTarget(name: "SwitchyardEngineTests", dependencies: ["SwitchyardEngine", "SwitchyardSim", "StoreTestSupport"]),
        .testTarget(name: "SwitchyardReplayTests", dependencies: ["SwitchyardReplay", "StoreTestSupport"]),
        .testTarget(name: "SwitchyardRouterTests", dependencies: ["SwitchyardRouter", "SwitchyardFakeBackend",
                                                              .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "SwitchyardCLITests", dependencies: ["switchyard", "SwitchyardTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
