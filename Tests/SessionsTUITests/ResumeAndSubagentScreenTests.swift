@testable import SessionsKit
@testable import SessionsTUI
import Testing
import TestSupport

/// `R` asks the terminal to resume a conversation, or says why it cannot;
/// `Enter` on a `→ #N` row opens the subagent, and `p` comes back to the
/// row that started it.
@Suite("Browser: resume and subagents")
struct ResumeAndSubagentScreenTests {
    static let directory = "/home/u/work/api"

    /// #1 the conversation (a Task, then a Bash call), #2 its subagent, both
    /// complete; #3 a session made by hand, active.
    static func screen() throws -> ScreenHarness {
        let projects = TemporaryDirectory("sessions-tui-resume")
        TranscriptFixtures.writeConversation(projects: projects.path, directory: directory,
                                             modified: Timestamp(iso8601: "2026-03-01T00:00:00Z")!)
        return try ScreenHarness(width: 160, height: 40) { service in
            _ = try ClaudeCodeImporter(service: service).run(try TranscriptFiles.discover([projects.path]))
            _ = try service.create(SessionDraft(type: "ContextSpecSessions"))
        }
    }

    static func resumePlans(_ effects: [TerminalEffect]) -> [ResumePlan] {
        effects.compactMap { effect in
            if case .resume(let plan) = effect { return plan }
            return nil
        }
    }

    @Test("R resumes the conversation in its first directory, from the list and the timeline, a subagent its parent's")
    func resumeEffects() throws {
        let screen = try Self.screen()
        let expected = ResumePlan(ResumeTarget(sessionID: 1, conversationID: TranscriptFixtures.parentSession, directory: Self.directory),
                                  command: .standard)
        screen.press("2")
        #expect(screen.state.list.selectedID == 1)
        #expect(Self.resumePlans(screen.press("R")) == [expected])
        #expect(expected.arguments == ["claude", "--resume", TranscriptFixtures.parentSession])

        screen.press("j<enter>")
        #expect(screen.state.focus == .timeline && screen.state.timeline?.session.id == 2)
        let fromSubagent = Self.resumePlans(screen.press("R"))
        #expect(fromSubagent.map(\.arguments) == [expected.arguments] && fromSubagent.map(\.directory) == [Self.directory])
        #expect(fromSubagent.first?.target.sessionID == 2)
    }

    @Test("R on a session with no conversation says so in the footer and asks the terminal for nothing")
    func resumeRefused() throws {
        let screen = try Self.screen()
        screen.press("1")
        #expect(screen.state.list.selectedID == 3)
        #expect(Self.resumePlans(screen.press("R")).isEmpty)
        #expect(screen.state.flash == Flash(text: "#3 has no Claude Code conversation to resume", isError: true,
                                            expires: screen.state.flash?.expires ?? ScreenHarness.now))
        #expect(screen.text.contains("#3 has no Claude Code conversation to resume"))
        #expect(screen.state.focus == .list && screen.state.overlay == nil)
    }

    @Test("Enter on → #N opens the subagent, past a filter that hides it; p comes back to the parent on the Task row")
    func subagentAndBack() throws {
        let screen = try Self.screen()
        screen.press("2/explore<enter>")
        #expect(screen.state.list.currentRows.ids == [1], "the filter hides the subagent")
        screen.press("<enter>")
        #expect(screen.state.timeline?.session.id == 1 && screen.state.timeline?.selectedInteraction == 1, "on the newest call, the Bash")
        screen.press("k")
        #expect(screen.text.contains("→ #2 Explore the code"))

        screen.press("<enter>")
        #expect(screen.state.focus == .timeline && screen.state.pager == nil)
        #expect(screen.state.timeline?.session.id == 2 && screen.state.list.selectedID == 2)
        #expect(!screen.state.list.filter.isActive, "the filter that hid it is cleared")
        #expect(screen.state.flash?.text == "#2, a subagent of #1 (p: back)")

        screen.press("p")
        #expect(screen.state.focus == .timeline && screen.state.timeline?.session.id == 1)
        #expect(screen.state.timeline?.selectedInteraction == 0, "back on the Task row, not the newest call")
        #expect(screen.state.landing == nil)

        // A row that started no subagent opens in the pager, as before.
        screen.press("j<enter>")
        #expect(screen.state.focus == .pager && screen.state.pager?.index == 1)
    }

    @Test("l opens a → #N row in the pager; help lists R and both ways of opening")
    func pagerStillReachable() throws {
        let screen = try Self.screen()
        screen.press("2<enter>k")
        #expect(screen.state.timeline?.selectedInteraction == 0)
        screen.press("l")
        #expect(screen.state.focus == .pager && screen.state.pager?.index == 0 && screen.state.timeline?.session.id == 1)
        screen.press("<esc><right>")
        #expect(screen.state.focus == .pager && screen.state.timeline?.session.id == 1)

        let help = KeyMap.standard.bindings.filter { $0.keys.contains(.character("R")) }
        #expect(help.map(\.context) == [.list, .timeline] && help.allSatisfy { $0.command == .resume })
        screen.press("<esc>?")
        #expect(screen.text.contains("resume the session's conversation in Claude Code"), "\(screen.text)")
        let timeline = KeyMap.standard.bindings(in: .timeline)
        #expect(timeline.contains { $0.keys == [.enter] && $0.command == .open && $0.summary.contains("→ #N, the subagent's session") })
        #expect(timeline.contains { $0.keys == [.character("l"), .right] && $0.command == .openInteraction })
    }
}
