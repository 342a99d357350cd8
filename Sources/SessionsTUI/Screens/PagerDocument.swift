import SessionsDisplay
import Synchronization

/// The pager's lines. Fields are few and built at once; stdout and stderr can
/// be hundreds of megabytes, so they are kept as their text plus where each
/// line starts, and a line is sanitized only when it is shown. Opening a huge
/// output costs one scan for newlines, not a sanitized copy of every line.
public struct PagerDocument: Sendable {
    public struct Line: Sendable, Equatable {
        public var spans: [Span]
        public var part: PagerContent.Part
    }

    /// One output's text, and where some of its lines start: every 64th
    /// line, and any line 4 KB or more past the previous mark. Any other line
    /// is found by scanning forward from its mark, which reads less than a
    /// screen's worth of bytes; keeping where every line starts would cost 8
    /// bytes a line, 800 MB for 100 MB of empty lines.
    struct Output: Sendable {
        struct Mark: Sendable {
            var line: Int
            var offset: Int
        }

        static let linesPerMark = 64
        static let bytesPerMark = 4096

        let part: PagerContent.Part
        let text: String
        /// How many lines: a final newline ends the last line, it does not start one.
        let count: Int
        let marks: [Mark]

        init(part: PagerContent.Part, text: String) {
            self.part = part
            self.text = text
            (count, marks) = Self.withBytes(text) { bytes in
                guard !bytes.isEmpty else { return (0, []) }
                var marks = [Mark(line: 0, offset: 0)]
                var line = 0
                var last = marks[0]
                for index in bytes.indices where bytes[index] == 10 && index + 1 < bytes.count {
                    line += 1
                    if line - last.line >= Self.linesPerMark || index + 1 - last.offset >= Self.bytesPerMark {
                        last = Mark(line: line, offset: index + 1)
                        marks.append(last)
                    }
                }
                return (line + 1, marks)
            }
        }

        static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            var text = text
            return text.withUTF8(body)
        }

        /// The UTF-8 offset where line `index` starts.
        func start(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
            let mark = lastMark { $0.line <= index }
            var offset = mark.offset
            for _ in mark.line..<index {
                while bytes[offset] != 10 { offset += 1 }
                offset += 1
            }
            return offset
        }

        /// Line `index` without its newline; CRLF ends a line like LF does,
        /// and a bare CR stays for the sanitizer to show.
        func range(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
            let start = start(index, in: bytes)
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            // `end` is the newline, or the end of the output.
            let endsLine = end < bytes.count
            if endsLine && end > start && bytes[end - 1] == 13 { end -= 1 }
            return start..<end
        }

        func line(_ index: Int) -> Line {
            let text = Self.withBytes(self.text) { bytes in String(decoding: UnsafeBufferPointer(rebasing: bytes[range(index, in: bytes)]), as: UTF8.self) }
            let segments = Sanitizer.lineSegments(text).first ?? []
            return Line(spans: segments.map { Span($0.text, $0.isEscape ? .escape : .normal) }, part: part)
        }

        /// Lines in `lines` holding `needle` (lower-case UTF-8), compared with
        /// ASCII letters folded: the first such line, or the last one.
        func match(_ needle: [UInt8], in lines: Range<Int>, last: Bool) -> Int? {
            guard !lines.isEmpty, let first = needle.first else { return nil }
            return Self.withBytes(text) { bytes -> Int? in
                let lower = start(lines.lowerBound, in: bytes)
                let upper = range(lines.upperBound - 1, in: bytes).upperBound
                var found: Int?
                var position = lower
                while position + needle.count <= upper {
                    if Self.fold(bytes[position]) == first {
                        var offset = 1
                        while offset < needle.count && Self.fold(bytes[position + offset]) == needle[offset] { offset += 1 }
                        if offset == needle.count {
                            found = position
                            if !last { break }
                        }
                    }
                    position += 1
                }
                return found.map { lineContaining($0, in: bytes) }
            }
        }

        static func fold(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }

