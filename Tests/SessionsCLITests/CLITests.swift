import Glibc
import Testing
import SessionsDisplay
import SessionsKit
import TestSupport

@Suite("Command line")
struct CLITests {
    @Test("a bare `sessions` without a terminal fails clearly, points to `sessions list`, and creates nothing")
    func bare() {
        let cli = CLIHarness()
        for arguments in [[], ["tui"]] {
            let result = cli.run(arguments)
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("error: the browser needs a terminal"))
            #expect(result.stderr.contains("sessions list"))
        }
        #expect(access(cli.storeRoot, F_OK) != 0)
    }

    @Test("new prints the id; list prints an aligned table; an empty store says how to start")
    func newAndList() throws {
        let cli = CLIHarness()
        let empty = cli.run(["list"])
        #expect(empty.status == 0 && empty.stdout.isEmpty)
        #expect(empty.stderr.contains("sessions demo"))
        #expect(try cli.ok(["new", "--type", "ComponentCodingSessions", "--agent", "claude_code", "--environment", "local"]) == "1")
        #expect(try cli.ok(["new", "--type", "ContextSpecSessions"]) == "2")
        let table = try cli.ok(["list"]).split(separator: "\n").map(String.init)
        #expect(table.count == 3)
        #expect(table[0].hasPrefix("ID  STATUS    TITLE             TYPE"))
        #expect(table[1].contains("2  ● active  Context Spec      ContextSpecSessions"))
        #expect(table[2].contains("1  ● active  Component Coding  ComponentCodingSessions  claude_code  local"))
        // Columns line up: every row has the STATUS column at the same offset.
        #expect(Set(table.map { $0.firstRange(of: "STATUS")?.lowerBound.utf16Offset(in: $0) ?? $0.firstRange(of: "●")!.lowerBound.utf16Offset(in: $0) }).count == 1)
    }

    @Test("on a terminal, tables fit its width by narrowing the long columns; pipes get everything")
    func fitsTerminal() throws {
        let cli = CLIHarness()
        let result = cli.run(["demo", "--sessions", "15", "--interactions", "3", "--now", "2026-11-25T11:00:00Z"])
        #expect(result.status == 0)
        for width in [80, 100, 120] {
            let list = cli.run(["list"], env: ["NO_COLOR": "1"], terminal: true, columns: width).stdout
            let lines = list.split(separator: "\n").map(String.init)
            #expect(lines.count == 16)
            #expect(lines.allSatisfy { CellWidth.of($0) <= width }, "\(width): \(lines.map { CellWidth.of($0) }.max() ?? 0)")
            let show = cli.run(["show", "3"], env: ["NO_COLOR": "1"], terminal: true, columns: width).stdout
            let timeline = show.split(separator: "\n").drop { !$0.hasPrefix("Timeline") }.dropFirst()
            #expect(timeline.allSatisfy { CellWidth.of(String($0)) <= width })
        }
        // Narrowed cells end in …; piped output keeps every cell whole.
        let narrow = cli.run(["list"], terminal: true, columns: 80).stdout
        let piped = try cli.ok(["list"])
        #expect(narrow.filter { $0 == "…" }.count > piped.filter { $0 == "…" }.count)
        #expect(piped.split(separator: "\n").contains { CellWidth.of(String($0)) > 80 })
    }

    @Test("to a pipe, show and list keep every character of long commands, types, places and error lines")
    func pipeKeepsEverything() throws {
        let cli = CLIHarness()
        let project = String(repeating: "storefront-", count: 6) + "end"
        try cli.ok(["project", "add", project])
        try cli.ok(["project", "use", "1"])
        let id = try cli.ok(["new", "--type", "ComponentCodingSessions"])
        let command = "tail -5 /tmp/build-1000/" + String(repeating: "-home-user-work-app", count: 8) + "/tasks/last.output"
        let interaction = try cli.ok(["interaction", "add", id, "--module", "Probe", "--command", command])
        let message = "compile failed: " + String(repeating: "undefined symbol ", count: 12) + "at the end"
        try cli.ok(["interaction", "complete", id, interaction, "--status", "error", "--code", "1", "--error-message", message])
        let show = try cli.ok(["show", id])
        #expect(show.contains(command), "\(show)")
        #expect(show.contains(message))
        #expect(!show.contains("…"))
        let list = try cli.ok(["list"])
        #expect(list.contains(project) && list.contains("ComponentCodingSessions"), "\(list)")
        // On a terminal the same command is narrowed to fit.
        let narrow = cli.run(["show", id], env: ["NO_COLOR": "1"], terminal: true, columns: 100).stdout
        #expect(!narrow.contains(command) && narrow.contains("…"))
    }

    @Test("numbers and names get errors that say what is wrong with the value")
    func valueErrors() throws {
        let cli = CLIHarness()
        try cli.ok(["new", "--type", "ContextSpecSessions"])
        let cases: [([String], Int32, String)] = [
            (["show", "-1"], 64, "error: -1 is not an id: ids are whole numbers from 1, or 8 or more characters of a Claude Code session id\n"),
            (["delete", "-5"], 64, "error: -5 is not an id: ids are whole numbers from 1, or 8 or more characters of a Claude Code session id\n"),
            (["show", "0"], 64, "error: 0 is not an id: ids are whole numbers from 1, or 8 or more characters of a Claude Code session id\n"),
            (["show", "abc"], 64, "error: abc is not an id: ids are whole numbers from 1, or 8 or more characters of a Claude Code session id\n"),
            (["delete", "1", "0"], 64, "error: 0 is not an id: ids are whole numbers from 1, or 8 or more characters of a Claude Code session id\n"),
            (["interaction", "add", "-2", "--module", "M", "--command", "c"], 64, "error: -2 is not an id: ids are whole numbers from 1, or 8 or more characters of a Claude Code session id\n"),
            (["interaction", "complete", "x1", "abc", "--status", "ok"], 64, "error: x1 is not an id: ids are whole numbers from 1, or 8 or more characters of a Claude Code session id\n"),
            (["list", "--component", "-3"], 1, "error: --component: -3 is not a component id: ids are whole numbers from 1\n"),
            (["list", "--type", "Nope"], 1, "error: --type: \"Nope\" is not a registered session type\n"),
            (["list", "--project", "storefront"], 1, "error: --project: no project is named \"storefront\"; there are none\n"),
            (["import"], 64, "error: name what to import: `sessions import FILE...` detects each file's format, "
                + "`sessions import claude-code` reads ~/.claude/projects, `sessions import codemyspec FILE` reads CodeMySpec JSON\n"),
        ]
        for (arguments, status, message) in cases {
            let result = cli.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.status)")
            #expect(result.stderr == message, "\(arguments)")
        }
        // Options that take a number say what is wrong with a negative one.
        let limit = cli.run(["list", "--limit", "-1"])
        #expect(limit.status == 64 && limit.stderr.hasPrefix("error: --limit must be 0 or more, not -1\nUsage: sessions list "))
        // Demo is bounded, and says so before writing anything.
        for count in ["0", "99999999999"] {
            let demo = cli.run(["demo", "--sessions", count])
            #expect(demo.status == 64 && demo.stderr.hasPrefix("error: --sessions must be from 1 to 100,000, not \(count)\n"),
                    "\(demo.stderr)")
        }
        let huge = cli.run(["demo", "--sessions", "100000", "--interactions", "1000", "--output-bytes", "1000"])
        #expect(huge.status == 64 && huge.stderr.contains("more than 8 GiB"))
        #expect(try cli.ok(["list", "--json"]).components(separatedBy: "\"id\"").count == 2, "only the one session")
        // An exit code may be negative.
        let interaction = try cli.ok(["interaction", "add", "1", "--module", "Probe", "--command", "kill -9 self"])
        try cli.ok(["interaction", "complete", "1", interaction, "--status", "error", "--code", "-9"])
        #expect(try cli.ok(["show", "1", "--json"]).contains("\"code\": -9"))
    }

    @Test("a unique name works wherever an id is taken; a duplicate name is refused when added")
    func namesForIDs() throws {
        let cli = CLIHarness()
        #expect(try cli.ok(["account", "add", "bob"]) == "2")
        let again = cli.run(["account", "add", "Bob"])
        #expect(again.status == 1 && again.stderr == "error: account \"bob\" already exists (id 2)\n")
        #expect(cli.run(["account", "add", "42"]).stderr == "error: name: \"42\" is a number, which would read as an id\n")
        let use = cli.run(["account", "use", "bob"])
        #expect(use.status == 0 && use.stderr == "Now using account 2 (bob).\n")
        #expect(try cli.ok(["project", "add", "storefront"]) == "1")
        try cli.ok(["project", "use", "storefront"])
        #expect(try cli.ok(["component", "add", "Checkout.Payment"]) == "1")
        let id = try cli.ok(["new", "--type", "ComponentCodingSessions", "--component", "checkout.payment"])
        let listed = try cli.ok(["list", "--project", "storefront", "--component", "Checkout.Payment", "--json"])
        #expect(listed.contains("\"id\": \(id)") && listed.contains("\"component_id\": 1"))
        #expect(try cli.ok(["list", "--account", "bob", "--json"]).contains("\"id\": \(id)"))
        // The first account cannot see bob's project by name.
        let foreign = cli.run(["list", "--account", "1", "--project", "storefront"])
        #expect(foreign.status == 1 && foreign.stderr == "error: --project: no project is named \"storefront\"; there are none\n")
        try cli.ok(["component", "delete", "Checkout.Payment"])
        #expect(try cli.ok(["component", "list"]).contains("Checkout.Payment") == false)
    }

    @Test("set-status and delete take several ids, in one commit; an unknown id changes nothing and is named")
    func severalIDs() throws {
        let cli = CLIHarness()
        for _ in 0..<4 { _ = try cli.ok(["new", "--type", "ContextSpecSessions"]) }
        let store = try FileStore(root: cli.storeRoot)
        let generation = try store.generation()
        try cli.ok(["set-status", "1", "2", "4", "failed"])
        #expect(try store.generation() == generation + 1, "one commit")
        let failed = try #require(try cli.json(["list", "--status", "failed", "--json"]).arrayValue)
        #expect(Set(failed.compactMap { $0.objectValue?["id"]?.intValue }) == [1, 2, 4])
        let refused = cli.run(["set-status", "3", "9", "complete"])
        #expect(refused.status == 1 && refused.stderr == "error: session 9 not found\n")
        #expect(try store.session(id: 3)?.status == .active, "the id before the unknown one is unchanged")
        #expect(cli.run(["set-status", "1", "x", "active"]).stderr == "error: x is not an id: ids are whole numbers from 1, or 8 or more characters of a Claude Code session id\n")
        #expect(cli.run(["set-status", "1"]).status == 64, "a status is needed after the ids")
        #expect(cli.run(["delete", "1", "7"]).stderr == "error: session 7 not found\n")
        #expect(try store.session(id: 1) != nil)
        try cli.ok(["delete", "1", "2"])
        #expect(try store.catalog().summaries.map(\.id) == [3, 4])
    }

    @Test("list --json prints sessions without interactions but with their count and last time")
    func listJSON() throws {
        let cli = CLIHarness()
        _ = try cli.ok(["new", "--type", "ComponentTestSessions", "--state", #"{"b": 2, "a": [1.50]}"#])
        let interaction = try cli.ok(["interaction", "add", "1", "--module", "M", "--command", "mix test"])
        try cli.ok(["interaction", "complete", "1", interaction, "--status", "ok", "--code", "0", "--duration-ms", "12"])
        _ = try cli.ok(["new", "--type", "ContextSpecSessions"])
        try cli.ok(["set-status", "2", "failed"])
        let all = try #require(try cli.json(["list", "--json"]).arrayValue)
        #expect(all.count == 2)
        let first = try #require(all.last?.objectValue)
        #expect(first.members.map(\.key) == [
            "id", "type", "agent", "environment", "status", "state", "account_id", "project_id", "component_id",
            "inserted_at", "updated_at", "interaction_count", "last_interaction_at", "last_result_status", "title",
        ])
        #expect(first["title"] == .string("Component Test"), "the title a list shows")
        #expect(first["interaction_count"] == .int(1))
        #expect(first["last_result_status"] == .string("ok"))
        #expect(first["state"] == (try JSONParser.parse(#"{"b": 2, "a": [1.50]}"#)))
        #expect(first["last_interaction_at"]?.stringValue != nil)
        let failed = try #require(try cli.json(["list", "--status", "failed", "--json"]).arrayValue)
        #expect(failed.map { $0.objectValue?["id"] } == [.int(2)])
        #expect(try cli.json(["list", "--limit", "1", "--sort", "id", "--json"]).arrayValue?.first?.objectValue?["id"] == .int(1))
        #expect(try cli.json(["list", "--type", "ComponentTestSessions", "--json"]).arrayValue?.count == 1)
    }

    @Test("show --json prints the full session in the schema's shape; show prints a timeline")
    func show() throws {
        let cli = CLIHarness()
        _ = try cli.ok(["new", "--type", "ComponentCodingSessions"])
        let first = try cli.ok(["interaction", "add", "1", "--module", "Elixir.CodeMySpec.ComponentCodingSessions.Steps.RunTests",
                                "--command", "mix test", "--step", "RunTests", "--pipe", "stdin text"])
        try cli.ok(["interaction", "complete", "1", first, "--status", "error", "--code", "2", "--stdout", "..F\n",
                    "--stderr", "1 failure", "--error-message", "1 test failed", "--duration-ms", "4200", "--data", #"{"failures":1}"#])
        _ = try cli.ok(["interaction", "add", "1", "--module", "Elixir.CodeMySpec.X.Steps.Fix", "--command", "claude -p fix"])
        let session = try #require(try cli.json(["show", "1", "--json"]).objectValue)
        let interactions = try #require(session["interactions"]?.arrayValue)
        #expect(interactions.count == 2)
        let result = try #require(interactions[0].objectValue?["result"]?.objectValue)
        #expect(result["status"] == .string("error"))
        #expect(result["code"] == .int(2))
        #expect(result["stdout"] == .string("..F\n"))
        #expect(result["data"] == .object(JSONObject(["failures": .int(1)])))
        #expect(interactions[1].objectValue?["result"] == .null)
        #expect(interactions[0].objectValue?["command"]?.objectValue?["pipe"] == .string("stdin text"))

        let human = try cli.ok(["show", "1"])
        #expect(human.contains("Session 1  ● active  ComponentCodingSessions"))
        #expect(human.contains("Timeline · 2 interactions · 1 error · 1 pending"))
        #expect(human.contains("✗  RunTests  mix test"))
        #expect(human.contains("4.2s"))
        #expect(human.contains("…  Fix       claude -p fix"))
        #expect(human.contains("#1 ✗ 1 test failed"))
        let full = try cli.ok(["show", "1", "--full"])
        #expect(full.contains("stdin text"))
        #expect(full.contains("1 failure"))
    }

    @Test("errors go to stderr as `error: …` with a non-zero exit, and change nothing")
    func errors() throws {
        let cli = CLIHarness()
        _ = try cli.ok(["new", "--type", "ContextSpecSessions"])
        let before = TestFiles.snapshot(cli.storeRoot)
        let cases: [([String], Int32, String)] = [
            (["show", "99"], 1, "error: session 99 not found"),
            (["set-status", "1", "done"], 1, "error: status: \"done\" is not one of active, complete, failed"),
            (["new", "--type", "Foo"], 1, "error: type: \"Foo\" is not a registered session type"),
            (["new", "--type", "ContextSpecSessions", "--state", "{bad"], 1, "error: --state is not valid JSON: line 1, column 2"),
            (["new", "--type", "ContextSpecSessions", "--state", "[1]"], 1, "error: state: must be a JSON object, not an array"),
            (["new", "--type", "ContextSpecSessions", "--component", "5"], 1, "error: component 5 (from --component) not found"),
            (["interaction", "complete", "1", "nope", "--status", "ok"], 1, "error: interaction nope in session 1 not found"),
            (["list", "--account", "7"], 1, "error: account 7 (from --account) not found"),
            (["account", "delete", "1"], 1, "error: account 1 is the active account"),
            (["list", "--bogus"], 64, "error: Unknown option '--bogus'"),
            (["show"], 64, "error: Missing expected argument '<id>'"),
        ]
        for (arguments, status, message) in cases {
            let result = cli.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix(message), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments)")
        }
        #expect(TestFiles.snapshot(cli.storeRoot) == before)
    }

    @Test("a store problem exits 2 and names the file")
    func storeErrors() throws {
        let cli = CLIHarness()
        _ = try cli.ok(["new", "--type", "ContextSpecSessions"])
        TestFiles.write(cli.storeRoot + "/store.json", "{\"format\": 9}")
        let result = cli.run(["list"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("store.json has format version 9"))
    }

    @Test("every string from the store is sanitised in human output")
    func sanitisedOutput() throws {
        let cli = CLIHarness()
        let hostile = "\u{1B}]2;PWNED\u{7}\u{1B}[2J\u{9B}31m\u{202E}evil\rX"
        _ = try cli.ok(["new", "--type", "ContextSpecSessions", "--state", JSONWriter.string(.object(JSONObject([hostile: .string(hostile)])))])
        let id = try cli.ok(["interaction", "add", "1", "--module", hostile, "--command", hostile, "--step", hostile, "--pipe", hostile])
        try cli.ok(["interaction", "complete", "1", id, "--status", "warning", "--stdout", hostile, "--stderr", hostile,
                    "--error-message", hostile])
        try cli.ok(["project", "add", hostile])
        for arguments in [["list"], ["show", "1"], ["show", "1", "--full"], ["project", "list"], ["show", "1", "--json"], ["list", "--json"]] {
            let output = cli.run(arguments).stdout
            #expect(!output.isEmpty)
            let unsafe = output.unicodeScalars.filter {
                ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value)
            }
            #expect(unsafe.isEmpty, "\(arguments): \(unsafe.map { String($0.value, radix: 16) })")
        }
        #expect(try cli.ok(["show", "1", "--full"]).contains("␛]2;PWNED␇␛[2J<U+009B>31m<U+202E>evil␍X"))
    }

    @Test("output that is not UTF-8 is stored exactly and shown as \\xNN; stdin can be the source")
    func binaryOutput() throws {
        let cli = CLIHarness()
        _ = try cli.ok(["new", "--type", "ContextSpecSessions"])
        let id = try cli.ok(["interaction", "add", "1", "--module", "M", "--command", "cat blob"])
        let bytes: [UInt8] = [0x62, 0x69, 0x6E, 0xFF, 0x00, 0x0A, 0xC3, 0x28]
        let file = cli.directory.path + "/blob"
        TestFiles.write(file, bytes)
        try cli.ok(["interaction", "complete", "1", id, "--status", "ok", "--stdout-file", file, "--stderr-file", "-"],
                   stdin: Array("from stdin\n".utf8))
        let stored = try #require(try FileStore(root: cli.storeRoot).session(id: 1)?.interactions.first?.result)
        #expect(stored.stdout == .bytes(bytes))
        #expect(stored.stderr == .text("from stdin\n"))
        let json = try #require(try cli.json(["show", "1", "--json"]).objectValue?["interactions"]?.arrayValue?.first?.objectValue?["result"]?.objectValue)
        #expect(json["stdout_encoding"] == .string("base64"))
        #expect(json["stdout"] == .string(Base64.encode(bytes)))
        let full = try cli.ok(["show", "1", "--full"])
        #expect(full.contains("bin\\xFF␀"))
        #expect(full.contains("\\xC3("))
        #expect(cli.run(["interaction", "complete", "1", id, "--status", "ok", "--stdout", "x", "--stdout-file", file]).status == 64)
    }

    @Test("accounts: add, use (remembered per store), scoped listing, restrict on delete")
    func accounts() throws {
        let cli = CLIHarness()
        _ = try cli.ok(["new", "--type", "ContextSpecSessions"])
        #expect(try cli.ok(["account", "add", "bob"]) == "2")
        let accounts = try cli.ok(["account", "list"])
        #expect(accounts.contains("*   1  alice"))
        #expect(accounts.contains("    2  bob"))
        try cli.ok(["account", "use", "2"])
        #expect(try cli.json(["list", "--json"]).arrayValue?.isEmpty == true)
        #expect(try cli.ok(["new", "--type", "ContextSpecSessions"]) == "2")
        #expect(cli.run(["show", "1"]).stderr == "error: session 1 not found\n")
        // The environment overrides the config file; the flag overrides both.
        #expect(try cli.json(["list", "--json"], env: ["SESSIONS_ACCOUNT": "1"]).arrayValue?.map { $0.objectValue?["id"] } == [.int(1)])
        #expect(try cli.json(["list", "--json", "--account", "2"], env: ["SESSIONS_ACCOUNT": "1"]).arrayValue?.count == 1)
        let config = try #require(TestFiles.readText(cli.directory.path + "/config/sessions/config.json"))
        #expect(config.contains("\"account\": 2"))
        #expect(cli.run(["account", "delete", "1"]).stderr.contains("account 1 still has 1 session"))
        try cli.ok(["delete", "1", "--account", "1"])
        try cli.ok(["account", "delete", "1"])
        #expect(try cli.json(["account", "list", "--json"]).arrayValue?.count == 1)
    }

    @Test("projects and components: scoped, remembered, and nilified on delete")
    func projectsAndComponents() throws {
        let cli = CLIHarness()
        #expect(try cli.ok(["project", "add", "web"]) == "1")
        try cli.ok(["project", "use", "1"])
        #expect(try cli.ok(["component", "add", "Accounts.User"]) == "1")
        _ = try cli.ok(["new", "--type", "ComponentCodingSessions", "--component", "1"])
        let session = try #require(try cli.json(["show", "1", "--json"]).objectValue)
        #expect(session["project_id"] == .int(1))
        #expect(session["component_id"] == .int(1))
        #expect(try cli.ok(["list"]).contains("web / Accounts.User"))
        #expect(try cli.ok(["component", "list"]).contains("Accounts.User  web"))
        #expect(try cli.json(["list", "--project", "1", "--json"]).arrayValue?.count == 1)
        #expect(try cli.json(["list", "--component", "1", "--json"]).arrayValue?.count == 1)
        let deleted = cli.run(["component", "delete", "1"])
        #expect(deleted.status == 0 && deleted.stderr.contains("1 session no longer have a component"))
        try cli.ok(["project", "delete", "1"])
        let after = try #require(try cli.json(["show", "1", "--json"]).objectValue)
        #expect(after["project_id"] == .null && after["component_id"] == .null)
        // The deleted project was forgotten as the active one: commands keep working.
        #expect(try cli.ok(["new", "--type", "ContextSpecSessions"]) == "2")
        #expect(try cli.json(["project", "list", "--json"]).arrayValue?.isEmpty == true)
    }

    @Test("demo fills the store reproducibly")
    func demo() throws {
        let first = CLIHarness(), second = CLIHarness()
        for cli in [first, second] {
            let result = cli.run(["demo", "--sessions", "20", "--interactions", "4", "--seed", "5", "--now", "2026-01-01T00:00:00Z"])
            #expect(result.status == 0)
            #expect(result.stderr.contains("Added 20 sessions"))
        }
        let a = TestFiles.snapshot(first.storeRoot + "/sessions"), b = TestFiles.snapshot(second.storeRoot + "/sessions")
        #expect(a.count == 40 && a == b, "each session's file and its interaction log")
        let counts = try #require(try first.json(["list", "--json"]).arrayValue).map { $0.objectValue?["interaction_count"] }
        #expect(counts.allSatisfy { $0 == .int(4) })
    }

    @Test("doctor reports health with its exit status")
    func doctor() throws {
        let cli = CLIHarness()
        _ = try cli.ok(["new", "--type", "ContextSpecSessions"])
        let healthy = cli.run(["doctor"])
        #expect(healthy.status == 0, "\(healthy.stdout)")
        #expect(healthy.stdout.contains("ok     index.jsonl: matches the 1 session files"))
        TestFiles.write(cli.storeRoot + "/index.jsonl", "garbage\n")
        let sick = cli.run(["doctor"])
        #expect(sick.status == 1)
        #expect(sick.stdout.contains("sessions doctor --repair"))
        #expect(cli.run(["doctor", "--repair"]).status == 0)
        #expect(cli.run(["list", "--json"]).status == 0)
    }

    @Test("shell completions are generated for bash, zsh and fish")
    func completions() {
        let cli = CLIHarness()
        for shell in ["bash", "zsh", "fish"] {
            let result = cli.run(["--generate-completion-script", shell])
            #expect(result.status == 0)
            #expect(result.stdout.contains("set-status"), "\(shell)")
            #expect(result.stdout.contains("ComponentCodingSessions"), "\(shell)")
        }
    }
}

@Suite("Command line: hostile names in messages")
struct CLIMessageTests {
    @Test("doctor findings and error lines never carry control sequences")
    func sanitisedMessages() throws {
        let cli = CLIHarness()
        try cli.ok(["new", "--type", "ContextSpecSessions"])
        TestFiles.write(cli.storeRoot + "/sessions/\u{1B}]0;pwned\u{7}\u{1B}[2Jx", "junk")
        let doctor = cli.run(["doctor"])
        #expect(doctor.stdout.contains("␛]0;pwned␇␛[2Jx"))
        let error = cli.run(["new", "--type", "Evil\u{1B}[2J\u{9B}"])
        #expect(error.status == 1)
        for output in [doctor.stdout, doctor.stderr, error.stderr] {
            #expect(!output.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) })
        }
        let usage = cli.run(["list", "--\u{1B}]2;x\u{7}"])
        #expect(usage.status == 64)
        #expect(!usage.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" })
    }
}
