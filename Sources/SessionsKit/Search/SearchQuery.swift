/// What a search looks for, parsed once from what the user typed, and the one
/// definition of what matches it: every search path (the store's scan, the
/// reference matcher, the snippets' highlights) asks this type.
///
/// Words and `"phrases"` are literal; all of them must occur in the same
/// text. Case is ignored unless the query has a capital letter (smart case).
/// Matching runs on decoded text, folded by `SearchFold`.
public struct SearchQuery: Sendable, Hashable {
    /// One word, or one phrase with its spaces, as folded bytes when the
    /// search ignores case.
    public struct Term: Sendable, Hashable {
        /// As the user wrote it.
        public var text: String
        /// What is looked for in folded (or, under smart case, raw) UTF-8.
        public var bytes: [UInt8]
        public var isPhrase: Bool
    }

    public var terms: [Term]
    public var caseSensitive: Bool
    /// A regular expression, under `--regex`; `terms` is then empty.
    public var pattern: String?

    /// The query as the user would write it again: for headings and the
    /// search screen's prompt.
    public var display: String {
        if let pattern { return pattern }
        return terms.map { term in
            let escaped = term.text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
            return term.isPhrase || term.text.contains(where: \.isWhitespace) ? "\"\(escaped)\"" : escaped
        }.joined(separator: " ")
    }

    public var isEmpty: Bool { terms.isEmpty && (pattern ?? "").isEmpty }

    /// Parses command-line words: a word holding a space (quoted to the
    /// shell) is a phrase, as the user meant it; inside a word, `"…"` marks a
    /// phrase and `\"` is a literal quote. A phrase the shell split into
    /// words (`"connection refused"` typed without its quotes escaped) is
    /// joined again, a space between each.
    public init(arguments: [String], regex: Bool = false) throws(SearchQueryError) {
        if regex {
            let pattern = arguments.joined(separator: " ")
            try self.init(pattern: pattern)
            return
        }
        var pieces: [(String, Bool)] = []
        var open: String?
        for argument in arguments {
            if let started = open {
                open = started + " " + argument
            } else if argument.contains(where: \.isWhitespace) && !argument.contains("\"") {
                let phrase = argument.trimmingSpaces()
                if !phrase.isEmpty { pieces.append((phrase, true)) }
                continue
            } else {
                open = argument
            }
            do {
                pieces += try Self.tokens(open ?? "")
                open = nil
            } catch {
                // A quote still open: the next word continues the phrase.
            }
        }
        guard open == nil else { throw .unclosedQuote }
        self.init(pieces: pieces)
    }

    /// Parses a line typed in the browser: words and `"phrases"`.
    public init(typed line: String) throws(SearchQueryError) {
        self.init(pieces: try Self.tokens(line))
    }

    /// A regular expression, matched against each line of decoded text.
    public init(pattern: String) throws(SearchQueryError) {
        guard !pattern.isEmpty else { throw .empty }
        do { _ = try Regex(pattern) } catch { throw .badPattern(String(describing: error)) }
        terms = []
        caseSensitive = SearchFold.hasCapital(pattern)
        self.pattern = pattern
    }

    private init(pieces: [(String, Bool)]) {
        caseSensitive = pieces.contains { SearchFold.hasCapital($0.0) }
        let sensitive = caseSensitive
        terms = pieces.map { text, isPhrase in
            Term(text: text, bytes: sensitive ? Array(text.utf8) : SearchFold.fold(text), isPhrase: isPhrase)
        }
        pattern = nil
    }

