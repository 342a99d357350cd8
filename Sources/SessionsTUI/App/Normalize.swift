import SessionsKit

extension Update {
    /// Makes the state consistent after any action, in one place: the rows
    /// and cursors follow the catalog, filter and sort; focus has what it
    /// needs; every pane is scrolled to its cursor within the rectangle the
    /// layout gives it; and the session the pane should show is asked for if
    /// it is not the one loaded.
    static func normalize(_ state: inout AppState) -> [Effect] {
        state.list.refresh(catalog: state.catalog, version: state.catalogVersion, scope: state.scope,
                           projectFilter: state.projectFilter)
        normalizeFocus(&state)
        let layout = state.layout
        state.list.keepInView(visible: listPage(layout))
        if let rect = layout.search { state.search?.scroll(rows: max(1, rect.height - SearchScreen.headerRows)) }
        if var pager = state.pager, let rect = layout.pager {
            let text = PagerScreen.textArea(of: rect)
            pager.keepClamped(width: max(1, text.width), rows: max(1, text.height))
            state.pager = pager
            // The timeline's cursor is on what is open, so going back lands on it.
            state.timeline?.select(pager.message.map(TimelineScreen.Row.message) ?? .interaction(pager.index))
        }
        // Under the pager the timeline is hidden; it scrolls when it shows again.
        if var timeline = state.timeline, state.focus != .pager {
            // Unfocused on a narrow screen the pane is hidden; it scrolls as if shown.
            let pane = layout.session ?? SessionPaneLayout(
                pane: layout.body, headerHeight: timeline.headerLines(paneHeight: layout.body.height, context: state.paneContext).count)
            timeline.keepInView(visible: max(1, pane.rows.height), focused: state.focus != .list)
            state.timeline = timeline
        }
        return requestLoad(&state)
    }

    /// The pager exists exactly while it has the focus, and the timeline
    /// shows the session being read, never another one.
    static func normalizeFocus(_ state: inout AppState) {
        if state.focus != .pager { state.pager = nil }
        if state.focus == .search && state.search == nil { state.focus = .list }
        if state.focus == .pager && state.pager == nil { state.focus = .timeline }
        if state.focus == .list {
            state.reading = nil
        } else {
            if state.reading == nil { state.reading = state.timeline?.session.id ?? state.list.selectedID }
            if let shown = state.timeline?.session.id, shown != state.reading {
                state.timeline = nil
                state.pager = nil
                if state.focus == .pager { state.focus = .timeline }
            }
        }
    }

    /// Asks for the wanted session when the pane has another one or an older
    /// version of it, once per version the catalog knows.
    static func requestLoad(_ state: inout AppState) -> [Effect] {
        guard let catalog = state.catalog else { return [] }
        guard let id = wantedSession(state) else {
            state.timeline = nil
            return []
        }
        let version = catalog.summary(id: id).flatMap { $0.accountID == state.scope.accountID ? SessionVersion($0) : nil }
        if let timeline = state.timeline, timeline.session.id == id, timeline.version == version { return [] }
        let ticket = LoadTicket(id: id, version: version)
        guard state.requestedLoad != ticket else { return [] }
        state.requestedLoad = ticket
        return [.load(.session(id))]
    }
}
