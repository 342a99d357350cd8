import SessionsDisplay

/// The bottom line: what is being typed, else a wait for the store, else a
/// flash, else the keys that matter here; on the right, the marks and the position.
enum FooterBar {
    static func draw(into frame: inout Frame, in rect: Rect, _ state: AppState) {
        let row = rect.y
        frame.fill(row: row, columns: rect.columns, role: .footer)
        let right = rightText(state)
        let rightWidth = CellWidth.of(right)
        let end = rect.columns.upperBound, start = rect.x + 1
        let limit = max(rect.x, end - rightWidth - (rightWidth > 0 ? 3 : 1))
        if !right.isEmpty {
            frame.put(right, row: row, column: end - rightWidth - 1, limit: end, role: .footer)
        }
        let query = FilterQuery(state.list.filter.text)
        if state.list.filter.isEditing {
            let end = typing(into: &frame, row: row, column: start, label: " filter: ", text: state.list.filter.text, limit: limit)
            if let note = query.unknownFieldsNote(fitting: limit - end - 2) {
                frame.put(note, row: row, column: end + 2, limit: limit, role: .flashError)
            }
            return
        }
        if let input = state.pager?.searchInput {
            typing(into: &frame, row: row, column: start, label: " search: ", text: input, limit: limit)
            return
        }
        // Before a flash: whatever was just done may be what is waiting.
        if let wait = state.storeWait {
            frame.put(StoreWaitText.line(wait.holder), row: row, column: start, limit: limit, role: .flashError)
            return
        }
        if let flash = state.flash {
            frame.put(Sanitizer.line(flash.text), row: row, column: start, limit: limit, role: flash.isError ? .flashError : .flash)
            return
        }
        var spans: [Span] = []
        if state.list.filter.isActive && state.focus == .list {
            spans += [Span("filter ", .footer), Span(Sanitizer.line(state.list.filter.text), .footerKey), Span("  ", .footer)]
        }
        // Whole hints only, and help always: a cut-off hint teaches nothing.
        let hints = state.keyMap.hints(in: state.keyContext).map { [Span($0.keys, .footerKey), Span(" " + $0.hint + "  ", .footer)] }
        let helpHint = hints.last ?? []
        var used = spans.reduce(0) { $0 + CellWidth.of($1.text) } + helpHint.reduce(0) { $0 + CellWidth.of($1.text) }
        // A standing filter's mistake goes before the hints, which give way to it.
        if state.list.filter.isActive && state.focus == .list, let note = query.unknownFieldsNote(fitting: limit - start - used - 2) {
            spans += [Span(note, .flashError), Span("  ", .footer)]
            used += CellWidth.of(note) + 2
        }
        for hint in hints.dropLast() {
            let width = hint.reduce(0) { $0 + CellWidth.of($1.text) }
            guard used + width <= limit - start else { break }
            spans += hint
            used += width
        }
        frame.put(spans + helpHint, row: row, column: start, limit: limit)
    }

    /// A line being typed, with the terminal's cursor at its end, which it returns.
    @discardableResult
    static func typing(into frame: inout Frame, row: Int, column: Int, label: String, text: String, limit: Int) -> Int {
        let end = frame.put([Span("/", .footerKey), Span(label, .footer), Span(Sanitizer.line(text), .footer)],
                            row: row, column: column, limit: limit)
        frame.cursor = (row, min(end, frame.width - 1))
        return end
    }

    /// "3 marked", when any are, then where the cursor is.
    static func rightText(_ state: AppState) -> String {
        var parts: [String] = []
        if state.focus == .list {
            let marked = state.list.markCount, hidden = state.list.hiddenMarkCount
            if marked > 0 { parts.append(hidden > 0 ? "\(marked) marked, \(hidden) hidden" : "\(marked) marked") }
        }
        let position = positionText(state)
        if !position.isEmpty { parts.append(position) }
        return parts.joined(separator: "  ")
    }

    static func positionText(_ state: AppState) -> String {
        switch state.focus {
        case .list:
            let count = state.list.currentRows.count
            return count == 0 ? "" : "\(state.list.cursor.index + 1)/\(count)"
        case .timeline:
            guard let timeline = state.timeline, !timeline.rows.isEmpty else { return "" }
            return "\(timeline.cursor + 1)/\(timeline.rows.count)"
        case .pager:
            return state.pager?.position ?? ""
        case .search:
            guard let search = state.search, !search.rows.isEmpty, search.input == nil else { return "" }
            return "\(search.cursor + 1)/\(search.rows.count)"
        }
    }
}
