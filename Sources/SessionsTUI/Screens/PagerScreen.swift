import SessionsDisplay
import SessionsKit

/// One interaction opened in full, across the whole width: its fields, stdout
/// and stderr, wrapped or cut, searchable, with matches marked.
public struct PagerScreen: Sendable {
    public typealias Part = PagerContent.Part

    /// Which interaction of the open session this is.
    public let index: Int
    /// What the document was built from, to tell whether a reload changed it.
    public let interaction: Interaction
    public let title: String
    public let lines: PagerDocument
    public let copyText: [Part: String]
    /// The first line shown, and how many of its wrapped rows are scrolled past.
    public var top = 0
    public var topRow = 0
    public var wrap = true
    /// The search being typed, while `/` is open.
    public var searchInput: String?
    /// The last search, which `n` and `N` repeat.
    public var search: String?
    /// The text area the position was last made valid for. A clamp lays the
    /// last lines out again, which in a megabyte line means scanning it, so
    /// the normalising pass clamps only when the area changed; every
    /// handler that moves the position clamps it itself.
    private(set) var clampedFor: TextArea?

    struct TextArea: Sendable, Equatable {
        var width: Int
        var rows: Int
    }

    public init(session: Session, index: Int) {
        self.index = index
        interaction = session.interactions[index]
        let content = PagerContent(session: session, index: index)
        (title, lines, copyText) = (content.title, content.lines, content.copyText)
    }

    /// Interaction `index` of `session`, read the way this one was read.
    func opening(_ index: Int, of session: Session) -> PagerScreen {
        var next = PagerScreen(session: session, index: index)
        next.wrap = wrap
        next.search = search
        return next
    }

    /// This interaction in a newer copy of its session: the same screen if
    /// nothing it shows changed, else rebuilt where it was scrolled to (a
    /// pending interaction that finished while open shows its result); nil
    /// if the interaction is gone.
    func reloaded(with session: Session) -> PagerScreen? {
        guard index < session.interactions.count else { return nil }
        var fresh = opening(index, of: session)
        guard fresh.interaction != interaction || fresh.title != title else { return self }
        fresh.top = min(top, max(0, fresh.lines.count - 1))
        fresh.searchInput = searchInput
        return fresh
    }

    /// What `y` copies: the part at the top of the screen.
    public var partAtTop: Part { top < lines.count ? lines.part(of: top) : .fields }

    /// Where the text goes within the pager's rectangle: below the title, a
    /// cell in from the left.
    static func textArea(of rect: Rect) -> Rect { rect.inset(left: 1, top: 1) }

    // MARK: - Handling

    /// - Parameter session: the open session, for moving to another error.
    mutating func handle(_ intent: Intent, text: Rect, session: Session?) -> Reply? {
        let (width, rows) = (max(1, text.width), max(1, text.height))
        switch intent {
        case .moveDown: scroll(by: 1, width: width, rows: rows)
        case .moveUp: scroll(by: -1, width: width, rows: rows)
        case .pageDown: scroll(by: rows - 1, width: width, rows: rows)
        case .pageUp: scroll(by: -(rows - 1), width: width, rows: rows)
        case .moveTop: (top, topRow) = (0, 0)
        case .moveBottom: scrollToEnd(width: width, rows: rows)
        case .toggleWrap:
            wrap.toggle()
            topRow = 0
            clampToEnd(width: width, rows: rows)
            return .say(wrap ? "wrap on" : "wrap off")
        case .search:
            searchInput = ""
        case .searchNext, .searchPrevious:
            guard let needle = search else { return .say("no search yet: press /") }
            let forward = intent == .searchNext
            return jump(to: needle, from: forward ? top + 1 : top - 1, forward: forward, width: width, rows: rows)
        case .openInPager:
            let text = (0..<lines.count).map { lines.line($0).spans.map(\.text).joined() }.joined(separator: "\n") + "\n"
            return .perform(.terminal(.openPager(text)))
        case .copy:
            return .perform(.terminal(.copyToClipboard(copyText[partAtTop] ?? "")))
        case .nextError, .previousError:
            guard let session else { return Reply.none }
            let jump = TimelineScreen.errorJump(in: session.interactions, from: index, forward: intent == .nextError)
            if let next = jump.index, next != index { self = opening(next, of: session) }
            return .say(jump.message)
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
            search = input
            return jump(to: input, from: top, forward: true, width: max(1, text.width), rows: max(1, text.height))
        case .cancel: searchInput = nil
        case .deleteBackward: if !input.isEmpty { input.removeLast() }
        case .clearLine: input = ""
        case .typeText: if let character = key.typedCharacter { input.append(character) }
        default: break
        }
        if searchInput != nil { searchInput = input }
        return Reply.none
    }

    private mutating func jump(to needle: String, from start: Int, forward: Bool, width: Int, rows: Int) -> Reply {
        guard let line = find(needle, from: start, forward: forward) else { return .say("not found: \(needle)", isError: true) }
        (top, topRow) = (line, 0)
        clampToEnd(width: width, rows: rows)
        return Reply.none
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
    /// cut to one, with search matches marked. Long lines are laid out once.
    public func rows(of line: Int, width: Int) -> [[Span]] {
        let needle = search.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        let layout = { [lines, wrap] () -> [[Span]] in
            var spans = lines.line(line).spans
            if let needle { spans = TextLayout.highlight(spans, needle) }
            return wrap ? TextLayout.wrap(spans, width: width) : [TextLayout.cut(spans, width: width)]
        }
        guard lines.byteCount(of: line) > LongLineLayouts.threshold else { return layout() }
        return lines.layouts.rows(.init(line: line, width: width, wrap: wrap, needle: needle), layout: layout)
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

    /// The next line at or after (`forward`) or before `start` containing
    /// `needle`, wrapping around the document.
    public func find(_ needle: String, from start: Int, forward: Bool) -> Int? {
        guard !needle.isEmpty, !lines.isEmpty else { return nil }
        let count = lines.count
        let start = (start % count + count) % count
        if forward {
            return lines.match(needle, in: start..<count, last: false) ?? lines.match(needle, in: 0..<start, last: false)
        }
        return lines.match(needle, in: 0..<(start + 1), last: true) ?? lines.match(needle, in: (start + 1)..<count, last: true)
    }

    // MARK: - Drawing

    /// "line 12/340 3%", for the footer.
    var position: String {
        guard !lines.isEmpty else { return "" }
        let percent = lines.count <= 1 ? 100 : top * 100 / (lines.count - 1)
        return "line \(top + 1)/\(lines.count) \(percent)%" + (wrap ? "" : " nowrap")
    }

    func draw(into frame: inout Frame, in rect: Rect) {
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
    }
}
