/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// Written by hand rather than using Foundation because the store needs three
/// things Foundation does not give on Linux: member order and number spelling
/// preserved (see `JSONValue`), the line and column of a syntax error, and the
/// speed to read a 100,000-session index in well under a second.
public struct JSONParser {
    public struct Options: Sendable {
        /// Nesting deeper than this is rejected instead of overflowing the stack.
        public var maximumDepth: Int = 512
        /// Replace invalid UTF-8 with U+FFFD instead of failing. Only for sources
        /// we merely import from, never for our own store files.
        public var repairInvalidUTF8: Bool = false
        public init() {}
    }

    /// Parses one complete JSON document.
    public static func parse(_ bytes: [UInt8], options: Options = Options()) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> JSONValue in
            try parse(buffer, options: options)
        }
    }

    public static func parse(_ text: String, options: Options = Options()) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8), options: options)
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>, options: Options = Options()) throws(JSONSyntaxError) -> JSONValue {
        try parse(buffer, range: 0..<buffer.count, options: options)
    }

    /// Parses one value that starts at `range.lowerBound` and must fill the range
    /// up to trailing whitespace. Errors report positions in the whole buffer, so
    /// a bad line in a JSON Lines file is named by its real line number.
    public static func parse(
        _ buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>, options: Options = Options()
    ) throws(JSONSyntaxError) -> JSONValue {
        var parser = Cursor(buffer: buffer, options: options, start: range.lowerBound, end: range.upperBound)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.index != range.upperBound {
            throw parser.error("unexpected \(parser.describeCurrent()) after the JSON value")
        }
        return value
    }
}

extension JSONParser {
    struct Cursor {
        let buffer: UnsafeBufferPointer<UInt8>
        let options: Options
        let end: Int
        var index: Int
        /// Scratch space for strings with escapes, reused to avoid an allocation per string.
        var scratch: [UInt8] = []

        init(buffer: UnsafeBufferPointer<UInt8>, options: Options, start: Int = 0, end: Int? = nil) {
            self.buffer = buffer
            self.options = options
            self.index = start
            self.end = end ?? buffer.count
        }

        func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
            JSONSyntaxError(offset: offset ?? index, in: buffer, message: message)
        }

        func describeCurrent() -> String {
            guard index < end else { return "end of input" }
            let byte = buffer[index]
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x\(String(byte, radix: 16, uppercase: true))"
        }

