import Glibc
import SessionsDisplay
import SessionsKit
import Testing
import TestSupport

/// `list` and `show` say what the browser says of places and times.
@Suite("List and show columns", .serialized)
struct ListColumnCLITests {
    /// Three sessions at set times (the harness's now is 2026-11-25 12:00 UTC):
    /// #1 in project 7, created 15 days before and updated two hours before,
    /// with steps either side of a midnight; #2 from last year; #3 three days old.
    func harness() throws -> CLIHarness {
        // Local times read in UTC whatever the machine's zone, as every test that reads them.
        setenv("TZ", "UTC", 1)
        tzset()
        let cli = CLIHarness()
        func step(_ n: Int, _ start: String, _ command: String) -> String {
            #"{"id": "00000000-0000-4000-8000-00000000000\#(n)", "command": {"module": "Bash", "command": "\#(command)", "timestamp": "\#(start)"}, "result": {"status": "ok", "code": 0}, "inserted_at": "\#(start)"}"#
        }
        let file = cli.directory.path + "/sessions.json"
        TestFiles.write(file, """
            {"data": [
            {"id": 1, "type": "ContextComponentsDesignSessions", "status": "active", "account_id": 1, "project_id": 7,
             "inserted_at": "2026-11-10T08:00:00Z", "updated_at": "2026-11-25T10:00:00Z", "interactions": [
               \(step(3, "2026-11-11T09:00:00Z", "mix format")), \(step(2, "2026-11-11T00:01:00Z", "mix test")),
               \(step(1, "2026-11-10T23:59:00Z", "mix compile"))]},
            {"id": 2, "type": "ComponentTestSessions", "status": "active", "account_id": 1,
             "inserted_at": "2025-02-12T10:00:00Z", "updated_at": "2025-02-12T11:00:00Z"},
            {"id": 3, "type": "ClaudeCodeSessions", "status": "active", "account_id": 1,
             "inserted_at": "2026-11-22T12:00:00Z", "updated_at": "2026-11-22T12:00:00Z"}
            ]}
            """)
        try cli.ok(["import", "codemyspec", file])
        return cli
    }

