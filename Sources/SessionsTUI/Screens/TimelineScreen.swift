import SessionsDisplay
import SessionsKit

/// The session pane: every field of the open session, its state as pretty
/// JSON, and its timeline of interactions, with a bar per duration so slow
/// steps stand out without reading numbers. What it derives from the session
/// is worked out once, at load, rather than on every frame.
public struct TimelineScreen: Sendable {
    public var session: Session
    public var cursor = 0
    public var top = 0
    /// The longest duration, which scales the bars.
    public let longestMS: Int
    /// Durations at or above this are drawn as slow.
    public let slowMS: Int
    /// The state map as sanitized, pretty JSON lines.
    public let stateLines: [String]
    /// Fields this version does not model, sanitized, each name in a
    /// column as wide as the names and its value beside it (or below, for a
    /// name too long for the column).
    public let extraLines: [[Span]]
    /// The title's words, counted once per load.
    let heading: [TimelineText.Part]

    public init(session: Session) {
        self.session = session
        let durations = session.interactions.compactMap { $0.result?.durationMS }.sorted()
        longestMS = durations.last ?? 0
        // The slowest tenth stands out, but never steps under a second, nor in
        // a session whose steps all took about as long.
        let p90 = durations.isEmpty ? 0 : durations[min(durations.count - 1, durations.count * 9 / 10)]
        slowMS = max(1000, p90, longestMS / 2)
        stateLines = session.state.map { Sanitizer.lines(JSONWriter.string(.object($0), style: .pretty)) } ?? []
        let extras = session.extra.members.map { (Sanitizer.line($0.key), Sanitizer.line(JSONWriter.string($0.value, style: .compact))) }
        let column = LabelColumn(extras.map(\.0))
        extraLines = extras.flatMap { label, value in
            column.lines(label: label, values: [value]).map { lead, value in [Span(lead, .label)] + (value.map { [Span($0, .dim)] } ?? []) }
        }
        heading = TimelineText.heading(session.interactions)
    }

    public var interactions: [Interaction] { session.interactions }

    var version: SessionVersion { SessionVersion(session) }

    /// A newer copy of the same session, read where this one was: the cursor
    /// stays, or follows the newest interaction if it was on it.
    func reloaded(with session: Session) -> TimelineScreen {
        var next = TimelineScreen(session: session)
        let wasAtEnd = cursor >= interactions.count - 1
        next.cursor = max(0, wasAtEnd ? session.interactions.count - 1 : min(cursor, session.interactions.count - 1))
        next.top = top
        return next
    }

    // MARK: - Handling

    mutating func handle(_ intent: Intent, page: Int) -> Reply? {
        if let target = Movement.target(intent, from: cursor, count: interactions.count, page: page) {
            cursor = target
            return Reply.none
        }
        switch intent {
        case .nextError, .previousError:
            let forward = intent == .nextError
            guard let index = errorIndex(from: cursor, forward: forward) else {
                return .say(forward ? "no later error" : "no earlier error")
            }
            cursor = index
            return Reply.none
        case .nextInteraction, .previousInteraction:
            let forward = intent == .nextInteraction
            guard interactions.indices.contains(cursor + (forward ? 1 : -1)) else {
                if interactions.isEmpty { return .say("no interactions yet") }
                return .say(forward ? "this is the last interaction" : "this is the first interaction")
            }
            cursor += forward ? 1 : -1
            return Reply.none
        default:
            return nil
        }
    }

    func errorIndex(from start: Int, forward: Bool) -> Int? {
        Self.errorIndex(in: interactions, from: start, forward: forward)
    }

    /// The next (or previous) interaction after `start` that ended in an error.
    static func errorIndex(in interactions: [Interaction], from start: Int, forward: Bool) -> Int? {
        let start = min(start, interactions.count)
        if forward { return ((start + 1)..<max(start + 1, interactions.count)).first { interactions[$0].result?.status == .error } }
        return (0..<max(0, start)).reversed().first { interactions[$0].result?.status == .error }
    }

    /// Scrolls so the cursor shows in `visible` rows; unfocused, the pane
    /// follows the newest interactions instead.
    mutating func keepInView(visible: Int, focused: Bool) {
        let count = interactions.count
        if focused {
            top = Movement.scrolled(top: top, cursor: cursor, visible: visible, count: count)
        } else {
            top = max(0, count - visible)
            cursor = max(0, min(cursor, count - 1))
        }
    }

    /// The interaction a click at `row` lands on.
    func index(atRow row: Int, in layout: SessionPaneLayout) -> Int? {
        let index = top + (row - layout.rows.y)
        return layout.rows.rows.contains(row) && index < interactions.count ? index : nil
    }

    // MARK: - Drawing

