import SessionsKit

/// Search results as both front ends write them: where a hit is, and its
/// line cut around the match, sanitized, with the matches marked.
public enum SearchText {
    /// A line to show: sanitized text that fits its width, and the character
    /// ranges in it that matched.
    public struct Snippet: Sendable, Equatable {
        public var text: String
        /// Offsets in `text`'s characters, ascending and apart.
        public var matches: [Range<Int>]
    }

    /// Where a hit is, in the timeline's words: `#12 stdout:40` (the
    /// interaction's number, the part, the line when it is not the first),
    /// `› prompt`, `‹ reply:3`, `title`, `state:2`.
    public static func place(_ hit: SearchHit) -> String {
        let line = hit.lineNumber > 0 ? ":\(hit.lineNumber + 1)" : ""
        switch hit.place {
        case .title: return "title"
        case .state: return "state" + line
        case .message:
            let role: ConversationMessage.Role = hit.part == .prompt ? .user : .assistant
            return ConversationText.mark(role) + " " + hit.part.rawValue + line
        case .interaction(let position, _):
            return "#\(position + 1) \(partName(hit.part))" + line
        }
    }

    static func partName(_ part: SearchHit.Part) -> String {
        part == .error ? "error message" : part.rawValue
    }

    /// "… 4 more in this session", for the hits a session holds past those shown.
    public static func more(_ hits: SessionHits) -> String? {
        let rest = hits.total - hits.hits.count
        return rest > 0 ? "… \(rest) more in this session" : nil
    }

    /// "412 sessions · 1,020 hits in 10,000 sessions searched", the running count.
    public static func count(sessions: Int, hits: Int, searched: Int, of total: Int, done: Bool) -> String {
        let found = "\(sessions) session\(sessions == 1 ? "" : "s") · \(hits) hit\(hits == 1 ? "" : "s")"
        return done ? "\(found) in \(total) searched" : "\(found) · searching \(searched)/\(total)…"
    }

    /// A hit's line, sanitized and without its indentation, at most `width`
    /// cells: whole when it fits, else from a little before the first
    /// match, cut with `…` at either end.
    /// - Parameter marking: whether the matches are wanted; without, a line
    ///   that fits is not searched again.
    public static func snippet(_ line: String, query: SearchQuery, width: Int, marking: Bool = true) -> Snippet {
        // Indentation says nothing beside a place label, and costs the match its room.
        let sanitized = Sanitizer.line(line)
        let clean = sanitized.utf8.first == UInt8(ascii: " ") || sanitized.utf8.first == UInt8(ascii: "\t")
            ? String(sanitized.drop { $0 == " " || $0 == "\t" }) : sanitized
        if !marking && clean.utf8.count <= width { return Snippet(text: clean, matches: []) }
        if clean.utf8.allSatisfy({ $0 < 0x80 }) { return asciiSnippet(clean, query: query, width: width) }
        return snippet(clean: clean, query: query, width: width)
    }

    /// `snippet` of sanitized ASCII, which is printable (the sanitizer lets
    /// no control byte through): a character is a byte and a cell, so the
    /// cut is arithmetic. Most output is ASCII, and splitting a line into
    /// characters cost more than the rest of printing its hit.
    static func asciiSnippet(_ clean: String, query: SearchQuery, width: Int) -> Snippet {
        let utf8 = clean.utf8
        let matches = query.matchRanges(in: clean).map { range in
            utf8.distance(from: utf8.startIndex, to: range.lowerBound)..<utf8.distance(from: utf8.startIndex, to: range.upperBound)
        }
        guard width > 0 else { return Snippet(text: "", matches: []) }
        let count = utf8.count
        if count <= width { return Snippet(text: clean, matches: matches) }
        let start = matches.first.map { max(0, $0.lowerBound - width / 4) } ?? 0
        let lead = start > 0 && width > 1 ? "…" : ""
        let leadWidth = CellWidth.of(lead)
        var end = min(count, start + max(0, width - leadWidth))
        var body = Substring(clean).utf8.dropFirst(start).prefix(end - start)
        if end < count {
            // Room for the closing mark: one cell, taken from the end.
            end = start + max(0, min(end - start, width - leadWidth - 1))
            body = body.prefix(end - start)
        }
        let text = lead + String(Substring(body)) + (end < count ? "…" : "")
        let shift = lead.count - start
        let shown = matches.compactMap { range -> Range<Int>? in
            let lower = max(range.lowerBound, start), upper = min(range.upperBound, end)
            return lower < upper ? (lower + shift)..<(upper + shift) : nil
        }
        return Snippet(text: text, matches: shown)
    }

    /// `snippet` of any sanitized text, character by character.
    static func snippet(clean: String, query: SearchQuery, width: Int) -> Snippet {
        let characters = Array(clean)
        let matches = query.matchRanges(in: clean).map { range in
            clean.distance(from: clean.startIndex, to: range.lowerBound)..<clean.distance(from: clean.startIndex, to: range.upperBound)
        }
        guard width > 0 else { return Snippet(text: "", matches: []) }
        if CellWidth.of(clean) <= width { return Snippet(text: clean, matches: matches) }
        // Start a quarter of the width before the first match, on a whole character.
        var start = 0
        if let first = matches.first?.lowerBound {
            var room = width / 4
            start = first
            while start > 0 && room - CellWidth.of(characters[start - 1]) >= 0 {
                room -= CellWidth.of(characters[start - 1])
                start -= 1
            }
        }
        // At one cell there is room for one mark only, the closing one.
        let lead = start > 0 && width > 1 ? "…" : ""
        var budget = width - CellWidth.of(lead)
        var end = start
        while end < characters.count && budget - CellWidth.of(characters[end]) >= 0 {
            budget -= CellWidth.of(characters[end])
            end += 1
        }
        var body = String(characters[start..<end])
        if end < characters.count {
            // Room for the closing mark: one cell, taken from the end.
            var trimmed = Array(body)
            var used = CellWidth.of(lead) + CellWidth.of(body)
            while !trimmed.isEmpty && used + 1 > width {
                used -= CellWidth.of(trimmed.removeLast())
            }
            end = start + trimmed.count
            body = String(trimmed) + "…"
        }
        let shift = lead.count - start
        let shown = matches.compactMap { range -> Range<Int>? in
            let lower = max(range.lowerBound, start), upper = min(range.upperBound, end)
            return lower < upper ? (lower + shift)..<(upper + shift) : nil
        }
        return Snippet(text: lead + body, matches: shown)
    }
}
