import Glibc
import Testing
@testable import SessionsKit
import TestSupport

/// What the filesystem fault tests share: a small home (store and config
/// directory) with something in it for every command to change, and the list
/// of commands that write, each with a way to tell whether its change landed.
///
/// A home is built once on the host and copied wherever a fault is injected,
/// so that every injection starts from the same bytes and "nothing changed"
/// means byte-identical to that copy.
enum FaultScenarios {
    /// The one way a refused write must end: exit 2 and a single line,
    /// `error: `, naming `path` and saying `reason`.
    static func isClearError(status: Int32, stderr: String, naming path: String, saying reason: String) -> Bool {
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return status == 2 && lines.count == 1 && lines[0].hasPrefix("error: ") && lines[0].contains(path)
            && lines[0].contains(reason)
    }

    /// The environment the binary runs with for a home at `home`.
    static func environment(home: String) -> [String: String] {
        [
            "HOME": home, "USER": "alice", "SESSIONS_HOME": home + "/store", "XDG_CONFIG_HOME": home + "/config",
            "PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "TZ": "UTC",
        ]
    }

    static let hookSession = "9f0c7a52-1c1e-4b7e-9d35-00000000f00f"

    static func hookPayload(_ event: String, _ extra: String = "") -> [UInt8] {
        Array(#"{"session_id":"\#(hookSession)","transcript_path":"/home/u/.claude/projects/-w-app/\#(hookSession).jsonl","cwd":"/w/app","permission_mode":"default","hook_event_name":"\#(event)"\#(extra)}"#.utf8)
    }

    /// Files the commands read, outside any home: a transcript and a CodeMySpec export.
    struct Inputs {
        var transcript: String
        var codeMySpec: String
    }

    /// Builds a home in `home` with the real binary: three sessions (one with a
    /// pending interaction), a second account, a project, and a session the
    /// hook started. Returns the pending interaction's id.
    static func populate(home: String, runner: ProcessRunner) throws -> String {
        try populate { runner.run($0, stdin: $1) }
    }

    /// The same, with the binary started by `start` (as another user, say).
    static func populate(_ start: ([String], [UInt8]) -> ProcessRunner.Output) throws -> String {
        func run(_ arguments: [String], stdin: [UInt8] = []) throws -> String {
            let result = start(arguments, stdin)
            try #require(result.status == 0, "\(arguments): \(result.stderr)")
            return result.stdout
        }
        _ = try run(["new", "--type", "ComponentCodingSessions", "--state", #"{"step": 1}"#])
        _ = try run(["new", "--type", "ContextSpecSessions"])
        _ = try run(["new", "--type", "ContextSpecSessions"])
        let pending = try run(["interaction", "add", "1", "--module", "Probe", "--command", "mix test"])
        _ = try run(["account", "add", "second"])
        _ = try run(["project", "add", "storefront"])
        _ = try run(["hook", "claude-code"], stdin: hookPayload("SessionStart", #","source":"startup""#))
        _ = try run(["account", "use", "1"])
        return String(pending.dropLast())
    }

    /// Writes the input files under `directory` (readable by everyone).
    static func writeInputs(in directory: String, runner: ProcessRunner) throws -> Inputs {
        mkdir(directory, 0o755)
        chmod(directory, 0o755)
        let transcript = directory + "/\(TranscriptFixtures.newSession).jsonl"
        TestFiles.write(transcript, Array(TranscriptFixtures.newPart1.utf8), mode: 0o644)
        // A CodeMySpec export of a demo store: what another machine would send.
        let source = TemporaryDirectory("sessions-fault-export")
        var exporter = runner
        exporter.environment = environment(home: source.path)
        let demo = exporter.run(["demo", "--sessions", "6", "--interactions", "3", "--seed", "7"])
        try #require(demo.status == 0, "\(demo.stderr)")
        let exported = exporter.run(["export"])
        try #require(exported.status == 0 && !exported.stdout.isEmpty, "\(exported.stderr)")
        let codeMySpec = directory + "/export.json"
        TestFiles.write(codeMySpec, Array(exported.stdout.utf8), mode: 0o644)
        return Inputs(transcript: transcript, codeMySpec: codeMySpec)
    }

    /// One command that writes, and how to tell that its change is in the
    /// home it ran against (copied to `after`, a directory laid out like the home).
    struct WritePath: Sendable, CustomStringConvertible {
        var name: String
        var arguments: [String]
        var stdin: [UInt8] = []
        /// Whether the change is there; `home` is where the command ran (the
        /// config file is keyed by the store path it saw), `after` where it is now.
        var landed: @Sendable (_ after: String, _ home: String, _ stdout: String) throws -> Bool
        /// The hook exits 0 and prints nothing whatever happens.
        var isHook = false

        var description: String { name }
    }

    static let largeText = String(repeating: "0123456789abcdef output line\n", count: 2_260)  // 65,540 bytes

    static func session(_ after: String, _ id: Session.ID) throws -> Session? {
        try FileStore(root: after + "/store").session(id: id)
    }

    static func catalog(_ after: String) throws -> Catalog {
        try FileStore(root: after + "/store").catalog()
    }

    /// Every command that changes a store or the config file. `home` is
    /// where they will run (paths in arguments point into it).
    static func writePaths(home: String, pending: String, inputs: Inputs) -> [WritePath] {
        [
            WritePath(name: "new", arguments: ["new", "--type", "ContextSpecSessions", "--state", #"{"note": "fault"}"#]) { after, _, out in
                guard let id = Int(out.dropLast()).map({ Session.ID($0) }) else { return false }
                return try session(after, id) != nil
            },
            WritePath(name: "set-status", arguments: ["set-status", "1", "failed"]) { after, _, _ in
                try session(after, 1)?.status == .failed
            },
            WritePath(name: "interaction add", arguments: ["interaction", "add", "1", "--module", "Probe", "--command", "cat",
                                                          "--pipe", largeText]) { after, _, out in
                try session(after, 1)?.interaction(id: String(out.dropLast()))?.command.pipe == largeText
            },
            WritePath(name: "interaction complete", arguments: ["interaction", "complete", "1", pending, "--status", "ok",
                                                               "--stdout", largeText]) { after, _, _ in
                try session(after, 1)?.interaction(id: pending)?.result?.stdout?.lossyText == largeText
            },
            WritePath(name: "import claude-code", arguments: ["import", "claude-code", inputs.transcript]) { after, _, _ in
                try catalog(after).summaries.contains { $0.externalConversationID == TranscriptFixtures.newSession }
            },
            WritePath(name: "import codemyspec", arguments: ["import", "codemyspec", inputs.codeMySpec]) { after, _, _ in
                try catalog(after).summaries.count == 4 + 6
            },
            WritePath(name: "hook", arguments: ["hook", "claude-code"],
                      stdin: hookPayload("PreToolUse", #","tool_name":"Bash","tool_input":{"command":"mix format"},"tool_use_id":"toolu_F""#),
                      landed: { after, _, _ in
                          let id = try #require(try catalog(after).summaries.first { $0.externalConversationID == hookSession }?.id)
                          return try session(after, id)?.interactions.contains { $0.command.command == "mix format" } == true
                      }, isHook: true),
            WritePath(name: "delete", arguments: ["delete", "2"]) { after, _, _ in
                try session(after, 2) == nil && !(try catalog(after).summaries.contains { $0.id == 2 })
            },
            WritePath(name: "account add", arguments: ["account", "add", "third"]) { after, _, _ in
                try catalog(after).registry.accounts.contains { $0.name == "third" }
            },
            WritePath(name: "project add", arguments: ["project", "add", "backoffice"]) { after, _, _ in
                try catalog(after).registry.projects.contains { $0.name == "backoffice" }
            },
            WritePath(name: "account use", arguments: ["account", "use", "2"]) { after, home, _ in
                try Config.load(directory: after + "/config/sessions").scope(forStore: home + "/store").accountID == 2
            },
            WritePath(name: "export -o", arguments: ["export", "-o", home + "/export.json"]) { after, _, _ in
                guard let bytes = TestFiles.read(after + "/export.json") else { return false }
                return try JSONParser.parse(bytes).objectValue?["data"]?.arrayValue?.count == 4
            },
        ]
    }

    /// Files a run may leave that are not complete: a JSON file that does not
    /// parse, a journal or log that ends mid-line, anything in `tmp/`.
    static func partialFiles(in home: String) -> [String] {
        var partial: [String] = []
        for (name, bytes) in TestFiles.snapshot(home) {
            if name.hasPrefix("store/tmp/") || name.contains(".tmp") { partial.append(name); continue }
            if name.hasSuffix(".json") {
                if (try? JSONParser.parse(bytes)) == nil { partial.append(name) }
            } else if name.hasSuffix(".jsonl") || name.hasSuffix(".log") {
                if !bytes.isEmpty && bytes.last != UInt8(ascii: "\n") { partial.append(name) }
            }
        }
        return partial.sorted()
    }

    /// Names whose bytes differ between two snapshots (added, removed or changed).
    static func differences(_ before: [String: [UInt8]], _ after: [String: [UInt8]], ignoring: Set<String> = []) -> [String] {
        Set(before.keys).union(after.keys).filter { name in
            // A case runs on a copy of the template, whose journal names the copy's directory (see StoreCopies).
            guard name.hasSuffix("journal.jsonl"), let old = before[name], let new = after[name] else {
                return !ignoring.contains(name) && before[name] != after[name]
            }
            return withoutDirectory(old) != withoutDirectory(new)
        }.sorted()
    }

    /// A journal's bytes without the directory its header names.
    static func withoutDirectory(_ journal: [UInt8]) -> [UInt8] {
        let end = journal.firstIndex(of: UInt8(ascii: "\n")) ?? journal.count
        guard var header = try? JSONParser.parse(Array(journal[..<end])).objectValue else { return journal }
        header["directory_inode"] = nil
        return JSONWriter.bytes(.object(header), style: .compact) + journal[end...]
    }

    /// The store opens without needing any repair and `doctor` finds nothing wrong.
    static func healthProblems(home: String) -> [String] {
        do {
            let store = try FileStore(root: home + "/store")
            if let maintenance = try store.needsMaintenance() { return ["needs maintenance: \(maintenance)"] }
            _ = try store.catalog()
        } catch {
            return ["\(error)"]
        }
        let report = StoreDoctor(root: home + "/store").run(repair: false)
        return report.isHealthy ? [] : report.findings.filter { $0.severity == .problem }.map(\.description)
    }
}
