import SessionsDisplay
import SessionsKit

/// The session list: three sections by status, each with its rows, its
/// cursor and its marks, under one filter and one sort. It owns moving,
/// switching sections, filtering, sorting and marking; what the marks are
/// then used for (a status change, a deletion) is the app's.
public struct ListScreen: Sendable {
    public var section: SessionStatus = .active {
        didSet { sectionChosen = true }
    }
    /// Whether anything has set the section (a key, a click, a caller
    /// starting the browser on one): the first catalog then keeps it.
    public internal(set) var sectionChosen = false
    public var sort: SessionSort = .activity
    public var filter = FilterInput()
    /// Each section's sessions after filter and sort; what the lists show.
    public internal(set) var rows: [SessionStatus: SessionRows] = [:]
    public internal(set) var cursors: [SessionStatus: ListCursor] = [:]
    /// Marked sessions, each with the section it was marked in.
    public internal(set) var marks: [Session.ID: SessionStatus] = [:]
    /// Lower-cased text each session is filtered on, built on first use.
    var searchText: [Session.ID: SearchEntry] = [:]
    var builtFor: RowsKey?

    public init() {}

    public var currentRows: SessionRows { rows[section] ?? SessionRows() }
    public var cursor: ListCursor { cursors[section] ?? ListCursor() }

    public var selected: SessionSummary? {
        let rows = currentRows, index = cursor.index
        return index < rows.count ? rows[index] : nil
    }

    /// The selected session's id, without copying its summary.
    public var selectedID: Session.ID? {
        let rows = currentRows, index = cursor.index
        return index < rows.count ? rows.id(at: index) : nil
    }

    /// The marked sessions of the current section, in the order shown;
    /// marked ones the filter hides come last.
    public var markedIDs: [Session.ID] {
        guard markCount > 0 else { return [] }
        let shown = currentRows.ids.filter { marks[$0] == section }
        let seen = Set(shown)
        return shown + marks.filter { $0.value == section && !seen.contains($0.key) }.keys.sorted()
    }

    /// How many sessions of the current section are marked.
    public var markCount: Int { marks.values.count { $0 == section } }

    /// How many of the section's marked sessions the filter hides.
    var hiddenMarkCount: Int {
        guard filter.isActive, markCount > 0 else { return 0 }
        return markCount - currentRows.ids.count { marks[$0] == section }
    }

    /// Turns to the section that holds the scope's most recently active
    /// session (`SummaryKey.activityAt`), unless the section was chosen:
    /// after an import in which nothing is active, the list opens on what
    /// was done last rather than on an empty Active. For the first catalog
    /// only: a refresh never moves the user. One pass over the keys.
    mutating func openOnLatestActivity(_ catalog: Catalog, scope: Scope, projectFilter: Project.ID?) {
        guard !sectionChosen else { return }
        var latest: (time: Int64, id: Session.ID, status: SessionStatus)?
        catalog.table.keys.withUnsafeBufferPointer { keys in
            for key in keys where key.accountID == scope.accountID {
                if let projectFilter, key.projectID != projectFilter { continue }
                let time = key.activityAt.microseconds
                if let best = latest, best.time > time || (best.time == time && best.id > key.id) { continue }
                latest = (time, key.id, key.status)
            }
        }
        if let latest { section = latest.status }
    }

    // MARK: - Handling

    /// Moves the cursor to row `index` of the current section, clamped.
    mutating func select(index: Int) {
        let rows = currentRows
        var cursor = self.cursor
        cursor.index = max(0, min(index, rows.count - 1))
        cursor.id = cursor.index < rows.count ? rows.id(at: cursor.index) : nil
        cursors[section] = cursor
    }

    /// Whether `section` shows session `id` under the current filter.
    func currentRowsContain(_ id: Session.ID, in section: SessionStatus) -> Bool {
        rows[section]?.position(of: id) != nil
    }

