import Glibc
import Testing
import TestSupport
@testable import SessionsKit

/// The user's prompts and the assistant's replies are kept with the session,
/// beside its tool calls: in the session's JSON, never in the index.
@Suite("Conversation: prompts and replies")
struct ConversationTests {
    static let session = "66666666-6666-4666-8666-666666666666"
    static let relative = "-home-u-work-site/\(session).jsonl"

    /// Every kind of user and assistant record a conversation holds: a
    /// reminder the client added, a slash command with arguments and its
    /// output, a meta record, thinking, text beside a tool call, a tool's
    /// result, an interruption, a reply in two text blocks, and the client's note that a
    /// background task finished.
    static var transcript: String {
        let c = TranscriptFixtures.common(session, "2.1.38", cwd: "/home/u/work/site", branch: "main")
        return [
            #"{"parentUuid":null,\#(c),"type":"user","isMeta":true,"message":{"role":"user","content":"<local-command-caveat>Caveat: generated</local-command-caveat>"},"uuid":"c0","timestamp":"2026-02-10T10:00:00.000Z"}"#,
            #"{"parentUuid":"c0",\#(c),"type":"user","message":{"role":"user","content":"<command-name>/review</command-name>\n<command-message>review</command-message>\n<command-args>the login page</command-args>"},"uuid":"c1","timestamp":"2026-02-10T10:00:01.000Z"}"#,
            #"{"parentUuid":"c1",\#(c),"type":"user","message":{"role":"user","content":"<local-command-stdout>reviewing</local-command-stdout>"},"uuid":"c2","timestamp":"2026-02-10T10:00:02.000Z"}"#,
            #"{"parentUuid":"c2",\#(c),"type":"user","message":{"role":"user","content":[{"type":"text","text":"<system-reminder>be brief</system-reminder>\nwhy does \"login\" fail?\nit says é"}]},"uuid":"c3","timestamp":"2026-02-10T10:00:03.000Z"}"#,
            #"{"parentUuid":"c3",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_1","type":"message","role":"assistant","content":[{"type":"thinking","thinking":"secret reasoning","signature":"x"}]},"uuid":"c4","timestamp":"2026-02-10T10:00:04.000Z"}"#,
            #"{"parentUuid":"c4",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"Let me look."},{"type":"tool_use","id":"toolu_c1","name":"Bash","input":{"command":"grep login"}}]},"uuid":"c5","timestamp":"2026-02-10T10:00:05.000Z"}"#,
            #"{"parentUuid":"c5",\#(c),"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_c1","type":"tool_result","content":"login.ex:3"}]},"uuid":"c6","timestamp":"2026-02-10T10:00:06.000Z","toolUseResult":{"stdout":"login.ex:3","stderr":"","interrupted":false,"isImage":false}}"#,
            #"{"parentUuid":"c6",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_2","type":"message","role":"assistant","content":[{"type":"text","text":"The session expires."},{"type":"text","text":"Fix:\n  renew it"}]},"uuid":"c7","timestamp":"2026-02-10T10:00:07.000Z"}"#,
            #"{"parentUuid":"c7",\#(c),"type":"user","message":{"role":"user","content":[{"type":"text","text":"[Request interrupted by user]"}]},"uuid":"c8","timestamp":"2026-02-10T10:00:08.000Z"}"#,
            #"{"parentUuid":"c8",\#(c),"type":"user","message":{"role":"user","content":"<task-notification>\n<task-id>b1</task-id>\n<status>completed</status>"},"uuid":"c9","timestamp":"2026-02-10T10:00:09.000Z"}"#,
        ].joined(separator: "\n") + "\n"
    }

    static let expected: [(ConversationMessage.Role, String, String)] = [
        (.user, "/review the login page", "c1"),
        (.user, "why does \"login\" fail?\nit says é", "c3"),
        (.assistant, "Let me look.", "c5"),
        (.assistant, "The session expires.\n\nFix:\n  renew it", "c7"),
    ]

