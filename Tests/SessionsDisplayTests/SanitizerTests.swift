import Glibc
import Testing
@testable import SessionsDisplay
import SessionsKit

@Suite("Sanitizer")
struct SanitizerTests {
    @Test("the eight-at-a-time check for printable ASCII agrees with a byte-by-byte one for every byte, at every place")
    func printableASCIIWords() {
        for length in [1, 7, 8, 9, 16, 23] {
            for place in 0..<length {
                for byte in 0...255 {
                    var bytes = [UInt8](repeating: UInt8(ascii: "m"), count: length)
                    bytes[place] = UInt8(byte)
                    let expected = byte >= 0x20 && byte < 0x7F
                    let got = bytes.withUnsafeBufferPointer(Sanitizer.isPrintableASCII)
                    #expect(got == expected, "byte \(byte) at \(place) of \(length)")
                }
            }
        }
        #expect([UInt8]().withUnsafeBufferPointer(Sanitizer.isPrintableASCII))
    }

    @Test("text needing no stand-in is shown as it is without a walk by characters; text needing one is not")
    func shownAsIs() {
        for text in ["café · 注文", "plain", "🇫🇷 flag", "e\u{301}"] {
            #expect(Sanitizer.isShownAsIs(text, multiline: false))
            #expect(Sanitizer.line(text) == text)
        }
        for text in ["a\tb", "red\u{1B}[31m", "x\u{202E}y", "tag\u{E0041}", "bell\u{7}"] {
            #expect(!Sanitizer.isShownAsIs(text, multiline: false))
            #expect(Sanitizer.line(text) != text)
        }
        #expect(!Sanitizer.isShownAsIs("a\tb", multiline: true), "a tab waits to be expanded")
    }

    /// Bytes a terminal acts on. None may survive sanitising.
    static func isTerminalSafe(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            let value = scalar.value
            return !(value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
                || (0x2066...0x2069).contains(value) || value == 0x200E || value == 0x200F || value == 0x2028 || value == 0x2029)
        }
    }

    static let attacks: [(String, String)] = [
        ("OSC 2 title", "\u{1B}]2;PWNED\u{7}"),
        ("OSC 0 title with ST", "\u{1B}]0;PWNED\u{1B}\\"),
        ("OSC 8 link", "\u{1B}]8;;https://evil.example\u{1B}\\click\u{1B}]8;;\u{1B}\\"),
        ("OSC 52 clipboard", "\u{1B}]52;c;cm0gLXJmIH4=\u{7}"),
        ("CSI clear", "\u{1B}[2J\u{1B}[H"),
        ("cursor move", "\u{1B}[10;10Hx\u{1B}[1A"),
        ("colour", "\u{1B}[31mred\u{1B}[0m"),
        ("bare CR", "safe\rEVIL"),
        ("C1 CSI", "\u{9B}2J"),
        ("C1 OSC", "\u{9D}2;x\u{9C}"),
        ("bidi override", "abc\u{202E}fed"),
        ("bidi isolate", "\u{2067}x\u{2069}"),
        ("DEL and NUL", "a\u{7F}b\u{0}c"),
        ("backspace", "secret\u{8}\u{8}\u{8}***"),
        ("line separator", "a\u{2028}b"),
        ("tag smuggling", "hi\u{E0041}\u{E0042}"),
    ]

    @Test("no attack survives, and what was hidden is shown", arguments: attacks.map(\.1))
    func attacksAreNeutralised(attack: String) {
        let line = Sanitizer.line(attack)
        #expect(Self.isTerminalSafe(line), "\(line.unicodeScalars.map { String($0.value, radix: 16) })")
        for block in Sanitizer.lines(attack) { #expect(Self.isTerminalSafe(block)) }
        #expect(line.unicodeScalars.count >= 1)
        #expect(!line.unicodeScalars.contains("\u{1B}"))
    }

    @Test("stand-ins are visible and marked as escapes")
    func standIns() {
        #expect(Sanitizer.line("a\u{1B}[2Jb") == "a␛[2Jb")
        #expect(Sanitizer.line("x\u{9B}y") == "x<U+009B>y")
        #expect(Sanitizer.line("abc\u{202E}fed") == "abc<U+202E>fed")
        #expect(Sanitizer.line("tab\there\nnext\r\n") == "tab␉here␊next␍␊")
        #expect(Sanitizer.segments("a\u{7}b", multiline: false) == [.init("a"), .init("␇", isEscape: true), .init("b")])
    }

    @Test("blocks keep line breaks (LF and CRLF), expand tabs, and show a bare CR")
    func blocks() {
        #expect(Sanitizer.lines("one\ntwo\r\nthree") == ["one", "two", "three"])
        #expect(Sanitizer.lines("a\tb\tc") == ["a       b       c"])
        #expect(Sanitizer.lines("中\tx", tabWidth: 4) == ["中  x"])
        #expect(Sanitizer.lines("over\rwrite") == ["over␍write"])
    }

    @Test("ordinary text passes unchanged: UTF-8, emoji sequences, flags, combining marks")
    func ordinaryText() {
        for text in ["plain ascii", "naïve café", "中文テキスト", "👩‍💻 dev", "🇫🇷 flag", "e\u{301}", "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}", "❤️"] {
            #expect(Sanitizer.line(text) == text, "\(text)")
        }
    }

    @Test("bytes that are not UTF-8 are shown as \\xNN, valid parts decoded")
    func invalidBytes() {
        let bytes: [UInt8] = [0x6F, 0x6B, 0xFF, 0xE4, 0xB8, 0xAD, 0xC3, 0x1B, 0x5B]
        #expect(Sanitizer.visibleBytes(bytes) == "ok\\xFF中\\xC3\u{1B}[")
        #expect(Sanitizer.line(.bytes(bytes)) == "ok\\xFF中\\xC3␛[")
        #expect(Sanitizer.lines(.bytes([0x61, 0x0A, 0x80])) == ["a", "\\x80"])
    }
}