    func rows(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    @Test("the place column is PROJECT / COMPONENT, each side named or a dash; times are ages under a week, else days")
    func placesAndAges() throws {
        let cli = try harness()
        let table = rows(try cli.ok(["list"]))
        #expect(table[0].contains("PROJECT / COMPONENT") && table[0].hasSuffix("ACTIVE"))
        let first = try #require(table.first { $0.hasPrefix(" 1 ") })
        #expect(first.contains("project 7 / —"), "\(first)")
        // Last active on Nov 11, updated two hours ago: sorted and dated by the activity.
        #expect(first.hasSuffix("Nov 11"))
        #expect(table.dropFirst().map { $0.prefix(3) } == [" 3 ", " 1 ", " 2 "])
        #expect(try #require(table.first { $0.contains("ClaudeCodeSessions") }).hasSuffix("3d ago"))
        #expect(try #require(table.first { $0.contains("ComponentTestSessions") }).hasSuffix("2025-02-12"))
        #expect(!table.contains { $0.contains("mo ago") || $0.contains("y ago") })
    }

    @Test("list --sort created heads its time column CREATED and shows creation, --sort updated UPDATED")
    func createdSort() throws {
        let cli = try harness()
        let table = rows(try cli.ok(["list", "--sort", "created"]))
        #expect(table[0].hasSuffix("CREATED") && !table[0].contains("UPDATED"))
        #expect(table[1].hasPrefix(" 3 ") && table[1].hasSuffix("3d ago"), "\(table[1])")
        #expect(table[2].hasPrefix(" 1 ") && table[2].hasSuffix("Nov 10"), "\(table[2])")
        #expect(table[3].hasSuffix("2025-02-12"))
        for sort in ["id", "type"] {
            #expect(rows(try cli.ok(["list", "--sort", sort]))[0].hasSuffix("ACTIVE"))
        }
        let updated = rows(try cli.ok(["list", "--sort", "updated"]))
        #expect(updated[0].hasSuffix("UPDATED") && updated[1].hasPrefix(" 1 ") && updated[1].hasSuffix("2h ago"), "\(updated)")
    }

    @Test("list shows a conversation's branch and tokens, drops them first when narrow, and puts a subagent under its parent")
    func conversations() throws {
        setenv("TZ", "UTC", 1)
        tzset()
        let cli = CLIHarness()
        func session(_ id: Int, _ state: String, last: String) -> String {
            #"{"id": \#(id), "type": "ClaudeCodeSessions", "status": "active", "account_id": 1, "state": \#(state), "#
                + #""inserted_at": "2026-11-20T08:00:00Z", "updated_at": "2026-11-25T11:00:00Z", "interactions": [{"id": "#
                + #""00000000-0000-4000-8000-00000000000\#(id)", "command": {"module": "Bash", "command": "ls", "timestamp": "\#(last)"}, "#
                + #""inserted_at": "\#(last)"}]}"#
        }
        let file = cli.directory.path + "/sessions.json"
        TestFiles.write(file, #"{"data": ["# + [
            session(1, #"{"first_prompt": "Add an invoice export", "git_branch": "feat/export", "tokens": {"input": 139, "output": 1258, "cache_read_input": 218393}}"#,
                    last: "2026-11-25T10:00:00Z"),
            session(2, #"{"first_prompt": "Unrelated", "git_branch": "main"}"#, last: "2026-11-24T10:00:00Z"),
            session(3, #"{"agent_id": "a2898e3", "parent_session_id": "4d5611e5", "parent_id": 1, "first_prompt": "Find the tests"}"#,
                    last: "2026-11-23T10:00:00Z"),
        ].joined(separator: ",") + "]}")
        try cli.ok(["import", "codemyspec", file])
        let table = rows(try cli.ok(["list"]))
        #expect(table[0].contains("BRANCH") && table[0].contains("TOKENS"), "\(table[0])")
        #expect(table.dropFirst().map { $0.prefix(3) } == [" 1 ", " 3 ", " 2 "], "\(table)")
        #expect(table[1].contains("feat/export") && table[1].contains("219k↑ 1.3k↓"), "\(table[1])")
        #expect(table[2].contains("↳ Find the tests"), "\(table[2])")
        // By update, each in its own place.
        #expect(rows(try cli.ok(["list", "--sort", "updated"])).dropFirst().map { $0.prefix(3) } == [" 3 ", " 2 ", " 1 "])
        // Narrow, the tokens and the branch go before anything else.
        let narrow = rows(cli.run(["list"], env: ["NO_COLOR": "1"], terminal: true, columns: 120).stdout)
        #expect(!narrow[0].contains("TOKENS") && narrow[0].contains("BRANCH") && narrow[0].contains("ENV"), "\(narrow[0])")
        #expect(narrow.allSatisfy { CellWidth.of($0) <= 120 })
        let narrower = rows(cli.run(["list"], env: ["NO_COLOR": "1"], terminal: true, columns: 105).stdout)
        #expect(!narrower[0].contains("BRANCH") && narrower[0].contains("AGENT"), "\(narrower[0])")
    }

    @Test("show names the day in the time column where it changes, right-aligned over the clocks")
    func showDays() throws {
        let cli = try harness()
        let lines = rows(try cli.ok(["show", "1"]))
        let heading = try #require(lines.firstIndex { $0.contains("#  ") && $0.contains("TIME") })
        let timeline = Array(lines[(heading + 1)...].prefix(3))
        #expect(timeline[0].hasPrefix("  1         23:59:00  ✓"), "\(timeline[0])")
        #expect(timeline[1].hasPrefix("  2  Nov 11 00:01:00  ✓"), "\(timeline[1])")
        #expect(timeline[2].hasPrefix("  3         09:00:00  ✓"), "\(timeline[2])")
        #expect(lines[heading].hasPrefix("  #             TIME  R"), "\(lines[heading])")
    }
}
