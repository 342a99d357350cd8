import Testing
@testable import SessionsKit

/// The vectorised scan against the plainest search there is: every start,
/// compared byte by byte. Needles and texts are drawn from few bytes, so
/// partial matches, overlaps and the two anchors' near misses are common,
/// and the texts' lengths cross every vector width and tail.
@Suite("The byte scan")
struct RawNeedleTests {
    /// A deterministic generator, so a failure names its own case.
    struct Draw {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let alphabet = Array("aAbB_\"g \\0".utf8)

    static func naive(_ needle: RawNeedle, in bytes: [UInt8], from: Int) -> Int? {
        guard bytes.count >= needle.bytes.count else { return nil }
        for start in stride(from: from, through: bytes.count - needle.bytes.count, by: 1) {
            let matches = needle.bytes.indices.allSatisfy { offset in
                let byte = bytes[start + offset]
                let folded = needle.ignoresCase && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                return folded == needle.bytes[offset]
            }
            if matches { return start }
        }
        return nil
    }

    static func needle(_ draw: inout Draw, ignoresCase: Bool) -> RawNeedle {
        let count = 1 + draw.next(5)
        var bytes = (0..<count).map { _ in alphabet[draw.next(alphabet.count)] }
        if ignoresCase { bytes = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } }
        return RawNeedle(literal: bytes, ignoresCase: ignoresCase)
    }

    @Test("one needle: every occurrence, in order, as a byte-by-byte search finds it", arguments: [false, true])
    func one(ignoresCase: Bool) {
        var draw = Draw(state: ignoresCase ? 7 : 11)
        var occurrences = 0
        for _ in 0..<400 {
            let needle = Self.needle(&draw, ignoresCase: ignoresCase)
            let text = (0..<draw.next(140)).map { _ in Self.alphabet[draw.next(Self.alphabet.count)] }
            text.withUnsafeBufferPointer { buffer in
                var from = 0
                while true {
                    let expected = Self.naive(needle, in: text, from: from)
                    let found = needle.firstIndex(in: buffer, from..<text.count)
                    #expect(found == expected, "\(needle.bytes) in \(text) from \(from)")
                    guard let at = expected, found == expected else { break }
                    occurrences += 1
                    from = at + 1
                }
            }
        }
        #expect(occurrences > 400)
    }

    @Test("two needles in one pass: the first place either starts, and which of them start there", arguments: [false, true])
    func two(ignoresCase: Bool) {
        var draw = Draw(state: ignoresCase ? 13 : 17)
        var both = 0, occurrences = 0
        for _ in 0..<400 {
            let first = Self.needle(&draw, ignoresCase: ignoresCase)
            let second = Self.needle(&draw, ignoresCase: false)
            let text = (0..<draw.next(140)).map { _ in Self.alphabet[draw.next(Self.alphabet.count)] }
            text.withUnsafeBufferPointer { buffer in
                var from = 0
                while true {
                    let a = Self.naive(first, in: text, from: from), b = Self.naive(second, in: text, from: from)
                    let expected = [a, b].compactMap { $0 }.min()
                    let found = first.firstIndex(orOf: second, in: buffer, from..<text.count)
                    #expect(found?.at == expected, "\(first.bytes) or \(second.bytes) in \(text) from \(from)")
                    guard let at = expected, let found, found.at == at else { break }
                    #expect(found.this == (a == at) && found.other == (b == at))
                    if found.this && found.other { both += 1 }
                    occurrences += 1
                    from = at + 1
                }
            }
        }
        #expect(occurrences > 400)
        #expect(both > 0)
    }

    @Test("a needle longer than the text, or at its very end, across the vector widths")
    func edges() {
        let needle = RawNeedle(literal: Array("end!".utf8))
        for length in 0..<80 {
            let text = Array(String(repeating: "x", count: length).utf8) + Array("end!".utf8)
            text.withUnsafeBufferPointer { buffer in
                #expect(needle.firstIndex(in: buffer, 0..<text.count) == length)
                #expect(needle.firstIndex(in: buffer, 0..<(text.count - 1)) == nil)
                #expect(needle.firstIndex(orOf: RawNeedle(literal: Array("zz".utf8)), in: buffer, 0..<text.count)?.at == length)
            }
        }
    }
}
