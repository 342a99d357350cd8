import SessionsDisplay
import SessionsKit

/// Searching every session from the browser: a line to type the query in,
/// the hits below it as they stream in (grouped by session, most recently
/// active first), and a running count. Typing starts a new search at once;
/// the runtime runs it off the loop and sends its steps back, each tagged
/// with the search it belongs to, so a step of an older one is dropped.
public struct SearchScreen: Sendable {
    /// The query being typed; nil once the user moved to the hits.
    public var input: String?
    /// What was last searched for, as typed.
    public private(set) var text = ""
    public private(set) var query: SearchQuery?
    /// Why the text is not a query (an unclosed quote), shown in its place.
    public private(set) var problem: String?
    /// Which search the hits belong to: every new one takes the next number.
    public private(set) var generation = 0
    public private(set) var results: [SessionHits] = []
    /// Where each session is in `results`: a session named by the query
    /// comes first, and its hits, when the search reaches it, join it there.
    private var positions: [Session.ID: Int] = [:]
    /// The session the query names by its id, if it does.
    public private(set) var named: Session.ID?
    public private(set) var unreadable: [Session.ID] = []
    public private(set) var searched = 0
    public private(set) var total = 0
    public private(set) var running = false
    /// Set when `Esc` stopped the search before it was done.
    public private(set) var stopped = false
    /// The row the cursor is on, among `rows`; hits and session rows both take one.
    public var cursor = 0
    public var top = 0
    public private(set) var rows: [Row] = []

    /// One row of the results.
    public enum Row: Sendable, Equatable {
        case session(Int)
        case hit(Int, Int)
        case more(Int)
    }

    public init() {
        input = ""
    }

    /// Hits in all the results, kept as they come rather than summed on every frame.
    public private(set) var hitCount = 0

    /// The hit under the cursor, or the first of the session under it.
    public var selectedHit: (SessionHits, SearchHit?)? {
        guard rows.indices.contains(cursor) else { return nil }
        switch rows[cursor] {
        case .session(let index), .more(let index): return (results[index], results[index].hits.first)
        case .hit(let index, let hit): return (results[index], results[index].hits[hit])
        }
    }

    // MARK: - Searching

    /// Starts searching for `text`: the effect that runs it, or none for an
    /// empty or unreadable query.
    mutating func start(_ text: String) -> Reply {
        self.text = text
        generation += 1
        results = []
        hitCount = 0
        positions = [:]
        named = nil
        unreadable = []
        rows = []
        (cursor, top, searched, total, stopped) = (0, 0, 0, 0, false)
        do {
            let parsed = try SearchQuery(typed: text)
            problem = nil
            guard !parsed.isEmpty else {
                query = nil
                running = false
                return .perform(.load(.stopSearch))
            }
            query = parsed
            running = true
            return .perform(.load(.search(SearchRequest(generation: generation, query: parsed))))
        } catch {
            query = nil
            running = false
            problem = error.description
            return .perform(.load(.stopSearch))
        }
    }

    /// A step of a search: its sessions join the results, unless the step
    /// belongs to an older search.
    mutating func receive(_ progress: SearchProgress) {
        guard progress.generation == generation, running || progress.done else { return }
        if let id = progress.named { named = id }
        for outcome in progress.outcomes {
            switch outcome {
            case .hits(let hits):
                hitCount += hits.total
                if let index = positions[hits.sessionID] {
                    hitCount -= results[index].total
                    results[index] = hits
                } else {
                    positions[hits.sessionID] = results.count
                    results.append(hits)
                }
            case .unreadable(let id, _): unreadable.append(id)
            }
        }
        searched = max(searched, progress.searched)
        total = max(total, progress.total)
        if progress.done { running = false }
        rebuildRows()
    }