        /// How often `needle` (lower-case UTF-8, no newline) occurs in
        /// `lines`, not overlapping, folded as `match` folds, and the line of
        /// each of the first `limit` occurrences. One pass over the bytes,
        /// counting newlines on the way, so no line is looked up.
        func occurrences(of needle: [UInt8], in lines: Range<Int>, keepingLinesOf limit: Int) -> (count: Int, lines: [Int]) {
            guard !lines.isEmpty, let first = needle.first else { return (0, []) }
            return Self.withBytes(text) { bytes -> (count: Int, lines: [Int]) in
                var position = start(lines.lowerBound, in: bytes)
                let upper = range(lines.upperBound - 1, in: bytes).upperBound
                var line = lines.lowerBound
                var count = 0
                var kept: [Int] = []
                while position + needle.count <= upper {
                    let byte = bytes[position]
                    if byte == 10 {
                        line += 1
                    } else if Self.fold(byte) == first {
                        var offset = 1
                        while offset < needle.count && Self.fold(bytes[position + offset]) == needle[offset] { offset += 1 }
                        if offset == needle.count {
                            count += 1
                            if kept.count < limit { kept.append(line) }
                            // A needle holds no newline, so none is skipped.
                            position += needle.count
                            continue
                        }
                    }
                    position += 1
                }
                return (count, kept)
            }
        }

        /// The line holding byte `offset`: the mark before it, then the
        /// newlines between.
        func lineContaining(_ offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
            let mark = lastMark { $0.offset <= offset }
            var line = mark.line
            for position in mark.offset..<offset where bytes[position] == 10 { line += 1 }
            return line
        }

        /// The last mark at or before a position, by binary search: marks
        /// ascend in line and offset alike, and the first is at the start.
        func lastMark(atOrBefore isAtOrBefore: (Mark) -> Bool) -> Mark {
            var low = 0, high = marks.count
            while low + 1 < high {
                let middle = (low + high) / 2
                if isAtOrBefore(marks[middle]) { low = middle } else { high = middle }
            }
            return marks[low]
        }
    }

    enum Piece: Sendable {
        case lines([Line])
        case output(Output)

        var count: Int {
            switch self {
            case .lines(let lines): return lines.count
            case .output(let output): return output.count
            }
        }
    }

    private(set) var pieces: [Piece] = []
    /// Long lines as laid out on screen. Shared by copies, which all show
    /// the same lines: the document never changes once built.
    let layouts = LongLineLayouts()
    /// How many times a search counted its matches here: once per search,
    /// never per key press.
    let searchesCounted = Tally()
    /// The document line each piece starts at.
    private(set) var firsts: [Int] = []
    public private(set) var count = 0

    mutating func append(_ line: Line) {
        if case .lines(var lines)? = pieces.last {
            lines.append(line)
            pieces[pieces.count - 1] = .lines(lines)
        } else {
            firsts.append(count)
            pieces.append(.lines([line]))
        }
        count += 1
    }

    mutating func append(_ output: Output) {
        firsts.append(count)
        pieces.append(.output(output))
        count += output.count
    }

    public var isEmpty: Bool { count == 0 }

    private func piece(containing index: Int) -> Int {
        var piece = 0
        while piece + 1 < firsts.count && firsts[piece + 1] <= index { piece += 1 }
        return piece
    }

    public func line(_ index: Int) -> Line {
        let number = piece(containing: index)
        let local = index - firsts[number]
        switch pieces[number] {
        case .lines(let lines): return lines[local]
        case .output(let output): return output.line(local)
        }
    }

    /// The UTF-8 length of line `index` as stored, without building it.
    func byteCount(of index: Int) -> Int {
        let number = piece(containing: index)
        let local = index - firsts[number]
        switch pieces[number] {
        case .lines(let lines): return lines[local].spans.reduce(0) { $0 + $1.text.utf8.count }
        case .output(let output): return Output.withBytes(output.text) { output.range(local, in: $0).count }
        }
    }

    public func part(of index: Int) -> PagerContent.Part {
        let number = piece(containing: index)
        switch pieces[number] {
        case .lines(let lines): return lines[index - firsts[number]].part
        case .output(let output): return output.part
        }
    }

    /// The document as text, a line for each line: what `o` hands to the
    /// external pager and what copying the whole interaction copies.
    /// Outputs are sanitized as they are split, in one pass, rather than
    /// found line by line from their marks.
    func plainText() -> String {
        var text = ""
        for piece in pieces {
            switch piece {
            case .lines(let lines):
                for line in lines {
                    for span in line.spans { text += span.text }
                    text += "\n"
                }
            case .output(let output):
                // The split yields an empty last line after a final newline,
                // which the document does not count as a line.
                var remaining = output.count
                Sanitizer.forEachLine(output.text) { segments in
                    guard remaining > 0 else { return }
                    remaining -= 1
                    for segment in segments { text += segment.text }
                    text += "\n"
                }
            }
        }
        return text
    }

    /// How often `needle` occurs in lines `range`, ignoring case and not
    /// overlapping, as `match` finds it and the screen marks it; and the
    /// line of each of the first `limit` occurrences, a line once for each
    /// occurrence in it.
    func occurrences(of needle: String, in range: Range<Int>, keepingLinesOf limit: Int = 0) -> (count: Int, lines: [Int]) {
        let lowered = needle.lowercased()
        let bytes = Array(lowered.utf8)
        var count = 0
        var kept: [Int] = []
        for (number, piece) in pieces.enumerated() {
            let first = firsts[number]
            let lower = max(range.lowerBound, first), upper = min(range.upperBound, first + piece.count)
            guard lower < upper else { continue }
            switch piece {
            case .lines(let lines):
                for index in lower..<upper {
                    let found = TextLayout.occurrences(of: lowered, in: lines[index - first].spans.map(\.text).joined()).count
                    count += found
                    kept += repeatElement(index, count: max(0, min(found, limit - kept.count)))
                }
            case .output(let output):
                let found = output.occurrences(of: bytes, in: (lower - first)..<(upper - first), keepingLinesOf: limit - kept.count)
                count += found.count
                kept += found.lines.map { $0 + first }
            }
        }
        return (count, kept)
    }

    /// The first (or last) line in `range` containing `needle`, ignoring case.
    func match(_ needle: String, in range: Range<Int>, last: Bool) -> Int? {
        let lowered = needle.lowercased()
        let bytes = Array(lowered.utf8)
        var found: Int?
        for (number, piece) in pieces.enumerated() {
            let first = firsts[number]
            let lower = max(range.lowerBound, first), upper = min(range.upperBound, first + piece.count)
            guard lower < upper else { continue }
            let local = lower..<upper
            let hit: Int?
            switch piece {
            case .lines(let lines):
                let indices = (local.lowerBound - first)..<(local.upperBound - first)
                let matches = { (i: Int) in lines[i].spans.map(\.text).joined().lowercased().contains(lowered) }
                hit = last ? indices.last(where: matches) : indices.first(where: matches)
            case .output(let output):
                hit = output.match(bytes, in: (local.lowerBound - first)..<(local.upperBound - first), last: last)
            }
            if let hit {
                found = first + hit
                if !last { return found }
            }
        }
        return found
    }
}

