import SessionsDisplay

/// One terminal cell: a grapheme and what it means. A wide grapheme fills its
/// cell and leaves the next one as a continuation (empty text), so the grid
/// always matches what the terminal shows, column for column.
public struct Cell: Sendable, Equatable {
    public var text: String
    public var role: StyleRole

    public init(_ text: String = " ", _ role: StyleRole = .normal) {
        self.text = text
        self.role = role
    }

    /// Inlinable, as the subscript below: the terminal backend, a module of
    /// its own, reads and compares every cell of every frame through them.
    @inlinable public var isContinuation: Bool { text.isEmpty }

    @inlinable public static func == (a: Cell, b: Cell) -> Bool { a.role == b.role && a.text == b.text }
}

/// A run of text with one role; screens build lines from these.
public struct Span: Sendable, Equatable {
    public var text: String
    public var role: StyleRole

    public init(_ text: String, _ role: StyleRole = .normal) {
        self.text = text
        self.role = role
    }
}

/// What the screen should show, as a grid of cells. Rendering produces one;
/// the terminal backend draws it and tests read it back as text. Text put here
/// must already be sanitized: the frame trusts its input.
public struct Frame: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Where the terminal's cursor should blink (a text field), if anywhere.
    public var cursor: (row: Int, column: Int)? {
        get { cursorPosition.map { ($0 / max(width, 1), $0 % max(width, 1)) } }
        set { cursorPosition = newValue.map { $0.row * width + $0.column } }
    }
    private var cursorPosition: Int?

    public init(width: Int, height: Int, role: StyleRole = .normal) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(" ", role), count: self.width * self.height)
    }

    @inlinable public subscript(row: Int, column: Int) -> Cell {
        cells[row * width + column]
    }

    /// Paints `role` over a row's cells in `columns` without changing the text.
    public mutating func paint(row: Int, columns: Range<Int>, role: StyleRole) {
        guard row >= 0 && row < height else { return }
        for column in max(0, columns.lowerBound)..<min(width, columns.upperBound) {
            cells[row * width + column].role = role
        }
    }

    /// Blanks a row's cells in `columns` with `role`.
    public mutating func fill(row: Int, columns: Range<Int>, role: StyleRole, with text: String = " ") {
        guard row >= 0 && row < height else { return }
        let lower = max(0, columns.lowerBound), upper = min(width, columns.upperBound)
        guard lower < upper else { return }
        clearWideNeighbours(row: row, from: lower, to: upper)
        for column in lower..<upper { cells[row * width + column] = Cell(text, role) }
    }

    public mutating func fill(rows: Range<Int>, columns: Range<Int>, role: StyleRole) {
        for row in rows { fill(row: row, columns: columns, role: role) }
    }

    /// Writes `text` from `column`, never past `limit` (an exclusive column,
    /// default the frame's edge). A wide grapheme that would straddle the limit
    /// becomes a space, so nothing spills into the next pane. Returns the column
    /// after the last cell written.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, limit: Int? = nil, role: StyleRole = .normal) -> Int {
        let end = min(limit ?? width, width)
        guard row >= 0 && row < height && column < end else { return column }
        var x = column
        for character in text {
            let w = CellWidth.of(character)
            if x + w > end {
                if x < end { fill(row: row, columns: x..<end, role: role) }
                return end
            }
            if x >= 0 {
                clearWideNeighbours(row: row, from: x, to: x + w)
                let base = row * width
                cells[base + x] = Cell(String(character), role)
                if w == 2 { cells[base + x + 1] = Cell("", role) }
            }
            x += w
        }
        return x
    }

    /// Writes spans one after another; returns the column after the last.
    /// Spans that do not fit end in `…` on a cell boundary.
    @discardableResult
    public mutating func put(_ spans: [Span], row: Int, column: Int, limit: Int? = nil) -> Int {
        let end = min(limit ?? width, width)
        var remaining = end - column
        var x = column
        for (index, span) in spans.enumerated() {
            let w = CellWidth.of(span.text)
            let isLast = index == spans.count - 1
            if w > remaining || (w == remaining && !isLast && spans[(index + 1)...].contains { !$0.text.isEmpty }) {
                let cut = CellWidth.truncate(span.text, to: max(0, remaining))
                return put(cut.isEmpty && remaining > 0 ? "…" : cut, row: row, column: x, limit: end, role: span.role)
            }
            x = put(span.text, row: row, column: x, limit: end, role: span.role)
            remaining -= w
        }
        return x
    }

    /// Overwriting half of a wide grapheme would leave the other half dangling
    /// on screen; blank it instead.
    private mutating func clearWideNeighbours(row: Int, from lower: Int, to upper: Int) {
        let base = row * width
        if lower > 0 && lower < width && cells[base + lower].isContinuation {
            cells[base + lower - 1].text = " "
        }
        if upper < width && cells[base + upper].isContinuation {
            cells[base + upper].text = " "
        }
    }

    /// The frame as plain text, one line per row, without trailing spaces;
    /// what golden files hold.
    public var text: String {
        var lines: [String] = []
        lines.reserveCapacity(height)
        for row in 0..<height { lines.append(line(row)) }
        return lines.joined(separator: "\n")
    }

    public func line(_ row: Int) -> String {
        var line = ""
        for column in 0..<width { line += cells[row * width + column].text }
        while line.last == " " { line.removeLast() }
        return line
    }

    /// The roles along a row, for tests that check colour-independent meaning.
    public func roles(row: Int) -> [StyleRole] {
        (0..<width).map { cells[row * width + $0].role }
    }

    public static func == (a: Frame, b: Frame) -> Bool {
        a.width == b.width && a.height == b.height && a.cells == b.cells && a.cursorPosition == b.cursorPosition
    }
}
