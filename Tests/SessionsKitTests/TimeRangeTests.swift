import Testing
import TestSupport
@testable import SessionsKit

/// The store writes years 0000–9999 in UTC. A time past either end was once
/// written with its year clamped and its month and day kept, moving it by up
/// to a year: `9999-12-31T23:59:59-01:00` became `9999-01-01T00:59:59Z`, and
/// a status change on a session updated at the last instant wrote a time
/// before the session was created.
@Suite("Times the store can hold")
struct TimeRangeTests {
    func at(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

    @Test("a time that an offset carries past year 9999 or before year 0000 is refused, and says where it lands", arguments: [
        ("9999-12-31T23:59:59-01:00", "+10000-01-01T00:59:59Z"),
        ("0000-01-01T00:00:00+01:00", "-0001-12-31T23:00:00Z"),
        ("9999-12-31T23:59:59.999999-00:01", "+10000-01-01T00:00:59.999999Z"),
    ])
    func outOfRangeRefused(text: String, lands: String) {
        #expect(Timestamp(iso8601: text) == nil)
        #expect(Timestamp.problem(text) == "is \(lands) in UTC, outside the years 0000 to 9999 the store can hold")
        #expect(Timestamp.problem("yesterday") == "is not an ISO 8601 UTC timestamp")
    }

    @Test("the first and last instants of the range read and write back exactly", arguments: [
        ("9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z"),
        ("9999-12-31T22:59:59-01:00", "9999-12-31T23:59:59Z"),
        ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"),
        ("0000-01-01T01:00:00+01:00", "0000-01-01T00:00:00Z"),
    ])
    func edges(text: String, written: String) throws {
        let time = try #require(Timestamp(iso8601: text))
        #expect(time.iso8601 == written && time.isWritable)
        #expect(Timestamp.problem(text) == nil)
    }

    @Test("a time outside the range is never written as another year: the writer shows it as it is")
    func writerDoesNotClamp() {
        #expect(Timestamp(microseconds: Timestamp.latest.microseconds + 1).iso8601 == "+10000-01-01T00:00:00.000000Z")
        #expect(Timestamp(microseconds: Timestamp.earliest.microseconds - 3_600_000_000, fractionDigits: 0).iso8601
            == "-0001-12-31T23:00:00Z")
        #expect(Timestamp.latest.iso8601 == "9999-12-31T23:59:59.999999Z")
        #expect(Timestamp.earliest.iso8601 == "0000-01-01T00:00:00.000000Z")
    }