    /// Puts the cursor on session `id` of `section`, shown there or not yet.
    mutating func select(id: Session.ID, in section: SessionStatus) {
        self.section = section
        var cursor = self.cursor
        cursor.id = id
        if let index = currentRows.position(of: id) { cursor.index = index }
        cursors[section] = cursor
    }

    mutating func clearMarks(in section: SessionStatus) { marks = marks.filter { $0.value != section } }

    mutating func mark(_ ids: [Session.ID], in section: SessionStatus) {
        for id in ids { marks[id] = section }
    }

    /// The list's own intents; others are not its to handle and answer nil.
    mutating func handle(_ intent: Intent, page: Int) -> Reply? {
        let sections = SessionStatus.allCases
        let position = sections.firstIndex(of: section) ?? 0
        if let target = Movement.target(intent, from: cursor.index, count: currentRows.count, page: page) {
            select(index: target)
            return Reply.none
        }
        switch intent {
        case .nextSection: section = sections[(position + 1) % sections.count]
        case .previousSection: section = sections[(position + sections.count - 1) % sections.count]
        case .sectionActive: section = .active
        case .sectionComplete: section = .complete
        case .sectionFailed: section = .failed
        case .filter: filter.isEditing = true
        case .cycleSort:
            let sorts = SessionSort.allCases
            sort = sorts[((sorts.firstIndex(of: sort) ?? 0) + 1) % sorts.count]
            return .say("sort: \(sort.rawValue)")
        case .toggleMark:
            guard let id = selectedID else { return Reply.none }
            if marks[id] == nil { marks[id] = section } else { marks[id] = nil }
            select(index: cursor.index + 1)
        case .markAll:
            let shown = currentRows.ids
            if !shown.isEmpty && shown.allSatisfy({ marks[$0] == section }) {
                for id in shown { marks[id] = nil }
            } else {
                mark(shown, in: section)
            }
        case .back:
            if markCount > 0 {
                clearMarks(in: section)
            } else if filter.isActive {
                filter = FilterInput()
            }
        default:
            return nil
        }
        return Reply.none
    }

    /// A key while the filter line is being typed: the list narrows with
    /// each character, and the arrows still move through it.
    mutating func handleTyping(_ intent: Intent, key: Key, page: Int) -> Reply {
        switch intent {
        case .accept: filter.isEditing = false
        case .cancel: filter = FilterInput()
        case .deleteBackward: if !filter.text.isEmpty { filter.text.removeLast() }
        case .clearLine: filter.text = ""
        case .typeText: if let character = key.typedCharacter { filter.text.append(character) }
        default: return handle(intent, page: page) ?? Reply.none
        }
        return Reply.none
    }

    // MARK: - Drawing

    /// The row a click at `row` lands on, if it is a session's.
    func index(atRow row: Int, in rect: Rect) -> Int? {
        let index = cursor.top + (row - rect.y - 1)
        return row > rect.y && index < currentRows.count ? index : nil
    }

