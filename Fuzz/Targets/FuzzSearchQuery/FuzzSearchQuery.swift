@testable import SessionsKit

/// The search query: any bytes as a line typed in the browser, as command-line
/// words (split at NUL, so a word may hold spaces), and as a pattern; then the
/// same bytes as the text searched. Besides not crashing, what `matchRanges`
/// returns must lie within the text, ascending and apart, each covering a
/// term; `matches` must say yes exactly when every term is there; a query
/// without words in spaces reads back from its `display`; and the line a hit
/// shows must be one of the text's lines, no longer than the limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSearchQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    // The query from the first line, the text from the rest; and the whole input as both.
    let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let first = String(decoding: bytes[..<newline], as: UTF8.self)
    let rest = String(decoding: bytes[min(newline + 1, bytes.count)...], as: UTF8.self)
    var queries: [SearchQuery] = []
    if let typed = try? SearchQuery(typed: first) { queries.append(typed) }
    if let typed = try? SearchQuery(typed: text) { queries.append(typed) }
    let words = first.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
    if let arguments = try? SearchQuery(arguments: words) { queries.append(arguments) }
    // Patterns are compiled, never run: a backtracking engine on any pattern may take forever.
    _ = try? SearchQuery(pattern: first)
    _ = try? SearchQuery(arguments: words, regex: true)

    for query in queries {
        for searched in [text, rest, first] {
            check(query, in: searched)
        }
        roundTrip(query)
    }
    return 0
}

func check(_ query: SearchQuery, in text: String) {
    let ranges = query.matchRanges(in: text)
    var previous = text.startIndex
    for range in ranges {
        guard range.lowerBound >= previous, range.upperBound <= text.endIndex, range.lowerBound < range.upperBound else {
            fatalError("match ranges out of the text, out of order or overlapping")
        }
        previous = range.upperBound
        // Each range covers an occurrence of some term, folded as the query folds.
        let folded = query.caseSensitive ? Array(String(text[range]).utf8) : SearchFold.fold(String(text[range]))
        let covers = folded.withUnsafeBufferPointer { buffer in
            query.terms.contains { !$0.bytes.isEmpty && ByteSearch.firstIndex(of: $0.bytes, in: buffer) != nil }
        }
        if !covers { fatalError("a match range covers no term") }
    }
    let matches = query.matches(text)
    let folded = query.caseSensitive ? Array(text.utf8) : SearchFold.fold(text)
    let every = folded.withUnsafeBufferPointer { buffer in
        query.terms.allSatisfy { ByteSearch.firstIndex(of: $0.bytes, in: buffer) != nil }
    }
    if matches != every { fatalError("matches disagrees with the terms it holds") }
    if matches && !query.terms.isEmpty && ranges.isEmpty { fatalError("a match with nothing to mark") }
    if query.termsFound(in: text).count != query.terms.count && matches { fatalError("termsFound disagrees with matches") }

    if let (line, number) = SessionSearch.firstMatchingLine(of: text, query: query) {
        let lines = SearchQuery.lines(text)
        guard number < lines.count else { fatalError("a hit's line number past the text's lines") }
        if line.utf8.count > SessionSearch.lineLimit { fatalError("a hit's line longer than the limit") }
        let whole = Array(lines[number].utf8)
        let found = whole.withUnsafeBufferPointer { ByteSearch.firstIndex(of: Array(line.utf8), in: $0) }
        if found == nil { fatalError("a hit's line is not the text's line of that number") }
    }
}

/// A query reads back from its display, when no word holds a space (which
/// display quotes into a phrase) and every character is one scalar (a mark
/// after the space display puts between words would join that space).
func roundTrip(_ query: SearchQuery) {
    guard !query.terms.contains(where: { !$0.isPhrase && $0.text.contains(where: \.isWhitespace) }),
          query.display.count == query.display.unicodeScalars.count else { return }
    guard let again = try? SearchQuery(typed: query.display) else { fatalError("a query's display does not parse") }
    if again.terms.map(\.text) != query.terms.map(\.text) || again.caseSensitive != query.caseSensitive {
        fatalError("a query's display reads back as another query")
    }
}
