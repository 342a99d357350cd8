import SessionsDisplay
import SessionsKit

/// The session pane: every field of the open session, its state as pretty
/// JSON, and its timeline of interactions, with a bar per duration so slow
/// steps stand out without reading numbers, and between them the prompts and
/// replies of the conversation. What it derives from the session is worked
/// out once, at load, rather than on every frame.
public struct TimelineScreen: Sendable {
    public var session: Session
    /// The row under the cursor, on the newest at first: a timeline opens
    /// where the session is now, whether it was read before the focus came
    /// or after.
    public var cursor: Int
    public var top = 0
    /// How many interactions come before `session.interactions`: a long
    /// session's newest page is shown while the rest is read.
    public let earlier: Int
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
    /// Starts on days other than the session's creation, which the time
    /// column names; found once per load, since that reads every start.
    let otherDays: ClosedRange<Timestamp>?
    /// The conversation's prompts and replies.
    public let messages: [ConversationMessage]
    /// Whether the prompts and replies have rows of their own.
    public let showsConversation: Bool
    /// What each row shows, in time order.
    public let rows: [Row]

    public typealias Row = TimelineText.Row

    public init(session: Session, earlier: Int = 0, showsConversation: Bool = true) {
        self.session = session
        self.earlier = earlier
        self.showsConversation = showsConversation
        messages = session.conversation
        rows = showsConversation ? TimelineText.rows(session.interactions, messages, partial: earlier > 0)
            : session.interactions.indices.map(Row.interaction)
        cursor = max(0, rows.count - 1)
        let durations = session.interactions.compactMap { $0.result?.durationMS }.sorted()
        longestMS = durations.last ?? 0
        // The slowest tenth stands out, but never steps under a second, nor in
        // a session whose steps all took about as long.
        let p90 = durations.isEmpty ? 0 : durations[min(durations.count - 1, durations.count * 9 / 10)]
        slowMS = max(1000, p90, longestMS / 2)
        stateLines = session.state.map { Sanitizer.lines(JSONWriter.string(.object($0), style: .pretty)) } ?? []
        let extras = Labels.extraFields(session)
        let column = LabelColumn(extras.map(\.0))
        extraLines = extras.flatMap { label, value in
            column.lines(label: label, values: [value]).map { lead, value in [Span(lead, .label)] + (value.map { [Span($0, .dim)] } ?? []) }
        }
        let shownMessages = rows.count - session.interactions.count
        heading = (earlier > 0 ? TimelineText.heading(count: earlier + session.interactions.count, reading: earlier)
            : TimelineText.heading(session.interactions))
            + TimelineText.conversationHeading(messages: messages.count, shown: showsConversation ? shownMessages : 0, partial: earlier > 0)
        otherDays = TimelineText.otherDays(TimelineText.times(of: rows, session.interactions, messages), createdAt: session.insertedAt)
    }

    /// The interaction under the cursor, if the cursor is on one.
    public var selectedInteraction: Int? {
        guard rows.indices.contains(cursor), case .interaction(let index) = rows[cursor] else { return nil }
        return index
    }

    /// The message under the cursor, if the cursor is on one.
    public var selectedMessage: Int? {
        guard rows.indices.contains(cursor), case .message(let index) = rows[cursor] else { return nil }
        return index
    }

    /// Puts the cursor on `row`, if the timeline shows it.
    public mutating func select(_ row: Row) {
        if let index = rows.firstIndex(of: row) { cursor = index }
    }

    /// The session's parent and children, looked up in the catalog when the
    /// session was read; nil when it has none to look up.
    public var links: Links?

    /// How this session is linked to others: the parent it names (found or
    /// not), and the sessions that name it as theirs.
    public struct Links: Sendable, Equatable {
        public var namesParent: Bool
        public var parent: Session.ID?
        public var children: [Session.ID]

        /// The links of `session` among `summaries`, or nil when it has none:
        /// only sessions that name a parent, or came with an id their children
        /// may name, are worth a scan of every summary.
        static func of(_ session: Session, among summaries: SummaryTable) -> Links? {
            let namesParent = SessionLinks.hasParent(session)
            guard namesParent || session.extra[CodeMySpecImporter.sourceIDKey] != nil else { return nil }
            let links = Links(namesParent: namesParent, parent: namesParent ? SessionLinks.parent(of: session, among: summaries) : nil,
                              children: SessionLinks.children(of: session, among: summaries))
            return links.namesParent || !links.children.isEmpty ? links : nil
        }
    }

    public var interactions: [Interaction] { session.interactions }

    var version: SessionVersion {
        var version = SessionVersion(session)
        version.interactionCount += earlier
        return version
    }