        @inline(__always)
        mutating func skipWhitespace() {
            while index < end {
                switch buffer[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard index < end else { throw error("unexpected end of input, expected a value") }
            switch buffer[index] {
            case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
            case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw error("unexpected \(describeCurrent()), expected a value")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
            let start = index
            let count = literal.utf8CodeUnitCount
            guard end - index >= count else { throw error("invalid literal, expected '\(literal)'", at: start) }
            let pointer = literal.utf8Start
            for offset in 0..<count where buffer[index + offset] != pointer[offset] {
                throw error("invalid literal, expected '\(literal)'", at: start)
            }
            index += count
        }

        mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONObject {
            if depth > options.maximumDepth { throw error("nesting deeper than \(options.maximumDepth) levels") }
            index += 1  // {
            var members: [JSONObject.Member] = []
            skipWhitespace()
            if index < end && buffer[index] == UInt8(ascii: "}") {
                index += 1
                return JSONObject(members)
            }
            while true {
                skipWhitespace()
                guard index < end else { throw error("unexpected end of input inside an object") }
                guard buffer[index] == UInt8(ascii: "\"") else {
                    throw error("unexpected \(describeCurrent()), expected a member name in quotes")
                }
                let key = try parseString()
                skipWhitespace()
                guard index < end, buffer[index] == UInt8(ascii: ":") else {
                    throw error("unexpected \(describeCurrent()), expected ':' after a member name")
                }
                index += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                members.append(JSONObject.Member(key, value))
                skipWhitespace()
                guard index < end else { throw error("unexpected end of input inside an object") }
                switch buffer[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return JSONObject(members)
                default: throw error("unexpected \(describeCurrent()), expected ',' or '}'")
                }
            }
        }

        mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> [JSONValue] {
            if depth > options.maximumDepth { throw error("nesting deeper than \(options.maximumDepth) levels") }
            index += 1  // [
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < end && buffer[index] == UInt8(ascii: "]") {
                index += 1
                return elements
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                guard index < end else { throw error("unexpected end of input inside an array") }
                switch buffer[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return elements
                default: throw error("unexpected \(describeCurrent()), expected ',' or ']'")
                }
            }
        }

        mutating func parseNumber() throws(JSONSyntaxError) -> String {
            let start = index
            if buffer[index] == UInt8(ascii: "-") { index += 1 }
            guard index < end, isDigit(buffer[index]) else { throw error("invalid number: expected a digit", at: index) }
            if buffer[index] == UInt8(ascii: "0") {
                index += 1
                if index < end && isDigit(buffer[index]) { throw error("invalid number: leading zero", at: start) }
            } else {
                while index < end && isDigit(buffer[index]) { index += 1 }
            }
            if index < end && buffer[index] == UInt8(ascii: ".") {
                index += 1
                guard index < end, isDigit(buffer[index]) else {
                    throw error("invalid number: expected a digit after '.'")
                }
                while index < end && isDigit(buffer[index]) { index += 1 }
            }
            if index < end && (buffer[index] == UInt8(ascii: "e") || buffer[index] == UInt8(ascii: "E")) {
                index += 1
                if index < end && (buffer[index] == UInt8(ascii: "+") || buffer[index] == UInt8(ascii: "-")) { index += 1 }
                guard index < end, isDigit(buffer[index]) else {
                    throw error("invalid number: expected a digit in the exponent")
                }
                while index < end && isDigit(buffer[index]) { index += 1 }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<index]), as: UTF8.self)
        }

        @inline(__always)
        func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

        mutating func parseString() throws(JSONSyntaxError) -> String {
            let open = index
            index += 1  // opening quote
            let start = index
            // Fast path: no escapes, so the bytes between the quotes are the string.
            while index < end {
                let byte = buffer[index]
                if byte == UInt8(ascii: "\"") {
                    let text = try makeString(UnsafeBufferPointer(rebasing: buffer[start..<index]), at: start)
                    index += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw error("control character 0x\(String(byte, radix: 16, uppercase: true)) must be escaped inside a string") }
                index += 1
            }
            guard index < end else { throw error("unterminated string", at: open) }
            return try parseEscapedString(start: start, open: open)
        }

        mutating func parseEscapedString(start: Int, open: Int) throws(JSONSyntaxError) -> String {
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<index]))
            while index < end {
                let byte = buffer[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    let bytes = scratch
                    return try bytes.withUnsafeBufferPointer { (pointer) throws(JSONSyntaxError) -> String in
                        try makeString(pointer, at: start)
                    }
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < end else { throw error("unterminated string", at: open) }
                    let escape = buffer[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scratch.append(0x22)
                    case UInt8(ascii: "\\"): scratch.append(0x5C)
                    case UInt8(ascii: "/"): scratch.append(0x2F)
                    case UInt8(ascii: "b"): scratch.append(0x08)
                    case UInt8(ascii: "f"): scratch.append(0x0C)
                    case UInt8(ascii: "n"): scratch.append(0x0A)
                    case UInt8(ascii: "r"): scratch.append(0x0D)
                    case UInt8(ascii: "t"): scratch.append(0x09)
                    case UInt8(ascii: "u"): appendScalar(try parseUnicodeEscape())
                    default:
                        throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))'", at: index - 2)
                    }
                default:
                    if byte < 0x20 { throw error("control character 0x\(String(byte, radix: 16, uppercase: true)) must be escaped inside a string") }
                    // Copy the run up to the next quote, escape or control
                    // character at once: outputs are long and mostly plain.
                    var runEnd = index + 1
                    while runEnd < end {
                        let next = buffer[runEnd]
                        if next == UInt8(ascii: "\"") || next == UInt8(ascii: "\\") || next < 0x20 { break }
                        runEnd += 1
                    }
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<runEnd]))
                    index = runEnd
                }
            }
            throw error("unterminated string", at: open)
        }

        /// Decodes `XXXX` (after `\u`), joining surrogate pairs. A lone surrogate
        /// cannot exist in a Swift string; it becomes U+FFFD rather than failing the
        /// whole document, because JavaScript tools do write them.
        mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
            let first = try parseHex4()
            if (0xD800...0xDBFF).contains(first) {
                if end - index >= 6, buffer[index] == UInt8(ascii: "\\"), buffer[index + 1] == UInt8(ascii: "u") {
                    let save = index
                    index += 2
                    let second = try parseHex4()
                    if (0xDC00...0xDFFF).contains(second) {
                        let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                        return Unicode.Scalar(value) ?? "\u{FFFD}"
                    }
                    index = save
                }
                return "\u{FFFD}"
            }
            if (0xDC00...0xDFFF).contains(first) { return "\u{FFFD}" }
            return Unicode.Scalar(first) ?? "\u{FFFD}"
        }

        mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
            guard end - index >= 4 else { throw error("invalid \\u escape: expected 4 hex digits") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = buffer[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw error("invalid \\u escape: expected 4 hex digits")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        mutating func appendScalar(_ scalar: Unicode.Scalar) {
            UTF8.encode(scalar) { scratch.append($0) }
        }

        func makeString(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONSyntaxError) -> String {
            // `String(validating:)` is generic and slow on this hot path; validate
            // here and let `String(decoding:)` take its fast path.
            let invalidAt = UTF8Validation.firstInvalidByte(bytes)
            if invalidAt == nil || options.repairInvalidUTF8 { return String(decoding: bytes, as: UTF8.self) }
            throw error("invalid UTF-8 inside a string", at: offset + invalidAt!)
        }
    }
}

/// UTF-8 validation without generic overhead.
enum UTF8Validation {
    /// The offset of the first byte that does not start or continue a valid
    /// sequence (no overlongs, surrogates or values past U+10FFFF), or nil.
    static func firstInvalidByte(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            // Eight ASCII bytes at a time.
            while index + 8 <= count {
                let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                index += 8
            }
            guard index < count else { return nil }
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return index
            }
            guard index + length <= count else { return index }
            let second = bytes[index + 1]
            guard second >= lower && second <= upper else { return index }
            for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return index }
            index += length
        }
        return nil
    }
}
