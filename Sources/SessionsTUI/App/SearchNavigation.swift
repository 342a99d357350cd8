import SessionsDisplay
import SessionsKit

/// From the search screen into a session and back: a hit opens its
/// session's timeline on the interaction or message, and the pager on the
/// matching line with the match marked; `}` and `{` go on hit by hit, into
/// the next session too; `F` goes back to the hits.
enum SearchNavigation {
    /// Where a session's timeline and pager open once it is read.
    struct Landing: Sendable, Equatable {
        var session: Session.ID
        var hit: SearchHit
        /// What the pager searches for: the text the hit's line matched.
        var needle: String?
    }

    /// `F`: the search screen, as it was left, or a new one.
    static func show(_ state: inout AppState) {
        if state.focus != .search { state.focusBeforeSearch = state.focus == .pager ? .pager : state.focus }
        var search = state.search ?? SearchScreen()
        // Nothing searched yet: straight to typing; else to the hits, where `/` edits.
        if search.text.isEmpty && search.input == nil { search.input = "" }
        state.search = search
        state.focus = .search
    }

    /// `Esc` on the hits: stops a running search; else back to where `F` was pressed.
    static func back(_ state: inout AppState) -> [Effect] {
        guard var search = state.search else { return [] }
        if search.running {
            let effects = Update.deliver(&state, search.stop())
            state.search = search
            return effects
        }
        state.focus = state.focusBeforeSearch == .pager && state.pager == nil ? .timeline : state.focusBeforeSearch
        if state.focus == .search { state.focus = .list }
        return []
    }

    /// `}` and `{` from anywhere: the next hit, opened.
    static func step(_ state: inout AppState, forward: Bool) {
        guard var search = state.search, !search.results.isEmpty else {
            Update.flash(&state, "no search yet: press F")
            return
        }
        guard search.step(forward: forward) else {
            Update.flash(&state, forward ? "that was the last hit" : "that was the first hit")
            return
        }
        state.search = search
        if state.focus != .search { open(&state) }
    }

    /// Enter on a hit: its session, opened where the hit is.
    static func open(_ state: inout AppState) {
        guard let (hits, hit) = state.search?.selectedHit else { return }
        guard let summary = state.catalog?.summary(id: hits.sessionID), summary.accountID == state.scope.accountID else {
            Update.flash(&state, "#\(hits.sessionID) is no longer in the store", isError: true)
            return
        }
        let id = summary.id
        // The filter would hide the session from the list it is selected in.
        if !state.list.currentRowsContain(id, in: summary.status) { state.list.filter = FilterInput() }
        state.list.select(id: id, in: summary.status)
        state.reading = id
        state.focus = .timeline
        state.pager = nil
        state.landing = nil
        let needle = hit.flatMap { hit in
            state.search?.query.flatMap { query in query.matchRanges(in: hit.line).first.map { String(hit.line[$0]) } }
        }
        state.searchLanding = hit.map { Landing(session: id, hit: $0, needle: needle) }
        if let timeline = state.timeline, timeline.session.id == id {
            land(&state)
        } else {
            // The pane shows another session until this one loads; never let the keys act on that one meanwhile.
            state.timeline = nil
        }
    }

    /// Puts a timeline just read where the chosen hit is, and opens the
    /// pager there. A hit past the first page read waits for the whole session.
    static func land(_ state: inout AppState) {
        guard let landing = state.searchLanding, var timeline = state.timeline, timeline.session.id == landing.session else { return }
        let session = timeline.session
        switch landing.hit.place {
        case .title, .state:
            state.searchLanding = nil
            state.focus = .timeline
        case .interaction(let position, let id):
            let index = position - timeline.earlier
            guard session.interactions.indices.contains(index), session.interactions[index].id == id else {
                // Not in the newest page: the whole session follows.
                if timeline.earlier == 0 {
                    state.searchLanding = nil
                    Update.flash(&state, "the hit's interaction is no longer in #\(session.id)", isError: true)
                }
                return
            }
            state.searchLanding = nil
            timeline.select(.interaction(index))
            state.timeline = timeline
            state.pager = PagerScreen(session: session, index: index, wrap: state.pagerWraps, earlier: timeline.earlier)
            openPager(&state, landing)
        case .message(let index):
            state.searchLanding = nil
            guard session.conversation.indices.contains(index) else { return }
            if timeline.rows.contains(.message(index)) { timeline.select(.message(index)) }
            state.timeline = timeline
            state.pager = PagerScreen(session: session, message: index, wrap: state.pagerWraps)
            openPager(&state, landing)
        }
    }

    private static func openPager(_ state: inout AppState, _ landing: Landing) {
        state.focus = .pager
        guard let rect = state.layout.pager else { return }
        let text = PagerScreen.textArea(of: rect)
        state.pager?.land(on: landing.hit, needle: landing.needle, width: max(1, text.width), rows: max(1, text.height))
    }
}

extension PagerScreen {
    /// Scrolls to the line a search hit names and marks its match, with
    /// every match of the same text marked and `n`/`N` ready to step on.
    mutating func land(on hit: SearchHit, needle: String?, width: Int, rows: Int) {
        guard let needle, !needle.isEmpty else { return }
        var search = PagerSearch(needle, in: lines)
        // Where the part's text begins in the document: outputs under their
        // heading, a message's text under a blank line, fields where they are.
        let start: Int?
        switch hit.part {
        case .stdout: start = lines.firstLine(of: .stdout).map { $0 + 2 }
        case .stderr: start = lines.firstLine(of: .stderr).map { $0 + 2 }
        case .prompt, .reply: start = lines.firstLine(of: .command).map { $0 + 1 }
        case .command: start = lines.firstLine(of: .command)
        case .pipe: start = lines.firstLine(of: .pipe)
        case .title, .state, .error, .id: start = 0
        }
        let target = (start ?? 0) + hit.lineNumber
        let match = search.first(atOrAfter: min(target, max(0, lines.count - 1)), in: lines)
            ?? search.first(atOrAfter: start ?? 0, in: lines) ?? search.end(first: true, in: lines)
        search.current = match
        self.search = search
        if let match { reveal(match, width: width, rows: rows) }
    }
}

extension PagerDocument {
    /// The first line of `part`, nil when the document has none.
    func firstLine(of part: PagerContent.Part) -> Int? {
        for (number, piece) in pieces.enumerated() {
            switch piece {
            case .lines(let lines):
                if let index = lines.firstIndex(where: { $0.part == part }) { return firsts[number] + index }
            case .output(let output):
                if output.part == part { return firsts[number] }
            }
        }
        return nil
    }
}
