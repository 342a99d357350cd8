@testable import SessionsKit
@testable import SessionsTUI
import Testing
import TestSupport

/// The search screen: `F` opens it from the list and the timeline, hits
/// stream in grouped by session, `Enter` lands in the pager on the matching
/// line with the match marked, `}` and `{` go from hit to hit across
/// sessions, and `Esc` stops a running search.
@Suite("The search screen")
struct SearchScreenTests {
    /// The standard sessions, plus one whose output and command carry hostile text.
    static func populate(_ service: SessionService) throws {
        try ScreenHarness.standardFixture(service)
        let created = try service.create(SessionDraft(type: "ClaudeCodeSessions", agent: "claude_code", environment: "local"))
        let interaction = try service.addInteraction(sessionID: created.id, CommandDraft(module: "Bash", command: "cat \u{1B}]0;owned\u{07}notes"))
        var lines = (1...30).map { "filler line \($0)" }
        lines.insert("the deploy \u{1B}[31mfailed\u{1B}[0m at step \u{202E}evil", at: 20)
        _ = try service.completeInteraction(sessionID: created.id, interactionID: interaction.id, ResultDraft(
            status: "error", code: 1, errorMessage: "deploy failed", stdout: .text(lines.joined(separator: "\n") + "\n"), durationMS: 50))
    }

    @Test("F is named in the list's footer and in help, and opens the screen from the list and the timeline")
    func opening() throws {
        let screen = try ScreenHarness(width: 80, height: 24, populate: Self.populate)
        #expect(screen.text.split(separator: "\n").last?.contains("F search") == true)
        screen.press("?")
        #expect(screen.text.contains("search every session"))
        screen.press("<esc>")
        screen.press("F")
        #expect(screen.state.focus == .search)
        #expect(screen.state.keyContext == .searchQuery)
        #expect(screen.text.contains("Search all sessions:"))
        screen.press("<esc>")
        screen.press("<esc>")
        #expect(screen.state.focus == .list)
        screen.press("<enter>")
        #expect(screen.state.focus == .timeline)
        screen.press("F")
        #expect(screen.state.focus == .search)
        #expect(screen.state.focusBeforeSearch == .timeline)
        screen.press("<esc>")
        #expect(screen.state.keyContext == .searchScreen)
        screen.press("<esc>")
        #expect(screen.state.focus == .timeline, "Esc goes back where F was pressed")
    }

    @Test("typing searches as it goes: hits grouped by session with a count; hostile text is sanitized; golden at 80x24 and 200x60")
    func hits() throws {
        let screen = try ScreenHarness(width: 80, height: 24, populate: Self.populate)
        screen.press("F")
        screen.press("failed")
        let search = try #require(screen.state.search)
        #expect(!search.running)
        #expect(search.results.count == 3, "two sessions' tests failed, and the deploy did")
        let text = screen.text
        #expect(text.contains("3 sessions"))
        #expect(text.contains("in 6 searched"))
        #expect(text.contains("#3 error message") || text.contains("#3 stdout"))
        #expect(!text.contains("\u{1B}"), "no escape reaches the screen")
        #expect(!text.contains("\u{202E}"), "no bidirectional override reaches the screen")
        expectGolden(text, "search-screen-80x24")
        screen.resize(200, 60)
        expectGolden(screen.text, "search-screen-200x60")
    }

    @Test("Enter on a hit opens its session's timeline and the pager on the matching line, the match marked")
    func landing() throws {
        let screen = try ScreenHarness(width: 100, height: 30, populate: Self.populate)
        screen.press("F")
        screen.press("deploy")
        screen.press("<enter>")
        #expect(screen.state.keyContext == .searchScreen)
        let (hits, hit) = try #require(screen.state.search?.selectedHit)
        #expect(hit?.part == .stdout)
        screen.press("<enter>")
        #expect(screen.state.focus == .pager)
        #expect(screen.state.reading == hits.sessionID)
        let pager = try #require(screen.state.pager)
        let current = try #require(pager.search?.current)
        #expect(pager.lines.line(current.line).spans.map(\.text).joined().contains("the deploy"))
        #expect(screen.frame.cells.contains { $0.role == .matchCurrent }, "the match is marked")
        #expect(screen.text.contains("the deploy"))
        screen.press("n")
        #expect(screen.state.pager?.search?.current?.ordinal == (current.ordinal + 1) % (pager.search?.total ?? 1))
        screen.press("F")
        #expect(screen.state.focus == .search, "F goes back to the hits")
    }

    @Test("} goes on to the next hit, into the next session; { back")
    func stepping() throws {
        let screen = try ScreenHarness(width: 100, height: 30, populate: Self.populate)
        screen.press("F")
        screen.press("line")
        screen.press("<enter>")
        let first = try #require(screen.state.search?.selectedHit?.0.sessionID)
        screen.press("<enter>")
        #expect(screen.state.reading == first)
        var seen: Set<Session.ID> = [first]
        for _ in 0..<8 {
            screen.press("}")
            if let reading = screen.state.reading { seen.insert(reading) }
        }
        #expect(seen.count > 1, "} crossed into another session")
        #expect(screen.state.focus == .pager)
        screen.press("{")
        #expect(screen.state.focus == .pager)
    }

    @Test("a step of an older search is dropped; Esc stops a running search and keeps what it found")
    func stopping() throws {
        let screen = try ScreenHarness(width: 80, height: 24, populate: Self.populate)
        screen.press("F")
        // Typed without settling: the search is asked for and still running.
        screen.runtime.send(.key(.character("m")))
        #expect(screen.state.search?.running == true)
        let generation = try #require(screen.state.search?.generation)
        let hits = SessionHits(sessionID: 1, hits: [], total: 1)
        screen.runtime.send(.searchProgress(SearchProgress(generation: generation - 1, outcomes: [.hits(hits)], searched: 1, total: 6, done: false)))
        #expect(screen.state.search?.results.isEmpty == true, "an older search's step is dropped")
        screen.runtime.send(.searchProgress(SearchProgress(generation: generation, outcomes: [.hits(hits)], searched: 2, total: 6, done: false)))
        #expect(screen.text.contains("searching 2/6…"))
        screen.runtime.send(.key(.escape))
        #expect(screen.state.search?.running == false)
        #expect(screen.state.search?.results.count == 1)
        #expect(screen.text.contains("stopped"))
        #expect(screen.runtime.pendingSearch == nil, "nothing is left to run")
    }

    @Test("an unclosed quote says so in place of the count")
    func badQuery() throws {
        let screen = try ScreenHarness(width: 80, height: 24, populate: Self.populate)
        screen.press("F")
        screen.press("\"mix")
        #expect(screen.text.contains("closing \""))
        #expect(screen.state.search?.results.isEmpty == true)
    }
}

@Suite("The search screen: a query that is an id")
struct SearchScreenIDTests {
    @Test("a session's id as the query puts that session first, marked, with the cursor on it; Enter opens its timeline")
    func sessionID() throws {
        let screen = try ScreenHarness(width: 100, height: 30, populate: SearchScreenTests.populate)
        screen.press("F")
        screen.press("4")
        let search = try #require(screen.state.search)
        #expect(search.named == 4)
        #expect(search.results.first?.sessionID == 4)
        #expect(search.cursor == 0)
        #expect(screen.text.contains("(its id)"))
        screen.press("<enter><enter>")
        #expect(screen.state.focus == .timeline)
        #expect(screen.state.reading == 4)
        #expect(screen.state.timeline?.session.id == 4)
    }
}
