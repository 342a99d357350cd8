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
        let note = "branch: is not a filter field (type: agent: env: project: title:); matched as text"
        screen.press("/branch:main")
        #expect(footer(screen).contains("/ filter: branch:main  " + note), "\(footer(screen))")
        #expect(screen.frame.cursor?.column == CellWidth.of(" / filter: branch:main"), "the cursor stays at the typed text")
        screen.press("<enter>")
        #expect(!screen.state.list.filter.isEditing)
        #expect(footer(screen).contains("filter branch:main  " + note), "\(footer(screen))")
        #expect(screen.text.contains("Nothing matches the filter"))
        #expect(screen.frame.text.split(separator: "\n").contains { $0.contains(note) && !$0.contains("filter branch") },
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
        screen.press("/<C-u>branch:main")
        #expect(footer(screen).contains("branch: is not a filter field; matched as text"), "\(footer(screen))")
    }

    @Test("title: narrows on the title, a CodeMySpec session's computed one too; words match the title as well")
    func titleField() throws {
        let screen = try ScreenHarness(width: 200, height: 60) { service in
            try ScreenHarness.standardFixture(service)
            for state in [#"{"summary_title":"Empty Repo Setup","cwd":"/home/me/mailer"}"#, #"{"first_prompt":"Write the invoice mailer"}"#] {
                _ = try service.create(SessionDraft(type: "ClaudeCodeSessions", state: try JSONParser.parse(state)))
            }
        }
        func shown(_ filter: String) -> Set<Session.ID> {
            screen.press("/<C-u>\(filter)<enter>")
            return Set(screen.state.currentRows.map(\.id))
        }
        #expect(shown("mailer") == [1, 6, 7], "words search the state as well")
        #expect(shown("title:mailer") == [1, 7], "#1 is titled Component Coding · InvoiceMailer; #6's cwd is no title")
        #expect(shown("title:coding") == [1], "a CodeMySpec title is computed, not kept in the state")
        #expect(shown("title:empty title:setup") == [6])
        #expect(shown("TITLE:Setup") == [6], "case is ignored")
        #expect(!footer(screen).contains("not a filter field"))
        // Plain words search the title too: a CodeMySpec one is in no state.
        let summary = try #require(screen.state.catalog?.summary(id: 1))
        let registry = try #require(screen.state.catalog?.registry)
        #expect(FilterQuery.searchText(summary, registry: registry).contains("component coding · invoicemailer"))
    }

    @Test("plain words find the project the list shows")
    func projectIsText() throws {
        let screen = try ScreenHarness(width: 80, height: 24)
        screen.press("/billing")
        #expect(screen.state.currentRows.map(\.id) == [1])
    }
}
