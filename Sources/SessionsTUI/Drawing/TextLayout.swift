import SessionsDisplay

/// Laying spans out in rows of cells: what the pager does with every line,
/// and what it needs to know to count the rows a line takes.
enum TextLayout {
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

    /// Where `needle` (lower-case) occurs in `text`, ignoring case and not
    /// overlapping, as ranges of characters; none if lower-casing changes
    /// the number of characters (rare), since the ranges would not line up.
    static func occurrences(of needle: String, in text: String) -> [Range<Int>] {
        let lower = Array(text.lowercased())
        let pattern = Array(needle)
        guard !pattern.isEmpty, pattern.count <= lower.count, lower.count == text.count else { return [] }
        var found: [Range<Int>] = []
        var start = 0
        while start + pattern.count <= lower.count {
            if lower[start..<(start + pattern.count)].elementsEqual(pattern) {
                found.append(start..<(start + pattern.count))
                start += pattern.count
            } else {
                start += 1
            }
        }
        return found
    }

    /// Marks every case-insensitive occurrence of `needle`, and occurrence
    /// number `current` apart from the rest: the one `n` and `N` are on.
    static func highlight(_ spans: [Span], _ needle: String, current: Int? = nil) -> [Span] {
        let text = spans.map(\.text).joined()
        let found = occurrences(of: needle, in: text)
        guard !found.isEmpty else { return spans }
        var marks = [StyleRole?](repeating: nil, count: text.count)
        for (number, range) in found.enumerated() {
            for index in range { marks[index] = number == current ? .matchCurrent : .match }
        }
        var result: [Span] = []
        var position = 0
        for span in spans {
            for character in span.text {
                let role = marks[position] ?? span.role
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

    /// Cells `spans` take; printable ASCII is counted by its bytes.
    static func cells(_ spans: [Span]) -> Int {
        spans.reduce(0) { total, span in
            var text = span.text
            let ascii = text.withUTF8 { bytes in !bytes.contains { $0 < 0x20 || $0 >= 0x7F } }
            return total + (ascii ? text.utf8.count : CellWidth.of(text))
        }
    }

    /// The spans without their first `count` cells: what shows of a line
    /// scrolled sideways. A wide character cut by the left edge leaves a
    /// space for its visible half. Reads no further than the edge, and
    /// printable ASCII is skipped by bytes.
    static func dropCells(_ spans: [Span], _ count: Int) -> [Span] {
        guard count > 0 else { return spans }
        var remaining = count
        var result: [Span] = []
        for span in spans {
            guard remaining > 0 else {
                result.append(span)
                continue
            }
            var text = span.text
            let ascii = text.withUTF8 { bytes in !bytes.contains { $0 < 0x20 || $0 >= 0x7F } }
            if ascii {
                let length = text.utf8.count
                if length <= remaining {
                    remaining -= length
                } else {
                    let rest = text.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[remaining...]), as: UTF8.self) }
                    result.append(Span(rest, span.role))
                    remaining = 0
                }
                continue
            }
            var index = span.text.startIndex
            while remaining > 0 && index < span.text.endIndex {
                let w = CellWidth.of(span.text[index])
                index = span.text.index(after: index)
                if w > remaining {
                    result.append(Span(String(repeating: " ", count: w - remaining), span.role))
                    remaining = 0
                } else {
                    remaining -= w
                }
            }
            if remaining == 0 && index < span.text.endIndex { result.append(Span(String(span.text[index...]), span.role)) }
        }
        return result
    }
}

extension TextLayout {
    /// `text` in lines of at most `width` cells, broken at spaces where it
    /// can be and inside a word only when the word alone is wider.
    static func wrapWords(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [text] }
        var lines: [String] = []
        var line = ""
        var used = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let cells = CellWidth.of(word)
            if used > 0 && used + 1 + cells <= width {
                line += " " + word
                used += 1 + cells
                continue
            }
            if used > 0 {
                lines.append(line)
                (line, used) = ("", 0)
            }
            if cells <= width {
                (line, used) = (word, cells)
            } else {
                let pieces = wrap([Span(word)], width: width).map { $0.map(\.text).joined() }
                lines += pieces.dropLast()
                line = pieces.last ?? ""
                used = CellWidth.of(line)
            }
        }
        if used > 0 || lines.isEmpty { lines.append(line) }
        return lines
    }
}