@Suite("Cell widths and truncation")
struct CellWidthTests {
    @Test("measures graphemes as a terminal draws them")
    func widths() {
        #expect(CellWidth.of("abc") == 3)
        #expect(CellWidth.of("中文") == 4)
        #expect(CellWidth.of("😀") == 2)
        #expect(CellWidth.of("e\u{301}") == 1)
        #expect(CellWidth.of("👩‍💻") == 2)
        #expect(CellWidth.of("🇫🇷") == 2)
        #expect(CellWidth.of("❤️") == 2)
        #expect(CellWidth.of("✓ ✗ ⚠ …") == 7)
        #expect(CellWidth.of("") == 0)
    }

    @Test("truncation ends in … on a cell boundary, never splitting a wide character")
    func truncation() {
        #expect(CellWidth.truncate("hello world", to: 8) == "hello w…")
        #expect(CellWidth.truncate("short", to: 8) == "short")
        #expect(CellWidth.truncate("中文中文", to: 6) == "中文…")
        #expect(CellWidth.of(CellWidth.truncate("中文中文", to: 6)) == 5)
        #expect(CellWidth.truncate("中文中文", to: 5) == "中文…")
        #expect(CellWidth.truncate("😀😀😀", to: 4) == "😀…")
        #expect(CellWidth.truncate("abc", to: 0) == "")
        #expect(CellWidth.truncate("abcdef", to: 1) == "…")
        #expect(CellWidth.fit("中", to: 4) == "中  ")
        #expect(CellWidth.fit("7", to: 3, alignRight: true) == "  7")
        #expect(CellWidth.of(CellWidth.fit("中文中文", to: 5)) == 5)
    }
}

@Suite("Times and glyphs")
struct TimeTextTests {
    let now = Timestamp(iso8601: "2026-11-25T12:00:00Z")!

    static let relativeCases: [(Int64, String)] = [
        (2, "just now"), (42, "42s ago"), (180, "3m ago"), (7_200, "2h ago"), (259_200, "3d ago"),
        (5_616_000, "2mo ago"), (69_120_000, "2y ago"), (-2, "just now"), (-30, "in 30s"), (-259_200, "in 3d"),
        (-69_120_000, "in 2y"),
    ]

    @Test("relative times", arguments: relativeCases)
    func relative(seconds: Int64, expected: String) {
        #expect(TimeText.relative(now.adding(microseconds: -seconds * 1_000_000), now: now) == expected)
    }

    @Test("a time ahead of now reads as ahead in the lists: in 3d within a week, past that its date, with its year")
    func futureAges() {
        setenv("TZ", "UTC", 1)
        tzset()
        #expect(TimeText.age(now.adding(microseconds: 259_200_000_000), now: now) == "in 3d")
        #expect(TimeText.age(now.adding(microseconds: 8 * 86_400_000_000), now: now) == "2026-12-03")
        #expect(TimeText.age(Timestamp.latest, now: now) == "9999-12-31")
        #expect(TimeText.day(now.adding(microseconds: 86_400_000_000), now: now) == "2026-11-26")
    }

