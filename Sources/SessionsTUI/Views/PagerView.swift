import SessionsDisplay

/// One interaction in full, across the whole width: fields, then stdout and
/// stderr, wrapped or cut, with search matches marked.
enum PagerView {
    static func draw(into frame: inout Frame, _ state: AppState, _ detail: PagerState) {
        let layout = state.layout
        let titleRow = layout.body.lowerBound
        frame.fill(row: titleRow, columns: 0..<frame.width, role: .border, with: "─")
        frame.put(" " + detail.title + " ", row: titleRow, column: 1, role: .border)
        let width = Update.pagerWidth(state)
        let needle = detail.search?.lowercased()
        var row = titleRow + 1
        var line = detail.top
        var skip = detail.topRow
        while row < layout.body.upperBound && line < detail.lines.count {
            var spans = detail.lines.line(line).spans
            if let needle, !needle.isEmpty { spans = highlight(spans, needle) }
            let pieces = detail.wrap ? wrap(spans, width: width) : [cut(spans, width: width)]
            for piece in pieces.dropFirst(skip) {
                guard row < layout.body.upperBound else { break }
                frame.put(piece, row: row, column: 1, limit: 1 + width)
                row += 1
            }
            skip = 0
            line += 1
        }
    }

    /// Splits spans into rows of at most `width` cells, never inside a grapheme.
    static func wrap(_ spans: [Span], width: Int) -> [[Span]] {
        var rows: [[Span]] = [[]]
        var used = 0
        for span in spans {
            var current = ""
            for character in span.text {
                let w = CellWidth.of(character)
                if used + w > width {
                    if !current.isEmpty { rows[rows.count - 1].append(Span(current, span.role)) }
                    rows.append([])
                    current = ""
                    used = 0
                }
                current.append(character)
                used += w
            }
            if !current.isEmpty { rows[rows.count - 1].append(Span(current, span.role)) }
        }
        return rows
    }

    /// The first row of the line, ending in `…` if it was longer.
    static func cut(_ spans: [Span], width: Int) -> [Span] {
        let total = spans.reduce(0) { $0 + CellWidth.of($1.text) }
        guard total > width else { return spans }
        var rows = wrap(spans, width: width - 1)
        var first = rows.isEmpty ? [] : rows.removeFirst()
        first.append(Span("…", .dim))
        return first
    }

    /// Marks every case-insensitive occurrence of `needle`.
    static func highlight(_ spans: [Span], _ needle: String) -> [Span] {
        let text = spans.map(\.text).joined()
        let lower = Array(text.lowercased())
        let characters = Array(text)
        // Lower-casing can change the character count (rare); skip marking then.
        guard lower.count == characters.count, !needle.isEmpty else { return spans }
        let pattern = Array(needle)
        var marked = Array(repeating: false, count: characters.count)
        var found = false
        if pattern.count <= lower.count {
            var start = 0
            while start + pattern.count <= lower.count {
                if lower[start..<(start + pattern.count)].elementsEqual(pattern) {
                    for i in start..<(start + pattern.count) { marked[i] = true }
                    found = true
                    start += pattern.count
                } else {
                    start += 1
                }
            }
        }
        guard found else { return spans }
        var result: [Span] = []
        var position = 0
        for span in spans {
            for character in span.text {
                let role = marked[position] ? StyleRole.match : span.role
                if let last = result.last, last.role == role {
                    result[result.count - 1].text.append(character)
                } else {
                    result.append(Span(String(character), role))
                }
                position += 1
            }
        }
        return result
    }
}
