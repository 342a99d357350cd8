import SessionsDisplay
@testable import SessionsKit
@testable import SessionsTUI
import Testing

@Suite("Filter fields", .serialized)
struct FilterFieldTests {
    /// The footer's text.
    func footer(_ screen: ScreenHarness) -> String { screen.frame.line(screen.state.height - 1) }

    @Test("an unknown filter field is matched as text and named in the footer while typing and while it stands")
    func unknownFilterField() throws {
        let screen = try ScreenHarness(width: 200, height: 60) { service in
            try ScreenHarness.standardFixture(service)
            _ = try service.create(SessionDraft(type: "ClaudeCodeSessions",
                                                state: try JSONParser.parse(#"{"url":"http://localhost:4000/invoices"}"#)))
        }
        let note = "title: is not a filter field (type: agent: env: project:); matched as text"
        screen.press("/title:Empty")
        #expect(footer(screen).contains("/ filter: title:Empty  " + note), "\(footer(screen))")
        #expect(screen.frame.cursor?.column == CellWidth.of(" / filter: title:Empty"), "the cursor stays at the typed text")
        screen.press("<enter>")
        #expect(!screen.state.list.filter.isEditing)
        #expect(footer(screen).contains("filter title:Empty  " + note), "\(footer(screen))")
        #expect(screen.text.contains("Nothing matches the filter"))
        #expect(screen.frame.text.split(separator: "\n").contains { $0.contains(note) && !$0.contains("filter title") },
                "the empty list says why too")
        // Text with a colon is still text: it finds the session and says how it was read.
        screen.press("/<C-u>localhost:4000<enter>")
        #expect(screen.state.currentRows.map(\.id) == [6])
        #expect(footer(screen).contains("localhost: is not a filter field"))
        // Known fields say nothing.
        screen.press("/<C-u>type:spec<enter>")
        #expect(screen.state.currentRows.map(\.id) == [2])
        #expect(!footer(screen).contains("not a filter field"))
        // Narrow, the note is shortened rather than cut.
        screen.resize(80, 24)
        screen.press("/<C-u>title:Empty")
        #expect(footer(screen).contains("title: is not a filter field; matched as text"), "\(footer(screen))")
    }

    @Test("plain words find the project the list shows")
    func projectIsText() throws {
        let screen = try ScreenHarness(width: 80, height: 24)
        screen.press("/billing")
        #expect(screen.state.currentRows.map(\.id) == [1])
    }
}