/// Lines too long to lay out on every frame (a one-line megabyte of minified
/// JSON, a command a megabyte long), laid out once for the width, wrap,
/// sideways scroll and search they are shown with. Without it, every key press in such a line
/// sanitized and wrapped the whole line once per row it scrolled: seconds
/// per key. A few entries suffice: only a handful of long lines fit on a screen.
final class LongLineLayouts: Sendable {
    /// Lines up to this many bytes are laid out afresh each time: that costs
    /// less than a screen's worth of drawing.
    static let threshold = 4096
    static let capacity = 8

    struct Key: Equatable {
        var line: Int
        var width: Int
        var wrap: Bool
        /// Cells scrolled past on the left, with wrap off.
        var column: Int
        var needle: String?
        /// Which match in the line is marked as the current one.
        var current: Int?
    }

    private let entries = Mutex<[(key: Key, rows: [[Span]])]>([])
    private let made = Mutex(0)
    /// Cells each long line takes, for scrolling sideways: counting them
    /// reads the whole line.
    private let widths = Mutex<[(line: Int, cells: Int)]>([])

    /// The cells line `line` takes, counted by `count` unless kept from before.
    func cells(ofLine line: Int, count: () -> Int) -> Int {
        if let cells = widths.withLock({ widths in widths.first { $0.line == line }?.cells }) { return cells }
        let cells = count()
        widths.withLock { widths in
            widths.append((line, cells))
            if widths.count > Self.capacity { widths.removeFirst() }
        }
        return cells
    }

    /// How many layouts were made rather than found: what a key press in a
    /// long line costs, counted.
    var layoutsMade: Int { made.withLock { $0 } }

    /// The rows of a line for `key`, made by `layout` unless kept from before.
    func rows(_ key: Key, layout: () -> [[Span]]) -> [[Span]] {
        if let rows = entries.withLock({ entries in entries.first { $0.key == key }?.rows }) { return rows }
        let rows = layout()
        made.withLock { $0 += 1 }
        entries.withLock { entries in
            entries.removeAll { $0.key == key }
            entries.append((key, rows))
            if entries.count > Self.capacity { entries.removeFirst() }
        }
        return rows
    }
}

/// A count shared by copies of a value, for tests to see what work was done.
final class Tally: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    func add() { count.withLock { $0 += 1 } }
}