    /// The columns at `width` cells, and which they are. The title takes
    /// what the others leave: the project / component joins it once the
    /// title keeps a readable width beside it; then, on a wide pane, the
    /// branch and the tokens (when Claude Code conversations are listed: no
    /// other session has them), and, where the title keeps room for a long one, the type,
    /// and the agent and environment (which the session pane shows too, and
    /// which a CodeMySpec title names). On a wide pane the place grows to
    /// show long names.
    static func columns(width: Int, idDigits: Int, typeWidth: Int, timeWidth: Int, conversations: Bool = false)
        -> (columns: Columns, shown: [Column]) {
        let typeWidth = max(12, typeWidth)
        func fixed(_ column: Column) -> Int? {
            switch column {
            case .status, .result: return 1
            case .id: return max(3, idDigits + 1)
            case .agent: return agentWidth
            case .count: return 4
            case .time: return timeWidth
            case .branch: return branchWidth
            case .tokens: return tokensWidth
            case .type: return typeWidth
            case .title, .place: return nil
            }
        }
        var shown: [Column] = [.status, .id, .title, .count, .result, .time]
        func free() -> Int { Columns.remaining(in: width, fixed: shown.compactMap(fixed), count: shown.count) }
        var place = 0
        if free() - Columns.gap - placeWidth >= titleWidth {
            shown.insert(.place, at: shown.firstIndex(of: .count) ?? shown.endIndex)
            place = placeWidth
        }
        /// Adds `column` before `before` (else last) if the title keeps `title` cells.
        func add(_ column: Column, before: Column?, title: Int = roomyTitleWidth) {
            guard place > 0, free() - Columns.gap - place - (fixed(column) ?? 0) >= title else { return }
            shown.insert(column, at: before.flatMap { shown.firstIndex(of: $0) } ?? shown.endIndex)
        }
        if conversations && width >= conversationPaneWidth {
            add(.branch, before: .place, title: conversationTitleWidth)
            add(.tokens, before: .count, title: conversationTitleWidth)
        }
        add(.type, before: shown.first { $0 == .branch } ?? .place)
        if shown.contains(.type) { add(.agent, before: shown.first { $0 == .branch } ?? .place) }
        if place > 0 { place += min(placeWidthWide - placeWidth, max(0, free() - place - roomyTitleWidth)) }
        let title = max(4, free() - place)
        let columns = shown.map { column in
            Columns.Column(width: fixed(column) ?? (column == .title ? title : place),
                           alignRight: column == .count || column == .time || column == .tokens)
        }
        return (Columns(columns), shown)
    }

    /// "claude_code · vscode".
    static let agentWidth = 20
    /// "feature/invoice", cut past that.
    static let branchWidth = 14
    /// "245k↑ 1.3k↓".
    static let tokensWidth = 11
    /// The narrowest title the place may leave ("Fix the flaky invoice test").
    static let titleWidth = 20
    /// The title the branch and the tokens must leave: less than the type
    /// and agent must, as a conversation's title does not say them. They
    /// show on wide panes only (a 200-column screen's list is 99 wide): on
    /// an 80-column one the title needs the room more.
    static let conversationTitleWidth = 24
    static let conversationPaneWidth = 96
    /// The title the type and the agent must leave before they show.
    static let roomyTitleWidth = 38
    /// What the project / component gets at first ("data-pipeline / Billing.Invoice"),
    /// and at most, from what a roomy title leaves.
    static let placeWidth = 20
    static let placeWidthWide = 36

    enum Column: CaseIterable {
        case status, id, title, type, agent, branch, place, tokens, count, result, time

        func title(width: Int, sort: SessionSort) -> String {
            switch self {
            case .status, .result: return ""
            case .id: return "ID"
            case .title: return SessionListText.titleTitle
            case .type: return "TYPE"
            case .agent: return "AGENT · ENV"
            case .branch: return SessionListText.branchTitle
            case .tokens: return SessionListText.tokensTitle
            case .place:
                let title = SessionListText.placeTitle
                return CellWidth.of(title) <= width ? title : "PROJ / COMP"
            case .count: return "#"
            case .time: return SessionListText.timeTitle(sort)
            }
        }

        /// The cell of this column for one session.
        func cell(_ summary: SessionSummary, registry: Registry, sort: SessionSort, now: Timestamp) -> Span {
            switch self {
            case .status: return Span(Glyphs.status(summary), StyleRole(Tone(summary)))
            case .id: return Span("#\(summary.id)", .label)
            case .title: return Span(SessionListText.title(summary, registry: registry))
            case .type: return Span(Sanitizer.line(summary.type.name))
            case .agent:
                let agent = [summary.agent?.rawValue, summary.environment?.rawValue].compactMap { $0 }.joined(separator: " · ")
                return Span(agent.isEmpty ? Labels.none : agent, .dim)
            case .place: return Span(SessionListText.place(summary, registry: registry))
            case .branch: return Span(SessionListText.branch(summary), .dim)
            case .tokens: return Span(SessionListText.tokens(summary), .dim)
            case .count: return Span(String(summary.interactionCount))
            case .result: return Span(Glyphs.result(summary.lastResult), StyleRole(Tone(summary.lastResult)))
            case .time: return Span(SessionListText.timeText(summary, sort: sort, now: now), .dim)
            }
        }
    }

