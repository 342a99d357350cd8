import SessionsDisplay
import SessionsKit

/// The selected section's sessions, one row each: status, id, type, agent
/// and environment, component or project, interactions, last result, age.
/// Narrow panes drop agent/environment first, then the component.
enum ListView {
    struct Columns {
        var id: Int
        var type: Int
        var agent: Int
        var place: Int
        static let count = 4
        static let time = 8
    }

    static func columns(width: Int, idDigits: Int) -> Columns {
        let id = max(3, idDigits + 1)
        // glyph+space, id, spaces between, count, result glyph, time.
        let fixed = 2 + id + 1 + 1 + Columns.count + 2 + Columns.time + 1
        var agent = width >= 76 ? 20 : 0
        var flexible = width - fixed - agent - (agent > 0 ? 1 : 0)
        var place = 0
        if flexible >= 34 {
            place = flexible * 2 / 5
            flexible -= place + 1
        }
        if flexible < 8 && agent > 0 {
            flexible += agent + 1
            agent = 0
        }
        return Columns(id: id, type: max(4, flexible), agent: agent, place: place)
    }

    static func draw(into frame: inout Frame, _ state: AppState, columns range: Range<Int>) {
        let layout = state.layout
        let titleRow = layout.body.lowerBound
        guard let catalog = state.catalog else {
            Render.center("Loading…", into: &frame, row: titleRow + layout.bodyHeight / 2, columns: range, role: .dim)
            return
        }
        let rows = state.currentRows
        let cols = columns(width: range.count - 1, idDigits: String(rows.widestID).count)
        var title: [Span] = [Span("  "), Span(Render.fit("ID", cols.id)), Span(" "), Span(Render.fit("TYPE", cols.type))]
        if cols.agent > 0 { title += [Span(" "), Span(Render.fit("AGENT · ENV", cols.agent))] }
        if cols.place > 0 { title += [Span(" "), Span(Render.fit("COMPONENT", cols.place))] }
        title += [Span(" "), Span(Render.fit("#", Columns.count, right: true)), Span("   "), Span(Render.fit("UPDATED", Columns.time, right: true))]
        frame.put(title.map { Span($0.text, .dim) }, row: titleRow, column: range.lowerBound + 1, limit: range.upperBound)

        if rows.isEmpty {
            drawEmpty(into: &frame, state, catalog: catalog, range: range)
            return
        }
        let cursor = state.cursor
        let firstRow = titleRow + 1
        for offset in 0..<layout.contentRows {
            let index = cursor.top + offset
            guard index < rows.count else { break }
            let summary = rows[index]
            let row = firstRow + offset
            var spans: [Span] = [
                Span(Glyphs.status(summary.status), Render.role(for: summary.status)), Span(" "),
                Span(Render.fit("#\(summary.id)", cols.id), .label), Span(" "),
                Span(Render.fit(Sanitizer.line(summary.type.name), cols.type)),
            ]
            if cols.agent > 0 {
                let agent = [summary.agent?.rawValue, summary.environment?.rawValue].compactMap { $0 }.joined(separator: " · ")
                spans += [Span(" "), Span(Render.fit(agent.isEmpty ? "—" : agent, cols.agent), .dim)]
            }
            if cols.place > 0 {
                spans += [Span(" "), Span(Render.fit(place(summary, catalog.registry), cols.place))]
            }
            spans += [
                Span(" "), Span(Render.fit(String(summary.interactionCount), Columns.count, right: true)), Span(" "),
                Span(Glyphs.result(summary.lastResult), Render.role(for: summary.lastResult)), Span(" "),
                Span(Render.fit(TimeText.relative(summary.updatedAt, now: state.now), Columns.time, right: true), .dim),
            ]
            frame.put(spans, row: row, column: range.lowerBound + 1, limit: range.upperBound)
            if index == cursor.index {
                frame.paint(row: row, columns: range, role: state.focus == .list ? .selection : .selectionInactive)
            }
        }
    }

    /// The component's name, else the project's, sanitized.
    static func place(_ summary: SessionSummary, _ registry: Registry) -> String {
        if let id = summary.componentID { return Sanitizer.line(registry.component(id)?.name ?? "component \(id)") }
        if let id = summary.projectID { return Sanitizer.line(registry.project(id)?.name ?? "project \(id)") }
        return "—"
    }

    static func drawEmpty(into frame: inout Frame, _ state: AppState, catalog: Catalog, range: Range<Int>) {
        let layout = state.layout
        let total = SessionStatus.allCases.reduce(0) { $0 + (state.rows[$1]?.count ?? 0) }
        let lines: [(String, StyleRole)]
        if state.filter.isActive {
            lines = [("Nothing matches the filter “\(Sanitizer.line(state.filter.text))”.", .normal),
                     ("Esc clears it.", .dim)]
        } else if total == 0 {
            lines = [("No sessions yet.", .header),
                     ("", .normal),
                     ("Press n to start one,", .normal),
                     ("or run `sessions demo` to explore examples.", .normal)]
        } else {
            lines = [("No \(state.section.rawValue) sessions.", .normal),
                     ("Tab or 1/2/3 shows the other sections.", .dim)]
        }
        let first = layout.body.lowerBound + max(1, (layout.bodyHeight - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            Render.center(line.0, into: &frame, row: first + offset, columns: range, role: line.1)
        }
    }
}
