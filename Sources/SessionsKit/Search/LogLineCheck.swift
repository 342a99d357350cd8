import Glibc

/// Whether one line of a session's log matches a query of plain words,
/// decided on its raw bytes without decoding it: what keeps a search for a
/// common word from decoding every interaction of the store.
///
/// It walks the line's strings, hopping from quote to quote, and knows each
/// value by the members it sits in (`interaction.result.stdout`). A term is
/// found when its bytes (ASCII letters folded) lie inside a searched value
/// and do not begin inside an escape (`\n`, `\u00e9`): the term holds no
/// byte JSON escapes, so outside escapes the raw bytes are the decoded
/// text's. Anything it cannot be sure of (base64 output, which no needle
/// can see into; a line not in the writer's shape) it leaves to the decoder.
struct LogLineCheck: Sendable {
    enum Verdict { case matches, fails, decode }

    let needles: [RawNeedle]
    let command: Bool
    let output: Bool

    /// A check for `plan`, or nil when some term is not plain (it holds a
    /// byte that may be escaped, or the query is a pattern): such lines are decoded.
    init?(_ search: SessionSearch, needles: [RawNeedle], decodesEverything: Bool) {
        guard !decodesEverything, needles.count == search.query.terms.count,
              zip(needles, search.query.terms).allSatisfy({ $0.bytes == $1.bytes }), !search.seeksInteractionID else { return nil }
        self.needles = needles
        command = search.fields.contains(.command)
        output = search.fields.contains(.output)
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    /// JSON's whitespace, which may stand between a member's name and its colon.
    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// - Parameter plainOutput: the scan found no base64 marker in the line,
    ///   so its outputs are text and it settles as soon as every term is found.
    func check(_ buffer: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, plainOutput: Bool = false) -> Verdict {
        var strings: Strings?
        return settle(buffer, line, plainOutput: plainOutput, keeping: &strings)
    }

    /// `check`, and, when `strings` is given, the strings a hit shows, so a
    /// line that may be shown is walked once: the walk then goes on past
    /// the point that settles the line, to its end. `strings` becomes nil
    /// when they cannot be read off the bytes (base64 output, a line not in
    /// the shape walked); the verdict is the same either way.
    func settle(_ buffer: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, plainOutput: Bool,
                keeping strings: inout Strings?) -> Verdict {
        guard needles.count <= 64 else { return .decode }
        var found: UInt64 = 0
        // What the command, the pipe and the error message hold: stdout and
        // stderr may be base64, whose marker follows them, so only these settle a line early.
        var foundPlain: UInt64 = 0
        let all: UInt64 = needles.count == 64 ? ~0 : (1 << UInt64(needles.count)) - 1
        var settled = false, encoded = false
        let keeping = strings != nil
        // The needles are read in place: one copied out is a retain and a release.
        let walked = needles.withUnsafeBufferPointer { needles in
            Self.walk(buffer, line) { member, value in
                strings?.keep(member, value)
                if member == .encoding {
                    encoded = true
                    return false
                }
                guard !settled, member.isSearched(command: command, output: output) else { return true }
                let plain = member != .stdout && member != .stderr
                let before = plain ? foundPlain : found
                for number in needles.indices where before & (1 << UInt64(number)) == 0 {
                    guard Self.occurs(needles[number], in: buffer, value.lowerBound + 1..<value.upperBound - 1) else { continue }
                    found |= 1 << UInt64(number)
                    if plain { foundPlain |= 1 << UInt64(number) }
                }
                // Every needle was looked for here, and none found: the hit need not look again.
                if before == 0 && (plain ? foundPlain : found) == 0 { strings?.markLacking(member) }
                settled = foundPlain == all || (plainOutput && found == all)
                return !settled || keeping
            }
        }
        if encoded || walked == .unreadable { strings = nil }
        if settled { return .matches }
        if encoded || walked == .unreadable { return .decode }
        // The whole line walked and no base64 marker met: the output was text.
        return found == all ? .matches : .fails
    }

    /// The hit a settled line shows, read from its bytes as the reference
    /// matcher would from its decoded interaction: the first line, in the
    /// order of `SessionSearch.parts`, holding every term, else any. Only
    /// the line shown and the id and times are decoded. Nil when the line
    /// is not in the shape walked, or a string it splits into lines spells
    /// a newline `\u000a`, which the raw split would miss: the interaction
    /// is then decoded.
    func hit(_ buffer: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, position: Int, query: SearchQuery) -> SearchHit? {
        var found: Strings? = Strings()
        let walked = Self.walk(buffer, line) { member, value in
            found?.keep(member, value)
            return member != .encoding
        }
        guard walked == .whole, let found else { return nil }
        return hit(buffer, strings: found, position: position, query: query)
    }

    /// The hit read off strings a walk of its line kept.
    func hit(_ buffer: UnsafeBufferPointer<UInt8>, strings found: Strings, position: Int, query: SearchQuery) -> SearchHit? {
        func text(_ member: Member) -> String? {
            guard let range = found[member], range.count >= 2 else { return nil }
            return Self.decoded(buffer, (range.lowerBound + 1)..<(range.upperBound - 1))
        }
        guard let id = text(.id) else { return nil }
        // A string the walk found lacking every needle cannot hold the hit:
        // it is left out, and neither searched nor split into lines again.
        func text(of member: Member) -> Range<Int>? {
            guard member.isSearched(command: command, output: output), let range = found[member], range.count >= 2,
                  !found.lacksEveryNeedle(member) else { return nil }
            return (range.lowerBound + 1)..<(range.upperBound - 1)
        }
        // The command's time, else the interaction's, read off the bytes when they are the text.
        func time(_ member: Member) -> Timestamp?? {
            guard let range = found[member], range.count >= 2 else { return nil }
            let raw = UnsafeBufferPointer(rebasing: buffer[(range.lowerBound + 1)..<(range.upperBound - 1)])
            if raw.allSatisfy({ $0 >= 0x20 && $0 < 0x80 && $0 != Self.backslash }) { return .some(Timestamp.parse(raw)) }
            return text(member).map { Timestamp(iso8601: $0) }
        }
        let at = time(.commandTimestamp) ?? time(.insertedAt) ?? nil
        // The parts before `checked` are known to spell no line feed.
        var checked = 0
        for pass in 0..<2 {
            let holdingAll = pass == 0
            if holdingAll && needles.count == 1 { continue }
            for (index, (member, part)) in Self.partOrder.enumerated() {
                guard let range = text(of: member) else { continue }
                if index >= checked {
                    if Self.spellsNewline(buffer, range) { return nil }
                    checked = index + 1
                }
                guard let (segment, number) = firstLine(buffer, range, holdingAll: holdingAll) else { continue }
                guard var decoded = Self.decoded(buffer, segment) else { return nil }
                // A CRLF's carriage return is not part of the line, as `SessionSearch` splits lines.
                if decoded.unicodeScalars.last == "\r" { decoded.unicodeScalars.removeLast() }
                guard let shown = SessionSearch.shown(decoded, query: query) else { return nil }
                return SearchHit(place: .interaction(position, id: id), part: part, line: shown, lineNumber: number, at: at)
            }
        }
        return nil
    }

    /// The strings a hit may show, in the order `SessionSearch.parts` gives them.
    private static let partOrder: [(Member, SearchHit.Part)] = [
        (.commandText, .command), (.pipe, .pipe), (.stdout, .stdout), (.stderr, .stderr), (.errorMessage, .error),
    ]

    /// The text of the raw JSON string contents `raw` (quotes excluded), nil
    /// when it is not a valid string. Most hold no escape and are their own
    /// text once their UTF-8 is checked; the others go through the parser.
    static func decoded(_ buffer: UnsafeBufferPointer<UInt8>, _ raw: Range<Int>) -> String? {
        let bytes = UnsafeBufferPointer(rebasing: buffer[raw])
        if ByteSearch.firstIndex(of: backslash, in: buffer, from: raw.lowerBound, end: raw.upperBound) == nil {
            var isASCII = true, isRaw = true
            for byte in bytes {
                if byte < 0x20 || byte == quote { isRaw = false; break }
                if byte >= 0x80 { isASCII = false }
            }
            // ASCII is valid UTF-8 as it stands, and decoding it skips the
            // generic validation, which cost more than the walk of the line.
            if isRaw { return isASCII ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self) }
        }
        var quoted = [quote]
        quoted.append(contentsOf: bytes)
        quoted.append(quote)
        guard case .string(let value)? = try? JSONParser.parse(quoted) else { return nil }
        return value
    }

