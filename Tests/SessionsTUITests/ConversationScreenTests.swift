@testable import SessionsKit
@testable import SessionsTUI
import Testing
import TestSupport

/// The timeline shows the conversation in time order with the tool calls: a
/// prompt row and a reply row each read apart without colour, open in the
/// pager, and hide with one key.
@Suite("Conversation rows in the timeline")
struct ConversationScreenTests {
    static func at(_ time: String) -> Timestamp { Timestamp(iso8601: "2026-11-25T" + time + "Z")! }

    /// One session: a prompt, a call, a reply of two lines, a hostile prompt, a call.
    static func populate(_ service: SessionService) throws {
        let interactions = [("mix test", "09:00:10"), ("git diff", "09:00:40")].map { command, time in
            Interaction(id: command, command: Command(module: "Bash", command: command, timestamp: at(time)),
                        result: CommandResult(status: .ok, code: 0, durationMS: 900, timestamp: at(time)))
        }
        var session = Session(id: 1, type: .claudeCode, agent: .claudeCode, environment: .local, status: .active, accountID: 1,
                              interactions: interactions, insertedAt: at("09:00:00"), updatedAt: at("09:00:40"))
        session.conversation = [
            ConversationMessage(role: .user, text: "why do the tests fail?", at: at("09:00:05"), uuid: "u1"),
            ConversationMessage(role: .assistant, text: "The fixture is stale.\nI will update it.", at: at("09:00:20"), uuid: "a1"),
            ConversationMessage(role: .user, text: "and \u{1B}[31mred\u{1B}[0m?", at: at("09:00:30"), uuid: "u2"),
        ]
        try service.store.write { $0.put(session) }
    }

    @Test("prompt and reply rows sit among the calls by time, marked › and ‹, sanitized; golden at 80x24 and 200x60")
    func rows() throws {
        let screen = try ScreenHarness(width: 80, height: 24, populate: Self.populate)
        screen.press("<enter>")
        let timeline = try #require(screen.state.timeline)
        #expect(timeline.rows == [.message(0), .interaction(0), .message(1), .message(2), .interaction(1)])
        let text = screen.text
        #expect(text.contains("› prompt"))
        #expect(text.contains("‹ reply"))
        #expect(text.contains("The fixture is stale. ⏎ I will update it."))
        #expect(!text.contains("\u{1B}"), "a prompt passes the sanitizer")
        #expect(text.contains("5 messages") == false && text.contains("3 messages"))
        expectGolden(text, "conversation-rows-80x24")
        screen.resize(200, 60)
        expectGolden(screen.text, "conversation-rows-200x60")
    }

    @Test("Enter on a prompt opens it whole in the pager; ] steps to the reply; back lands on the row")
    func pager() throws {
        let screen = try ScreenHarness(width: 80, height: 24, populate: Self.populate)
        screen.press("<enter>")
        screen.press("g")
        #expect(screen.state.timeline?.selectedMessage == 0)
        screen.press("<enter>")
        let pager = try #require(screen.state.pager)
        #expect(pager.message == 0)
        #expect(screen.text.contains("prompt · message 1 of 3"))
        #expect(screen.text.contains("why do the tests fail?"))
        screen.press("]")
        #expect(screen.state.pager?.message == 1)
        #expect(screen.text.contains("I will update it."))
        screen.press("q")
        #expect(screen.state.focus == .timeline)
        #expect(screen.state.timeline?.selectedMessage == 1)
        expectGolden(screen.text, "conversation-timeline-back-80x24")
    }

    @Test("t hides the conversation rows and shows them again; the cursor stays on its interaction")
    func toggle() throws {
        let screen = try ScreenHarness(width: 80, height: 24, populate: Self.populate)
        screen.press("<enter>")
        #expect(screen.state.timeline?.selectedInteraction == 1)
        screen.press("t")
        #expect(screen.state.timeline?.rows == [.interaction(0), .interaction(1)])
        #expect(screen.state.timeline?.selectedInteraction == 1)
        #expect(screen.text.contains("3 messages hidden"))
        #expect(!screen.text.contains("› prompt"))
        screen.press("k")
        screen.press("t")
        #expect(screen.state.timeline?.rows.count == 5)
        #expect(screen.state.timeline?.selectedInteraction == 0)
        #expect(screen.text.contains("› prompt"))
    }

    @Test("e jumps from a message to the errors around it")
    func errorJumpFromMessage() {
        var interactions: [Interaction] = []
        for (index, status) in [ResultStatus.error, .ok, .error].enumerated() {
            interactions.append(Interaction(id: "\(index)", command: Command(module: "Bash", command: "c\(index)", timestamp: Self.at("09:0\(index):00")),
                                            result: CommandResult(status: status, timestamp: Self.at("09:0\(index):00"))))
        }
        var session = Session(id: 1, type: .claudeCode, accountID: 1, interactions: interactions,
                              insertedAt: Self.at("09:00:00"), updatedAt: Self.at("09:05:00"))
        session.conversation = [ConversationMessage(role: .user, text: "between", at: Self.at("09:01:30"))]
        var timeline = TimelineScreen(session: session)
        #expect(timeline.rows == [.interaction(0), .interaction(1), .message(0), .interaction(2)])
        timeline.select(.message(0))
        _ = timeline.handle(.nextError, page: 10)
        #expect(timeline.selectedInteraction == 2)
        timeline.select(.message(0))
        _ = timeline.handle(.previousError, page: 10)
        #expect(timeline.selectedInteraction == 0)
    }
}
