import SessionsDisplay

/// A bordered box centred on the screen: help, the delete confirmation, the
/// new-session form and the account picker. Its geometry is worked out here
/// alone, so the help page scrolls by exactly the rows the box shows.
struct DialogBox: Sendable, Equatable {
    /// The box, border included.
    let outer: Rect
    /// Where its lines go: inside the border, a cell from each side.
    let content: Rect

    /// The box for `lines` of at most `contentWidth` cells under `title`, in
    /// `area`; with `fillWidth`, as wide as the area allows.
    init(title: String, contentWidth: Int, lineCount: Int, fillWidth: Bool, in area: Rect) {
        let width = min(area.width - 2, fillWidth ? area.width - 4 : max(contentWidth, CellWidth.of(title) + 4) + 4)
        let height = min(area.height - 2, lineCount + 2)
        let left = area.x + (area.width - width) / 2
        let top = area.y + max(1, (area.height - height) / 2)
        outer = Rect(x: left, y: top, width: width, height: height)
        content = Rect(x: left + 2, y: top + 1, width: width - 4, height: height - 2)
    }

    /// Widest lines a full-width box in `area` can show.
    static func fullContentWidth(in area: Rect) -> Int { max(0, min(area.width - 2, area.width - 4) - 4) }

    var isDrawable: Bool { outer.width >= 6 && outer.height >= 3 }

    func draw(into frame: inout Frame, title: String, lines: [[Span]]) {
        guard isDrawable else { return }
        let (left, top, width, height) = (outer.x, outer.y, outer.width, outer.height)
        frame.fill(rows: outer.rows, columns: outer.columns, role: .dialog)
        frame.put("┌" + String(repeating: "─", count: width - 2) + "┐", row: top, column: left, role: .dialog)
        frame.put(" " + title + " ", row: top, column: left + 2, limit: left + width - 2, role: .label)
        for row in (top + 1)..<(top + height - 1) {
            frame.put("│", row: row, column: left, role: .dialog)
            frame.put("│", row: row, column: left + width - 1, role: .dialog)
        }
        frame.put("└" + String(repeating: "─", count: width - 2) + "┘", row: top + height - 1, column: left, role: .dialog)
        for (offset, line) in lines.prefix(content.height).enumerated() {
            frame.put(line, row: content.y + offset, column: content.x, limit: content.x + content.width)
        }
    }

    /// The width of the widest line.
    static func width(of lines: [[Span]]) -> Int {
        lines.map { $0.reduce(0) { $0 + CellWidth.of($1.text) } }.max() ?? 0
    }
}
