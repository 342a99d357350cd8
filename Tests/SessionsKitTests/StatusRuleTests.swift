import Glibc
import Testing
import TestSupport
@testable import SessionsKit

/// A session's status comes from its conversation's own times, never from a
/// file's, and a status a person set stands until the conversation itself
/// continues past that change, whichever path would change it.
@Suite("Status: the conversation's times, and a person's choice")
struct StatusRuleTests {
    static let relative = "-home-u-work-api/\(TranscriptFixtures.newSession).jsonl"

    /// What the conversation of `newPart1` and `newPart2` says next, at `time`: a prompt and a reply.
    static func continuation(at time: String) -> String {
        let c = TranscriptFixtures.common(TranscriptFixtures.newSession, "2.1.39", cwd: "/home/u/work/api", branch: "fix-tests")
        return [
            #"{"parentUuid":"n13",\#(c),"type":"user","message":{"role":"user","content":"and the docs"},"uuid":"n14","timestamp":"\#(time)"}"#,
            #"{"parentUuid":"n14",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_G","type":"message","role":"assistant","content":[{"type":"text","text":"Done too."}]},"uuid":"n15","timestamp":"\#(time)"}"#,
        ].joined(separator: "\n") + "\n"
    }

    @Test("fresh file times on months-old transcripts, as a copy or a restore leaves them, make nothing active")
    func freshFileTimes() throws {
        let now = Timestamp(iso8601: "2026-03-02T00:00:00Z")!
        let world = try ImportWorld(clockStart: now)
        let files: [(String, String)] = [
            (TranscriptFixtures.old, "p/old.jsonl"), (TranscriptFixtures.newPart1 + TranscriptFixtures.newPart2, Self.relative),
            (TranscriptFixtures.apiError, "p/api.jsonl"), (TranscriptFixtures.interrupted, "p/interrupted.jsonl"),
        ]
        // Written a second ago, as `cp -r` writes them.
        for (text, relative) in files { world.write(text, relative, modified: now.adding(microseconds: -1_000_000)) }
        try world.importAll()
        let statuses = try world.fixture.store.catalog().summaries.map(\.session.status)
        #expect(statuses.count == 4)
        #expect(statuses.filter { $0 == .active }.isEmpty)
        #expect(try world.session(key: TranscriptFixtures.oldSession).status == .complete)
        #expect(try world.session(key: TranscriptFixtures.newSession).status == .complete)
        #expect(try world.session(key: "44444444-4444-4444-8444-444444444444").status == .failed)
        #expect(try world.session(key: TranscriptFixtures.oldSession).updatedAt == Timestamp(iso8601: "2025-09-03T00:53:00.000Z")!,
                "dated by its last record, not by the file")
    }

    @Test("a last record minutes old is active, even in a file written long ago; a call left without its result in a quiet transcript fails")
    func recentRecords() throws {
        let soon = try ImportWorld(clockStart: Timestamp(iso8601: "2026-02-10T21:15:00Z")!)
        soon.write(TranscriptFixtures.newPart1, Self.relative, modified: Timestamp(iso8601: "2025-01-01T00:00:00Z")!)
        try soon.importAll()
        #expect(try soon.session(key: TranscriptFixtures.newSession).status == .active)

        let later = try ImportWorld()
        later.write(TranscriptFixtures.newPart1, Self.relative)
        try later.importAll()
        #expect(try later.session(key: TranscriptFixtures.newSession).status == .failed,
                "its Read never got a result, and nothing has been written for weeks")
    }

    @Test("set-status, then a touch, then a re-import: the person's status stands and nothing is written")
    func setStatusTouchReimport() throws {
        let world = try ImportWorld()
        world.write(TranscriptFixtures.old, "p/old.jsonl")
        try world.importAll()
        let id = try world.session(key: TranscriptFixtures.oldSession).id
        try world.service.setStatus(id: id, to: .failed)
        let set = try world.session(key: TranscriptFixtures.oldSession)
        #expect(set.status == .failed && set.statusSetAt == set.updatedAt)
        let bytes = try #require(TestFiles.read(world.fixture.store.path("sessions/\(id.rawValue).json")))

        TranscriptFixtures.setModified(world.path("p/old.jsonl"), Timestamp(iso8601: "2026-03-01T23:59:00Z")!)
        let report = try world.importAll()
        #expect(report.filesUnchanged == 1 && report.sessionsUpdated == 0)
        #expect(try world.session(key: TranscriptFixtures.oldSession) == set)
        #expect(TestFiles.read(world.fixture.store.path("sessions/\(id.rawValue).json")) == bytes, "not even rewritten")
    }

    @Test("a person's status stands against records older than the change, and yields to newer ones")
    func yieldsToNewerRecords() throws {
        let world = try ImportWorld(clockStart: Timestamp(iso8601: "2026-02-10T21:15:00Z")!)
        world.write(TranscriptFixtures.newPart1, Self.relative)
        try world.importAll()
        let id = try world.session(key: TranscriptFixtures.newSession).id
        #expect(try world.session(key: TranscriptFixtures.newSession).status == .active)
        try world.service.setStatus(id: id, to: .complete)

        // Records written before the change, read only now: the change stands.
        TranscriptFixtures.append(TranscriptFixtures.newPart2, to: world.path(Self.relative), modified: ImportWorld.fileTime)
        let older = try world.importAll()
        #expect(older.sessionsUpdated == 1, "the records themselves are kept")
        let kept = try world.session(key: TranscriptFixtures.newSession)
        #expect(kept.status == .complete && kept.statusSetAt != nil && kept.interactions.count == 5)

        // The conversation goes on after the change: its status is the conversation's again.
        TranscriptFixtures.append(Self.continuation(at: "2026-02-10T21:20:00.000Z"), to: world.path(Self.relative),
                                  modified: ImportWorld.fileTime)
        try world.importAll()
        let resumed = try world.session(key: TranscriptFixtures.newSession)
        #expect(resumed.status == .active && resumed.statusSetAt == nil)
    }

    @Test("the hook: an end never overrides a person's status, and the next event of the conversation does")
    func hook() throws {
        let fixture = try StoreFixture()
        let hook = ClaudeCodeHook(service: fixture.service())
        func record(_ json: String) throws { _ = try hook.record(Array(json.utf8)) }
        try record(#"{"session_id":"s1","cwd":"/w/app","hook_event_name":"SessionStart","source":"startup"}"#)
        try fixture.service().setStatus(id: 1, to: .complete)
        try fixture.service().setStatus(id: 1, to: .active)
        try record(#"{"session_id":"s1","hook_event_name":"SessionEnd","reason":"exit"}"#)
        var session = try #require(try fixture.store.session(id: 1))
        #expect(session.status == .active && session.statusSetAt != nil, "a person's active outlives the end")
        #expect(session.state?["end_reason"] == .string("exit"))

        try fixture.service().setStatus(id: 1, to: .failed)
        try record(#"{"session_id":"s1","hook_event_name":"SessionStart","source":"resume"}"#)
        session = try #require(try fixture.store.session(id: 1))
        #expect(session.status == .active && session.statusSetAt == nil, "the conversation went on after the change")
        #expect(session.state?[ClaudeCodeSessions.hookEventKey] != nil)

        try fixture.service().setStatus(id: 1, to: .complete)
        try record(#"{"session_id":"s1","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"tool_use_id":"toolu_1"}"#)
        #expect(try fixture.store.session(id: 1)?.status == .active, "a tool call is the conversation going on")
    }

    @Test("a session recording live through the hooks stays active between prompts, until it ends or falls silent for long")
    func liveThroughHooks() throws {
        let state = JSONObject([ClaudeCodeSessions.hookEventKey: .string("2026-02-10T21:00:00Z")])
        var transcript = Transcript(path: "t.jsonl")
        transcript.lastTimestamp = Timestamp(iso8601: "2026-02-10T20:00:00Z")!
        let window: Int64 = 10 * 60 * 1_000_000
        func status(_ state: JSONObject, at now: String) -> SessionStatus {
            ClaudeCodeSessions.status(of: transcript, state: state, now: Timestamp(iso8601: now)!, recentWindow: window)
        }
        #expect(status(state, at: "2026-02-10T23:00:00Z") == .active, "its last record is 3 hours old, its hooks spoke 2 hours ago")
        #expect(status(state, at: "2026-02-11T10:00:00Z") == .complete, "13 hours of silence")
        var ended = state
        ended["ended_at"] = .string("2026-02-10T21:30:00Z")
        #expect(status(ended, at: "2026-02-10T23:00:00Z") == .complete)
        #expect(status(JSONObject(), at: "2026-02-10T23:00:00Z") == .complete, "no hooks, an old last record")
    }

    @Test("a CodeMySpec re-import keeps a person's status unless the record holds newer interactions")
    func codeMySpec() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        func record(status: String, interactionAt: String) -> [UInt8] {
            Array(#"""
            {"data": {"id": 40, "type": "ComponentCodingSessions", "status": "\#(status)", "account_id": 1,
              "interactions": [{"id": "1a5c2d3e-0000-4000-8000-000000000040",
                "command": {"module": "Step", "command": "mix test", "pipe": null, "timestamp": "\#(interactionAt)"},
                "result": null}],
              "inserted_at": "2025-10-01T10:00:00Z", "updated_at": "2025-10-01T10:00:06Z"}}
            """#.utf8)
        }
        _ = try CodeMySpecImporter(service: service).run(record(status: "active", interactionAt: "2025-10-01T10:00:05Z"))
        try service.setStatus(id: 40, to: .complete)
        let set = try #require(try fixture.store.session(id: 40))
        let report = try CodeMySpecImporter(service: service).run(record(status: "failed", interactionAt: "2025-10-01T10:00:05Z"))
        #expect(report.unchanged == 1)
        #expect(try fixture.store.session(id: 40) == set, "the same export again changes nothing")

        // The record's interaction moved on after the change (the clock is in 2026).
        _ = try CodeMySpecImporter(service: service).run(record(status: "failed", interactionAt: "2026-12-01T10:00:00Z"))
        let after = try #require(try fixture.store.session(id: 40))
        #expect(after.status == .failed && after.statusSetAt == nil)
    }
}
