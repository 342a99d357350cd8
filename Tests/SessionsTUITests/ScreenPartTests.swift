import SessionsDisplay
@testable import SessionsKit
@testable import SessionsTUI
import Testing

/// Each screen drawn on its own into a rectangle smaller than the frame,
/// away from its edges: it draws inside the rectangle and nowhere else, and
/// its hit-testing finds the rows it drew.
@Suite("Screens in rectangles of their own", .serialized)
struct ScreenPartTests {
    static let size = (width: 120, height: 40)
    static let blank = Frame(width: size.width, height: size.height)

    /// Every cell outside `rect` is still as a fresh frame has it.
    func expectOnlyInside(_ frame: Frame, _ rect: Rect, sourceLocation: SourceLocation = #_sourceLocation) {
        var outside = 0
        for row in 0..<frame.height {
            for column in 0..<frame.width where !rect.contains(row: row, column: column) && frame[row, column] != Self.blank[row, column] {
                outside += 1
            }
        }
        #expect(outside == 0, "\(outside) cells drawn outside \(rect)", sourceLocation: sourceLocation)
        #expect(frame != Self.blank, "something is drawn", sourceLocation: sourceLocation)
    }

    /// The text of `rect`'s cells, row by row.
    func text(_ frame: Frame, _ rect: Rect) -> [String] {
        rect.rows.map { row in rect.columns.map { frame[row, $0].text }.joined() }
    }

    @Test("the list: titles above rows in the same columns, and clicks land on the row drawn")
    func list() throws {
        let screen = try ScreenHarness(width: Self.size.width, height: Self.size.height)
        let rect = Rect(x: 30, y: 10, width: 60, height: 5)
        var frame = Self.blank
        screen.state.list.draw(into: &frame, in: rect, context: screen.state.paneContext, catalog: screen.state.catalog, focused: true)
        expectOnlyInside(frame, rect)
        let lines = text(frame, rect)
        #expect(lines[0].hasPrefix("   ID  TITLE"))
        #expect(lines[1].hasPrefix(" ● #2  Context Spec ") && lines[2].hasPrefix(" ● #1  Component Coding · InvoiceMailer"))
        // The count column: "#" right-aligned over the counts, in one column.
        let hash = try #require(lines[0].firstIndex(of: "#")).utf16Offset(in: lines[0])
        #expect(Array(lines[1])[hash] == "1" && Array(lines[2])[hash] == "5")
        #expect(frame.roles(row: 11)[rect.x] == .selection && frame.roles(row: 12)[rect.x] == .normal)
        #expect(screen.state.list.index(atRow: 10, in: rect) == nil, "the titles are no row")
        #expect(screen.state.list.index(atRow: 12, in: rect) == 1)
        #expect(screen.state.list.index(atRow: 13, in: rect) == nil, "below the last session")
    }

    @Test("the timeline: fields, title and rows stacked in its pane, rows found where drawn")
    func timeline() throws {
        let screen = try ScreenHarness(width: Self.size.width, height: Self.size.height)
        screen.press("j")
        let timeline = try #require(screen.state.timeline)
        let pane = Rect(x: 20, y: 5, width: 70, height: 18)
        let context = screen.state.paneContext
        let layout = SessionPaneLayout(pane: pane, headerHeight: timeline.headerLines(paneHeight: pane.height, context: context).count)
        var frame = Self.blank
        timeline.draw(into: &frame, layout: layout, context: context, focus: .timeline)
        expectOnlyInside(frame, pane)
        let lines = text(frame, pane)
        #expect(lines[0].hasPrefix(" #1 ● active  ComponentCodingSessions"))
        #expect(layout.fields.height == 10, "four field lines and the state cut to a third of the pane")
        #expect(lines[layout.title.y - pane.y].hasPrefix("── Timeline · 5 interactions"))
        #expect(lines[layout.rows.y - pane.y].contains("Initialize    git checkout -b invoi…"))
        #expect(timeline.index(atRow: layout.rows.y + 2, in: layout) == 2)
        #expect(timeline.index(atRow: layout.title.y, in: layout) == nil)
        #expect(timeline.index(atRow: layout.rows.y + 5, in: layout) == nil, "past the last interaction")
        // A pane too short for its fields shows what fits and no timeline.
        let short = SessionPaneLayout(pane: Rect(x: 20, y: 5, width: 70, height: 3), headerHeight: layout.fields.height)
        var cut = Self.blank
        timeline.draw(into: &cut, layout: short, context: context, focus: .timeline)
        expectOnlyInside(cut, short.pane)
        #expect(short.rows.isEmpty && short.title.isEmpty)
    }