    /// The raw line of the string `text` (between `\n` escapes) that holds
    /// the first needle (or, `holdingAll`, every needle), and its number.
    private func firstLine(_ buffer: UnsafeBufferPointer<UInt8>, _ text: Range<Int>, holdingAll: Bool) -> (Range<Int>, Int)? {
        var from = text.lowerBound
        var lineStart = text.lowerBound
        var number = 0
        var scanned = text.lowerBound
        while from < text.upperBound {
            // The earliest needle at or after `from`, outside escapes.
            var earliest: Int?
            for which in needles.indices {
                var at = from
                while let hit = needles[which].firstIndex(in: buffer, at..<text.upperBound) {
                    if !Self.insideEscape(buffer, hit, text: text) {
                        if earliest.map({ hit < $0 }) ?? true { earliest = hit }
                        break
                    }
                    at = hit + 1
                }
            }
            guard let hit = earliest else { return nil }
            // Lines up to the hit's, counted from the escapes before it.
            while let newline = Self.nextNewline(buffer, from: scanned, before: text.upperBound), newline < hit {
                number += 1
                lineStart = newline + 2
                scanned = newline + 2
            }
            let lineEnd = Self.nextNewline(buffer, from: max(scanned, hit), before: text.upperBound) ?? text.upperBound
            let segment = lineStart..<lineEnd
            if !holdingAll || needles.allSatisfy({ Self.occurs($0, in: buffer, segment) }) { return (segment, number) }
            from = lineEnd
        }
        return nil
    }

