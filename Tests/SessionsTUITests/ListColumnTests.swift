import SessionsDisplay
@testable import SessionsKit
@testable import SessionsTUI
import Testing

/// Sessions at set times, for what the list and the timeline say of time:
/// #1 was created 15 days before the harness's now, has interactions either
/// side of a midnight and was updated two hours ago; #2 is from last year;
/// #3 is three days old.
func spreadFixture(_ service: SessionService) throws {
    func at(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }
    let project = SessionService(store: service.store, scope: Scope(accountID: 1, projectID: 1), clock: service.clock)
    let first = try project.create(SessionDraft(type: "ContextComponentsDesignSessions", agent: "claude_code", environment: "local"))
    for command in ["mix compile", "mix test test/billing/night_test.exs", "mix format"] {
        _ = try service.addInteraction(sessionID: first.id, CommandDraft(module: "Bash", command: command))
    }
    _ = try service.create(SessionDraft(type: "ComponentTestSessions"))
    _ = try service.create(SessionDraft(type: "ClaudeCodeSessions"))
    let times: [Session.ID: (created: String, updated: String, starts: [String])] = [
        1: ("2026-11-10T08:00:00Z", "2026-11-25T10:00:00Z", ["2026-11-10T23:59:00Z", "2026-11-11T00:01:00Z", "2026-11-11T09:00:00Z"]),
        2: ("2025-02-12T10:00:00Z", "2025-02-12T11:00:00Z", []),
        3: ("2026-11-22T12:00:00Z", "2026-11-22T12:00:00Z", []),
    ]
    try service.store.write { transaction in
        for (id, time) in times {
            guard var session = try transaction.session(id: id) else { continue }
            (session.insertedAt, session.updatedAt) = (at(time.created), at(time.updated))
            for (index, start) in time.starts.enumerated() {
                session.interactions[index].command.timestamp = at(start)
                session.interactions[index].insertedAt = at(start)
            }
            transaction.put(session)
        }
    }
}

@Suite("List columns and times", .serialized)
struct ListColumnTests {
    /// The footer's text.
    func footer(_ screen: ScreenHarness) -> String { screen.frame.line(screen.state.height - 1) }

    /// Opens session `id`'s timeline from the list.
    func open(_ id: Session.ID, _ screen: ScreenHarness) throws {
        let row = try #require(screen.state.currentRows.firstIndex { $0.id == id })
        screen.press("g" + String(repeating: "j", count: row) + "<enter>")
        #expect(screen.state.timeline?.session.id == id)
    }

    @Test("the place column is headed PROJECT / COMPONENT and says which is which, in the words of the shared cell")
    func placeColumn() throws {
        let screen = try ScreenHarness(width: 200, height: 60, populate: spreadFixture)
        screen.press("ss")  // by creation: #3, #1, #2 in the one section
        #expect(screen.frame.line(1).contains("PROJECT / COMPONENT"))
        let rows = (2...4).map { screen.frame.line($0) }
        let first = try #require(rows.first { $0.contains("#1 ") })
        #expect(first.contains("billing / —"), "a project without a component says so: \(first)")
        let registry = try #require(screen.state.catalog?.registry)
        for summary in screen.state.currentRows {
            let cell = SessionListText.place(summary, registry: registry)
            #expect(rows.contains { $0.contains(" \(cell) ") }, "the browser shows the shared cell \(cell)")
        }
        // Narrow, the title still says both.
        screen.resize(80, 24)
        #expect(screen.frame.line(1).contains("PROJECT / COMPONENT"))
    }

    @Test("past a week the list shows the day, past a year the date; under a week the age")
    func listAges() throws {
        let screen = try ScreenHarness(width: 200, height: 60, populate: spreadFixture)
        let text = screen.text
        #expect(text.contains("Nov 11"), "#1, last active on Nov 11")
        #expect(text.contains("3d ago"), "#3")
        #expect(!text.contains("mo ago") && !text.contains("y ago"))
        #expect(text.contains("2025-02-12"), "#2, from last year")
    }

    @Test("a session updated ahead of now shows ahead: in 3d within a week, and a far one's whole date")
    func futureAges() throws {
        let screen = try ScreenHarness(width: 120, height: 30) { service in
            try spreadFixture(service)
            try service.store.write { transaction in
                for (id, updated) in [(2, "9999-12-31T23:59:59Z"), (3, "2026-11-28T13:00:00Z")] {
                    guard var session = try transaction.session(id: Session.ID(id)) else { continue }
                    session.updatedAt = Timestamp(iso8601: updated)!
                    transaction.put(session)
                }
            }
        }
        let rows = (2...4).map { screen.frame.line($0) }
        #expect(rows.contains { $0.contains("#2 ") && $0.contains(" 9999-12-31") }, "\(rows)")
        #expect(rows.contains { $0.contains("#3 ") && $0.contains(" in 3d") }, "\(rows)")
        #expect(!screen.text.contains("just now"))
    }