    @Test("a session record with a time outside the range is refused, naming the field")
    func recordNamesField() throws {
        let record = """
            {"id": 1, "type": "ContextSpecSessions", "account_id": 1, "status": "active",
             "interactions": [{"id": "00000000-0000-4000-8000-000000000001",
                               "command": {"module": "M", "command": "c", "timestamp": "0000-01-01T00:00:00+01:00"}}],
             "inserted_at": "2026-01-01T00:00:00Z", "updated_at": "9999-12-31T23:59:59-01:00"}
            """
        #expect(throws: SchemaError([
            FieldError("interactions[0].command.timestamp",
                       #""0000-01-01T00:00:00+01:00" is -0001-12-31T23:00:00Z in UTC, outside the years 0000 to 9999 the store can hold"#),
            FieldError("updated_at",
                       #""9999-12-31T23:59:59-01:00" is +10000-01-01T00:59:59Z in UTC, outside the years 0000 to 9999 the store can hold"#),
        ])) {
            _ = try Session.decode(try JSONParser.parse(Array(record.utf8)))
        }
    }

    /// A session updated at the store's last instant, created a second before.
    func sessionAtTheEnd(_ fixture: StoreFixture) throws {
        try fixture.store.write { transaction in
            transaction.put(Session(id: try transaction.newSessionID(), type: SessionType("ContextSpecSessions"), accountID: 1,
                                    insertedAt: at("9999-12-31T23:59:58Z"), updatedAt: .latest))
        }
    }

    @Test("a change to a session updated at the last instant keeps that instant: updated_at never moves backwards")
    func lastInstantStays() throws {
        let fixture = try StoreFixture()
        try sessionAtTheEnd(fixture)
        let service = fixture.service()
        _ = try service.setStatus(id: 1, to: .complete)
        _ = try service.addInteraction(sessionID: 1, CommandDraft(module: "M", command: "c"))
        let session = try #require(try fixture.reopen().session(id: 1))
        #expect(session.status == .complete && session.interactions.count == 1)
        #expect(session.updatedAt == .latest && session.updatedAt.iso8601 == "9999-12-31T23:59:59.999999Z")
        #expect(session.updatedAt >= session.insertedAt)
        #expect(StoreDoctor(root: fixture.root).run(repair: false).isHealthy)
    }

    @Test("a session updated in the future moves on from that time, not back to now")
    func futureUpdateMovesForward() throws {
        let fixture = try StoreFixture()
        try fixture.store.write { transaction in
            transaction.put(Session(id: try transaction.newSessionID(), type: SessionType("ContextSpecSessions"), accountID: 1,
                                    insertedAt: at("2026-01-01T00:00:00Z"), updatedAt: at("2999-01-01T00:00:00Z")))
        }
        _ = try fixture.service().setStatus(id: 1, to: .failed)
        #expect(try fixture.reopen().session(id: 1)?.updatedAt.iso8601 == "2999-01-01T00:00:00.000001Z")
    }

    @Test("a time carried past the range in memory is refused at commit, naming the field, with nothing written")
    func commitRefusesOutOfRange() throws {
        let fixture = try StoreFixture()
        try sessionAtTheEnd(fixture)
        let before = TestFiles.snapshot(fixture.root + "/sessions")
        #expect(throws: SessionError.invalid(SchemaError("updated_at",
                                                         "+10000-01-01T00:00:00.000000Z is outside the years 0000 to 9999 the store can hold"))) {
            try fixture.store.write { transaction in
                var session = try #require(try transaction.session(id: 1))
                session.updatedAt = Timestamp(microseconds: Timestamp.latest.microseconds + 1)
                transaction.put(session)
            }
        }
        #expect(TestFiles.snapshot(fixture.root + "/sessions") == before)
    }

    @Test("a transcript line whose time is outside the range imports without that time, and is reported by line")
    func transcriptTimeLeftOut() throws {
        let lines = TranscriptFixtures.old.split(separator: "\n").map(String.init)
        // Line 7, the closing message, carries a time the store cannot hold.
        let bad = lines.enumerated().map { index, line in
            index == 6 ? line.replacingOccurrences("2025-09-03T00:53:00.000Z", with: "9999-12-31T23:59:59.000-01:00") : line
        }
        let transcript = TranscriptParser.parse(Array((bad.joined(separator: "\n") + "\n").utf8), path: "t.jsonl")
        #expect(transcript.stats.unreadableTimes == [
            #"7: timestamp "9999-12-31T23:59:59.000-01:00" is +10000-01-01T00:59:59.000Z in UTC, outside the years 0000 to 9999 the store can hold"#,
        ])
        #expect(transcript.lastTimestamp == at("2025-09-03T00:52:41.000Z"))
        #expect(transcript.stats.malformedLines.isEmpty && transcript.toolCalls.count == 2)
    }

    @Test("doctor reports a session updated before it was created, by id, and --repair says it left it alone")
    func doctorReportsBackwardTimes() throws {
        let fixture = try StoreFixture()
        try fixture.store.write { transaction in
            transaction.put(Session(id: try transaction.newSessionID(), type: SessionType("ContextSpecSessions"), accountID: 1,
                                    insertedAt: at("2026-03-01T00:00:00Z"), updatedAt: at("2026-02-01T00:00:00Z")))
            transaction.put(Session(id: try transaction.newSessionID(), type: SessionType("ContextSpecSessions"), accountID: 1,
                                    insertedAt: at("2026-03-01T00:00:00Z"), updatedAt: at("2026-03-01T00:00:00Z")))
        }
        let file = fixture.root + "/sessions/1.json"
        let before = TestFiles.read(file)
        let expected = StoreDoctor.Finding(
            severity: .problem, subject: "sessions/1.json",
            message: "session 1 was updated (updated_at 2026-02-01T00:00:00Z) before it was created (inserted_at 2026-03-01T00:00:00Z). "
                + "Doctor cannot tell which time is wrong and changes neither: correct it in the file, then run `sessions doctor --repair`.")
        for repair in [false, true] {
            let report = StoreDoctor(root: fixture.root).run(repair: repair)
            #expect(report.findings.filter { $0.message.contains("before it was created") } == [expected], "repair: \(repair)")
            #expect(!report.isHealthy)
        }
        #expect(TestFiles.read(file) == before)
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
