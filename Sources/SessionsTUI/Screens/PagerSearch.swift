/// A search in the pager: what was searched for, how many matches the
/// document holds, and which one the view is on, so the footer can say
/// `match 3/12` and `n` can step match by match, several in one line.
///
/// The matches are counted once, when the search is made (a 100 MB output
/// costs one pass over its bytes then, never on a key press), keeping the
/// line of each of the first `keptLines`: a match's number and line are then
/// known at once. Past those, a step finds the next match by searching from
/// the one before, and a number is counted from the last line kept, so a
/// search with millions of matches costs a few megabytes only where it is
/// used.
public struct PagerSearch: Sendable, Equatable {
    public struct Match: Sendable, Equatable {
        public var line: Int
        /// Which match in its line: the screen marks this one apart.
        public var occurrence: Int
        /// Which match in the document, from 0.
        public var ordinal: Int
    }

    static let keptLines = 100_000

    /// As typed.
    public let needle: String
    public let total: Int
    /// The line of each of the first `keptLines` matches, in order; a line
    /// appears once for each match in it.
    let lines: [Int]
    /// The match the view is on; nil until `n`, `N` or the search moved to one.
    public var current: Match?

    /// - Parameter limit: how many matches' lines to keep; fewer only in tests.
    init(_ needle: String, in document: PagerDocument, keeping limit: Int = keptLines) {
        self.needle = needle
        (total, lines) = document.occurrences(of: needle, in: 0..<document.count, keepingLinesOf: max(1, limit))
        document.searchesCounted.add()
    }

    /// "match 3/12", or "12 matches" before one is chosen.
    var counter: String? {
        guard total > 0 else { return nil }
        guard let current else { return "\(total) match\(total == 1 ? "" : "es")" }
        return "match \(current.ordinal + 1)/\(total)"
    }

    /// Match number `ordinal`, if it is among those kept.
    func kept(_ ordinal: Int) -> Match? {
        guard ordinal >= 0 && ordinal < lines.count else { return nil }
        let line = lines[ordinal]
        return Match(line: line, occurrence: ordinal - firstKept(onLine: line), ordinal: ordinal)
    }

    /// The index of the first kept match on or after `line`.
    func firstKept(onLine line: Int) -> Int {
        var low = 0, high = lines.count
        while low < high {
            let middle = (low + high) / 2
            if lines[middle] < line { low = middle + 1 } else { high = middle }
        }
        return low
    }

    var isCapped: Bool { total > lines.count }

    /// The number of the first match on `line`, counting from the last line
    /// kept when the line is past it.
    func firstOrdinal(onLine line: Int, in document: PagerDocument) -> Int {
        guard isCapped, let last = lines.last, line > last else { return firstKept(onLine: line) }
        return firstKept(onLine: last) + document.occurrences(of: needle, in: last..<line).count
    }

    /// The match after `match`, without wrapping.
    func after(_ match: Match, in document: PagerDocument) -> Match? {
        let next = match.ordinal + 1
        guard next < total else { return nil }
        if let kept = kept(next) { return kept }
        if match.occurrence + 1 < document.occurrences(of: needle, in: match.line..<(match.line + 1)).count {
            return Match(line: match.line, occurrence: match.occurrence + 1, ordinal: next)
        }
        guard let line = document.match(needle, in: (match.line + 1)..<document.count, last: false) else { return nil }
        return Match(line: line, occurrence: 0, ordinal: next)
    }

    /// The match before `match`, without wrapping.
    func before(_ match: Match, in document: PagerDocument) -> Match? {
        let previous = match.ordinal - 1
        guard previous >= 0 else { return nil }
        if let kept = kept(previous) { return kept }
        if match.occurrence > 0 { return Match(line: match.line, occurrence: match.occurrence - 1, ordinal: previous) }
        guard let line = document.match(needle, in: 0..<match.line, last: true) else { return nil }
        let count = document.occurrences(of: needle, in: line..<(line + 1)).count
        return Match(line: line, occurrence: count - 1, ordinal: previous)
    }

    /// The first match on `line` or after it, without wrapping.
    func first(atOrAfter line: Int, in document: PagerDocument) -> Match? {
        let index = firstKept(onLine: line)
        if index < lines.count { return kept(index) }
        guard isCapped, let found = document.match(needle, in: max(line, lines.last ?? 0)..<document.count, last: false) else {
            return nil
        }
        return Match(line: found, occurrence: 0, ordinal: firstOrdinal(onLine: found, in: document))
    }

    /// The last match before `line`, without wrapping.
    func last(before line: Int, in document: PagerDocument) -> Match? {
        let index = firstKept(onLine: line)
        // Matches past those kept may lie between the last kept and `line`.
        if isCapped, index == lines.count, let last = lines.last,
           let found = document.match(needle, in: last..<min(line, document.count), last: true) {
            let count = document.occurrences(of: needle, in: found..<(found + 1)).count
            return Match(line: found, occurrence: count - 1, ordinal: firstOrdinal(onLine: found, in: document) + count - 1)
        }
        return kept(index - 1)
    }

    /// The first match of all, or the last: where `n` and `N` wrap to.
    func end(first isFirst: Bool, in document: PagerDocument) -> Match? {
        isFirst ? first(atOrAfter: 0, in: document) : last(before: document.count, in: document)
    }
}
