import SessionsKit

/// The one gate between untrusted text (commands, stdout, stderr, state, names)
/// and anything that displays it. What comes out contains no byte a terminal
/// would act on: C0 and C1 controls, ESC, DEL, bidirectional overrides and other
/// invisible formatting are replaced by visible stand-ins, so a command's output
/// can never retitle the window, clear the screen, write the clipboard or make
/// text read differently from what it is.
public enum Sanitizer {
    /// A run of display-safe text. `isEscape` marks stand-ins for something
    /// that was not shown as itself, so a front end can style them apart.
    public struct Segment: Sendable, Equatable {
        public var text: String
        public var isEscape: Bool
        public init(_ text: String, isEscape: Bool = false) {
            self.text = text
            self.isEscape = isEscape
        }
    }

    /// Text for one line: newlines and tabs become visible too.
    public static func line(_ text: String) -> String {
        if isShownAsIs(text, multiline: false) { return text }
        return segments(text, multiline: false).map(\.text).joined()
    }

    /// Text for a block: newlines split lines and tabs expand to spaces at
    /// `tabWidth` stops; everything else is as in `line`.
    public static func lines(_ text: String, tabWidth: Int = 8) -> [String] {
        lineSegments(text, tabWidth: tabWidth).map { $0.map(\.text).joined() }
    }

    /// Like `lines`, keeping the escape marks.
    public static func lineSegments(_ text: String, tabWidth: Int = 8) -> [[Segment]] {
        var lines: [[Segment]] = []
        forEachLine(text, tabWidth: tabWidth) { lines.append($0) }
        return lines
    }

