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

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: products.map { .product(name: $0, package: mainPackage) },
        path: "Targets/\(name)",
        swiftSettings: fuzzSettings
    )
}

let package = Package(
    name: "SessionsFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        fuzzTarget("FuzzStoreDecoding", ["SessionsKit"]),
        fuzzTarget("FuzzTranscript", ["SessionsKit"]),
        fuzzTarget("FuzzCodeMySpec", ["SessionsKit"]),
        fuzzTarget("FuzzHookPayload", ["SessionsKit"]),
        fuzzTarget("FuzzSanitizer", ["SessionsKit", "SessionsDisplay"]),
    ]
)