    /// A newer copy of the same session (or more of it), or the same one with
    /// the conversation shown or hidden, read where this one was: the cursor
    /// and the top row stay on their rows, or the cursor follows the newest
    /// if it was on it.
    func reloaded(with session: Session, earlier: Int = 0, showsConversation: Bool? = nil) -> TimelineScreen {
        var next = TimelineScreen(session: session, earlier: earlier, showsConversation: showsConversation ?? self.showsConversation)
        next.links = links
        let shift = self.earlier - earlier
        // The same row in the newer copy: an interaction moves by the rows read before it.
        func same(_ row: Row) -> Int? {
            switch row {
            case .interaction(let index): next.rows.firstIndex(of: .interaction(index + shift))
            case .message(let index): next.rows.firstIndex(of: .message(index))
            }
        }
        if cursor >= rows.count - 1 {
            next.cursor = max(0, next.rows.count - 1)
        } else if rows.indices.contains(cursor) {
            // A hidden message leaves the cursor on the nearest row before it that shows.
            let target = rows[...cursor].reversed().lazy.compactMap(same).first
            next.cursor = max(0, min(target ?? cursor, next.rows.count - 1))
        }
        next.top = rows.indices.contains(top) ? (rows[top...].lazy.compactMap(same).first ?? top) : top
        next.top = max(0, min(next.top, max(0, next.rows.count - 1)))
        return next
    }

    // MARK: - Handling

    mutating func handle(_ intent: Intent, page: Int) -> Reply? {
        if let target = Movement.target(intent, from: cursor, count: rows.count, page: page) {
            if earlier > 0 && target == 0 && cursor == 0 { return .say("reading the \(earlier) earlier interactions…") }
            cursor = target
            return Reply.none
        }
        switch intent {
        case .nextError, .previousError:
            let forward = intent == .nextError
            // From a message, the interactions around it: the one before, or for a backward jump the one after.
            let start = selectedInteraction ?? rows[...min(cursor, rows.count - 1)].reversed().lazy.compactMap { row -> Int? in
                if case .interaction(let index) = row { return index } else { return nil }
            }.first.map { forward ? $0 : $0 + 1 } ?? (forward ? -1 : 0)
            let jump = Self.errorJump(in: interactions, from: start, forward: forward)
            if let index = jump.index { select(.interaction(index)) }
            return .say(jump.message)
        case .nextInteraction, .previousInteraction:
            let forward = intent == .nextInteraction
            guard rows.indices.contains(cursor + (forward ? 1 : -1)) else {
                if rows.isEmpty { return .say("no interactions yet") }
                let kind = selectedMessage == nil ? "interaction" : "message"
                return .say(forward ? "this is the last \(kind)" : "this is the first \(kind)")
            }
            cursor += forward ? 1 : -1
            return Reply.none
        default:
            return nil
        }
    }

    /// Where `e` or `E` goes, and what the footer says of it.
    struct ErrorJump: Equatable {
        /// The error interaction to go to; nil when the session has none.
        var index: Int?
        /// "error 2/3", and whether the jump wrapped around the session.
        var message: String
    }

    /// The next (or previous) interaction after `start` that ended in an
    /// error, wrapping around the session: the timeline opens on its last
    /// interaction, where a first `e` that stopped would find nothing.
    static func errorJump(in interactions: [Interaction], from start: Int, forward: Bool) -> ErrorJump {
        let errors = interactions.indices.filter { interactions[$0].result?.status == .error }
        guard let first = errors.first, let last = errors.last else { return ErrorJump(index: nil, message: "no errors in this session") }
        let ahead = forward ? errors.first { $0 > start } : errors.last { $0 < start }
        let target = ahead ?? (forward ? first : last)
        var message = "error \((errors.firstIndex(of: target) ?? 0) + 1)/\(errors.count)"
        if target == start {
            message += " · the only error"
        } else if ahead == nil {
            message += forward ? " · wrapped to the first" : " · wrapped to the last"
        }
        return ErrorJump(index: target, message: message)
    }

    /// Scrolls so the cursor shows in `visible` rows; unfocused, the pane
    /// follows the newest rows instead.
    mutating func keepInView(visible: Int, focused: Bool) {
        let count = rows.count
        if focused {
            top = Movement.scrolled(top: top, cursor: cursor, visible: visible, count: count)
        } else {
            top = max(0, count - visible)
            cursor = max(0, min(cursor, count - 1))
        }
    }