    mutating func rebuildRows() {
        rows = []
        for (index, session) in results.enumerated() {
            rows.append(.session(index))
            rows += session.hits.indices.map { Row.hit(index, $0) }
            if session.total > session.hits.count { rows.append(.more(index)) }
        }
        // The cursor rests on hits, not on the headings between them, but
        // for the session the query names by its id, which it goes straight to.
        if cursor == 0, results.first?.sessionID != named || named == nil,
           let first = rows.firstIndex(where: { if case .hit = $0 { true } else { false } }) { cursor = first }
        cursor = min(cursor, max(0, rows.count - 1))
    }

    /// `Esc` while a search runs stops it; what it found stays.
    mutating func stop() -> Reply {
        guard running else { return .none }
        running = false
        stopped = true
        return .perform(.load(.stopSearch))
    }

    // MARK: - Keys

    /// A key while the query is typed: the search follows every change.
    mutating func handleTyping(_ intent: Intent, key: Key) -> Reply {
        guard var line = input else { return .none }
        switch intent {
        case .accept:
            input = nil
            return line == text ? .none : start(line)
        case .cancel:
            // Typing stops; a second Esc (on the hits) leaves the screen.
            input = nil
            return stop()
        case .deleteBackward:
            if !line.isEmpty { line.removeLast() }
        case .clearLine:
            line = ""
        case .typeText:
            if let character = key.typedCharacter { line.append(character) }
        case .moveDown, .moveUp, .pageDown, .pageUp:
            input = nil
            return handle(intent, page: 10)
        default:
            return .none
        }
        input = line
        return line == text ? .none : start(line)
    }

    /// A key on the hits.
    mutating func handle(_ intent: Intent, page: Int) -> Reply {
        switch intent {
        case .moveDown: move(by: 1)
        case .moveUp: move(by: -1)
        case .pageDown: move(by: page)
        case .pageUp: move(by: -page)
        case .moveTop: cursor = 0
        case .moveBottom: cursor = max(0, rows.count - 1)
        case .search: input = text
        default: break
        }
        return .none
    }

    mutating func move(by delta: Int) {
        guard !rows.isEmpty else { return }
        cursor = max(0, min(rows.count - 1, cursor + delta))
    }

    /// The hit after (or before) the cursor's, in the next session too: where
    /// `}` and `{` go from a session opened on a hit. False at either end.
    mutating func step(forward: Bool) -> Bool {
        var index = cursor + (forward ? 1 : -1)
        while rows.indices.contains(index) {
            if case .hit = rows[index] {
                cursor = index
                return true
            }
            index += forward ? 1 : -1
        }
        return false
    }

    // MARK: - Drawing

    /// Rows above the hits: the query line and the count.
    static let headerRows = 2

    mutating func scroll(rows visible: Int) {
        if cursor < top { top = cursor }
        if cursor >= top + visible { top = cursor - visible + 1 }
        top = max(0, min(top, max(0, rows.count - visible)))
    }

    func draw(into frame: inout Frame, in rect: Rect, context: PaneContext, catalog: Catalog?, focused: Bool) {
        let left = rect.x + 1
        let limit = rect.columns.upperBound
        var column = frame.put("Search all sessions: ", row: rect.y, column: left, limit: limit, role: .label)
        let shown = Sanitizer.line(input ?? text)
        column = frame.put(shown, row: rect.y, column: column, limit: limit, role: input != nil ? .normal : .header)
        if input != nil { frame.cursor = (rect.y, min(column, frame.width - 1)) }
        frame.put(status, row: rect.y + 1, column: left, limit: limit, role: problem == nil ? .dim : .flashError)
        let body = Rect(x: rect.x, y: rect.y + Self.headerRows, width: rect.width, height: max(0, rect.height - Self.headerRows))
        guard !rows.isEmpty else { return }
        let width = max(1, body.width - 2)
        for (offset, row) in rows[top..<min(rows.count, top + body.height)].enumerated() {
            let y = body.y + offset
            let selected = top + offset == cursor && input == nil
            if selected { frame.fill(row: y, columns: body.columns, role: focused ? .selection : .selectionInactive) }
            draw(row, into: &frame, y: y, x: left, width: width, context: context, catalog: catalog, selected: selected)
        }
    }

