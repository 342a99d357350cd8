import SessionsDisplay

/// The bottom line: what is being typed, else a flash, else the keys that
/// matter here; the position on the right.
enum FooterView {
    static func draw(into frame: inout Frame, _ state: AppState) {
        let row = state.layout.footerRow
        frame.fill(row: row, columns: 0..<frame.width, role: .footer)
        let position = positionText(state)
        let positionWidth = CellWidth.of(position)
        let limit = max(0, frame.width - positionWidth - (positionWidth > 0 ? 3 : 1))
        if !position.isEmpty {
            frame.put(position, row: row, column: frame.width - positionWidth - 1, role: .footer)
        }
        if state.filter.isEditing {
            let text = Sanitizer.line(state.filter.text)
            let end = frame.put([Span("/", .footerKey), Span(" filter: ", .footer), Span(text, .footer)],
                                row: row, column: 1, limit: limit)
            frame.cursor = (row, min(end, frame.width - 1))
            return
        }
        if let input = state.detail?.searchInput, state.focus == .detail {
            let end = frame.put([Span("/", .footerKey), Span(" search: ", .footer), Span(Sanitizer.line(input), .footer)],
                                row: row, column: 1, limit: limit)
            frame.cursor = (row, min(end, frame.width - 1))
            return
        }
        if let flash = state.flash {
            frame.put(Sanitizer.line(flash.text), row: row, column: 1, limit: limit, role: flash.isError ? .flashError : .flash)
            return
        }
        var spans: [Span] = []
        if state.filter.isActive && state.focus == .list {
            spans += [Span("filter ", .footer), Span(Sanitizer.line(state.filter.text), .footerKey), Span("  ", .footer)]
        }
        // Whole hints only, and help always: a cut-off hint teaches nothing.
        let hints = state.keyMap.hints(in: state.keyContext).map { [Span($0.keys, .footerKey), Span(" " + $0.hint + "  ", .footer)] }
        let helpHint = hints.last ?? []
        var used = spans.reduce(0) { $0 + CellWidth.of($1.text) } + helpHint.reduce(0) { $0 + CellWidth.of($1.text) }
        for hint in hints.dropLast() {
            let width = hint.reduce(0) { $0 + CellWidth.of($1.text) }
            guard used + width <= limit - 1 else { break }
            spans += hint
            used += width
        }
        frame.put(spans + helpHint, row: row, column: 1, limit: limit)
    }

    static func positionText(_ state: AppState) -> String {
        switch state.focus {
        case .list:
            let count = state.currentRows.count
            return count == 0 ? "" : "\(state.cursor.index + 1)/\(count)"
        case .timeline:
            guard let timeline = state.timeline, !timeline.interactions.isEmpty else { return "" }
            return "\(timeline.cursor + 1)/\(timeline.interactions.count)"
        case .detail:
            guard let detail = state.detail, !detail.lines.isEmpty else { return "" }
            let percent = detail.lines.count <= 1 ? 100 : detail.top * 100 / (detail.lines.count - 1)
            return "line \(detail.top + 1)/\(detail.lines.count) \(percent)%" + (detail.wrap ? "" : " nowrap")
        }
    }
}