    /// Each line of `text`, sanitized as in `lineSegments`, handed over as it
    /// is split, so a caller that only writes the lines out never holds them
    /// all: 100 MB of empty lines is a hundred million of them.
    public static func forEachLine(_ text: String, tabWidth: Int = 8, _ body: ([Segment]) -> Void) {
        // CRLF ends a line like LF does; a bare CR stays visible. Split on
        // the bytes: an LF is always a character of its own or the end of a
        // CR LF, so this is the split by characters, without walking a
        // 100 MB output grapheme by grapheme.
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            func add(_ end: Int) {
                let line = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                body(expandTabs(segments(line, multiline: true), tabWidth: tabWidth))
            }
            for index in 0..<bytes.count where bytes[index] == 0x0A {
                add(index > start && bytes[index - 1] == 0x0D ? index - 1 : index)
                start = index + 1
            }
            add(bytes.count)
        }
    }

    /// A captured output's lines. Bytes that are not UTF-8 appear as `\xNN`.
    public static func lines(_ output: CapturedOutput, tabWidth: Int = 8) -> [String] {
        switch output {
        case .text(let text): return lines(text, tabWidth: tabWidth)
        case .bytes(let bytes): return lines(visibleBytes(bytes), tabWidth: tabWidth)
        }
    }

    /// One line of a captured output.
    public static func line(_ output: CapturedOutput) -> String {
        switch output {
        case .text(let text): return line(text)
        case .bytes(let bytes): return line(visibleBytes(bytes))
        }
    }

    /// Decodes what is UTF-8 and writes each invalid byte as `\xNN`. The result
    /// still needs sanitising; it only makes the bytes readable.
    public static func visibleBytes(_ bytes: [UInt8]) -> String {
        // Built as bytes and decoded once: appending scalar by scalar to a
        // string costs more than the rest of showing a large output.
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        let digits = Array("0123456789ABCDEF".utf8)
        var index = 0
        while index < bytes.count {
            let length = utf8SequenceLength(bytes, at: index)
            if length > 0 {
                out.append(contentsOf: bytes[index..<(index + length)])
                index += length
            } else {
                let byte = bytes[index]
                out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Length of the valid UTF-8 sequence starting at `index`, or 0.
    static func utf8SequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        let minimum: UInt32
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2; minimum = 0x80
        case 0xE0...0xEF: length = 3; minimum = 0x800
        case 0xF0...0xF4: length = 4; minimum = 0x10000
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        var scalar = UInt32(lead) & (0xFF >> (length + 1))
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return 0 }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return 0 }
        return length
    }

    /// Asked of every string drawn or printed, so it reads the bytes in
    /// place where it can, not through the view's iterator.
    @inline(__always)
    static func isPlainASCII(_ text: String) -> Bool {
        let plain = text.utf8.withContiguousStorageIfAvailable(isPrintableASCII)
        return plain ?? text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// Whether every byte is printable ASCII (0x20 to 0x7E), eight at a
    /// time: every snippet, title and cell width asks it.
    static func isPrintableASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let deleted = word ^ (0x7F &* ones)
            // A byte at or over 0x80, a byte under 0x20, a byte that is 0x7F.
            let bad = word | ((word &- 0x20 &* ones) & ~word) | ((deleted &- ones) & ~deleted)
            if bad & highs != 0 { return false }
            index += 8
        }
        while index < bytes.count {
            if bytes[index] < 0x20 || bytes[index] >= 0x7F { return false }
            index += 1
        }
        return true
    }

    /// Whether no scalar of `text` needs a stand-in, even a tag character
    /// (which a flag may keep): such text is shown as it is, without being
    /// walked grapheme by grapheme, the slow part of sanitizing (`é`, `·`
    /// and `注文` are common in real output; what needs a stand-in is rare).
    static func isShownAsIs(_ text: String, multiline: Bool) -> Bool {
        isPlainASCII(text) || text.unicodeScalars.allSatisfy { standIn(for: $0, multiline: multiline, allowsTags: false) == nil }
    }

    /// The core: walks grapheme clusters and replaces what must not reach a terminal.
    public static func segments(_ text: String, multiline: Bool) -> [Segment] {
        if isShownAsIs(text, multiline: multiline) { return text.isEmpty ? [] : [Segment(text)] }
        var result: [Segment] = []
        var plain = ""
        func flushPlain() {
            if !plain.isEmpty {
                result.append(Segment(plain))
                plain = ""
            }
        }
        for character in text {
            // Tag characters spell subdivision flags after a black flag; anywhere
            // else they are invisible text smuggling.
            let allowsTags = character.unicodeScalars.first?.value == 0x1F3F4
            if character.unicodeScalars.allSatisfy({ standIn(for: $0, multiline: multiline, allowsTags: allowsTags) == nil }) {
                plain.append(character)
                continue
            }
            for scalar in character.unicodeScalars {
                if scalar == "\t" && multiline {
                    plain += "\t"  // expanded later, when the column is known
                } else if let replacement = standIn(for: scalar, multiline: multiline, allowsTags: allowsTags) {
                    flushPlain()
                    result.append(Segment(replacement, isEscape: true))
                } else {
                    plain.unicodeScalars.append(scalar)
                }
            }
        }
        flushPlain()
        return result
    }

    /// The visible stand-in for a scalar that must not be shown as itself.
    static func standIn(for scalar: Unicode.Scalar, multiline: Bool, allowsTags: Bool) -> String? {
        let value = scalar.value
        switch value {
        case 0x09:
            return multiline ? "\t" : "\u{2409}"  // ␉
        case 0x00...0x1F:
            return String(Unicode.Scalar(0x2400 + value)!)  // ␀ … ␛ … ␟
        case 0x7F:
            return "\u{2421}"  // ␡
        case 0x80...0x9F,  // C1 controls, including the one-byte CSI U+009B
            0x061C, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2060...0x2064,
            0x2066...0x2069, 0xFEFF, 0xFFF9...0xFFFB:
            return "<U+\(hex(value, digits: 4))>"
        case 0xE0000...0xE007F:
            return allowsTags ? nil : "<U+\(hex(value, digits: 5))>"
        default:
            return nil
        }
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    static func expandTabs(_ segments: [Segment], tabWidth: Int) -> [Segment] {
        // A tab is always a character of its own, so looking for its byte
        // finds the same, without walking every line grapheme by grapheme.
        guard segments.contains(where: { !$0.isEscape && $0.text.utf8.contains(0x09) }) else { return segments }
        var column = 0
        var result: [Segment] = []
        for segment in segments {
            if segment.isEscape {
                result.append(segment)
                column += CellWidth.of(segment.text)
                continue
            }
            var text = ""
            for character in segment.text {
                if character == "\t" {
                    let spaces = tabWidth - column % tabWidth
                    text += String(repeating: " ", count: spaces)
                    column += spaces
                } else {
                    text.append(character)
                    column += CellWidth.of(character)
                }
            }
            result.append(Segment(text))
        }
        return result
    }
}
