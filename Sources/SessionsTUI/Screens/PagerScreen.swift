import SessionsDisplay
import SessionsKit

/// One interaction opened in full, across the whole width: its fields, stdout
/// and stderr, wrapped or cut and scrolled sideways, searchable match by
/// match, with matches marked. Or one prompt or reply of the conversation,
/// read the same way.
public struct PagerScreen: Sendable {
    public typealias Part = PagerContent.Part

    /// Which interaction of the open session this is; 0 while `message` is
    /// set, where `[` and `]` step through the conversation instead.
    public private(set) var index: Int
    /// Which message of the conversation this is, when it is one.
    public private(set) var message: Int?
    /// How many interactions come before those of the session it was opened
    /// in, while a long session is still being read.
    public private(set) var earlier = 0
    /// What the document was built from, to tell whether a reload changed it.
    let source: Source

    enum Source: Sendable, Equatable {
        case interaction(Interaction)
        case message(ConversationMessage)
    }
    public private(set) var title: String
    public let lines: PagerDocument
    public let copyText: [PagerCopyMenu.Choice: String]
    /// The first line shown, and how many of its wrapped rows are scrolled past.
    public var top = 0
    public var topRow = 0
    public var wrap = true
    /// Cells scrolled past on the left; only with wrap off.
    public var column = 0
    /// The search being typed, while `/` is open.
    public var searchInput: String?
    /// The last search, which `n` and `N` step through.
    public var search: PagerSearch?
    /// Open while `y` asks which part to copy.
    public var copyMenu: PagerCopyMenu?
    /// The text area the position was last made valid for. A clamp lays the
    /// last lines out again, which in a megabyte line means scanning it, so
    /// the normalising pass clamps only when the area changed; every
    /// handler that moves the position clamps it itself.
    private(set) var clampedFor: TextArea?

    struct TextArea: Sendable, Equatable {
        var width: Int
        var rows: Int
    }

    public init(session: Session, index: Int, wrap: Bool = true, earlier: Int = 0) {
        self.index = index
        self.wrap = wrap
        self.earlier = earlier
        source = .interaction(session.interactions[index])
        let content = PagerContent(session: session, index: index, earlier: earlier)
        (title, lines, copyText) = (content.title, content.lines, content.copyText)
    }

    /// Message `message` of the session's conversation.
    public init(session: Session, message: Int, wrap: Bool = true) {
        let messages = session.conversation
        self.message = message
        self.index = 0
        self.wrap = wrap
        source = .message(messages[message])
        let content = PagerContent(session: session, message: message, of: messages)
        (title, lines, copyText) = (content.title, content.lines, content.copyText)
    }

    /// Interaction `index` of `session`, read the way this one was read: the
    /// same wrap, and the same search, counted in the new text.
    func opening(_ index: Int, of session: Session) -> PagerScreen {
        searching(PagerScreen(session: session, index: index, wrap: wrap, earlier: earlier))
    }

    /// Message `message` of `session`, read the way this one was read.
    func opening(message: Int, of session: Session) -> PagerScreen {
        searching(PagerScreen(session: session, message: message, wrap: wrap))
    }

    /// `next` with this one's search, counted in its text.
    private func searching(_ next: PagerScreen) -> PagerScreen {
        var next = next
        next.search = search.map { PagerSearch($0.needle, in: next.lines) }
        return next
    }

    /// This interaction in a newer copy of its session: the same screen if
    /// the interaction did not change (with a new title if the session
    /// grew: its text and search are not built or counted again), else
    /// rebuilt where it was scrolled to (a pending interaction that finished
    /// while open shows its result); nil if the interaction is gone.
    func reloaded(with session: Session, earlier: Int = 0) -> PagerScreen? {
        if let message {
            // A conversation only grows, and an import puts fuller text in place of the same message.
            let messages = session.conversation
            guard messages.indices.contains(message) else { return nil }
            guard case .message(let shown) = source, messages[message] != shown else { return self }
            var fresh = opening(message: message, of: session)
            fresh.top = min(top, max(0, fresh.lines.count - 1))
            fresh.column = column
            return fresh
        }
        // Counted in the newer copy, which may hold more of the session.
        let index = self.index + self.earlier - earlier
        guard session.interactions.indices.contains(index) else { return nil }
        guard source != .interaction(session.interactions[index]) else {
            var same = self
            same.index = index
            same.earlier = earlier
            same.title = PagerContent.title(session: session, index: index, earlier: earlier)
            return same
        }
        var moved = self
        moved.earlier = earlier
        var fresh = moved.opening(index, of: session)
        fresh.top = min(top, max(0, fresh.lines.count - 1))
        fresh.column = column
        fresh.searchInput = searchInput
        fresh.copyMenu = copyMenu.map { _ in PagerCopyMenu(copyText: fresh.copyText) }
        return fresh
    }