    @Test("the time column shows the time sorted by: ACTIVE by default, and for id and type; UPDATED and CREATED for theirs")
    func sortedTimeColumn() throws {
        let screen = try ScreenHarness(width: 200, height: 60, populate: spreadFixture)
        func first() throws -> String { try #require((2...4).map { screen.frame.line($0) }.first { $0.contains("#1 ") }) }
        // #1 was last active on Nov 11 and updated two hours ago (a review, say).
        #expect(screen.frame.line(1).contains("ACTIVE"))
        let active = try first()
        #expect(active.contains("Nov 11") && !active.contains("2h ago"), "\(active)")
        #expect(screen.state.currentRows.map(\.id) == [3, 1, 2], "by activity, the review does not bring #1 up")
        screen.press("s")
        #expect(screen.state.list.sort == .updated && screen.frame.line(1).contains("UPDATED"))
        let updated = try first()
        #expect(updated.contains("2h ago"))
        #expect(screen.state.currentRows.map(\.id) == [1, 3, 2])
        screen.press("s")
        #expect(screen.state.list.sort == .created)
        #expect(screen.frame.line(1).contains("CREATED") && !screen.frame.line(1).contains("UPDATED"))
        let created = try first()
        #expect(created.contains("Nov 10") && !created.contains("2h ago"), "\(created)")
        screen.press("s")
        #expect(screen.state.list.sort == .id && screen.frame.line(1).contains("ACTIVE"))
        screen.press("s")
        #expect(screen.state.list.sort == .type && screen.frame.line(1).contains("ACTIVE"))
    }

    @Test("the timeline names the day where it changes, and on the first row shown when that is another day")
    func timelineDays() throws {
        let screen = try ScreenHarness(width: 200, height: 60, populate: spreadFixture)
        try open(1, screen)
        let lines = screen.text.split(separator: "\n").map(String.init)
        let rows = lines.filter { $0.contains("mix ") }
        #expect(rows.count == 3)
        #expect(rows[0].contains("│        23:59:00 "), "the day the fields name: no date \(rows[0])")
        #expect(rows[1].contains("│ Nov 11 00:01:00 "), "a new day: \(rows[1])")
        #expect(rows[2].contains("│        09:00:00 "), "the same day as the row above: \(rows[2])")
        // Scrolled so the first row shown is on the later day, that row names it.
        let timeline = try #require(screen.state.timeline)
        var scrolled = timeline
        scrolled.top = 2
        let pane = SessionPaneLayout(pane: Rect(x: 0, y: 0, width: 100, height: 12),
                                     headerHeight: scrolled.headerLines(paneHeight: 12, context: screen.state.paneContext).count)
        var frame = Frame(width: 100, height: 12)
        scrolled.draw(into: &frame, layout: pane, context: screen.state.paneContext, focus: .timeline)
        #expect(frame.line(pane.rows.y).contains("Nov 11 09:00:00"), "\(frame.line(pane.rows.y))")
    }

    @Test("at 200 columns the list is wider than 84 and shows a long title whole; the session pane keeps room")
    func wideList() throws {
        // Without a Claude Code conversation, whose branch and tokens would take the room.
        let screen = try ScreenHarness(width: 200, height: 60) { service in
            try spreadFixture(service)
            try service.delete(id: 3)
        }
        let layout = screen.state.layout
        let list = try #require(layout.list), pane = try #require(layout.session)
        #expect(list.width > 84)
        #expect(pane.pane.width >= 99)
        let text = screen.text
        #expect(text.contains("Context Components Design · billing "), "whole, not cut")
        #expect(!text.contains("Context Components Design · bill…"))
        // Beside a roomy title, the place has room for a long one.
        let (columns, shown) = screen.state.list.columns(width: list.width - 1, now: screen.state.now)
        let place = try #require(shown.firstIndex(of: .place))
        #expect(columns.columns[place].width >= CellWidth.of("data-pipeline / Notifications.Mailer"))
        #expect(!shown.contains(.branch) && !shown.contains(.tokens))
        try open(1, screen)
        #expect(screen.text.contains("mix test test/billing/night_test.exs"), "the timeline reads whole commands")
        // At 120 the split is as before.
        screen.resize(120, 40)
        #expect(screen.state.layout.list?.width == 48)
    }
}
