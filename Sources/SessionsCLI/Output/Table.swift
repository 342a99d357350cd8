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
        // Measure every cell once; emitting reuses the measurement and only
        // truncates the cells that overflow their column.
        let header = columns.map { Cell($0.title) }
        let measured = ([header] + rows).map { row in row.map { CellWidth.of($0.text) } }
        var widths = Array(repeating: 0, count: columns.count)
        for row in measured {
            for (index, width) in row.enumerated() { widths[index] = min(max(widths[index], width), columns[index].maxWidth) }
        }
        var output = ""
        for (cells, cellWidths) in zip([header] + rows, measured) {
            var line = ""
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                var visible = cell.text
                var used = cellWidths[index]
                if used > widths[index] {
                    visible = CellWidth.truncate(cell.text, to: widths[index])
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