    /// Where the text goes within the pager's rectangle: below the title, a
    /// cell in from the left.
    static func textArea(of rect: Rect) -> Rect { rect.inset(left: 1, top: 1) }

    // MARK: - Handling

    /// - Parameter session: the open session, for moving to another interaction.
    mutating func handle(_ intent: Intent, text: Rect, session: Session?) -> Reply? {
        let (width, rows) = (max(1, text.width), max(1, text.height))
        switch intent {
        case .moveDown: scroll(by: 1, width: width, rows: rows)
        case .moveUp: scroll(by: -1, width: width, rows: rows)
        case .pageDown: scroll(by: rows - 1, width: width, rows: rows)
        case .pageUp: scroll(by: -(rows - 1), width: width, rows: rows)
        case .moveTop: (top, topRow) = (0, 0)
        case .moveBottom: scrollToEnd(width: width, rows: rows)
        case .scrollRight: return scrollRight(width: width, rows: rows)
        case .scrollLeft: column = max(0, column - Self.sideways(width))
        case .toggleWrap:
            wrap.toggle()
            (topRow, column) = (0, 0)
            clampToEnd(width: width, rows: rows)
            return .say(wrap ? "wrap on" : "wrap off")
        case .search:
            searchInput = ""
        case .searchNext, .searchPrevious:
            return step(forward: intent == .searchNext, width: width, rows: rows)
        case .openInPager:
            return .perform(.terminal(.openPager(lines.plainText())))
        case .copy:
            copyMenu = PagerCopyMenu(copyText: copyText)
        case .nextError, .previousError, .nextInteraction, .previousInteraction:
            guard let session else { return Reply.none }
            if let message { return step(fromMessage: message, forward: intent == .nextInteraction || intent == .nextError, in: session) }
            return stepInteraction(intent, in: session)
        default:
            return nil
        }
        return Reply.none
    }

    /// Within the conversation, prompt to reply and on.
    private mutating func step(fromMessage message: Int, forward: Bool, in session: Session) -> Reply {
        let next = message + (forward ? 1 : -1)
        guard session.conversation.indices.contains(next) else {
            return .say(forward ? "this is the last message" : "this is the first message")
        }
        self = opening(message: next, of: session)
        return Reply.none
    }

    private mutating func stepInteraction(_ intent: Intent, in session: Session) -> Reply? {
        switch intent {
        case .nextError, .previousError:
            let jump = TimelineScreen.errorJump(in: session.interactions, from: index, forward: intent == .nextError)
            if let next = jump.index, next != index { self = opening(next, of: session) }
            return .say(jump.message)
        case .nextInteraction, .previousInteraction:
            let next = index + (intent == .nextInteraction ? 1 : -1)
            guard session.interactions.indices.contains(next) else {
                return .say(intent == .nextInteraction ? "this is the last interaction" : "this is the first interaction")
            }
            self = opening(next, of: session)
        default:
            return nil
        }
        return Reply.none
    }

    /// A key while a search is being typed.
    mutating func handleTyping(_ intent: Intent, key: Key, text: Rect) -> Reply {
        guard var input = searchInput else { return Reply.none }
        switch intent {
        case .accept:
            searchInput = nil
            guard !input.isEmpty else { return Reply.none }
            // Counted once, here: `n`, `N` and the footer use the count.
            search = PagerSearch(input, in: lines)
            return step(forward: true, width: max(1, text.width), rows: max(1, text.height))
        case .cancel: searchInput = nil
        case .deleteBackward: if !input.isEmpty { input.removeLast() }
        case .clearLine: input = ""
        case .typeText: if let character = key.typedCharacter { input.append(character) }
        default: break
        }
        if searchInput != nil { searchInput = input }
        return Reply.none
    }

    /// A key while the copy menu is open: a part copies it and closes the
    /// menu; a part this interaction lacks says so and leaves it open.
    mutating func handleCopyMenu(_ intent: Intent) -> Reply {
        guard let menu = copyMenu else { return Reply.none }
        if intent == .cancel {
            copyMenu = nil
            return Reply.none
        }
        guard let choice = PagerCopyMenu.Choice(intent) else { return Reply.none }
        guard menu.choices.contains(choice) else {
            return .say(choice == .pipe ? "this interaction has no pipe" : "\(choice.name) is empty")
        }
        copyMenu = nil
        let text = choice == .interaction ? lines.plainText() : copyText[choice] ?? ""
        return .perform(.terminal(.copyToClipboard(text, what: choice.name)))
    }

