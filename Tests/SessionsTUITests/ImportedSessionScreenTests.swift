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

@Suite("Edits, files and paths in the browser", .serialized)
struct EditScreenTests {
    /// The browser over `EditFixtures`, imported as a user would.
    func screen(width: Int, height: Int) throws -> ScreenHarness {
        let directory = TemporaryDirectory("sessions-tui-edits")
        TranscriptFixtures.write(EditFixtures.transcript, to: directory.path + "/p/\(EditFixtures.session).jsonl",
                                 modified: Timestamp(iso8601: "2026-03-01T00:00:00Z")!)
        let screen = try ScreenHarness(width: width, height: height) { service in
            _ = try ClaudeCodeImporter(service: service).run(try TranscriptFiles.discover([directory.path]))
        }
        for section in ["1", "2", "3"] where screen.state.selectedSummary == nil { screen.press(section) }
        screen.press("<enter>")
        return screen
    }

    /// The pager on the session's first tool call, past the prompt before it.
    func openFirstCall(_ screen: ScreenHarness) {
        screen.press("g")
        while screen.state.timeline?.selectedMessage != nil { screen.press("j") }
        screen.press("<enter>")
    }

    @Test("the timeline shows paths from the working directory, cut keeping the file name")
    func timeline() throws {
        let screen = try screen(width: 80, height: 24)
        let text = screen.text
        #expect(text.contains("lib/shop/invoice.ex"))
        #expect(text.contains("test/shop/invoice_test.exs"))
        #expect(text.contains("lib/…/entries/posting_rules.ex"), "the middle goes when the path is cut, the file name stays")
        #expect(text.contains("/srv/shared/config/runtime.exs"), "outside the working directory, absolute")
        let rows = text.split(separator: "\n").drop { !$0.contains("Timeline ·") }
        #expect(rows.count > 5 && !rows.contains { $0.contains(EditFixtures.cwd) })
        expectGolden(text, "edits-timeline-80x24")
    }

    @Test("an Edit opens as a diff, -/+ lines coloured by their roles; y p copies the JSON")
    func editDiff() throws {
        let screen = try screen(width: 80, height: 24)
        openFirstCall(screen)
        #expect(screen.state.focus == .pager)
        let text = screen.text
        #expect(text.contains("── edit of lib/shop/invoice.ex"))
        #expect(text.contains("@@ 5 lines → 8 lines @@"))
        #expect(text.contains("+  @moduledoc \"\"\""))
        #expect(text.contains("-  def total(lines), do: Enum.sum(lines)"))
        #expect(!text.contains("\\n"), "no escaped JSON")
        let pager = try #require(screen.state.pager)
        let roles = (0..<pager.lines.count).map { pager.lines.line($0) }.flatMap(\.spans).map(\.role)
        #expect(roles.contains(.diffAdded) && roles.contains(.diffRemoved) && roles.contains(.diffHunk))
        expectGolden(text, "edit-pager-80x24")
        screen.press("y")
        let copy = screen.press("p")
        if case .copyToClipboard(let json, _)? = copy.first {
            #expect(json.contains(#""old_string": "defmodule Shop.Invoice do\n"#), "the raw JSON, unchanged")
        } else {
            Issue.record("y p copied nothing")
        }
    }

    @Test("a Write shows the file's text, a MultiEdit a hunk per edit, a Task its prompt as lines")
    func writeMultiEditTask() throws {
        let screen = try screen(width: 200, height: 60)
        openFirstCall(screen)
        screen.press("]")
        var text = screen.text
        #expect(text.contains("── new text of test/shop/invoice_test.exs · 7 lines"))
        #expect(text.contains("  test \"sums the amounts\" do"))
        screen.press("]")
        text = screen.text
        #expect(text.contains("2 edits of lib/shop/accounting/ledger/entries/posting_rules.ex"))
        #expect(text.contains("@@ edit 2 of 2 · 1 line → 1 line · replace all @@"))
        screen.press("]]")
        text = screen.text
        #expect(text.contains("prompt:"))
        #expect(text.contains("  Report any failure with its file and line."))
        #expect(text.contains("description: Check the tests"))
    }
}
