import SessionsDisplay
import SessionsKit

/// The right pane: every field of the session, its state as pretty JSON, and
/// the timeline of interactions with a bar per duration so slow steps stand
/// out without reading numbers.
enum SessionPaneView {
    static let barWidth = 8

    static func draw(into frame: inout Frame, _ state: AppState, columns range: Range<Int>) {
        let layout = state.layout
        let body = layout.body
        let left = range.lowerBound + 1
        let limit = range.upperBound
        guard let timeline = state.timeline else {
            if let selected = state.selectedSummary {
                Render.center("Loading #\(selected.id)…", into: &frame, row: body.lowerBound + layout.bodyHeight / 2,
                              columns: range, role: .dim)
            }
            return
        }
        let session = timeline.session
        let registry = state.catalog?.registry
        var row = body.lowerBound

        func line(_ spans: [Span]) {
            guard row < body.upperBound else { return }
            frame.put(spans, row: row, column: left, limit: limit)
            row += 1
        }
        func name(_ label: String, _ value: String) -> [Span] { [Span(label + " ", .label), Span(value)] }
        let sep = Span(" · ", .dim)

        line([Span("#\(session.id) ", .label), Span(Glyphs.status(session.status) + " " + session.status.rawValue,
                                                     Render.role(for: session.status)),
              Span("  "), Span(Sanitizer.line(session.type.name))])
        let account = registry?.account(session.accountID)?.name ?? "\(session.accountID)"
        line(name("agent", session.agent?.rawValue ?? "—") + [sep] + name("env", session.environment?.rawValue ?? "—")
             + [sep] + name("account", Sanitizer.line(account)))
        let project = session.projectID.map { registry?.project($0)?.name ?? "project \($0)" } ?? "—"
        let component = session.componentID.map { registry?.component($0)?.name ?? "component \($0)" } ?? "—"
        line(name("project", Sanitizer.line(project)) + [sep] + name("component", Sanitizer.line(component)))
        line(name("created", TimeText.dateTime(session.insertedAt)) + [sep]
             + name("updated", TimeText.dateTime(session.updatedAt) + " (" + TimeText.relative(session.updatedAt, now: state.now) + ")"))
        for extra in timeline.extraLines { line([Span(extra, .dim)]) }
        let shown = timeline.visibleStateLines(paneHeight: layout.bodyHeight)
        if timeline.stateLines.isEmpty {
            line(name("state", "—"))
        } else {
            for index in 0..<shown {
                let lead = Span(index == 0 ? "state " : "      ", .label)
                let isLastShown = index == shown - 1 && shown < timeline.stateLines.count
                let text = isLastShown ? "… \(timeline.stateLines.count - index) more lines (sessions show \(session.id))"
                                       : timeline.stateLines[index]
                line([lead, Span(text, isLastShown ? .dim : .normal)])
            }
        }

        // The timeline's title: counts, then a rule to the edge.
        let interactions = timeline.interactions
        let errors = timeline.errorCount, pending = timeline.pendingCount
        var title = "Timeline · \(interactions.count) interaction\(interactions.count == 1 ? "" : "s")"
        if errors > 0 { title += " · \(errors) error\(errors == 1 ? "" : "s")" }
        if pending > 0 { title += " · \(pending) pending" }
        let titleRow = row
        if titleRow < body.upperBound {
            frame.fill(row: titleRow, columns: range.lowerBound..<limit, role: .border, with: "─")
            frame.put(" " + title + " ", row: titleRow, column: left + 1, limit: limit, role: .border)
        }
        row += 1
        if interactions.isEmpty {
            if row < body.upperBound {
                frame.put("No interactions yet.", row: row, column: left + 1, limit: limit, role: .dim)
            }
            return
        }
        let width = limit - left
        let showBars = width >= 60
        let step = max(6, min(22, width / 5))
        let fixed = 8 + 1 + 1 + 1 + step + 1 + 1 + 4 + 1 + 7 + (showBars ? 1 + barWidth : 0)
        let command = max(4, width - fixed)
        for offset in 0..<max(0, body.upperBound - row) {
            let index = timeline.top + offset
            guard index < interactions.count else { break }
            let interaction = interactions[index]
            let result = interaction.result
            let last = LastResult(result)
            var spans: [Span] = [
                Span(Render.fit(interaction.startedAt.map(TimeText.clock) ?? "—", 8), .dim), Span(" "),
                Span(Glyphs.result(last), Render.role(for: last)), Span(" "),
                Span(Render.fit(Sanitizer.line(Labels.step(interaction)), step), .label), Span(" "),
                Self.commandSpan(interaction, width: command), Span(" "),
                Span(Render.fit(result?.code.map(String.init) ?? "—", 4, right: true), (result?.code ?? 0) != 0 ? .resultError : .dim),
                Span(" "),
                Span(Render.fit(result?.durationMS.map { TimeText.duration(milliseconds: $0) } ?? "—", 7, right: true)),
            ]
            if showBars, let ms = result?.durationMS {
                spans += [Span(" "), Span(bar(ms, longest: timeline.longestMS), ms >= timeline.slowMS ? .barSlow : .bar)]
            }
            let screenRow = row + offset
            frame.put(spans, row: screenRow, column: left, limit: limit)
            if index == timeline.cursor && state.focus != .list {
                frame.paint(row: screenRow, columns: range, role: state.focus == .timeline ? .selection : .selectionInactive)
            }
        }
    }

    /// The command, after a marker naming the subagent session it started, if any.
    static func commandSpan(_ interaction: Interaction, width: Int) -> Span {
        let marker = Labels.subagentMarker(interaction) ?? ""
        // Every character takes a cell at least, so one more than fits is
        // enough to cut it the same: a megabyte command costs a row's worth.
        let shown = String(interaction.command.command.prefix(width + 1))
        return Span(Render.fit(marker + Sanitizer.line(shown), width))
    }

    /// A bar `barWidth` cells long at the longest duration, in eighths of a
    /// cell so short steps still differ; any non-zero duration shows a sliver.
    static func bar(_ ms: Int, longest: Int) -> String {
        guard longest > 0, ms > 0 else { return "" }
        let eighths = max(1, Int((Double(ms) / Double(longest) * Double(barWidth * 8)).rounded()))
        let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partials[eighths % 8]
    }
}
