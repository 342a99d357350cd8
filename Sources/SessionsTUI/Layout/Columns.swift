import SessionsDisplay

/// The columns of a table-like pane, one cell apart. A pane works out its
/// columns once per frame and builds its title row and every row from the
/// same value, so no width is summed by hand to mirror a list of spans.
struct Columns: Sendable, Equatable {
    struct Column: Sendable, Equatable {
        var width: Int
        var alignRight = false
    }

    static let gap = 1

    let columns: [Column]

    init(_ columns: [Column]) { self.columns = columns }

    /// The cells left for flexible columns in `width`, when `fixed` are the
    /// widths of the others and `count` columns in all sit a gap apart.
    static func remaining(in width: Int, fixed: [Int], count: Int) -> Int {
        width - fixed.reduce(0, +) - max(0, count - 1) * gap
    }

    var totalWidth: Int { columns.reduce(0) { $0 + $1.width } + max(0, columns.count - 1) * Self.gap }

    /// One row: each cell fitted to its column, a gap between. The last
    /// column is not padded out, so nothing is drawn past its text. Fewer
    /// cells than columns end the row early.
    func row(_ cells: [Span]) -> [Span] {
        var spans: [Span] = []
        spans.reserveCapacity(cells.count * 2)
        for (index, (cell, column)) in zip(cells, columns).enumerated() {
            if index > 0 { spans.append(Span(" ")) }
            let isLast = index == columns.count - 1
            let text = isLast && !column.alignRight
                ? CellWidth.truncate(cell.text, to: column.width)
                : CellWidth.fit(cell.text, to: max(0, column.width), alignRight: column.alignRight)
            spans.append(Span(text, cell.role))
        }
        return spans
    }
}
