import Foundation
import SessionsKit

/// The deterministic stores the suite measures. They are generated once into
/// `SESSIONS_BENCH_DIR` (default `/tmp/sessions-bench/suite`) and reused: the
/// 100,000-session store takes about a minute to write, far longer than any
/// measurement on it.
enum StoreSize: String, CaseIterable, Sendable {
    case S, L, XL

    var sessions: Int {
        switch self {
        case .S: 100
        case .L: 10_000
        case .XL: 100_000
        }
    }

    /// About 1 KB of stdout per interaction up to L; short outputs at XL, as the issue sets them.
    var outputBytes: Int { self == .XL ? 64 : 1024 }

    static let interactions = 20
    /// The id of the one long session appended after the demo sessions.
    var longSessionID: Session.ID { Session.ID(sessions + 1) }
    static let longSessionInteractions = 1_000
}

enum Fixtures {
    static let environment = ProcessInfo.processInfo.environment
    static let root = environment["SESSIONS_BENCH_DIR"] ?? "/tmp/sessions-bench/suite"
    static let scope = Scope(accountID: 1)
    /// The generated history ends here, so every run makes byte-identical stores.
    static let now = Timestamp(iso8601: "2026-11-01T00:00:00Z")!

    /// The sizes to measure: `SESSIONS_BENCH_SIZES=S` for a quick run.
    static let sizes: [StoreSize] = {
        let names = (environment["SESSIONS_BENCH_SIZES"] ?? "S,L,XL").split(separator: ",")
        return names.compactMap { StoreSize(rawValue: String($0).trimmingCharacters(in: .whitespaces)) }
    }()

    /// Transcripts to import; `scripts/bench-suite` makes them from real ones.
    static let transcripts = environment["SESSIONS_BENCH_TRANSCRIPTS"]

    static func path(_ size: StoreSize) -> String { "\(root)/store-\(size.rawValue)" }

    /// Opens the store of `size`, generating it first if it is missing.
    static func service(_ size: StoreSize) throws -> SessionService {
        let path = path(size)
        let marker = "\(path).ready"
        if !FileManager.default.fileExists(atPath: marker) {
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let service = try open(path)
            var options = DemoGenerator.Options()
            options.sessions = size.sessions
            options.interactions = StoreSize.interactions
            options.outputBytes = size.outputBytes
            options.seed = 1
            options.now = now
            try DemoGenerator(options: options).populate(service)
            options.sessions = 1
            options.interactions = StoreSize.longSessionInteractions
            options.seed = 2
            let long = try DemoGenerator(options: options).populate(service)
            precondition(long == [size.longSessionID], "the long session must follow the demo sessions")
            FileManager.default.createFile(atPath: marker, contents: nil)
        }
        return try open(path)
    }

    static func writablePath(_ size: StoreSize) -> String { "\(root)/writable-\(size.rawValue)" }

    /// Makes a fresh copy of the store of `size` for a benchmark that writes,
    /// so the stores the reading benchmarks measure never change, whatever ran
    /// before them. Session files are hard links, which is safe because the
    /// store only ever replaces them by rename; the top-level files, which the
    /// journal's appends change in place, are real copies.
    static func prepareWritableCopy(_ size: StoreSize) throws {
        _ = try service(size)
        let source = path(size), copy = writablePath(size)
        try? FileManager.default.removeItem(atPath: copy)
        try run("/bin/cp", ["-al", source, copy])
        for file in try FileManager.default.contentsOfDirectory(atPath: source) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(source)/\(file)", isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            try FileManager.default.removeItem(atPath: "\(copy)/\(file)")
            try run("/bin/cp", ["-p", "\(source)/\(file)", "\(copy)/\(file)"])
        }
    }

    static func run(_ program: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(program) \(arguments) failed"])
        }
    }

    static func open(_ path: String) throws -> SessionService {
        let store = try FileStore(root: path, options: FileStore.Options(initialAccountName: "bench"))
        return SessionService(store: store, scope: scope, clock: { Timestamp.now() })
    }

    /// The transcript files to import, or nil when none were prepared.
    static func transcriptFiles() throws -> [String]? {
        guard let transcripts else { return nil }
        return try TranscriptFiles.discover([transcripts])
    }

    /// A new empty directory for a store that lives only for one measurement.
    static func scratchStore() throws -> String {
        let path = "\(root)/scratch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return path
    }
}
