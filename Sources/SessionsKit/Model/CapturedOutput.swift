/// A command's stdout or stderr. Most output is text; output that is not valid
/// UTF-8 is kept as exact bytes (written as base64 with a marker field) because
/// turning it into a Swift string would silently replace bytes with U+FFFD.
public enum CapturedOutput: Sendable, Hashable {
    case text(String)
    case bytes([UInt8])

    /// Text when the bytes are UTF-8, exact bytes otherwise.
    public init(bytes: [UInt8]) {
        if let text = String(validating: bytes, as: UTF8.self) {
            self = .text(text)
        } else {
            self = .bytes(bytes)
        }
    }

    /// The output as text, with undecodable bytes replaced; for searching and
    /// measuring, never for storage.
    public var lossyText: String {
        switch self {
        case .text(let text): return text
        case .bytes(let bytes): return String(decoding: bytes, as: UTF8.self)
        }
    }

    public var byteCount: Int {
        switch self {
        case .text(let text): return text.utf8.count
        case .bytes(let bytes): return bytes.count
        }
    }

    /// The `*_encoding` marker value for byte output.
    static let base64Marker = "base64"

    func jsonValue() -> JSONValue {
        switch self {
        case .text(let text): return .string(text)
        case .bytes(let bytes): return .string(Base64.encode(bytes))
        }
    }
}

/// Standard base64 (RFC 4648, with padding), without Foundation.
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out.append(alphabet[Int(value >> 18 & 63)])
            out.append(alphabet[Int(value >> 12 & 63)])
            out.append(alphabet[Int(value >> 6 & 63)])
            out.append(alphabet[Int(value & 63)])
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            let value = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            out.append(alphabet[Int(value >> 18 & 63)])
            out.append(alphabet[Int(value >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(value >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Nil for anything that is not canonical padded base64.
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            let isLast = index + 4 == input.count
            var values: [UInt32] = []
            var padding = 0
            for offset in 0..<4 {
                let byte = input[index + offset]
                if byte == UInt8(ascii: "=") && isLast && offset >= 2 {
                    padding += 1
                    values.append(0)
                    continue
                }
                guard padding == 0 else { return nil }
                let decoded = reverse[Int(byte)]
                guard decoded != 0xFF else { return nil }
                values.append(UInt32(decoded))
            }
            let value = values[0] << 18 | values[1] << 12 | values[2] << 6 | values[3]
            out.append(UInt8(value >> 16 & 0xFF))
            if padding < 2 { out.append(UInt8(value >> 8 & 0xFF)) }
            if padding < 1 { out.append(UInt8(value & 0xFF)) }
            index += 4
        }
        return out
    }
}
