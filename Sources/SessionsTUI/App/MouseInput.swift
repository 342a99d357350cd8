/// Clicks and the wheel, hit-tested against the same rectangles the screen
/// was drawn in.
enum MouseInput {
    /// Rows the wheel scrolls per notch.
    static let wheelStep = 3

    static func handle(_ state: inout AppState, _ event: MouseEvent) {
        let layout = state.layout
        guard !layout.isTooSmall, state.overlay == nil else { return }
        if event.row == layout.header.y {
            if event.kind == .press, let section = HeaderBar.section(atColumn: event.column, state.list, in: layout.header) {
                Update.show(&state, section: section)
            }
            return
        }
        guard layout.body.rows.contains(event.row) else { return }
        let wheel = event.kind == .wheelDown ? wheelStep : event.kind == .wheelUp ? -wheelStep : 0
        if let rect = layout.search, var search = state.search {
            let row = search.top + event.row - rect.y - SearchScreen.headerRows
            if wheel != 0 {
                search.move(by: wheel)
            } else if event.kind == .press, row >= search.top, search.rows.indices.contains(row) {
                search.input = nil
                search.cursor = row
            }
            state.search = search
            return
        }
        if let rect = layout.pager {
            let text = PagerScreen.textArea(of: rect)
            if wheel != 0 { state.pager?.scroll(by: wheel, width: max(1, text.width), rows: max(1, text.height)) }
            return
        }
        if let list = layout.list, list.columns.contains(event.column) {
            if wheel != 0 {
                state.list.select(index: state.list.cursor.index + wheel)
            } else if let index = state.list.index(atRow: event.row, in: list) {
                state.focus = .list
                state.list.select(index: index)
            }
            return
        }
        guard let pane = layout.session, pane.pane.columns.contains(event.column), var timeline = state.timeline else { return }
        if wheel != 0 {
            timeline.cursor = max(0, min(timeline.cursor + wheel, timeline.rows.count - 1))
        } else if let index = timeline.index(atRow: event.row, in: pane) {
            timeline.cursor = index
        } else {
            return
        }
        state.focus = .timeline
        state.reading = timeline.session.id
        state.timeline = timeline
    }
}
