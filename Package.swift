// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "sessions",
    products: [
        .executable(name: "sessions", targets: ["sessions"]),
        .library(name: "SessionsKit", targets: ["SessionsKit"]),
        // For the benchmark suite in Benchmarks/, which renders frames headless,
        // and the fuzz targets in Fuzz/.
        .library(name: "SessionsTUI", targets: ["SessionsTUI"]),
        .library(name: "SessionsDisplay", targets: ["SessionsDisplay"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        // libc entry points that Swift's Glibc module does not export
        // (feature-test-macro gated) live behind a tiny C shim.
        .target(name: "CSupport"),
        // PostgreSQL's client library, for a team's shared store, with a shim for its macros.
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // The shared model: schema, validation, scoping and the durable stores
        // (files, and PostgreSQL). It knows nothing about terminals.
        .target(
            name: "SessionsKit",
            dependencies: [
                "CSupport", "CPostgres",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // What every front end shows alike: the sanitizer, cell widths, glyphs,
        // tones, the timeline heading and cells, the duration bar.
        .target(name: "SessionsDisplay", dependencies: ["SessionsKit", "CSupport"]),
        // The system's wide-character curses, with a shim for the macros Swift cannot import.
        .systemLibrary(name: "CCurses", path: "Sources/CCurses", providers: [.apt(["libncurses-dev"])]),
        // The full-screen browser as data flow: state, update and render are
        // pure and testable as text, and know nothing of curses. The built-in
        // themes are the files in themes/ (linked as Theme/BuiltIn), embedded.
        .target(
            name: "SessionsTUI",
            dependencies: ["SessionsKit", "SessionsDisplay"],
            exclude: ["Theme/BuiltIn/README.md"],
            resources: [
                .embedInCode("Theme/BuiltIn/default.theme"), .embedInCode("Theme/BuiltIn/light.theme"),
                .embedInCode("Theme/BuiltIn/high-contrast.theme"), .embedInCode("Theme/BuiltIn/mono.theme"),
            ]
        ),
        // The terminal backend and the event loop: the only code that calls curses.
        .target(
            name: "SessionsTerminal",
            dependencies: [
                "SessionsKit", "SessionsTUI", "CSupport", "CCurses",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "SessionsCLI",
            dependencies: [
                "CSupport",
                "SessionsKit",
                "SessionsDisplay",
                "SessionsTUI",
                "SessionsTerminal",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "sessions", dependencies: ["SessionsCLI"]),
        // Helpers shared by the test targets: temporary stores, running the binary.
        .target(name: "TestSupport", dependencies: ["SessionsKit"], path: "Tests/TestSupport"),
        .testTarget(name: "SessionsKitTests", dependencies: ["SessionsKit", "TestSupport"]),
        .testTarget(name: "SessionsDisplayTests", dependencies: ["SessionsDisplay", "SessionsKit"]),
        .testTarget(name: "SessionsTUITests", dependencies: ["SessionsTUI", "SessionsDisplay", "SessionsKit", "TestSupport"],
                    exclude: ["Golden"]),
        .testTarget(
            name: "SessionsCLITests",
            dependencies: ["SessionsCLI", "SessionsDisplay", "SessionsKit", "TestSupport", "sessions"]
        ),
    ]
)
