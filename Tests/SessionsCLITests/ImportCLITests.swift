import Glibc
import Testing
@testable import SessionsKit
import TestSupport

/// The importers, the exporter and the hook as a user and Claude Code run
/// them: the real binary for the hook, in-process for the rest.
@Suite("Import, export and hooks from the command line", .serialized)
struct ImportCLITests {
    static func payload(_ event: String, _ extra: String = "") -> [UInt8] {
        Array(#"{"session_id":"9f0c7a52-1c1e-4b7e-9d35-000000000001","transcript_path":"/home/u/.claude/projects/-w-app/9f0c7a52-1c1e-4b7e-9d35-000000000001.jsonl","cwd":"/w/app","permission_mode":"default","hook_event_name":"\#(event)"\#(extra)}"#.utf8)
    }

    @Test("a scripted sequence of hook events, through the real binary, gives the session and timeline `show --json` reports")
    func hookSequence() throws {
        let directory = TemporaryDirectory("sessions-hook")
        let runner = ProcessTests.runner(directory)
        let events: [[UInt8]] = [
            Self.payload("SessionStart", #","source":"startup""#),
            Self.payload("PreToolUse", #","tool_name":"Bash","tool_input":{"command":"mix test","description":"Run tests"},"tool_use_id":"toolu_A""#),
            Self.payload("PostToolUse", #","tool_name":"Bash","tool_input":{"command":"mix test","description":"Run tests"},"tool_use_id":"toolu_A","tool_response":{"stdout":"3 tests, 0 failures","stderr":"","interrupted":false,"isImage":false}"#),
            Self.payload("PreToolUse", #","tool_name":"Bash","tool_input":{"command":"mix credo"},"tool_use_id":"toolu_B""#),
            Self.payload("PostToolUseFailure", #","tool_name":"Bash","tool_input":{"command":"mix credo"},"tool_use_id":"toolu_B","error":"Exit code 4\nfound 2 issues""#),
            Self.payload("PreToolUse", #","tool_name":"Read","tool_input":{"file_path":"/w/app/mix.exs"},"tool_use_id":"toolu_C""#),
            Self.payload("Stop"),
            Self.payload("SessionEnd", #","reason":"prompt_input_exit""#),
        ]
        for event in events {
            let result = runner.run(["hook", "claude-code"], stdin: event)
            #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty)
        }
        #expect(!TestFiles.exists(directory.path + "/store/hook.log"), "nothing went wrong, so nothing was logged")
        let shown = runner.run(["show", "1", "--json"])
        let session = try #require(try JSONParser.parse(shown.stdout).objectValue)
        #expect(session["type"] == .string("ClaudeCodeSessions") && session["agent"] == .string("claude_code"))
        #expect(session["status"] == .string("complete"))
        #expect(session["external_conversation_id"] == .string("9f0c7a52-1c1e-4b7e-9d35-000000000001"))
        #expect(session["state"]?.objectValue?["end_reason"] == .string("prompt_input_exit"))
        let elements = try #require(session["interactions"]?.arrayValue)
        let timeline = elements.compactMap { $0.objectValue }
        #expect(timeline.map { $0["command"]?.objectValue?["command"] } == [.string("mix test"), .string("mix credo"), .string("/w/app/mix.exs")])
        #expect(timeline.map { $0["result"]?.objectValue?["status"] ?? .null } == [.string("ok"), .string("error"), .null])
        #expect(timeline[0]["result"]?.objectValue?["stdout"] == .string("3 tests, 0 failures"))
        #expect(timeline[0]["result"]?.objectValue?["code"] == .int(0))
        #expect(timeline[1]["result"]?.objectValue?["code"] == .int(4))
        #expect(timeline[1]["result"]?.objectValue?["stderr"] == .string("Exit code 4\nfound 2 issues"))
        let list = runner.run(["list", "--status", "complete", "--json"])
        #expect(try JSONParser.parse(list.stdout).arrayValue?.count == 1)
    }

    @Test("the hook never gets in the way: bad input or an unusable store still exit 0, print nothing, and log why")
    func hookNeverFails() throws {
        let directory = TemporaryDirectory("sessions-hook-bad")
        let runner = ProcessTests.runner(directory)
        for input in [Array("not json".utf8), [], Array(#"{"hook_event_name":"PreToolUse"}"#.utf8)] {
            let result = runner.run(["hook", "claude-code"], stdin: input)
            #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty)
        }
        let log = try #require(TestFiles.readText(directory.path + "/store/hook.log"))
        #expect(log.split(separator: "\n").count == 3)
        #expect(log.contains("PreToolUse: session_id: is required"))
        #expect(TestFiles.mode(directory.path + "/store/hook.log") == 0o600)

        // A store path that is a file: nothing can be recorded, and still nothing is printed.
        TestFiles.write(directory.path + "/file-store", "x")
        var blocked = runner
        blocked.environment["SESSIONS_HOME"] = directory.path + "/file-store"
        let result = blocked.run(["hook", "claude-code"], stdin: Self.payload("SessionStart"))
        #expect(result.status == 0 && result.stdout.isEmpty)
    }

    @Test("the hook logs nothing into a store directory it refuses to use")
    func hookLogStaysOutOfUnsafeDirectories() throws {
        let directory = TemporaryDirectory("sessions-hook-unsafe")
        let runner = ProcessTests.runner(directory)
        let store = directory.path + "/store"
        mkdir(store, 0o770)
        chmod(store, 0o770)
        let result = runner.run(["hook", "claude-code"], stdin: Self.payload("SessionStart"))
        #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty)
        #expect(TestFiles.list(store).isEmpty, "a group-writable directory is not the store's to write")
        // The same directory made private is used, and a bad payload is logged there.
        chmod(store, 0o700)
        _ = runner.run(["hook", "claude-code"], stdin: Array("not json".utf8))
        #expect(TestFiles.readText(store + "/hook.log")?.contains("payload: is not JSON") == true)
    }

    @Test("a hook.log that is a link to a large file is neither rotated nor written through")
    func hookLogLinkIsNotRotated() throws {
        let directory = TemporaryDirectory("sessions-hook-link")
        let runner = ProcessTests.runner(directory)
        #expect(runner.run(["new", "--type", "ContextSpecSessions"]).status == 0)
        let target = directory.path + "/big.log"
        let big = Array(String(repeating: "an old line\n", count: 100_000).utf8)  // 1.2 MB, past the rotation size
        TestFiles.write(target, big)
        #expect(symlink(target, directory.path + "/store/hook.log") == 0)
        let result = runner.run(["hook", "claude-code"], stdin: Array("not json".utf8))
        #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty)
        #expect(TestFiles.linkTarget(directory.path + "/store/hook.log") == target)
        #expect(!TestFiles.exists(directory.path + "/store/hook.log.1"))
        #expect(TestFiles.read(target) == big)
    }

    @Test("import detects the format and summarises what it did, with no progress line when not on a terminal")
    func importDetects() throws {
        let cli = CLIHarness()
        let transcripts = cli.directory.path + "/projects"
        TranscriptFixtures.write(TranscriptFixtures.old, to: transcripts + "/-w-todo/\(TranscriptFixtures.oldSession).jsonl",
                                 modified: Timestamp(iso8601: "2026-01-01T00:00:00Z")!)
        let result = cli.run(["import", transcripts])
        #expect(result.status == 0 && result.stderr.isEmpty)
        #expect(result.stdout == """
            Read 1 transcript (0 unchanged since the last import).
            Sessions: 1 created, 0 updated, 0 already up to date.
            Interactions: 2 added, 0 updated.

            """)
        let again = try cli.json(["import", "claude-code", transcripts, "--json"])
        #expect(again.objectValue?["files_unchanged"] == .int(1) && again.objectValue?["sessions_created"] == .int(0))

        // With no path, `import claude-code` reads ~/.claude/projects.
        TranscriptFixtures.write(TranscriptFixtures.apiError, to: cli.directory.path + "/home/.claude/projects/-w-api/x.jsonl",
                                 modified: Timestamp(iso8601: "2026-01-01T00:00:00Z")!)
        #expect(try cli.ok(["import", "claude-code"]).hasPrefix("Read 1 transcript"))

        let exported = cli.directory.path + "/export.json"
        try cli.ok(["export", "--output", exported])
        #expect(TestFiles.mode(exported) == 0o600)
        let other = CLIHarness()
        let imported = other.run(["import", exported])
        #expect(imported.stdout.hasPrefix("Read 2 records: 2 created"), "a JSON document is detected as CodeMySpec's shape")
        #expect(try other.ok(["export"]) + "\n" == TestFiles.readText(exported))

        // A transcript whose first line was cut off is still a transcript.
        let torn = cli.directory.path + "/torn.jsonl"
        TestFiles.write(torn, "{\"parentUuid\": nul\n" + TranscriptFixtures.interrupted)
        let tornResult = cli.run(["import", torn])
        #expect(tornResult.status == 0 && tornResult.stdout.contains("malformed line: \(torn):1"))

        TestFiles.write(cli.directory.path + "/notes.txt", "hello")
        #expect(cli.run(["import", cli.directory.path + "/notes.txt"]).stderr.contains("cannot tell what"))
        #expect(cli.run(["import", cli.directory.path + "/missing"]).status == 1)
    }

    @Test("a subagent's call is counted once, whichever comes first: the hook or the import", arguments: [false, true])
    func subagentCallCountedOnce(hookFirst: Bool) throws {
        let cli = CLIHarness()
        let transcripts = cli.directory.path + "/projects/-w-api"
        let parent = TranscriptFixtures.parentSession
        let hook = Array(#"{"session_id":"\#(parent)","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"tool_use_id":"toolu_sub_1"}"#.utf8)
        let fileTime = Timestamp(iso8601: "2026-01-01T00:00:00Z")!
        TranscriptFixtures.write(TranscriptFixtures.parent, to: transcripts + "/\(parent).jsonl", modified: fileTime)
        TranscriptFixtures.write(TranscriptFixtures.subagent, to: transcripts + "/\(parent)/subagents/agent-abc1234.jsonl", modified: fileTime)
        if hookFirst { #expect(cli.run(["hook", "claude-code"], stdin: hook).status == 0) }
        let first = cli.run(["import", "claude-code", cli.directory.path + "/projects"])
        if !hookFirst { #expect(cli.run(["hook", "claude-code"], stdin: hook).status == 0) }
        let second = cli.run(["import", "claude-code", cli.directory.path + "/projects"])
        let counts = try #require(try cli.json(["list", "--json"]).arrayValue).compactMap { summary -> (String, Int)? in
            guard let key = summary.objectValue?["external_conversation_id"]?.stringValue,
                  let count = summary.objectValue?["interaction_count"]?.intValue else { return nil }
            return (key, count)
        }
        #expect(Dictionary(uniqueKeysWithValues: counts) == [parent: 1, parent + "/agent-abc1234": 1])
        #expect(first.stdout.contains(hookFirst ? "Interactions: 2 added, 0 updated, 1 recorded on a parent moved to its subagent's session."
                                                : "Interactions: 2 added, 0 updated.\n"), "\(first.stdout)")
        #expect(second.stdout.contains("Interactions: 0 added, 0 updated.\n"), "\(second.stdout)")
    }

    @Test("--map-status turns a status this schema lacks into one it has; without it the record is skipped and the exit is 1")
    func mapStatus() throws {
        let cli = CLIHarness()
        let file = cli.directory.path + "/cancelled.json"
        TestFiles.write(file, #"{"data": [{"id": 3, "type": "ComponentTestSessions", "status": "cancelled", "account_id": 8, "inserted_at": "2025-10-02T10:00:00Z", "updated_at": "2025-10-02T10:00:00Z"}]}"#)
        let refused = cli.run(["import", "codemyspec", file])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains(#"skipped data[0] (id 3): status: "cancelled" is not one of active, complete, failed"#))
        #expect(cli.run(["import", "codemyspec", file, "--map-status", "cancelled=failed"]).status == 0)
        #expect(try cli.json(["show", "3", "--json"]).objectValue?["status"] == .string("failed"))
        #expect(cli.run(["import", "codemyspec", file, "--map-status", "cancelled"]).stderr.contains("expected FROM=TO"))
    }

    @Test("project and component names survive export and import into an empty store, in either shape")
    func namesSurviveRoundTrip() throws {
        let cli = CLIHarness()
        try cli.ok(["project", "add", "storefront"])
        try cli.ok(["project", "use", "storefront"])
        try cli.ok(["component", "add", "Checkout.Payment"])
        let id = try cli.ok(["new", "--type", "ComponentCodingSessions", "--component", "Checkout.Payment"])
        for shape in ["store", "api"] {
            let file = cli.directory.path + "/export-\(shape).json"
            try cli.ok(["export", "--shape", shape, "-o", file])
            let empty = CLIHarness()
            let imported = empty.run(["import", file])
            #expect(imported.status == 0 && imported.stdout.contains("created project 1 storefront, component 1 Checkout.Payment"),
                    "\(shape): \(imported.stdout)")
            let session = try #require(try empty.json(["show", id, "--json"]).objectValue)
            #expect(session["project_id"] == .int(1) && session["component_id"] == .int(1))
            let shown = try empty.ok(["show", id]).split(separator: "\n")
            #expect(shown.contains { $0.hasPrefix("  component ") && $0.hasSuffix(" 1 Checkout.Payment") }, "\(shape)")
            #expect(try empty.ok(["list", "--project", "storefront", "--component", "Checkout.Payment", "--json"]).contains("\"id\": \(id)"))
        }
        #expect(cli.run(["export", "--shape", "yaml"]).stderr.contains("'yaml'"))
    }

    @Test("--map-environment turns an environment_type this schema lacks into one it has; without it the value is kept as it came")
    func mapEnvironment() throws {
        let cli = CLIHarness()
        let file = cli.directory.path + "/cli.json"
        TestFiles.write(file, #"{"data": [{"id": "5f1d2c3b-aaaa-4bbb-8ccc-000000000003", "type": "IntegrationSessions", "environment_type": "cli", "status": "complete", "account_id": "0c0c0c0c-0000-4000-8000-000000000000", "project_id": null, "project": null, "interactions": [], "inserted_at": "2026-01-22T09:00:00Z", "updated_at": "2026-01-22T09:30:00Z"}]}"#)
        let kept = cli.run(["import", "codemyspec", file])
        #expect(kept.status == 0 && kept.stdout.contains(#"kept environment_type "cli" as it came on 1 session"#))
        #expect(try cli.json(["export", "--shape", "api"]).objectValue?["data"]?.arrayValue?.first?.objectValue?["environment_type"] == .string("cli"))
        let mapped = CLIHarness()
        #expect(mapped.run(["import", file, "--map-environment", "cli=local"]).status == 0)
        #expect(try mapped.json(["show", "1", "--json"]).objectValue?["environment"] == .string("local"))
        #expect(mapped.run(["import", file, "--map-environment", "cli=docker"]).stderr
            == "error: --map-environment cli=docker: docker is not one of local, vscode\n")
    }
}
