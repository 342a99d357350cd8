import SessionsDisplay

/// Columns aligned by terminal cell width, so CJK and emoji keep the grid.
/// Cells arrive sanitised; styling is applied after measuring.
struct Table {
    struct Column {
        var title: String
        var maxWidth: Int = .max
        var alignRight = false
        /// May be narrowed (its cells truncated with …) to fit the terminal.
        var shrinks = false
        /// May be left out on a narrow terminal; lower numbers go first.
        var dropOrder: Int? = nil
    }

    struct Cell {
        var text: String
        var style: ((String) -> String)? = nil
        /// How the text is cut to a narrower column, if not by its end.
        var cut: ((String, Int) -> String)? = nil
        init(_ text: String, style: ((String) -> String)? = nil, cut: ((String, Int) -> String)? = nil) {
            self.text = text
            self.style = style
            self.cut = cut
        }
    }

    var columns: [Column]
    var rows: [[Cell]] = []

    /// Shrinking columns keep this many cells before optional columns are
    /// dropped, and never get narrower than the minimum.
    static let comfortableWidth = 16
    static let minimumShrunkWidth = 8

    /// The table as text. With `fitting`, the table is made to fit that many
    /// columns: no column is wider than its `maxWidth`, shrinking columns
    /// give up cells (widest first) down to a comfortable width, then
    /// optional columns are left out, then shrinking continues to the
    /// minimum. Past that, lines are left to wrap. Without it (a pipe, a
    /// file), nothing is cut: a script reading the output gets every character.
    func render(fitting limit: Int? = nil) -> String {
        // Measure every cell once; emitting reuses the measurement and only
        // truncates the cells that overflow their column.
        let header = columns.map { Cell($0.title) }
        let measured = ([header] + rows).map { row in row.map { CellWidth.of($0.text) } }
        var widths = Array(repeating: 0, count: columns.count)
        for row in measured {
            for (index, width) in row.enumerated() {
                widths[index] = min(max(widths[index], width), limit == nil ? .max : columns[index].maxWidth)
            }
        }
        var shown = Array(columns.indices)
        if let limit {
            func total(floor: Int = .max) -> Int {
                shown.reduce(2 * (shown.count - 1)) { $0 + (columns[$1].shrinks ? min(widths[$1], floor) : widths[$1]) }
            }
            // Leave out optional columns only if the shrinking ones would
            // otherwise drop below a comfortable width...
            let optional = shown.filter { columns[$0].dropOrder != nil }.sorted { columns[$0].dropOrder! < columns[$1].dropOrder! }
            for column in optional where total(floor: Table.comfortableWidth) > limit { shown.removeAll { $0 == column } }
            // ...then shrink, widest first, giving back what the dropped columns freed.
            while total() > limit {
                let candidates = shown.filter { columns[$0].shrinks && widths[$0] > Table.minimumShrunkWidth }
                guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
                widths[widest] -= 1
            }
        }
        var output = ""
        for (cells, cellWidths) in zip([header] + rows, measured) {
            var line = ""
            for index in shown {
                let cell = cells[index]
                let isLast = index == shown.last
                var visible = cell.text
                var used = cellWidths[index]
                if used > widths[index] {
                    visible = cell.cut?(cell.text, widths[index]) ?? CellWidth.truncate(cell.text, to: widths[index])
                    used = CellWidth.of(visible)
                }
                // Style the visible text only, never the padding.
                let styled = cell.style?(visible) ?? visible
                let padding = String(repeating: " ", count: max(0, widths[index] - used))
                if columns[index].alignRight {
                    line += padding + styled
                } else {
                    line += styled + (isLast ? "" : padding)
                }
                if !isLast { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            output += line + "\n"
        }
        return output
    }
}
