import Testing
@testable import SessionsKit
import TestSupport

/// Times at and past the ends of the years 0000–9999, and times ahead of
/// now, through the commands: refused on input naming the field, never moved
/// backwards by a change, reported by `doctor` when they contradict each
/// other, and shown for what they are.
@Suite("Times the store can hold, through the commands")
struct TimeRangeCLITests {
    /// A CodeMySpec file of one session per (id, inserted_at, updated_at).
    static func records(_ sessions: [(Int, String, String)]) -> [UInt8] {
        let lines = sessions.map { id, inserted, updated in
            #"{"id": \#(id), "type": "ContextSpecSessions", "status": "active", "account_id": 1, "#
                + #""inserted_at": "\#(inserted)", "updated_at": "\#(updated)", "interactions": []}"#
        }
        return Array(("{\"data\": [\n" + lines.joined(separator: ",\n") + "\n]}\n").utf8)
    }

    @Test("an import whose time an offset carries past year 9999 or before 0000 skips that record, naming the field")
    func importRefuses() throws {
        let cli = CLIHarness()
        let result = cli.run(["import", "codemyspec", "-"], stdin: Self.records([
            (5, "2026-01-01T00:00:00Z", "9999-12-31T23:59:59-01:00"),
            (6, "0000-01-01T00:00:00+01:00", "2026-01-01T00:00:00Z"),
            (7, "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"),
        ]))
        #expect(result.status == 1)
        #expect(result.stdout.contains(#"skipped data[0] (id 5): updated_at: "9999-12-31T23:59:59-01:00" is +10000-01-01T00:59:59Z in UTC, outside the years 0000 to 9999 the store can hold"#), "\(result.stdout)")
        #expect(result.stdout.contains(#"skipped data[1] (id 6): inserted_at: "0000-01-01T00:00:00+01:00" is -0001-12-31T23:00:00Z in UTC"#))
        let stored = try cli.json(["list", "--json"]).arrayValue ?? []
        #expect(stored.count == 1)
        #expect(stored.first?.objectValue?["inserted_at"] == .string("0000-01-01T00:00:00Z"))
        #expect(stored.first?.objectValue?["updated_at"] == .string("9999-12-31T23:59:59.999999Z"))
    }

    @Test("set-status on a session updated at 9999-12-31T23:59:59.999999Z keeps that time, and doctor finds it healthy")
    func setStatusAtTheEnd() throws {
        let cli = CLIHarness()
        try cli.ok(["import", "codemyspec", "-"], stdin: Self.records([(1, "9999-12-31T23:59:58Z", "9999-12-31T23:59:59.999999Z")]))
        try cli.ok(["set-status", "1", "complete"])
        let session = try #require(try cli.json(["show", "1", "--json"]).objectValue)
        #expect(session["status"] == .string("complete"))
        #expect(session["updated_at"] == .string("9999-12-31T23:59:59.999999Z"))
        #expect(cli.run(["doctor"]).status == 0)
    }

    @Test("doctor and doctor --repair name a session updated before it was created, and exit 1")
    func doctorNamesBackwardTimes() throws {
        let cli = CLIHarness()
        try cli.ok(["import", "codemyspec", "-"], stdin: Self.records([
            (1, "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z"), (2, "2026-03-01T00:00:00Z", "2026-02-01T00:00:00Z"),
        ]))
        let line = "problem sessions/2.json: session 2 was updated (updated_at 2026-02-01T00:00:00Z) before it was created "
            + "(inserted_at 2026-03-01T00:00:00Z). Doctor cannot tell which time is wrong and changes neither: "
            + "correct it in the file, then run `sessions doctor --repair`."
        for arguments in [["doctor"], ["doctor", "--repair"]] {
            let result = cli.run(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stdout.split(separator: "\n").contains { $0 == line }, "\(arguments): \(result.stdout)")
            #expect(!result.stdout.contains("sessions/1.json"))
        }
        #expect(try cli.json(["show", "2", "--json"]).objectValue?["updated_at"] == .string("2026-02-01T00:00:00Z"))
    }

    @Test("years print with four digits, and times ahead of now as ahead: in 3d within a week, the date past it")
    func humanTimes() throws {
        let cli = CLIHarness()
        // The harness's clock reads 2026-11-25T12:00:00Z.
        try cli.ok(["import", "codemyspec", "-"], stdin: Self.records([
            (1, "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z"), (2, "2026-11-20T00:00:00Z", "2026-11-28T13:00:00Z"),
        ]))
        let shown = try cli.ok(["show", "1"])
        #expect(shown.contains("created      0000-01-01 00:00:00 (2028y ago)"), "\(shown)")
        #expect(shown.contains("updated      9999-12-31 23:59:59 (in 7978y)"), "\(shown)")
        let listed = try cli.ok(["list"])
        let rows = listed.split(separator: "\n")
        #expect(rows.contains { $0.hasPrefix(" 1 ") && $0.hasSuffix("9999-12-31") }, "\(listed)")
        #expect(rows.contains { $0.hasPrefix(" 2 ") && $0.hasSuffix("in 3d") }, "\(listed)")
        #expect(!listed.contains("just now"))
        let created = try cli.ok(["list", "--sort", "created"])
        #expect(created.split(separator: "\n").contains { $0.hasPrefix(" 1 ") && $0.hasSuffix("0000-01-01") }, "\(created)")
    }

    @Test("a transcript line whose time the store cannot hold is imported without it and named in the summary")
    func transcriptTime() throws {
        let cli = CLIHarness()
        let path = cli.directory.path + "/\(TranscriptFixtures.oldSession).jsonl"
        let text = TranscriptFixtures.old.split(separator: "2025-09-03T00:53:00.000Z", omittingEmptySubsequences: false)
            .joined(separator: "0000-01-01T00:00:00.000+00:01")
        TestFiles.write(path, text)
        let result = cli.run(["import", "claude-code", path])
        #expect(result.status == 0)
        #expect(result.stdout.contains(
            #"time left out: \#(path):7: timestamp "0000-01-01T00:00:00.000+00:01" is -0001-12-31T23:59:00.000Z in UTC, outside the years 0000 to 9999 the store can hold"#),
            "\(result.stdout)")
        let session = try #require(try cli.json(["list", "--json"]).arrayValue?.first?.objectValue)
        #expect(session["updated_at"] == .string("2025-09-03T00:52:41.000Z"))
        let other = CLIHarness()
        let report = try other.json(["import", "claude-code", "--json", path]).objectValue
        #expect(report?["unreadable_times"]?.arrayValue?.count == 1)
    }
}