    @Test("the pager: its title on the first row, the text a cell in, no further than its rectangle")
    func pager() throws {
        let screen = try ScreenHarness(width: Self.size.width, height: Self.size.height)
        screen.press("j<enter>E<enter>")
        let pager = try #require(screen.state.pager)
        let rect = Rect(x: 10, y: 8, width: 50, height: 10)
        var frame = Self.blank
        pager.draw(into: &frame, in: rect, keyMap: .standard)
        expectOnlyInside(frame, rect)
        let lines = text(frame, rect)
        #expect(lines[0].hasPrefix("─ #1 · interaction 3 of 5 · ✗ error "))
        #expect(lines[1].hasPrefix(" step       RunTests"))
        #expect(PagerScreen.textArea(of: rect) == Rect(x: 11, y: 9, width: 49, height: 9))
        // The copy menu opens over the pager, inside it.
        screen.press("y")
        var menu = Self.blank
        try #require(screen.state.pager).draw(into: &menu, in: rect, keyMap: .standard)
        expectOnlyInside(menu, rect)
        #expect(text(menu, rect).contains { $0.contains("s  stdout") })
    }

    @Test("the header and footer bars keep to their rows, tabs clickable where drawn")
    func bars() throws {
        let screen = try ScreenHarness(width: Self.size.width, height: Self.size.height)
        let header = Rect(x: 10, y: 3, width: 90, height: 1)
        var frame = Self.blank
        HeaderBar.draw(into: &frame, in: header, screen.state)
        expectOnlyInside(frame, header)
        let tabs = HeaderBar.tabs(screen.state.list, in: header)
        for tab in tabs {
            #expect(HeaderBar.section(atColumn: tab.columns.lowerBound + 1, screen.state.list, in: header) == tab.section)
            #expect(text(frame, header)[0].contains(HeaderBar.label(tab.section, count: screen.state.list.rows[tab.section]?.count ?? 0)))
        }
        #expect(tabs.allSatisfy { header.columns.contains($0.columns.lowerBound) && $0.columns.upperBound <= header.columns.upperBound })
        let footer = Rect(x: 5, y: 30, width: 70, height: 1)
        var bottom = Self.blank
        FooterBar.draw(into: &bottom, in: footer, screen.state)
        expectOnlyInside(bottom, footer)
        #expect(text(bottom, footer)[0].hasSuffix(" 1/2 ") && text(bottom, footer)[0].contains("? help"))
    }

    @Test("every dialog centres in the area it is given and stays inside it", arguments: ["?", "n", "D", "A"])
    func dialogs(key: String) throws {
        let screen = try ScreenHarness(width: Self.size.width, height: Self.size.height)
        screen.press(key)
        let overlay = try #require(screen.state.overlay)
        let area = Rect(x: 15, y: 6, width: 90, height: 26)
        var frame = Self.blank
        overlay.draw(into: &frame, in: area, keyMap: screen.state.keyMap, account: screen.state.scope.accountID)
        expectOnlyInside(frame, area)
        let lines = text(frame, area).filter { $0.contains("│") || $0.contains("┌") }
        #expect(lines.first?.contains("┌─ ") == true)
        // Help pages by the rows its box shows in this area, not the screen's.
        if case .help(var help) = overlay {
            let stays = help.handle(.pageDown, in: area, keyMap: screen.state.keyMap)
            #expect(stays)
            #expect(help.top == area.height - 6)
        }
    }
}
