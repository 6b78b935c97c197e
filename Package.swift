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
    ],
    targets: [
        // Floor 1: pure domain logic. No I/O, no wall clock, no threads.
        .target(
            name: "SwitchyardCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
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
        // Floor 5: the command-line program.
        .executableTarget(
            name: "switchyard",
            dependencies: [
                "SwitchyardCore", "SwitchyardManifest", "SwitchyardStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SwitchyardCoreTests", dependencies: ["SwitchyardCore"]),
        .testTarget(name: "SwitchyardManifestTests", dependencies: ["SwitchyardManifest"]),
        .testTarget(name: "SwitchyardStoreTests", dependencies: ["SwitchyardStore"]),
        .testTarget(name: "SwitchyardCLITests", dependencies: ["switchyard"]),
    ],
    swiftLanguageModes: [.v6]
)