    /// Words split at blanks, `"…"` kept whole, `\"` and `\\` taken literally.
    static func tokens(_ line: String) throws(SearchQueryError) -> [(String, Bool)] {
        var tokens: [(String, Bool)] = []
        var current = ""
        var inPhrase = false
        var escaped = false
        func finish(_ isPhrase: Bool) {
            let text = isPhrase ? current.trimmingSpaces() : current
            if !text.isEmpty { tokens.append((text, isPhrase)) }
            current = ""
        }
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                finish(inPhrase)
                inPhrase.toggle()
            } else if character.isWhitespace && !inPhrase {
                finish(false)
            } else {
                current.append(character)
            }
        }
        if escaped { current.append("\\") }
        guard !inPhrase else { throw .unclosedQuote }
        finish(false)
        return tokens
    }

    // MARK: - Matching

    /// Whether `text` holds every term (or, under `--regex`, a line matching the pattern).
    public func matches(_ text: String) -> Bool {
        if pattern != nil {
            // Line by line, as hits show lines: `^` and `$` hold at each, and no match spans two.
            guard let regex = compiled() else { return false }
            return Self.lines(text).contains { line in line.ranges(of: regex).contains { !$0.isEmpty } }
        }
        let folded = caseSensitive ? Array(text.utf8) : SearchFold.fold(text)
        return matches(folded: folded)
    }

    /// Whether already folded bytes hold every term.
    func matches(folded: [UInt8]) -> Bool {
        folded.withUnsafeBufferPointer { buffer in
            terms.allSatisfy { ByteSearch.firstIndex(of: $0.bytes, in: buffer) != nil }
        }
    }

    /// Which terms `text` holds, by index: several fields of one interaction
    /// match together when between them they hold every term.
    func termsFound(in text: String) -> Set<Int> {
        let folded = caseSensitive ? Array(text.utf8) : SearchFold.fold(text)
        return folded.withUnsafeBufferPointer { buffer in
            Set(terms.indices.filter { ByteSearch.firstIndex(of: terms[$0].bytes, in: buffer) != nil })
        }
    }

    /// Where any term (or the pattern) occurs in `text`, in order and not
    /// overlapping, as ranges of `text`: what a screen highlights.
    public func matchRanges(in text: String) -> [Range<String.Index>] {
        if pattern != nil {
            guard let regex = compiled() else { return [] }
            return text.ranges(of: regex).filter { !$0.isEmpty }
        }
        let folded = SearchFold.Mapped(text, folding: !caseSensitive)
        var found: [Range<Int>] = []
        folded.bytes.withUnsafeBufferPointer { buffer in
            for term in terms where !term.bytes.isEmpty {
                var from = 0
                while let hit = ByteSearch.firstIndex(of: term.bytes, in: buffer, from: from) {
                    found.append(hit..<(hit + term.bytes.count))
                    from = hit + term.bytes.count
                }
            }
        }
        found.sort { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = []
        for range in found {
            if let last = merged.last, range.lowerBound < last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged.compactMap { folded.range(of: $0, in: text) }
    }
}

extension SearchQuery {
    /// The pattern, compiled, ignoring case unless the query matches case.
    func compiled() -> Regex<AnyRegexOutput>? {
        guard let pattern, var regex = try? Regex(pattern) else { return nil }
        if !caseSensitive { regex = regex.ignoresCase() }
        return regex
    }

    /// The lines of `text` as the pager shows them: split at each line
    /// feed, the carriage return of a CRLF dropped.
    static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        while true {
            let end = scalars[start...].firstIndex(of: "\n") ?? scalars.endIndex
            var last = end
            if last > start, scalars[scalars.index(before: last)] == "\r" { last = scalars.index(before: last) }
            lines.append(String(scalars[start..<last]))
            guard end < scalars.endIndex else { return lines }
            start = scalars.index(after: end)
        }
    }
}

public enum SearchQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case unclosedQuote
    case badPattern(String)

    public var description: String {
        switch self {
        case .empty: return "the search is empty: give a word, a \"phrase\" or, with --regex, a pattern"
        case .unclosedQuote: return "a quote opens a phrase that never closes: add the closing \""
        case .badPattern(let detail): return "not a regular expression: \(detail)"
        }
    }
}

/// How text is folded to ignore case: ASCII letters lowered byte by byte,
/// other characters by their Unicode lowercase mapping, except that a
/// character outside ASCII never folds into ASCII (the Kelvin sign stays
/// itself). That exception is what lets the store's scan look for a word's
/// ASCII letters in the raw bytes of its files and miss nothing: an ASCII
/// byte in the folded text is an ASCII byte in the file.
public enum SearchFold {
    public static func fold(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in text.utf8 { out.append(lower(byte)) }
            return out
        }
        for scalar in text.unicodeScalars { append(scalar, to: &out) }
        return out
    }

    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    static func append(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        if scalar.isASCII {
            out.append(lower(UInt8(scalar.value)))
            return
        }
        let mapped = scalar.properties.changesWhenLowercased ? scalar.properties.lowercaseMapping : nil
        if let mapped, !mapped.unicodeScalars.contains(where: \.isASCII) {
            out.append(contentsOf: mapped.utf8)
        } else {
            out.append(contentsOf: String(scalar).utf8)
        }
    }

    /// Whether the text has a capital letter: smart case then matches case.
    public static func hasCapital(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.isUppercase || $0.properties.changesWhenLowercased }
    }

    /// Folded text that remembers where each folded byte came from, so a
    /// match in it names a range of the original.
    struct Mapped {
        var bytes: [UInt8] = []
        /// For each folded byte, the UTF-8 offset in the original of the
        /// scalar it came from.
        var origins: [Int] = []

        init(_ text: String, folding: Bool) {
            if text.utf8.allSatisfy({ $0 < 0x80 }) {
                bytes = folding ? text.utf8.map(SearchFold.lower) : Array(text.utf8)
                origins = Array(0...bytes.count)
                return
            }
            var offset = 0
            for scalar in text.unicodeScalars {
                let before = bytes.count
                if folding { SearchFold.append(scalar, to: &bytes) } else { bytes.append(contentsOf: String(scalar).utf8) }
                origins.append(contentsOf: repeatElement(offset, count: bytes.count - before))
                offset += String(scalar).utf8.count
            }
            origins.append(offset)
        }

        /// The original's range for folded bytes `range`, widened to whole scalars.
        func range(of range: Range<Int>, in text: String) -> Range<String.Index>? {
            let utf8 = text.utf8
            let lower = origins[range.lowerBound]
            // The end is the start of the scalar after the last byte's one.
            var upperOrigin = origins[range.upperBound - 1]
            let last = upperOrigin
            var index = range.upperBound
            while index < origins.count && origins[index] == last { index += 1 }
            upperOrigin = index < origins.count ? origins[index] : utf8.count
            guard let start = utf8.index(utf8.startIndex, offsetBy: lower, limitedBy: utf8.endIndex),
                  let end = utf8.index(utf8.startIndex, offsetBy: upperOrigin, limitedBy: utf8.endIndex) else { return nil }
            return start..<end
        }
    }
}