    @Test("the transcript's prompts and replies, in order: no thinking, no tool results, no command output or client notes")
    func parsed() {
        let transcript = TranscriptParser.parse(Array(Self.transcript.utf8), path: "t.jsonl")
        #expect(transcript.messages.map { [$0.role.rawValue, $0.text, $0.uuid ?? ""] } == Self.expected.map { [$0.0.rawValue, $0.1, $0.2] })
        #expect(transcript.messages.first?.at == Timestamp(iso8601: "2026-02-10T10:00:01.000Z"))
        #expect(!transcript.messages.contains {
            $0.text.contains("secret reasoning") || $0.text.contains("reviewing") || $0.text.contains("task-notification")
        })
        #expect(transcript.toolCalls.count == 1)
    }

    @Test("an import keeps the conversation beside one interaction per tool call, in the session and not in the index")
    func imported() throws {
        let world = try ImportWorld()
        world.write(Self.transcript, Self.relative)
        try world.importAll()
        let session = try world.session(key: Self.session)
        #expect(session.interactions.count == 1, "one per tool_use, as before")
        #expect(session.conversation.map(\.text) == Self.expected.map(\.1))

        // `show --json` keeps CodeMySpec's shape, with the conversation as one more member at the end.
        let keys = session.jsonObject.members.map(\.key)
        #expect(keys.last == Session.conversationKey)
        #expect(Array(keys.prefix(3)) == ["id", "type", "agent"])

        let summary = try #require(try world.fixture.store.catalog().summaries.first { $0.id == session.id })
        #expect(summary.session.extra[Session.conversationKey] == nil)
        #expect(summary.lastMessageAt == Timestamp(iso8601: "2026-02-10T10:00:07.000Z"))
        let index = (TestFiles.read(world.fixture.store.path("index.jsonl")) ?? []) + (TestFiles.read(world.fixture.store.path("journal.jsonl")) ?? [])
        #expect(!String(decoding: index, as: UTF8.self).contains("The session expires"), "the index stays small")
        #expect(String(decoding: index, as: UTF8.self).contains("\"last_message_at\":\"2026-02-10T10:00:07.000Z\""))

        // Unchanged and touched: nothing is written.
        let bytes = TestFiles.read(world.fixture.store.path("sessions/\(session.id.rawValue).json"))
        TranscriptFixtures.setModified(world.path(Self.relative), Timestamp(iso8601: "2026-03-01T23:00:00Z")!)
        let again = try world.importAll()
        #expect(again.sessionsUpdated == 0)
        #expect(TestFiles.read(world.fixture.store.path("sessions/\(session.id.rawValue).json")) == bytes)
    }

    @Test("a prompt the hook recorded live gives way to the transcript's record of it; one the transcript lacks yet is kept in its place")
    func hookThenImport() throws {
        let world = try ImportWorld(clockStart: Timestamp(iso8601: "2026-02-10T21:11:55Z")!)
        let hook = ClaudeCodeHook(service: world.service)
        func record(_ json: String) throws { _ = try hook.record(Array(json.utf8)) }
        let id = TranscriptFixtures.newSession
        try record(#"{"session_id":"\#(id)","cwd":"/home/u/work/api","hook_event_name":"SessionStart","source":"startup"}"#)
        try record(#"{"session_id":"\#(id)","cwd":"/home/u/work/api","hook_event_name":"UserPromptSubmit","prompt":"run the tests"}"#)
        var session = try world.session(key: id)
        #expect(session.conversation == [ConversationMessage(role: .user, text: "run the tests", at: session.conversation.first?.at,
                                                              source: ConversationMessage.hookSource)])
        #expect(session.conversation.first?.at != nil)

        let later = SessionService(store: world.fixture.store, scope: Scope(accountID: 1),
                                   clock: TestClock(start: Timestamp(iso8601: "2026-02-10T22:00:00Z")!).function)
        _ = try ClaudeCodeHook(service: later).record(Array(
            #"{"session_id":"\#(id)","cwd":"/home/u/work/api","hook_event_name":"UserPromptSubmit","prompt":"now the docs"}"#.utf8))
        world.write(TranscriptFixtures.newPart1 + TranscriptFixtures.newPart2, "-home-u-work-api/\(id).jsonl")
        try world.importAll()
        session = try world.session(key: id)
        #expect(session.conversation.map(\.text) == ["run the tests", "Running them.", "All done.", "now the docs"])
        #expect(session.conversation[0].uuid == "n1" && session.conversation[0].source == nil, "the transcript's record")
        #expect(session.conversation[3].source == ConversationMessage.hookSource, "not in the transcript yet")
        #expect(session.interactions.count == 5)
    }

    @Test("merging: a hook's prompt goes after the last message no newer than it, and a prompt the transcript holds is dropped")
    func merging() {
        func at(_ second: Int) -> Timestamp { Timestamp(iso8601: "2026-01-01T00:00:\(second < 10 ? "0" : "")\(second)Z")! }
        let transcript = [ConversationMessage(role: .user, text: "a", at: at(1), uuid: "1"),
                          ConversationMessage(role: .assistant, text: "b", at: at(5), uuid: "2")]
        let hook = [ConversationMessage(role: .user, text: " a\n", at: at(1), source: "hook"),
                    ConversationMessage(role: .user, text: "early", at: at(0), source: "hook"),
                    ConversationMessage(role: .user, text: "middle", at: at(3), source: "hook"),
                    ConversationMessage(role: .assistant, text: "not the hook's", at: at(4))]
        #expect(transcript.merging(hookRecorded: hook).map(\.text) == ["early", "a", "middle", "b"])
        #expect(transcript.merging(hookRecorded: []) == transcript)
    }

    @Test("a conversation member written by hand that does not read is kept as it is, shown as far as it reads, and a live prompt leaves it be")
    func lenient() throws {
        var session = Session(id: 1, type: .claudeCode, accountID: 1, insertedAt: Timestamp(microseconds: 0), updatedAt: Timestamp(microseconds: 0))
        session.extra[Session.conversationKey] = .array([.string("odd"), .object(JSONObject(["role": .string("user"), "text": .string("hi")]))])
        #expect(session.conversation.map(\.text) == ["hi"])
        let decoded = try Session.decode(.object(session.jsonObject))
        #expect(decoded.extra[Session.conversationKey] == session.extra[Session.conversationKey])
        // A live prompt is added after the elements as they are, the unreadable one included.
        session.appendMessage(ConversationMessage(role: .user, text: "again", at: nil, source: ConversationMessage.hookSource))
        #expect(session.extra[Session.conversationKey]?.arrayValue?.first == .string("odd"))
        #expect(session.conversation.map(\.text) == ["hi", "again"])
    }
}