    /// The timeline row a click at screen row `row` lands on.
    func index(atRow row: Int, in layout: SessionPaneLayout) -> Int? {
        let index = top + (row - layout.rows.y)
        return layout.rows.rows.contains(row) && index < rows.count ? index : nil
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
        ]
        if let links {
            var line: [Span] = []
            if links.namesParent {
                line += links.parent.map { name("parent", "#\($0)") + [Span(" (p)", .dim)] } ?? name("parent", "not in this store")
            }
            if !links.children.isEmpty {
                if !line.isEmpty { line.append(sep) }
                line += name("children", links.children.map { "#\($0)" }.joined(separator: " "))
            }
            lines.append(line)
        }
        lines += [
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
        if rows.isEmpty {
            if !layout.rows.isEmpty { frame.put("No interactions yet.", row: layout.rows.y, column: left + 1, limit: limit, role: .dim) }
            return
        }
        let columns = Self.columns(width: limit - left,
                                   timeWidth: TimelineText.startTimeWidth(otherDays: otherDays, now: context.now))
        // A message's text runs on over the columns only interactions fill.
        let leading = Array(columns.columns.prefix(3))
        let messageColumns = Columns(leading + [.init(width: max(4, columns.totalWidth - Columns(leading).totalWidth - Columns.gap))])
        let shown = top..<max(top, min(rows.count, top + layout.rows.height))
        let times = TimelineText.startTimes(TimelineText.times(of: rows[shown], interactions, messages), createdAt: session.insertedAt,
                                            now: context.now)
        for (index, time) in zip(shown, times) {
            let row = layout.rows.y + index - top
            switch rows[index] {
            case .interaction(let position):
                frame.put(columns.row(cells(interactions[position], time: time, commandWidth: columns.columns[3].width)),
                          row: row, column: left, limit: limit)
            case .message(let position):
                frame.put(messageColumns.row(cells(messages[position], time: time, textWidth: messageColumns.columns[3].width)),
                          row: row, column: left, limit: limit)
            }
            if index == cursor && focus != .list {
                frame.paint(row: row, columns: layout.pane.columns, role: focus == .timeline ? .selection : .selectionInactive)
            }
        }
    }

    /// Time, result, step, command, exit code, duration, and on wide panes a
    /// bar. The time is right-aligned, so the clocks line up under a day.
    static func columns(width: Int, timeWidth: Int = 8) -> Columns {
        let step = max(6, min(22, width / 5))
        var fixed: [Columns.Column] = [.init(width: timeWidth, alignRight: true), .init(width: 1), .init(width: step)]
        let after: [Columns.Column] = [.init(width: 4, alignRight: true), .init(width: 7, alignRight: true)]
            + (width >= 60 ? [.init(width: DurationBar.width)] : [])
        let command = Columns.remaining(in: width, fixed: (fixed + after).map(\.width), count: fixed.count + after.count + 1)
        fixed.append(.init(width: max(4, command)))
        return Columns(fixed + after)
    }

    /// One row's cells; `time` is its cell of `TimelineText.startTimes`.
    func cells(_ interaction: Interaction, time: String, commandWidth: Int) -> [Span] {
        let result = interaction.result
        let last = LastResult(result)
        var cells = [
            Span(time, .dim),
            Span(Glyphs.result(last), StyleRole(Tone(last))),
            Span(Sanitizer.line(Labels.step(interaction)), .label),
            Span(TimelineText.fit(TimelineText.command(interaction, directory: PathText.workingDirectory(session),
                                                       limit: commandWidth + 1),
                                  of: interaction, width: commandWidth)),
            Span(TimelineText.exitCode(result), (result?.code ?? 0) != 0 ? .resultError : .dim),
            Span(TimelineText.duration(result)),
        ]
        if let ms = result?.durationMS {
            cells.append(Span(DurationBar.text(ms, longest: longestMS), ms >= slowMS ? .barSlow : .bar))
        }
        return cells
    }

    /// A prompt's or a reply's cells: its mark and role where an
    /// interaction has its result and step, then its first line of text.
    func cells(_ message: ConversationMessage, time: String, textWidth: Int) -> [Span] {
        let role: StyleRole = message.role == .user ? .prompt : .reply
        return [
            Span(time, .dim),
            Span(ConversationText.mark(message.role), role),
            Span(ConversationText.speaker(message.role), role),
            Span(ConversationText.line(message, limit: textWidth + 1), role),
        ]
    }

    /// What the pane shows for a session it cannot read: what is wrong and
    /// what to do, where the timeline would be.
    static func drawUnreadable(_ unreadable: UnreadableSession, into frame: inout Frame, in pane: Rect) {
        let left = pane.x + 1, limit = pane.columns.upperBound
        frame.put([Span("#\(unreadable.id) ", .label), Span("\(Glyphs.damaged) cannot be read", .resultWarning)],
                  row: pane.y, column: left, limit: limit)
        let lines = TextLayout.wrapWords(Sanitizer.line(unreadable.message), width: max(1, limit - left - 1))
        for (offset, line) in lines.prefix(max(0, pane.height - 2)).enumerated() {
            frame.put(line, row: pane.y + 2 + offset, column: left, limit: limit)
        }
    }

    /// What the pane shows while the session is read.
    static func drawLoading(_ id: Session.ID, into frame: inout Frame, in pane: Rect) {
        Render.center("Loading #\(id)…", into: &frame, row: pane.y + pane.height / 2, columns: pane.columns, role: .dim)
    }
}
