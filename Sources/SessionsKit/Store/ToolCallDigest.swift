/// Which Claude Code tool calls a session records, as a sorted list of
/// 32-bit hashes of their ids. A hook asks on every event whether its call
/// is recorded already; a hash not in the list means no, without reading
/// the log, and a hash in it (the call, or one in about 2 million that
/// shares its hash with a recorded one) sends the caller to the log. Kept in
/// the session's head as 8 hex digits per call: a session of 2,000 calls adds
/// 16 KB to it, which reads and writes in well under a millisecond.
struct ToolCallDigest: Sendable, Equatable {
    private(set) var hashes: [UInt32]

    init(_ ids: some Sequence<String> = []) {
        hashes = Array(Set(ids.map(Self.hash))).sorted()
    }

    /// FNV-1a of the id's UTF-8 bytes: stable across runs and builds.
    static func hash(_ id: String) -> UInt32 {
        var value: UInt32 = 2_166_136_261
        for byte in id.utf8 {
            value ^= UInt32(byte)
            value = value &* 16_777_619
        }
        return value
    }

    func mayContain(_ id: String) -> Bool {
        let wanted = Self.hash(id)
        var low = 0, high = hashes.count
        while low < high {
            let middle = (low + high) / 2
            if hashes[middle] < wanted { low = middle + 1 } else { high = middle }
        }
        return low < hashes.count && hashes[low] == wanted
    }

    mutating func insert(_ id: String) {
        let wanted = Self.hash(id)
        var low = 0, high = hashes.count
        while low < high {
            let middle = (low + high) / 2
            if hashes[middle] < wanted { low = middle + 1 } else { high = middle }
        }
        if low < hashes.count && hashes[low] == wanted { return }
        hashes.insert(wanted, at: low)
    }

    /// The hex text the head holds.
    var text: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hashes.count * 8)
        for hash in hashes {
            for shift in stride(from: 28, through: 0, by: -4) { bytes.append(digits[Int((hash >> UInt32(shift)) & 0xF)]) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The digest a head's text spells, or nil if it is not 8 lowercase hex
    /// digits per hash in ascending order.
    init?(text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count % 8 == 0 else { return nil }
        var hashes: [UInt32] = []
        hashes.reserveCapacity(bytes.count / 8)
        var index = 0
        while index < bytes.count {
            var value: UInt32 = 0
            for byte in bytes[index..<(index + 8)] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            if let last = hashes.last, last >= value { return nil }
            hashes.append(value)
            index += 8
        }
        self.hashes = hashes
    }
}