    /// The lines above the timeline: four of fields, those this version does
    /// not model, and the state, cut to a third of the pane with a note of
    /// how much more there is. The layout counts these same lines.
    func headerLines(paneHeight: Int, context: PaneContext) -> [[Span]] {
        let registry = context.registry
        func name(_ label: String, _ value: String) -> [Span] { [Span(label + " ", .label), Span(value)] }
        let sep = Span(" · ", .dim)
        let account = registry?.account(session.accountID)?.name ?? "\(session.accountID)"
        let project = session.projectID.map { registry?.project($0)?.name ?? "project \($0)" } ?? Labels.none
        let component = session.componentID.map { registry?.component($0)?.name ?? "component \($0)" } ?? Labels.none
        var lines: [[Span]] = [
            [Span("#\(session.id) ", .label), Span(Glyphs.status(session.status) + " " + session.status.rawValue, StyleRole(Tone(session.status))),
             Span("  "), Span(Sanitizer.line(session.type.name))],
            name("agent", session.agent?.rawValue ?? Labels.none) + [sep] + name("env", session.environment?.rawValue ?? Labels.none)
                + [sep] + name("account", Sanitizer.line(account)),
            name("project", Sanitizer.line(project)) + [sep] + name("component", Sanitizer.line(component)),
            name("created", TimeText.dateTime(session.insertedAt)) + [sep]
                + name("updated", TimeText.dateTime(session.updatedAt) + " (" + TimeText.relative(session.updatedAt, now: context.now) + ")"),
        ]
        lines += extraLines
        guard !stateLines.isEmpty else { return lines + [name("state", Labels.none)] }
        let budget = max(1, paneHeight / 3)
        let shown = stateLines.count <= budget ? stateLines.count : budget
        for index in 0..<shown {
            let lead = Span(index == 0 ? "state " : "      ", .label)
            if index == shown - 1 && shown < stateLines.count {
                lines.append([lead, Span("… \(stateLines.count - index) more lines (sessions show \(session.id))", .dim)])
            } else {
                lines.append([lead, Span(stateLines[index])])
            }
        }
        return lines
    }

    func draw(into frame: inout Frame, layout: SessionPaneLayout, context: PaneContext, focus: Focus) {
        let left = layout.pane.x + 1, limit = layout.pane.columns.upperBound
        for (offset, line) in headerLines(paneHeight: layout.pane.height, context: context).prefix(layout.fields.height).enumerated() {
            frame.put(line, row: layout.fields.y + offset, column: left, limit: limit)
        }
        guard !layout.title.isEmpty else { return }
        // The title: counts, then a rule to the edge.
        frame.fill(row: layout.title.y, columns: layout.pane.columns, role: .border, with: "─")
        frame.put(" " + heading.map(\.text).joined() + " ", row: layout.title.y, column: left + 1, limit: limit, role: .border)
        if interactions.isEmpty {
            if !layout.rows.isEmpty { frame.put("No interactions yet.", row: layout.rows.y, column: left + 1, limit: limit, role: .dim) }
            return
        }
        let columns = Self.columns(width: limit - left)
        for offset in 0..<layout.rows.height {
            let index = top + offset
            guard index < interactions.count else { break }
            let row = layout.rows.y + offset
            frame.put(columns.row(cells(interactions[index], commandWidth: columns.columns[3].width)), row: row, column: left, limit: limit)
            if index == cursor && focus != .list {
                frame.paint(row: row, columns: layout.pane.columns, role: focus == .timeline ? .selection : .selectionInactive)
            }
        }
    }

    /// Time, result, step, command, exit code, duration, and on wide panes a bar.
    static func columns(width: Int) -> Columns {
        let step = max(6, min(22, width / 5))
        var fixed: [Columns.Column] = [.init(width: 8), .init(width: 1), .init(width: step)]
        let after: [Columns.Column] = [.init(width: 4, alignRight: true), .init(width: 7, alignRight: true)]
            + (width >= 60 ? [.init(width: DurationBar.width)] : [])
        let command = Columns.remaining(in: width, fixed: (fixed + after).map(\.width), count: fixed.count + after.count + 1)
        fixed.append(.init(width: max(4, command)))
        return Columns(fixed + after)
    }

    func cells(_ interaction: Interaction, commandWidth: Int) -> [Span] {
        let result = interaction.result
        let last = LastResult(result)
        var cells = [
            Span(TimelineText.startTime(interaction), .dim),
            Span(Glyphs.result(last), StyleRole(Tone(last))),
            Span(Sanitizer.line(Labels.step(interaction)), .label),
            Span(TimelineText.command(interaction, limit: commandWidth + 1)),
            Span(TimelineText.exitCode(result), (result?.code ?? 0) != 0 ? .resultError : .dim),
            Span(TimelineText.duration(result)),
        ]
        if let ms = result?.durationMS {
            cells.append(Span(DurationBar.text(ms, longest: longestMS), ms >= slowMS ? .barSlow : .bar))
        }
        return cells
    }

    /// What the pane shows while the session is read.
    static func drawLoading(_ id: Session.ID, into frame: inout Frame, in pane: Rect) {
        Render.center("Loading #\(id)…", into: &frame, row: pane.y + pane.height / 2, columns: pane.columns, role: .dim)
    }
}
