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
        var row = titleRow + 1
        var line = detail.top
        var skip = detail.topRow
        while row < layout.body.upperBound && line < detail.lines.count {
            let pieces = detail.rows(of: line, width: width)
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
            // Printable ASCII is one cell a byte: cut it by bytes, not by
            // characters, which is most of laying out a megabyte line.
            var text = span.text
            let ascii = width > 0 && text.withUTF8 { bytes in !bytes.contains { $0 < 0x20 || $0 >= 0x7F } }
            if ascii {
                text.withUTF8 { bytes in
                    var start = 0
                    while start < bytes.count {
                        if used >= width {
                            rows.append([])
                            used = 0
                        }
                        let end = min(bytes.count, start + width - used)
                        rows[rows.count - 1].append(Span(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self),
                                                         span.role))
                        used += end - start
                        start = end
                    }
                }
                continue
            }
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

    /// The first row of the line, ending in `…` if it was longer. Reads no
    /// further than the edge, so a megabyte line costs what a short one does.
    static func cut(_ spans: [Span], width: Int) -> [Span] {
        // The longest prefix within `width - 1` cells, as the first row of a
        // wrap at that width would hold it, in case the line is too long.
        var first: [Span] = []
        var used = 0
        var prefixEnded = false
        for span in spans {
            var current = ""
            for character in span.text {
                let w = CellWidth.of(character)
                if !prefixEnded {
                    if used + w <= width - 1 { current.append(character) } else { prefixEnded = true }
                }
                used += w
                if used > width {
                    if !current.isEmpty { first.append(Span(current, span.role)) }
                    first.append(Span("…", .dim))
                    return first
                }
            }
            if !current.isEmpty { first.append(Span(current, span.role)) }
        }
        return spans
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
