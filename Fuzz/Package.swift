// swift-tools-version: 6.1
// libFuzzer targets for the parsers that read untrusted bytes. A package of its
// own, so the main package never builds with the fuzzer. Run with `scripts/fuzz`.
import Foundation
import PackageDescription

/// The main package is the directory above this one; a path dependency is
/// named after its directory, which differs between clones.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// libFuzzer supplies `main`, so the targets are libraries of code, not scripts.
let fuzzSettings: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

func fuzzTarget(_ name: String, _ products: [String], support: Bool = false) -> Target {
    .executableTarget(
        name: name,
        dependencies: products.map { .product(name: $0, package: mainPackage) } + (support ? ["FuzzSupport"] : []),
        path: "Targets/\(name)",
        swiftSettings: fuzzSettings
    )
}

let package = Package(
    name: "SessionsFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "SessionsKit", package: mainPackage)],
                path: "Targets/FuzzSupport"),
        fuzzTarget("FuzzStoreDecoding", ["SessionsKit"]),
        fuzzTarget("FuzzTranscript", ["SessionsKit"]),
        fuzzTarget("FuzzCodeMySpec", ["SessionsKit"], support: true),
        fuzzTarget("FuzzHookPayload", ["SessionsKit"], support: true),
        fuzzTarget("FuzzSanitizer", ["SessionsKit", "SessionsDisplay"]),
        fuzzTarget("FuzzSearchQuery", ["SessionsKit"]),
    ]
)
