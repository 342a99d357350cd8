import Glibc

extension JSONParser.Cursor {
    /// Moves past one value, checking it exactly as `parseValue(depth:)`
    /// would (syntax, escapes, UTF-8, nesting), without building it: false
    /// wherever that would throw. Opening a large store checks every
    /// summary's `state` this way and builds it only when a screen asks.
    mutating func skipValue(depth: Int) -> Bool {
        guard index < end else { return false }
        switch buffer[index] {
        case UInt8(ascii: "{"): return skipObject(depth: depth + 1)
        case UInt8(ascii: "["): return skipArray(depth: depth + 1)
        case UInt8(ascii: "\""): return skipString()
        case UInt8(ascii: "t"): return skipLiteral("true")
        case UInt8(ascii: "f"): return skipLiteral("false")
        case UInt8(ascii: "n"): return skipLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return skipNumber()
        default: return false
        }
    }

    mutating func skipLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard end - index >= count, memcmp(buffer.baseAddress! + index, literal.utf8Start, count) == 0 else { return false }
        index += count
        return true
    }

    /// `parseObject(depth:)` without the object.
    mutating func skipObject(depth: Int) -> Bool {
        if depth > options.maximumDepth { return false }
        index += 1  // {
        skipWhitespace()
        if index < end && buffer[index] == UInt8(ascii: "}") {
            index += 1
            return true
        }
        while true {
            skipWhitespace()
            guard index < end, buffer[index] == UInt8(ascii: "\""), skipString() else { return false }
            skipWhitespace()
            guard index < end, buffer[index] == UInt8(ascii: ":") else { return false }
            index += 1
            skipWhitespace()
            guard skipValue(depth: depth) else { return false }
            skipWhitespace()
            guard index < end else { return false }
            switch buffer[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return true
            default: return false
            }
        }
    }

    /// `parseArray(depth:)` without the array.
    mutating func skipArray(depth: Int) -> Bool {
        if depth > options.maximumDepth { return false }
        index += 1  // [
        skipWhitespace()
        if index < end && buffer[index] == UInt8(ascii: "]") {
            index += 1
            return true
        }
        while true {
            skipWhitespace()
            guard skipValue(depth: depth) else { return false }
            skipWhitespace()
            guard index < end else { return false }
            switch buffer[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return true
            default: return false
            }
        }
    }

    /// `parseNumber()` without the string.
    mutating func skipNumber() -> Bool {
        if buffer[index] == UInt8(ascii: "-") { index += 1 }
        guard index < end, isDigit(buffer[index]) else { return false }
        if buffer[index] == UInt8(ascii: "0") {
            index += 1
            if index < end && isDigit(buffer[index]) { return false }
        } else {
            while index < end && isDigit(buffer[index]) { index += 1 }
        }
        if index < end && buffer[index] == UInt8(ascii: ".") {
            index += 1
            guard index < end, isDigit(buffer[index]) else { return false }
            while index < end && isDigit(buffer[index]) { index += 1 }
        }
        if index < end && (buffer[index] == UInt8(ascii: "e") || buffer[index] == UInt8(ascii: "E")) {
            index += 1
            if index < end && (buffer[index] == UInt8(ascii: "+") || buffer[index] == UInt8(ascii: "-")) { index += 1 }
            guard index < end, isDigit(buffer[index]) else { return false }
            while index < end && isDigit(buffer[index]) { index += 1 }
        }
        return true
    }

    /// `parseString()` without the string. Escapes only ever add whole
    /// scalars, so checking the UTF-8 of each run between them checks what
    /// the parser would build from them all.
    mutating func skipString() -> Bool {
        index += 1  // opening quote
        var runStart = index
        while index < end {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") {
                guard validRun(runStart) else { return false }
                index += 1
                return true
            }
            if byte < 0x20 { return false }
            if byte == UInt8(ascii: "\\") {
                guard validRun(runStart) else { return false }
                index += 1
                guard index < end else { return false }
                let escape = buffer[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    // Any four hex digits: a lone surrogate becomes U+FFFD, never an error.
                    guard (try? parseHex4()) != nil else { return false }
                default:
                    return false
                }
                runStart = index
                continue
            }
            index += 1
        }
        return false
    }

    private func validRun(_ start: Int) -> Bool {
        start == index || options.repairInvalidUTF8
            || UTF8Validation.firstInvalidByte(UnsafeBufferPointer(rebasing: buffer[start..<index])) == nil
    }
}