    // MARK: - Searching

    /// `n`, `N`, and a new search: the next (or previous) match after the
    /// one the view is on, or, when that one is off screen or there is none
    /// yet, the first from the top of the screen (the last above it); round
    /// the end of the text, saying so.
    mutating func step(forward: Bool, width: Int, rows: Int) -> Reply {
        guard var search else { return .say("no search yet: press /") }
        guard search.total > 0 else { return .say("not found: \(search.needle)", isError: true) }
        var target: PagerSearch.Match?
        if let current = search.current, isOnScreen(current, width: width, rows: rows) {
            target = forward ? search.after(current, in: lines) : search.before(current, in: lines)
        } else {
            target = forward ? search.first(atOrAfter: top, in: lines) : search.last(before: top, in: lines)
        }
        var reply = Reply.none
        if target == nil {
            target = search.end(first: forward, in: lines)
            reply = .say(forward ? "search wrapped to the top" : "search wrapped to the bottom")
        }
        search.current = target
        self.search = search
        if let target { reveal(target, width: width, rows: rows) }
        return reply
    }

    /// The wrapped row of its line a match is on.
    func row(of match: PagerSearch.Match, width: Int) -> Int {
        guard wrap else { return 0 }
        return rows(of: match.line, width: width, current: match.occurrence)
            .firstIndex { $0.contains { $0.role == .matchCurrent } } ?? 0
    }

    /// Whether a match's row is among those on screen; sideways it may be out of view.
    func isOnScreen(_ match: PagerSearch.Match, width: Int, rows: Int) -> Bool {
        guard match.line >= top else { return false }
        let row = row(of: match, width: width)
        if match.line == top { return row >= topRow && row - topRow < rows }
        var used = rowCount(of: top, width: width) - topRow
        var line = top + 1
        while line < match.line && used < rows {
            used += rowCount(of: line, width: width)
            line += 1
        }
        return used + row < rows
    }

    /// Scrolls so `match` shows: its row at the top unless it is on screen
    /// already, and with wrap off, its cells within the width.
    mutating func reveal(_ match: PagerSearch.Match, width: Int, rows: Int) {
        if !isOnScreen(match, width: width, rows: rows) {
            (top, topRow) = (match.line, row(of: match, width: width))
            clampToEnd(width: width, rows: rows)
        }
        guard !wrap, let search else { return }
        let marked = TextLayout.highlight(lines.line(match.line).spans, search.needle.lowercased(), current: match.occurrence)
        guard let index = marked.firstIndex(where: { $0.role == .matchCurrent }) else { return }
        let start = TextLayout.cells(Array(marked[..<index]))
        let end = start + TextLayout.cells([marked[index]])
        // The last cell may be the `…` of a longer line.
        if start < column || end > column + width - 1 {
            column = end <= width - 1 ? 0 : max(0, start - width / 4)
        }
    }

    // MARK: - Scrolling sideways

    /// Cells one press scrolls sideways: half the width, as a line read on
    /// keeps its place in view.
    static func sideways(_ width: Int) -> Int { max(1, width / 2) }

    /// Right, as far as the longest line on screen goes; with wrap on,
    /// every line shows whole already.
    mutating func scrollRight(width: Int, rows: Int) -> Reply {
        guard !wrap else { return .say("wrap is on: w turns it off, to scroll sideways") }
        let shown = top..<min(lines.count, top + rows)
        let widest = shown.map { cells(ofLine: $0) }.max() ?? 0
        let limit = max(0, widest - width)
        guard column < limit else {
            return .say(limit == 0 && column == 0 ? "every line here fits the screen" : "at the end of the longest line here")
        }
        column = min(limit, column + Self.sideways(width))
        return Reply.none
    }

    /// Cells line `line` takes unwrapped; a long line is counted once.
    func cells(ofLine line: Int) -> Int {
        let count = { [lines] in TextLayout.cells(lines.line(line).spans) }
        guard lines.byteCount(of: line) > LongLineLayouts.threshold else { return count() }
        return lines.layouts.cells(ofLine: line, count: count)
    }

    // MARK: - Laying out lines

    /// Rows a line takes at `width`: one unless wrapping splits it.
    public func rowCount(of line: Int, width: Int) -> Int {
        guard wrap, width > 0 else { return 1 }
        if lines.byteCount(of: line) > LongLineLayouts.threshold { return rows(of: line, width: width).count }
        let spans = lines.line(line).spans
        let cells = spans.reduce(0) { $0 + CellWidth.of($1.text) }
        if cells <= width { return 1 }
        // Counted the way the screen wraps: a wide character never straddles the edge.
        return TextLayout.wrap(spans, width: width).count
    }