    /// The next `\n` escape in `buffer[from..<end]`: where its backslash is.
    private static func nextNewline(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, before end: Int) -> Int? {
        var index = from
        while let slash = ByteSearch.firstIndex(of: backslash, in: buffer, from: index, end: end) {
            guard slash + 1 < end else { return nil }
            if buffer[slash + 1] == UInt8(ascii: "n") { return slash }
            index = slash + (buffer[slash + 1] == UInt8(ascii: "u") ? 6 : 2)
        }
        return nil
    }

    /// Whether the string spells a line feed as `\u000a`, which a raw split misses.
    /// It looks for `u000` in one pass, not from backslash to backslash: an
    /// output has an escape on every line, and this one is rare.
    static func spellsNewline(_ buffer: UnsafeBufferPointer<UInt8>, _ text: Range<Int>) -> Bool {
        var from = text.lowerBound
        while let at = escapedZeros.firstIndex(in: buffer, from..<text.upperBound) {
            from = at + 1
            guard at + 4 < text.upperBound, buffer[at + 4] | 0x20 == UInt8(ascii: "a") else { continue }
            // An escape when an odd run of backslashes stands before it; an even one is backslashes.
            var run = 0
            while at - run - 1 >= text.lowerBound && buffer[at - run - 1] == backslash { run += 1 }
            if run % 2 == 1 { return true }
        }
        return false
    }

    private static let escapedZeros = RawNeedle(literal: Array("u000".utf8))

    /// How a walk of a line ended.
    enum Walked { case whole, stopped, unreadable }