    /// The columns for the current section's rows in a pane `width` cells
    /// wide; the type and time columns are sized for every section, so they
    /// stay put when Tab switches sections.
    func columns(width: Int, now: Timestamp) -> (columns: Columns, shown: [Column]) {
        let sections = SessionStatus.allCases.compactMap { rows[$0] }
        let oldest = sections.compactMap(\.oldestTime).min()
        let newest = sections.compactMap(\.newestTime).max()
        let time = [oldest, newest].compactMap { $0.map { CellWidth.of(TimeText.age($0, now: now)) } }.max() ?? 0
        return Self.columns(width: width, idDigits: String(currentRows.widestID).count,
                            typeWidth: sections.map(\.longestType).max() ?? 0, timeWidth: max(8, time),
                            conversations: sections.contains { $0.hasConversations })
    }

    func draw(into frame: inout Frame, in rect: Rect, context: PaneContext, catalog: Catalog?, focused: Bool) {
        guard let catalog else {
            Render.center("Loading…", into: &frame, row: rect.y + rect.height / 2, columns: rect.columns, role: .dim)
            return
        }
        let rows = currentRows
        let text = rect.inset(left: 1)
        let (columns, shown) = self.columns(width: text.width, now: context.now)
        let title = columns.row(zip(shown, columns.columns).map { Span($0.title(width: $1.width, sort: sort)) }).map { Span($0.text, .dim) }
        frame.put(title, row: rect.y, column: text.x, limit: rect.columns.upperBound)
        if rows.isEmpty {
            drawEmpty(into: &frame, in: rect)
            return
        }
        let cursor = self.cursor
        for offset in 0..<max(0, rect.height - 1) {
            let index = cursor.top + offset
            guard index < rows.count else { break }
            let summary = rows[index]
            let row = rect.y + 1 + offset
            let cells = shown.map { $0.cell(summary, registry: catalog.registry, sort: sort, now: context.now) }
            frame.put(columns.row(cells), row: row, column: text.x, limit: rect.columns.upperBound)
            if marks[summary.id] == section { frame.put(Self.markGlyph, row: row, column: rect.x, role: .marked) }
            if index == cursor.index {
                frame.paint(row: row, columns: rect.columns, role: focused ? .selection : .selectionInactive)
            }
        }
    }

    /// Shown in the margin of a marked row: a glyph, so a mark reads without colour.
    static let markGlyph = "*"

    func drawEmpty(into frame: inout Frame, in rect: Rect) {
        let total = SessionStatus.allCases.reduce(0) { $0 + (rows[$1]?.count ?? 0) }
        let lines: [(String, StyleRole)]
        if filter.isActive {
            lines = [("Nothing matches the filter “\(Sanitizer.line(filter.text))”.", .normal)]
                + (FilterQuery(filter.text).unknownFieldsNote(fitting: rect.width - 2).map { [($0, .flashError)] } ?? [])
                + [("Esc clears it.", .dim)]
        } else if total == 0 {
            lines = [("No sessions yet.", .header), ("", .normal), ("Press n to start one,", .normal),
                     ("or run `sessions demo` to explore examples.", .normal)]
        } else {
            lines = [("No \(section.rawValue) sessions.", .normal), ("Tab or 1/2/3 shows the other sections.", .dim)]
        }
        let first = rect.y + max(1, (rect.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            Render.center(line.0, into: &frame, row: first + offset, columns: rect.columns, role: line.1)
        }
    }
}
