// swift-tools-version: 6.1
// The benchmark suite lives in its own package so that the main package's
// `swift build` and `swift test` never build the benchmark harness.
// Run it with `scripts/bench-suite` from the repository root.
import Foundation
import PackageDescription

/// The main package is the directory above this one; a path dependency is
/// named after its directory, which differs between clones.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "SessionsBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "SessionsBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SessionsKit", package: mainPackage),
                .product(name: "SessionsTUI", package: mainPackage),
            ],
            path: "Benchmarks/SessionsBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