    @Test("years print with four digits, year 0 included")
    func fourDigitYears() {
        setenv("TZ", "UTC", 1)
        tzset()
        #expect(TimeText.dateTime(Timestamp.earliest) == "0000-01-01 00:00:00")
        #expect(TimeText.dateTime(Timestamp(iso8601: "0099-12-31T23:59:59Z")!) == "0099-12-31 23:59:59")
        #expect(TimeText.age(Timestamp(iso8601: "0000-12-31T00:00:00Z")!, now: now) == "0000-12-31")
        #expect(TimeText.year(-1) == "-0001" && TimeText.year(10_000) == "10000")
    }

    static let durationCases: [(Int, String)] = [(850, "850ms"), (4_230, "4.2s"), (65_000, "1m05s"), (7_380_000, "2h03m")]

    @Test("durations", arguments: durationCases)
    func durations(ms: Int, expected: String) {
        #expect(TimeText.duration(milliseconds: ms) == expected)
    }

    @Test("every status and result has a distinct glyph")
    func glyphs() {
        #expect(Set(SessionStatus.allCases.map(Glyphs.status)).count == 3)
        #expect(Glyphs.result(LastResult.ok) == "✓" && Glyphs.result(LastResult.error) == "✗")
        #expect(Glyphs.result(LastResult.warning) == "⚠" && Glyphs.result(LastResult.pending) == "…")
    }

    /// The split by characters that `lineSegments` replaced with a split on
    /// bytes, kept here as the reference the faster one must equal.
    static func referenceLines(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { Sanitizer.expandTabs(Sanitizer.segments(String($0), multiline: true), tabWidth: 8).map(\.text).joined() }
    }

    @Test("lines split on bytes exactly as they did on characters: CR LF, bare CR, marks after a newline, empty ends")
    func lineSplitMatchesCharacters() {
        let cases = ["", "\n", "\n\n", "a", "a\n", "\na", "a\r\nb", "a\r\r\nb", "a\rb\n", "\r", "\r\n", "\r\n\r\n",
                     "x\n\u{301}y", "e\u{301}\n\u{200D}🙂\r\n\t中\t|", "\u{1B}]0;t\u{07}\r\n\u{85}\n\u{2028}"]
        for text in cases {
            #expect(Sanitizer.lines(text) == Self.referenceLines(text), "\(Array(text.unicodeScalars))")
        }
        // Random mixes of the characters that matter to the split.
        var generator = SplitMix64(seed: 11)
        let alphabet: [String] = ["\n", "\r", "\r\n", "a", "\t", "\u{301}", "中", "\u{1B}", " "]
        for _ in 0..<500 {
            let text = (0..<Int(generator.next() % 12)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }.joined()
            #expect(Sanitizer.lines(text) == Self.referenceLines(text), "\(Array(text.unicodeScalars))")
        }
    }

    @Test("invalid bytes become \\xNN and valid sequences stay, for every byte after every byte")
    func visibleBytesEveryPair() {
        for first in 0...255 {
            for second in [0x00, 0x41, 0x80, 0xA0, 0xBF, 0xC3, 0xFF] {
                let bytes = [UInt8(first), UInt8(second)]
                // Reference: a byte is kept when some valid sequence covers it.
                let expected: String
                if let text = String(validating: bytes, as: UTF8.self) {
                    expected = text
                } else if let one = String(validating: [bytes[0]], as: UTF8.self) {
                    expected = one + "\\x" + String(format2: bytes[1])
                } else if let two = String(validating: [bytes[1]], as: UTF8.self) {
                    expected = "\\x" + String(format2: bytes[0]) + two
                } else {
                    expected = "\\x" + String(format2: bytes[0]) + "\\x" + String(format2: bytes[1])
                }
                #expect(Sanitizer.visibleBytes(bytes) == expected, "\(bytes)")
            }
        }
    }
}

extension String {
    /// Two upper-case hex digits.
    init(format2 byte: UInt8) {
        let text = String(byte, radix: 16, uppercase: true)
        self = text.count == 1 ? "0" + text : text
    }
}
