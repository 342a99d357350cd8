import Testing
import TestSupport
@testable import SessionsKit

/// `sessions search` end to end: what it prints for people and for
/// scripts, how it fails, and that no byte of what it found reaches the
/// terminal unsanitized.
@Suite("sessions search")
struct SearchCLITests {
    static let conversation = "5ea5c0de-0000-4000-8000-000000000003"
    /// What session 4's output holds: a terminal title, a screen clear, a
    /// bidirectional override, a C1 control, a bell.
    static let hostile = "zebra \u{1B}]0;PWNED\u{7} \u{1B}[2J \u{202E}evil\u{202C} \u{9B}31m \u{85}end"

    /// Four sessions of alice's, most recently active first 2, 1, 4, 3:
    /// 1 is empty; 2 has three interactions, the third with "zebra" on its
    /// fourth stdout line; 3 is a Claude Code conversation titled in its
    /// state; 4 holds hostile text. Bob's session 5 holds "zebra" too.
    static func searchable() throws -> CLIHarness {
        let cli = CLIHarness()
        try cli.ok(["new", "--type", "ComponentCodingSessions"])
        try cli.ok(["new", "--type", "ComponentCodingSessions"])
        for (command, stdout) in [("make zebra", "built"), ("cat notes", "one\ntwo"), ("grep -n x", "a\nb\nc\nzebra here\nzebra again")] {
            let id = try cli.ok(["interaction", "add", "2", "--module", "M", "--command", command])
            try cli.ok(["interaction", "complete", "2", id, "--status", "ok", "--stdout", stdout])
        }
        let store = try FileStore(root: cli.storeRoot)
        let early = Timestamp(iso8601: "2026-11-25T11:00:00Z")!
        let later = Timestamp(iso8601: "2026-11-25T11:30:00Z")!
        try store.write { transaction in
            var claude = Session(id: try transaction.newSessionID(), type: .claudeCode,
                                 state: JSONObject(["title": .string("Fix the zebra login")]), accountID: 1, insertedAt: early, updatedAt: early)
            claude.externalConversationID = Self.conversation
            claude.conversation = [
                ConversationMessage(role: .user, text: "why does the zebra fail?", at: early),
                ConversationMessage(role: .assistant, text: "Because\nthe zebra is late.", at: early),
            ]
            transaction.put(claude)
            var hostile = Session(id: try transaction.newSessionID(), type: .claudeCode,
                                  state: JSONObject(["title": .string("zebra \u{1B}[31mred\u{202E} title")]), accountID: 1,
                                  insertedAt: later, updatedAt: later)
            hostile.interactions = [Interaction(command: Command(module: "Bash", command: "echo hostile", timestamp: later),
                                                result: CommandResult(status: .error, stdout: .text(Self.hostile), timestamp: later),
                                                completedAt: later, insertedAt: later, updatedAt: later)]
            transaction.put(hostile)
            transaction.registry.addAccount(name: "bob", at: early)
            transaction.put(Session(id: try transaction.newSessionID(), type: .claudeCode, state: JSONObject(["title": .string("bob's zebra")]),
                                    accountID: 2, insertedAt: later, updatedAt: later))
        }
        return cli
    }

