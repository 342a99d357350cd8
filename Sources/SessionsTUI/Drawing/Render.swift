import SessionsDisplay
import SessionsKit

/// The whole screen as a pure function of the state: what the terminal
/// backend draws and what headless tests compare with golden files. Each
/// part draws itself in the rectangle the layout gives it.
public enum Render {
    public static func frame(_ state: AppState) -> Frame {
        var frame = Frame(width: state.width, height: state.height)
        let layout = state.layout
        guard !layout.isTooSmall else {
            drawTooSmall(into: &frame, state)
            return frame
        }
        HeaderBar.draw(into: &frame, in: layout.header, state)
        let context = state.paneContext
        if let rect = layout.search, let search = state.search {
            search.draw(into: &frame, in: rect, context: context, catalog: state.catalog, focused: true)
        }
        if let rect = layout.pager, let pager = state.pager {
            pager.draw(into: &frame, in: rect, keyMap: state.keyMap)
        }
        if let rect = layout.list {
            state.list.draw(into: &frame, in: rect, context: context, catalog: state.catalog, focused: state.focus == .list)
        }
        if let divider = layout.divider {
            for row in divider.rows { frame.put("│", row: row, column: divider.x, role: .border) }
        }
        if let pane = layout.session {
            if let timeline = state.timeline {
                timeline.draw(into: &frame, layout: pane, context: context, focus: state.focus)
            } else if let id = Update.wantedSession(state) {
                if let unreadable = state.unreadable, unreadable.id == id {
                    TimelineScreen.drawUnreadable(unreadable, into: &frame, in: pane.pane)
                } else {
                    TimelineScreen.drawLoading(id, into: &frame, in: pane.pane)
                }
            }
        }
        FooterBar.draw(into: &frame, in: layout.footer, state)
        state.overlay?.draw(into: &frame, in: layout.screen, keyMap: state.keyMap, account: state.scope.accountID)
        return frame
    }

    /// Text centred in `columns` on `row`.
    static func center(_ text: String, into frame: inout Frame, row: Int, columns: Range<Int>, role: StyleRole) {
        let width = columns.count
        let cut = CellWidth.truncate(text, to: width)
        let start = columns.lowerBound + max(0, (width - CellWidth.of(cut)) / 2)
        frame.put(cut, row: row, column: start, limit: columns.upperBound, role: role)
    }

    static func drawTooSmall(into frame: inout Frame, _ state: AppState) {
        let lines = [
            "Terminal too small",
            "\(state.width)×\(state.height), need \(ScreenLayout.minimumWidth)×\(ScreenLayout.minimumHeight)",
            "enlarge it, or q to quit",
        ]
        let first = max(0, (state.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() where first + offset < state.height {
            center(line, into: &frame, row: first + offset, columns: 0..<state.width, role: offset == 0 ? .header : .dim)
        }
    }
}