    /// "12 sessions · 31 hits · searching 4,000/10,000…", or why nothing shows.
    var status: String {
        if let problem { return problem }
        guard query != nil else { return "type words or a \"phrase\"; capitals make it match case" }
        var line = SearchText.count(sessions: results.count, hits: hitCount, searched: searched, of: total, done: !running)
        if stopped { line += " · stopped" }
        if !unreadable.isEmpty { line += " · \(unreadable.count) damaged, not searched" }
        return line
    }

    private func draw(_ row: Row, into frame: inout Frame, y: Int, x: Int, width: Int, context: PaneContext,
                      catalog: Catalog?, selected: Bool) {
        let base: (StyleRole) -> StyleRole = { selected ? .selection : $0 }
        switch row {
        case .session(let index):
            let hits = results[index]
            guard let summary = catalog?.summary(id: hits.sessionID), let registry = catalog?.registry else {
                frame.put("#\(hits.sessionID)", row: y, column: x, limit: x + width, role: base(.header))
                return
            }
            var column = frame.put("#\(summary.id) ", row: y, column: x, limit: x + width, role: base(.header))
            column = frame.put(Glyphs.status(summary) + " ", row: y, column: column, limit: x + width, role: base(StyleRole(Tone(summary.status))))
            let time = TimeText.day(summary.activityAt, now: context.now)
            let title = Sanitizer.line(SessionListText.title(summary, registry: registry)) + (hits.sessionID == named ? "  (its id)" : "")
            let room = max(0, x + width - column - CellWidth.of(time) - 2)
            column = frame.put(CellWidth.truncate(title, to: room), row: y, column: column, limit: x + width, role: base(.header))
            frame.put(time, row: y, column: x + width - CellWidth.of(time), limit: x + width, role: base(.dim))
        case .hit(let index, let number):
            let hit = results[index].hits[number]
            let place = SearchText.place(hit)
            let placeWidth = min(18, max(12, CellWidth.of(place)))
            var column = frame.put("  " + CellWidth.fit(place, to: placeWidth) + " ", row: y, column: x, limit: x + width, role: base(.dim))
            guard let query else { return }
            let snippet = SearchText.snippet(hit.line, query: query, width: max(1, x + width - column))
            var spans: [Span] = []
            let characters = Array(snippet.text)
            var at = 0
            for range in snippet.matches {
                if at < range.lowerBound { spans.append(Span(String(characters[at..<range.lowerBound]), base(.normal))) }
                spans.append(Span(String(characters[range]), .match))
                at = range.upperBound
            }
            if at < characters.count { spans.append(Span(String(characters[at...]), base(.normal))) }
            column = frame.put(spans, row: y, column: column, limit: x + width)
        case .more(let index):
            frame.put("  " + (SearchText.more(results[index]) ?? ""), row: y, column: x, limit: x + width, role: base(.dim))
        }
    }
}

/// A search the runtime is asked to run.
public struct SearchRequest: Sendable, Equatable {
    public var generation: Int
    public var query: SearchQuery

    public init(generation: Int, query: SearchQuery) {
        self.generation = generation
        self.query = query
    }
}

/// One step of a running search, as the runtime hands it back.
public struct SearchProgress: Sendable {
    public var generation: Int
    public var outcomes: [SearchOutcome]
    public var searched: Int
    public var total: Int
    public var done: Bool
    /// Set on the step that brings the session the query names by its id.
    public var named: Session.ID?

    public init(generation: Int, outcomes: [SearchOutcome], searched: Int, total: Int, done: Bool, named: Session.ID? = nil) {
        self.generation = generation
        self.outcomes = outcomes
        self.searched = searched
        self.total = total
        self.done = done
        self.named = named
    }
}