    /// The lines of stdout, without the final newline's empty one.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast(text.hasSuffix("\n") ? 1 : 0)
    }

    /// The session headings, by id, in the order printed.
    static func headings(_ text: String) -> [Int] {
        lines(text).compactMap { line in
            guard line.hasPrefix("Session ") else { return nil }
            return Int(line.dropFirst(8).prefix { $0.isNumber })
        }
    }

    @Test("human output: sessions by activity, each hit's place and line, what is not shown counted, the totals")
    func human() throws {
        let cli = try Self.searchable()
        let result = cli.run(["search", "zebra"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let lines = Self.lines(result.stdout)
        #expect(Self.headings(result.stdout) == [2, 4, 3], "most recently active first; session 1 holds nothing; bob's never")
        #expect(lines.contains { $0.hasPrefix("Session 2  ● active  Component Coding  ") })
        #expect(lines.contains("  #1 command   make zebra"))
        #expect(lines.contains("  #3 stdout:4  zebra here"), "the interaction's number, its part, the line of the first match")
        #expect(!lines.contains { $0.contains("zebra again") }, "one hit per place")
        #expect(lines.contains("  title     Fix the zebra login"))
        #expect(lines.contains("  state     title: Fix the zebra login"))
        #expect(lines.contains("  › prompt  why does the zebra fail?"))
        #expect(lines.contains("  … 1 more in this session"), "the reply, past the three hits shown")
        #expect(lines.last == "3 sessions · 9 hits")
        // Between sessions, a blank line.
        #expect(lines.filter(\.isEmpty).count == 3)

        let more = Self.lines(cli.run(["search", "zebra", "--hits", "4"]).stdout)
        #expect(more.contains("  ‹ reply:2  the zebra is late."), "a reply's second line is named by its number")
        #expect(!more.contains { $0.contains("more in this session") })
        let one = Self.lines(cli.run(["search", "zebra", "--hits", "1"]).stdout)
        #expect(one.filter { $0.hasPrefix("  … ") } == ["  … 1 more in this session", "  … 2 more in this session", "  … 3 more in this session"])
    }

    @Test("--json: one object per session, its hits with place, position, id, part, line number, line and time; ids that show takes")
    func json() throws {
        let cli = try Self.searchable()
        let sessions = try #require(try cli.json(["search", "zebra", "--json", "--hits", "4"]).arrayValue)
        #expect(sessions.compactMap { $0.objectValue?["id"]?.intValue } == [2, 4, 3])
        for session in sessions {
            let object = try #require(session.objectValue)
            #expect(object.members.map(\.key) == ["id", "title", "status", "activity_at", "total_hits", "hits"])
            let id = try #require(object["id"]?.intValue)
            #expect(cli.run(["show", String(id)]).status == 0, "the id feeds show")
            #expect(Timestamp(iso8601: object["activity_at"]?.stringValue ?? "") != nil)
        }
        let coding = try #require(sessions[0].objectValue)
        #expect(coding["title"] == .string("Component Coding") && coding["status"] == .string("active") && coding["total_hits"] == .int(2))
        let hits = try #require(coding["hits"]?.arrayValue?.compactMap { $0.objectValue })
        #expect(hits.map { $0.members.map(\.key) } == Array(repeating: ["place", "position", "interaction_id", "part", "line_number", "line", "at"],
                                                               count: 2))
        let third = hits[1]
        #expect(third["place"] == .string("interaction") && third["position"] == .int(2) && third["part"] == .string("stdout"))
        #expect(third["line_number"] == .int(4), "counted from 1")
        #expect(third["line"] == .string("zebra here"))
        let interaction = try #require(third["interaction_id"]?.stringValue)
        #expect(try cli.ok(["show", "2", "--json"]).contains(interaction), "the interaction id is the stored one")

        let claude = try #require(sessions[2].objectValue)
        #expect(claude["title"] == .string("Fix the zebra login") && claude["total_hits"] == .int(4))
        let places = try #require(claude["hits"]?.arrayValue?.compactMap { $0.objectValue })
        #expect(places.map { $0["place"]?.stringValue } == ["title", "state", "message", "message"])
        #expect(places[0].members.map(\.key) == ["place", "part", "line_number", "line"], "a title has no time")
        #expect(places[3].members.map(\.key) == ["place", "message", "part", "line_number", "line", "at"])
        #expect(places[3]["message"] == .int(1) && places[3]["part"] == .string("reply") && places[3]["line_number"] == .int(2))
        #expect(Timestamp(iso8601: places[3]["at"]?.stringValue ?? "") == Timestamp(iso8601: "2026-11-25T11:00:00Z"))
    }

    @Test("nothing matching: exit 1, a line on stderr, nothing on stdout; with --json an empty array")
    func nothing() throws {
        let cli = try Self.searchable()
        let result = cli.run(["search", "quagga"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "Nothing matches quagga in 4 sessions.\n")
        let json = cli.run(["search", "quagga", "--json"])
        #expect(json.status == 1 && json.stdout == "[]\n" && json.stderr.isEmpty)
        let filtered = cli.run(["search", "zebra", "--status", "failed"])
        #expect(filtered.status == 1 && filtered.stderr == "Nothing matches zebra in 0 sessions.\n")
        let hostile = cli.run(["search", "quagga\u{1B}[2J"])
        #expect(hostile.status == 1 && !hostile.stderr.unicodeScalars.contains("\u{1B}"), "the query is sanitized too")
    }

    /// Whether `text` holds nothing a terminal acts on but the given escape sequences of the printer's own.
    static func onlyOwnEscapes(_ text: String, allowing own: [String] = []) -> Bool {
        var rest = text
        for sequence in own { rest = rest.replacing(sequence, with: "") }
        return !rest.unicodeScalars.contains { scalar in
            let value = scalar.value
            return (value < 0x20 && value != 0x0A) || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
                || (0x2066...0x2069).contains(value)
        }
    }

    @Test("hostile text in snippets and titles never reaches stdout raw: escapes, bidirectional overrides, C1 controls")
    func hostileText() throws {
        let cli = try Self.searchable()
        let plain = cli.run(["search", "zebra", "--hits", "10"])
        #expect(plain.status == 0)
        #expect(Self.onlyOwnEscapes(plain.stdout), "\(plain.stdout.unicodeScalars.filter { $0.value < 0x20 || $0.value > 0x7E }.map { String($0.value, radix: 16) })")
        #expect(plain.stdout.contains("␛]0;PWNED"), "shown, as a stand-in")
        #expect(plain.stdout.contains("<U+202E>"))
        let hit = try #require(Self.lines(plain.stdout).first { $0.hasPrefix("  #1 stdout") && $0.contains("PWNED") })
        #expect(hit.contains("zebra"))
        // In colour, the only escapes are the printer's own.
        let coloured = cli.run(["search", "zebra", "--hits", "10"], terminal: true, columns: 100)
        #expect(coloured.stdout.contains("\u{1B}[7mzebra\u{1B}[27m"), "matches in reverse video")
        let own = ["\u{1B}[7m", "\u{1B}[27m", "\u{1B}[0m", "\u{1B}[1m", "\u{1B}[2m", "\u{1B}[22m", "\u{1B}[39m"]
            + (30...37).map { "\u{1B}[\($0)m" } + (90...97).map { "\u{1B}[\($0)m" }
        #expect(Self.onlyOwnEscapes(coloured.stdout, allowing: own),
                "\(coloured.stdout.replacing("\u{1B}", with: "<ESC>"))")
        #expect(!coloured.stdout.contains("\u{1B}]") && !coloured.stdout.contains("\u{1B}[2J") && !coloured.stdout.contains("\u{1B}[31mred"))
        // JSON carries the text exactly, escaped as JSON: no raw escape or bell either.
        let json = cli.run(["search", "zebra", "--json", "--hits", "10"])
        #expect(!json.stdout.unicodeScalars.contains("\u{1B}") && !json.stdout.unicodeScalars.contains("\u{7}"))
        let parsed = try #require(try JSONParser.parse(json.stdout).arrayValue)
        let lines = parsed.flatMap { $0.objectValue?["hits"]?.arrayValue ?? [] }.compactMap { $0.objectValue?["line"]?.stringValue }
        #expect(lines.contains(Self.hostile), "the line as it was")
    }

    @Test("bad options name the option and show this command's usage", arguments: [
        (["search", "x", "--in", "bogus"], "error: unknown field \"bogus\" for --in: choose from title, prompt, reply, command, output, state"),
        (["search", "x", "--in", "title,,command"], "error: unknown field \"\" for --in"),
        (["search", "x", "--since", "soon"], "error: --since soon is not a time: give a day (2026-11-30), an age (7d, 12h, 30m, 2w), today, yesterday, or an ISO 8601 time"),
        (["search", "x", "--until", "2026-13-01"], "error: --until 2026-13-01 is not a time"),
        (["search", "\"open"], "error: a quote opens a phrase that never closes: add the closing \""),
        (["search", "\"\""], "error: the search is empty"),
        (["search", "--regex", "(x"], "error: not a regular expression"),
        (["search"], "error: give something to search for"),
        (["search", "x", "--hits", "0"], "error: --hits must be 1 or more, not 0"),
        (["search", "x", "--limit", "0"], "error: --limit must be 1 or more, not 0"),
    ])
    func badOptions(arguments: [String], message: String) throws {
        let cli = try Self.searchable()
        let result = cli.run(arguments)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: sessions search "), "\(result.stderr)")
    }

    @Test("a query that is a session's id puts that session first, marked, even with nothing in it matching")
    func namedByID() throws {
        let cli = try Self.searchable()
        // "3" is in session 4's output (ESC [ 31m), and session 3 is the oldest.
        let result = cli.run(["search", "3"])
        #expect(result.status == 0)
        #expect(Self.headings(result.stdout) == [3, 4])
        #expect(Self.lines(result.stdout).first?.hasSuffix("  (its id)") == true)
        #expect(Self.lines(result.stdout).filter { $0.contains("(its id)") }.count == 1)
        let json = try #require(try cli.json(["search", "3", "--json"]).arrayValue?.compactMap { $0.objectValue })
        #expect(json.map { $0["id"]?.intValue } == [3, 4])
        #expect(json[0]["named_by_query"] == .bool(true) && json[0]["total_hits"] == .int(0) && json[0]["hits"] == .array([]))
        #expect(json[1]["named_by_query"] == nil)
        // By its Claude Code session id, or the start of it.
        #expect(Self.headings(cli.run(["search", String(Self.conversation.prefix(8))]).stdout) == [3])
        // Another account's session is no session of alice's: not named, not found.
        let other = cli.run(["search", "5"])
        #expect(!Self.headings(other.stdout).contains(5))
        // A filter that excludes the session excludes it here too.
        #expect(!Self.headings(cli.run(["search", "3", "--status", "complete"]).stdout).contains(3))
    }

    @Test("filters and limits: --limit, --type, --status, --regex, --in, and a phrase the shell split")
    func filters() throws {
        let cli = try Self.searchable()
        let limited = cli.run(["search", "zebra", "--limit", "1"])
        #expect(Self.headings(limited.stdout) == [2])
        #expect(Self.lines(limited.stdout).last == "1 session · 2 hits")
        #expect(Self.headings(cli.run(["search", "zebra", "--type", "ClaudeCodeSessions"]).stdout) == [4, 3])
        #expect(Self.headings(cli.run(["search", "zebra", "--status", "active"]).stdout) == [2, 4, 3])
        #expect(Self.headings(cli.run(["search", "--regex", "z[e]bra (four|here)$"]).stdout) == [2])
        #expect(Self.headings(cli.run(["search", "--regex", "^zebra here$"]).stdout) == [2], "line by line")
        #expect(Self.headings(cli.run(["search", "zebra", "--in", "command"]).stdout) == [2])
        #expect(Self.headings(cli.run(["search", "zebra", "--in", "prompt,reply"]).stdout) == [3])
        let phrase = cli.run(["search", "\"zebra", "here\""])
        #expect(Self.headings(phrase.stdout) == [2])
        #expect(Self.lines(phrase.stdout).contains("  #3 stdout:4  zebra here"))
        #expect(cli.run(["search", "\"zebra", "again", "here\""]).status == 1, "a phrase is matched as written")
        #expect(Self.headings(cli.run(["search", "zebra", "--since", "2026-11-25T11:15:00Z"]).stdout) == [2, 4])
        #expect(Self.headings(cli.run(["search", "zebra", "--until", "2026-11-25T11:15:00Z"]).stdout) == [3])
        #expect(Self.headings(cli.run(["search", "zebra", "--since", "2026-11-25", "--until", "2026-11-25"]).stdout) == [2, 4, 3])
    }
}
