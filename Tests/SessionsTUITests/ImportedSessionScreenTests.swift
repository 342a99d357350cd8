@testable import SessionsKit
import SessionsTUI
import Testing
import TestSupport

@Suite("Imported Claude Code sessions on screen")
struct ImportedSessionScreenTests {
    @Test("a parent's timeline shows which session each subagent ran in")
    func subagentMarker() throws {
        let directory = TemporaryDirectory("sessions-tui-import")
        let written = Timestamp(iso8601: "2026-03-01T00:00:00Z")!
        let parent = directory.path + "/p/\(TranscriptFixtures.parentSession).jsonl"
        TranscriptFixtures.write(TranscriptFixtures.parent, to: parent, modified: written)
        TranscriptFixtures.write(TranscriptFixtures.subagent,
                                 to: directory.path + "/p/\(TranscriptFixtures.parentSession)/subagents/agent-abc1234.jsonl",
                                 modified: written)
        let screen = try ScreenHarness(width: 120, height: 30) { service in
            _ = try ClaudeCodeImporter(service: service).run(try TranscriptFiles.discover([directory.path]))
        }
        screen.press("2")
        #expect(screen.state.section == .complete)
        #expect(screen.state.selectedSummary?.id == 1, "the parent, updated last")
        #expect(screen.text.contains("Task           → #2 Explore the code…"))
        screen.press("j")
        #expect(screen.state.selectedSummary?.id == 2)
        #expect(!screen.text.contains("→ #"), "the subagent's own calls start nothing")
        #expect(screen.state.selectedSummary?.session.state?["parent_id"] == .int(1))
    }
}
