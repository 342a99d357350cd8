import CSupport

/// What the store's scan looks for in the raw bytes of its files before it
/// decodes anything: for each term, its longest run of bytes that JSON
/// writes as themselves. A quote, a backslash, a slash, a control character
/// or any character outside ASCII may be escaped in a file (`\"`, `\/`,
/// `\u00e9`), so a run never holds one; a printable ASCII character is
/// written as itself by this program's writer and by every JSON writer that
/// produced the files it imports. So a text whose decoded, folded form holds
/// a term holds the term's needle in its raw bytes (ASCII letters folded),
/// and a line without it can be skipped unread.
struct RawNeedle: Sendable {
    /// The bytes looked for: folded when the search ignores case.
    let bytes: [UInt8]
    let ignoresCase: Bool
    /// Where its rarest bytes are, found once: a search looks for a needle
    /// in every string of every line that may match.
    private let first: UInt, second: UInt

    /// The needle of `term`, nil when the term has no byte a file is sure to
    /// hold as itself (`é`, `"`), and so cannot narrow anything.
    init?(_ term: SearchQuery.Term, ignoresCase: Bool) {
        var best: ArraySlice<UInt8> = []
        var start = 0
        for index in 0...term.bytes.count {
            if index == term.bytes.count || !Self.isLiteral(term.bytes[index]) {
                if index - start > best.count { best = term.bytes[start..<index] }
                start = index + 1
            }
        }
        guard !best.isEmpty else { return nil }
        self.init(literal: Array(best), ignoresCase: ignoresCase)
    }

    /// A needle of these bytes; folded ones when it ignores case.
    init(literal: [UInt8], ignoresCase: Bool = false) {
        bytes = literal
        self.ignoresCase = ignoresCase
        let anchors = literal.withUnsafeBufferPointer { sessions_needle_anchors($0.baseAddress, UInt($0.count), ignoresCase ? 1 : 0) }
        (first, second) = (anchors.first, anchors.second)
    }

    private var anchors: sessions_anchors { sessions_anchors(first: first, second: second) }

    static func isLiteral(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && byte != UInt8(ascii: "/")
    }

    /// The first occurrence in `buffer[range]`, ASCII letters folded when
    /// the search ignores case (`sessions_find_folded`, vectorised).
    func firstIndex(in buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !bytes.isEmpty, range.count >= bytes.count, let base = buffer.baseAddress else { return nil }
        let found = bytes.withUnsafeBufferPointer { needle in
            sessions_find_folded(base + range.lowerBound, UInt(range.count), needle.baseAddress!, UInt(needle.count), ignoresCase ? 1 : 0,
                                 anchors)
        }
        return found >= 0 ? range.lowerBound + found : nil
    }

    /// The first place in `buffer[range]` where this needle or `other`
    /// starts, and which of them do: one pass over the bytes for both.
    func firstIndex(orOf other: RawNeedle, in buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>)
        -> (at: Int, this: Bool, other: Bool)? {
        guard !bytes.isEmpty, !other.bytes.isEmpty, !range.isEmpty, let base = buffer.baseAddress else { return nil }
        var which: Int32 = 0
        let found = bytes.withUnsafeBufferPointer { mine in
            other.bytes.withUnsafeBufferPointer { theirs in
                sessions_find_either(base + range.lowerBound, UInt(range.count),
                                     mine.baseAddress!, UInt(mine.count), ignoresCase ? 1 : 0, anchors,
                                     theirs.baseAddress!, UInt(theirs.count), other.ignoresCase ? 1 : 0, other.anchors, &which)
            }
        }
        guard found >= 0 else { return nil }
        return (range.lowerBound + found, which & 1 != 0, which & 2 != 0)
    }
}

extension ByteSearch {
    /// The first occurrence of `needle` in `buffer` at or after `from`.
    static func firstIndex(of needle: [UInt8], in buffer: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
        guard !needle.isEmpty else { return from <= buffer.count ? from : nil }
        guard from < buffer.count, let base = buffer.baseAddress else { return nil }
        let offset = needle.withUnsafeBufferPointer { pattern in
            sessions_memmem(base + from, UInt(buffer.count - from), pattern.baseAddress!, UInt(pattern.count))
        }
        return offset >= 0 ? from + offset : nil
    }
}