    /// Walks the line's strings, hopping from quote to quote, handing
    /// `visit` each string value (quotes included) of a member that says
    /// what it is (`interaction.result.stdout`, the id, an encoding) until
    /// `visit` returns false. Unreadable when the line is not in the shape
    /// walked: unbalanced, a string not closed, or a member written twice
    /// (by hand), which the decoder reads from its first and the walk cannot
    /// tell apart.
    static func walk(_ buffer: UnsafeBufferPointer<UInt8>, _ line: Range<Int>,
                     _ visit: (Member, Range<Int>) -> Bool) -> Walked {
        // The members the walk is inside, as deep as matters: the line's
        // object, `interaction`, then `command` or `result`.
        var depth = 0
        var second = Member.other, third = Member.other
        var key: Member = .other
        var seen: UInt16 = 0
        var index = line.lowerBound
        let end = line.upperBound
        while index < end {
            let byte = buffer[index]
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
                if depth == 2 { second = key } else if depth == 3 { third = key }
                key = .other
                index += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                guard depth > 0 else { return .unreadable }
                depth -= 1
                key = .other
                index += 1
            } else if byte == quote {
                guard let close = closingQuote(buffer, from: index + 1, end: end) else { return .unreadable }
                var after = close + 1
                while after < end, isBlank(buffer[after]) { after += 1 }
                if after < end, buffer[after] == UInt8(ascii: ":") {
                    let parent: Member = depth == 2 ? second : depth == 3 ? third : .other
                    key = Member(buffer, index + 1..<close, depth: depth, parent: parent)
                    guard seen & key.bit == 0 else { return .unreadable }
                    seen |= key.bit
                } else if key != .other, !visit(key, index..<(close + 1)) {
                    return .stopped
                }
                index = after
            } else {
                index += 1
            }
        }
        return .whole
    }

    /// The quote that closes a string whose text starts at `from`: the next
    /// one with an even run of backslashes before it.
    static func closingQuote(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int? {
        var index = from
        while index < end {
            guard let quote = ByteSearch.firstIndex(of: Self.quote, in: buffer, from: index, end: end) else { return nil }
            var run = 0
            while quote - run - 1 >= from && buffer[quote - run - 1] == backslash { run += 1 }
            if run % 2 == 0 { return quote }
            index = quote + 1
        }
        return nil
    }

    /// Whether `needle` occurs in the raw string `text` at a place that is
    /// the same in its decoded text: not starting inside an escape.
    static func occurs(_ needle: RawNeedle, in buffer: UnsafeBufferPointer<UInt8>, _ text: Range<Int>) -> Bool {
        var from = text.lowerBound
        while let hit = needle.firstIndex(in: buffer, from..<text.upperBound) {
            if !insideEscape(buffer, hit, text: text) { return true }
            from = hit + 1
        }
        return false
    }

    /// Whether `position` is part of an escape (`\n`, `\"`, `\u00e9`) that starts before it.
    static func insideEscape(_ buffer: UnsafeBufferPointer<UInt8>, _ position: Int, text: Range<Int>) -> Bool {
        // An escape is at most six bytes, so its backslash is at most five back.
        var start = position - 1
        while start >= max(text.lowerBound, position - 5) {
            if buffer[start] == backslash {
                var run = 1
                while start - run >= text.lowerBound && buffer[start - run] == backslash { run += 1 }
                // An even run is escaped backslashes, and what follows is text.
                guard run % 2 == 1 else { return false }
                let length = start + 1 < text.upperBound && buffer[start + 1] == UInt8(ascii: "u") ? 6 : 2
                return position < start + length
            }
            start -= 1
        }
        return false
    }

    /// Where the strings a hit shows are, the first of each.
    struct Strings {
        /// In place, not on the heap: one is made for every hit shown.
        var ranges = InlineArray<8, Range<Int>?>(repeating: nil)
        /// The members (their `bit`s) whose first string the walk looked
        /// through for every needle, and found none in.
        private var lacking: UInt16 = 0

        mutating func keep(_ member: Member, _ range: Range<Int>) {
            guard let slot = member.slot, ranges[slot] == nil else { return }
            ranges[slot] = range
        }

        /// Marks the member's string (a member has one: the walk reads a
        /// line that names one twice as unreadable) as holding no needle.
        mutating func markLacking(_ member: Member) {
            lacking |= member.bit
        }

        func lacksEveryNeedle(_ member: Member) -> Bool {
            lacking & member.bit != 0
        }

        subscript(member: Member) -> Range<Int>? {
            member.slot.flatMap { ranges[$0] }
        }
    }

    /// The members that decide what a string is.
    enum Member: Hashable {
        case interaction, command, result
        case commandText, pipe, stdout, stderr, errorMessage
        /// The interaction's own id and time, and its command's time: what a hit shows.
        case id, insertedAt, commandTimestamp
        /// `stdout_encoding` or `stderr_encoding`: base64 output follows or precedes.
        case encoding
        case other

        /// Where `Strings` keeps the first string of a member a hit shows.
        var slot: Int? {
            switch self {
            case .id: 0
            case .insertedAt: 1
            case .commandTimestamp: 2
            case .commandText: 3
            case .pipe: 4
            case .stdout: 5
            case .stderr: 6
            case .errorMessage: 7
            default: nil
            }
        }

        /// A bit of its own, to find one met twice; none for those that may be (both encodings, any other).
        var bit: UInt16 {
            switch self {
            case .interaction: 1 << 0
            case .command: 1 << 1
            case .result: 1 << 2
            case .commandText: 1 << 3
            case .pipe: 1 << 4
            case .stdout: 1 << 5
            case .stderr: 1 << 6
            case .errorMessage: 1 << 7
            case .id: 1 << 8
            case .insertedAt: 1 << 9
            case .commandTimestamp: 1 << 10
            case .encoding, .other: 0
            }
        }

        /// The member named `name` at `depth` (1 for the line's own), inside `parent`.
        init(_ buffer: UnsafeBufferPointer<UInt8>, _ name: Range<Int>, depth: Int, parent: Member) {
            let start = buffer.baseAddress! + name.lowerBound
            let count = name.count
            func named(_ text: StaticString) -> Bool {
                count == text.utf8CodeUnitCount && memcmp(start, text.utf8Start, count) == 0
            }
            switch depth {
            case 1: self = named("interaction") ? .interaction : .other
            case 2 where parent == .interaction:
                self = named("command") ? .command : named("result") ? .result : named("id") ? .id
                    : named("inserted_at") ? .insertedAt : .other
            case 3 where parent == .command:
                self = named("command") ? .commandText : named("pipe") ? .pipe : named("timestamp") ? .commandTimestamp : .other
            case 3 where parent == .result:
                self = named("stdout") ? .stdout : named("stderr") ? .stderr : named("error_message") ? .errorMessage
                    : named("stdout_encoding") || named("stderr_encoding") ? .encoding : .other
            default: self = .other
            }
        }

        func isSearched(command: Bool, output: Bool) -> Bool {
            switch self {
            case .commandText, .pipe: command
            case .stdout, .stderr, .errorMessage: output
            default: false
            }
        }
    }
}

extension ByteSearch {
    /// The first `byte` in `buffer[from..<end]`.
    static func firstIndex(of byte: UInt8, in buffer: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int? {
        guard from < end, let base = buffer.baseAddress else { return nil }
        guard let found = memchr(base + from, Int32(byte), end - from) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