    /// Line `line` as the screen shows it at `width`: wrapped into rows, or
    /// cut to one from the column scrolled to, with search matches marked
    /// and the current one apart. Long lines are laid out once.
    public func rows(of line: Int, width: Int) -> [[Span]] {
        rows(of: line, width: width, current: search?.current.flatMap { $0.line == line ? $0.occurrence : nil })
    }

    func rows(of line: Int, width: Int, current: Int?) -> [[Span]] {
        let needle = search.flatMap { $0.needle.isEmpty ? nil : $0.needle.lowercased() }
        let column = wrap ? 0 : self.column
        let layout = { [lines, wrap] () -> [[Span]] in
            var spans = lines.line(line).spans
            if let needle { spans = TextLayout.highlight(spans, needle, current: current) }
            return wrap ? TextLayout.wrap(spans, width: width) : [TextLayout.cut(TextLayout.dropCells(spans, column), width: width)]
        }
        guard lines.byteCount(of: line) > LongLineLayouts.threshold else { return layout() }
        return lines.layouts.rows(.init(line: line, width: width, wrap: wrap, column: column, needle: needle, current: current),
                                  layout: layout)
    }

    /// Scrolls by `delta` screen rows, wrapping-aware, clamped so the last
    /// page stays full.
    public mutating func scroll(by delta: Int, width: Int, rows: Int) {
        guard !lines.isEmpty else { return }
        if delta > 0 {
            for _ in 0..<delta {
                if topRow + 1 < rowCount(of: top, width: width) {
                    topRow += 1
                } else if top + 1 < lines.count {
                    top += 1
                    topRow = 0
                } else { break }
            }
        } else {
            for _ in 0..<(-delta) {
                if topRow > 0 {
                    topRow -= 1
                } else if top > 0 {
                    top -= 1
                    topRow = rowCount(of: top, width: width) - 1
                } else { break }
            }
        }
        clampToEnd(width: width, rows: rows)
    }

    /// Keeps the last page full: never scroll past the point where the final
    /// line sits on the bottom row.
    public mutating func clampToEnd(width: Int, rows: Int) {
        let limit = lastTop(width: width, rows: rows)
        if (top, topRow) > (limit.line, limit.row) { (top, topRow) = (limit.line, limit.row) }
        clampedFor = TextArea(width: width, rows: rows)
    }

    /// Clamps unless the position is already known to be valid for this area.
    mutating func keepClamped(width: Int, rows: Int) {
        if clampedFor != TextArea(width: width, rows: rows) { clampToEnd(width: width, rows: rows) }
    }

    public mutating func scrollToEnd(width: Int, rows: Int) {
        let limit = lastTop(width: width, rows: rows)
        (top, topRow) = (limit.line, limit.row)
        clampedFor = TextArea(width: width, rows: rows)
    }

    func lastTop(width: Int, rows: Int) -> (line: Int, row: Int) {
        var remaining = rows
        var line = lines.count - 1
        while line >= 0 {
            let count = rowCount(of: line, width: width)
            if count >= remaining { return (line, count - remaining) }
            remaining -= count
            line -= 1
        }
        return (0, 0)
    }

    // MARK: - Drawing

    /// "match 3/12  line 12/340 3% col 41 nowrap", for the footer: the
    /// match the view is on, then the line and the column scrolled to.
    var position: String {
        guard !lines.isEmpty else { return "" }
        let percent = lines.count <= 1 ? 100 : top * 100 / (lines.count - 1)
        let line = "line \(top + 1)/\(lines.count) \(percent)%" + (column > 0 ? " col \(column + 1)" : "") + (wrap ? "" : " nowrap")
        return [search?.counter, line].compactMap { $0 }.joined(separator: "  ")
    }

    func draw(into frame: inout Frame, in rect: Rect, keyMap: KeyMap) {
        frame.fill(row: rect.y, columns: rect.columns, role: .border, with: "─")
        frame.put(" " + title + " ", row: rect.y, column: rect.x + 1, role: .border)
        let text = Self.textArea(of: rect)
        let width = max(1, text.width)
        var row = text.y
        var line = top
        var skip = topRow
        while row < text.rows.upperBound && line < lines.count {
            for piece in rows(of: line, width: width).dropFirst(skip) {
                guard row < text.rows.upperBound else { break }
                frame.put(piece, row: row, column: text.x, limit: text.x + width)
                row += 1
            }
            skip = 0
            line += 1
        }
        copyMenu?.draw(into: &frame, in: rect, keyMap: keyMap)
    }
}
