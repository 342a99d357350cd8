import SessionsDisplay

/// Columns aligned by terminal cell width, so CJK and emoji keep the grid.
/// Cells arrive sanitised; styling is applied after measuring.
struct Table {
    struct Column {
        var title: String
        var maxWidth: Int = .max
        var alignRight = false
    }

    struct Cell {
        var text: String
        var style: ((String) -> String)? = nil
        init(_ text: String, style: ((String) -> String)? = nil) {
            self.text = text
            self.style = style
        }
    }

    var columns: [Column]
    var rows: [[Cell]] = []

    func render() -> String {
        var widths = columns.map { CellWidth.of($0.title) }
        for row in rows {
            for (index, cell) in row.enumerated() {
                widths[index] = min(max(widths[index], CellWidth.of(cell.text)), columns[index].maxWidth)
            }
        }
        var output = ""
        func emit(_ cells: [Cell]) {
            var line = ""
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                let visible = CellWidth.truncate(cell.text, to: widths[index])
                // Style the visible text only, never the padding.
                let styled = cell.style?(visible) ?? visible
                let padding = String(repeating: " ", count: max(0, widths[index] - CellWidth.of(visible)))
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
        emit(columns.map { Cell($0.title) })
        for row in rows { emit(row) }
        return output
    }
}
