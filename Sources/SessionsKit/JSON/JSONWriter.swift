/// Serialises `JSONValue` deterministically, so the same value always gives the
/// same bytes: the store's files are byte-stable across a read and a write.
///
/// Besides what JSON requires, it escapes DEL, the C1 controls, the Unicode line
/// separators and the bidirectional overrides. The result is still the same
/// JSON value, but `cat`-ing a store file or `--json` output on a terminal can
/// never smuggle a control sequence or reorder what the reader sees.
public struct JSONWriter {
    public enum Style: Sendable {
        /// Two-space indentation, one member per line: for files people read.
        case pretty
        /// No insignificant whitespace: one value per line in journals and indexes.
        case compact
    }

    public static func bytes(_ value: JSONValue, style: Style = .pretty) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, style: style, into: &output)
        return output
    }

    public static func string(_ value: JSONValue, style: Style = .pretty) -> String {
        String(decoding: bytes(value, style: style), as: UTF8.self)
    }

    public static func write(_ value: JSONValue, style: Style, into output: inout [UInt8], indent: Int = 0) {
        switch value {
        case .null: append("null", to: &output)
        case .bool(let flag): append(flag ? "true" : "false", to: &output)
        case .number(let literal): output.append(contentsOf: literal.utf8)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            if elements.isEmpty {
                append("[]", to: &output)
                return
            }
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(style, indent + 1, &output)
                write(element, style: style, into: &output, indent: indent + 1)
            }
            newline(style, indent, &output)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            writeObject(object, style: style, into: &output, indent: indent)
        }
    }

    public static func writeObject(_ object: JSONObject, style: Style, into output: inout [UInt8], indent: Int = 0) {
        if object.isEmpty {
            append("{}", to: &output)
            return
        }
        output.append(UInt8(ascii: "{"))
        for (position, member) in object.members.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            newline(style, indent + 1, &output)
            writeString(member.key, into: &output)
            output.append(UInt8(ascii: ":"))
            if style == .pretty { output.append(UInt8(ascii: " ")) }
            write(member.value, style: style, into: &output, indent: indent + 1)
        }
        newline(style, indent, &output)
        output.append(UInt8(ascii: "}"))
    }

    @inline(__always)
    static func newline(_ style: Style, _ indent: Int, _ output: inout [UInt8]) {
        guard style == .pretty else { return }
        output.append(UInt8(ascii: "\n"))
        for _ in 0..<(indent * 2) { output.append(UInt8(ascii: " ")) }
    }

    @inline(__always)
    static func append(_ literal: StaticString, to output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendUnicodeEscape(_ value: UInt32, to output: inout [UInt8]) {
        output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u")])
        output.append(hexDigits[Int((value >> 12) & 0xF)])
        output.append(hexDigits[Int((value >> 8) & 0xF)])
        output.append(hexDigits[Int((value >> 4) & 0xF)])
        output.append(hexDigits[Int(value & 0xF)])
    }

    public static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            let count = utf8.count
            @inline(__always) func flush(to end: Int) {
                if end > runStart { output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<end])) }
            }
            while index < count {
                let byte = utf8[index]
                if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                    index += 1
                    continue
                }
                if byte < 0x80 {
                    flush(to: index)
                    switch byte {
                    case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
                    case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
                    case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                    case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                    case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                    case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                    case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                    default: appendUnicodeEscape(UInt32(byte), to: &output)  // other C0 and DEL
                    }
                    index += 1
                    runStart = index
                    continue
                }
                // Multi-byte sequence: escape the few invisible or reordering scalars.
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                var escaped: UInt32? = nil
                if length == 2 {
                    let scalar = (UInt32(byte & 0x1F) << 6) | UInt32(utf8[index + 1] & 0x3F)
                    if (0x80...0x9F).contains(scalar) || scalar == 0x061C { escaped = scalar }
                } else if length == 3 && (byte == 0xE2 || byte == 0xEF) {
                    let scalar = (UInt32(byte & 0x0F) << 12) | (UInt32(utf8[index + 1] & 0x3F) << 6) | UInt32(utf8[index + 2] & 0x3F)
                    if isInvisibleFormatting(scalar) { escaped = scalar }
                }
                if let escaped {
                    flush(to: index)
                    appendUnicodeEscape(escaped, to: &output)
                    index += length
                    runStart = index
                } else {
                    index += length
                }
            }
            flush(to: count)
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Scalars that change how surrounding text is displayed without being seen.
    @inline(__always)
    static func isInvisibleFormatting(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x200E, 0x200F,  // LRM, RLM
            0x2028, 0x2029,  // line and paragraph separators
            0x202A...0x202E,  // bidi embeddings and overrides
            0x2066...0x2069,  // bidi isolates
            0xFEFF:  // byte order mark / zero-width no-break space
            return true
        default:
            return false
        }
    }
}
