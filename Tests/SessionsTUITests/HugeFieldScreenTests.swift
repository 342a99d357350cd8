import SessionsDisplay
@testable import SessionsKit
@testable import SessionsTUI
import Testing

/// The browser on fields far past anything ordinary, headless: a megabyte on
/// one line, a megabyte command, bytes that are not text, a hundred thousand
/// interactions, state nested to the model's limit. What matters is that each
/// shows correctly and that a key press costs what is on screen, not what is
/// in the field.
@Suite("Huge and hostile fields on screen")
struct HugeFieldScreenTests {
    static let mebibyte = 1 << 20
    static let marker = "END-OF-LINE"

    /// A megabyte of text on one line, without a newline, ending in the marker.
    static let megabyteLine = String(repeating: "0123456789abcdef", count: mebibyte / 16 - 1) + "0123" + marker + "!"

    /// One session with one finished interaction, opened in the pager.
    static func pager(command: String = "cat big", stdout: CapturedOutput?, width: Int = 100, height: Int = 30) throws -> ScreenHarness {
        let screen = try ScreenHarness(width: width, height: height) { service in
            let session = try service.create(SessionDraft(type: "ContextSpecSessions"))
            let interaction = try service.addInteraction(sessionID: session.id, CommandDraft(module: "Bash", command: command))
            _ = try service.completeInteraction(sessionID: session.id, interactionID: interaction.id,
                                                ResultDraft(status: "ok", code: 0, stdout: stdout))
        }
        screen.press("<enter><enter>")
        return screen
    }

    @Test("a megabyte line with no newline is laid out once, and scrolling it moves row by row to its end")
    func megabyteLine() throws {
        #expect(Self.megabyteLine.utf8.count == Self.mebibyte)
        let screen = try Self.pager(stdout: .text(Self.megabyteLine))
        #expect(screen.text.contains("── stdout · 1 line · 1.0 MB"))
        let detail = try #require(screen.state.pager)
        let text = PagerScreen.textArea(of: try #require(screen.state.layout.pager))
        let width = text.width, rows = text.height
        // 1 MiB of one-cell characters, 99 to a row.
        let lineRows = (Self.mebibyte + width - 1) / width
        let stdoutLine = try #require((0..<detail.lines.count).first { detail.lines.byteCount(of: $0) == Self.mebibyte })
        #expect(detail.rowCount(of: stdoutLine, width: width) == lineRows)

        screen.press("G")
        #expect(screen.text.contains(Self.marker + "!"))
        // Below the line come the blank line and the empty stderr's heading.
        let end = try #require(screen.state.pager)
        #expect(end.top == stdoutLine && end.topRow == lineRows - (rows - 2))
        for _ in 0..<20 { screen.press("k") }
        #expect(screen.state.pager?.topRow == lineRows - (rows - 2) - 20)
        screen.press("<pgup><pgup><pgdn>")
        #expect(screen.state.pager?.topRow == lineRows - (rows - 2) - 20 - (rows - 1))
        // Each row on screen is the next 99 characters of the line.
        let shownRow = lineRows - (rows - 2) - 20 - (rows - 1)
        let offset = shownRow * width
        let expected = String(Self.megabyteLine.utf8.dropFirst(offset).prefix(width))!
        #expect(screen.text.contains(expected))
        // However far it scrolled, the line was laid out once for this width.
        #expect(detail.lines.layouts.layoutsMade == 1)

        // Unwrapped, it is one row cut with `…`, read no further than the edge.
        screen.press("w")
        #expect(screen.text.contains("0123456789abcdef0123456789abcdef"))
        #expect(screen.text.split(separator: "\n").contains { $0.hasSuffix("…") && $0.contains("0123456789abcdef") })
        #expect(!screen.text.contains(Self.marker))
    }

    @Test("a search in a long line marks it once and finds the match at its end")
    func searchInLongLine() throws {
        // 64 KiB: past the length laid out once, and marking a megabyte
        // character by character is slow in a debug build.
        let line = String(repeating: "0123456789abcdef", count: 4095) + "0123" + Self.marker + "!"
        let screen = try Self.pager(stdout: .text(line))
        screen.press("/end-of-line<enter>")
        let detail = try #require(screen.state.pager)
        #expect(detail.lines.part(of: detail.top) == .stdout)
        screen.press("G")
        #expect(screen.text.contains(Self.marker))
        let matches = screen.frame.cells.filter { $0.role == .match || $0.role == .matchCurrent }.map(\.text).joined()
        #expect(matches.lowercased() == "end-of-line")
    }

    @Test("a megabyte command fits its timeline row, and wraps in the pager from its first character to its last")
    func megabyteCommand() throws {
        let command = "printf " + Self.megabyteLine
        let screen = try ScreenHarness(width: 100, height: 30) { service in
            let session = try service.create(SessionDraft(type: "ContextSpecSessions"))
            _ = try service.addInteraction(sessionID: session.id, CommandDraft(module: "Bash", command: command))
        }
        let row = try #require(screen.text.split(separator: "\n").first { $0.contains("printf 0123") })
        #expect(row.contains("…"))
        #expect(!screen.text.contains(Self.marker))
        screen.press("<enter><enter>")
        #expect(screen.text.contains("command    printf 0123456789abcdef"))
        screen.press("G")
        #expect(screen.text.contains(Self.marker + "!"))
    }

    @Test("bytes that are not UTF-8 show as \\xNN, controls as stand-ins, and nothing raw reaches the screen")
    func invalidBytesShownVisibly() throws {
        let bytes: [UInt8] = Array("ok ".utf8) + [0xFF, 0xFE, 0x20, 0xC0, 0xAF, 0x20, 0xED, 0xA0, 0x80, 0x20, 0xE2, 0x82, 0x20, 0x00]
            + Array(" \u{1B}]0;pwned\u{07} café\n".utf8) + [0x80]
        let screen = try Self.pager(stdout: CapturedOutput(bytes: bytes))
        let text = screen.text
        #expect(text.contains("── stdout · 2 lines · \(bytes.count) B · not UTF-8, invalid bytes shown as \\xNN"))
        #expect(text.contains(#"ok \xFF\xFE \xC0\xAF \xED\xA0\x80 \xE2\x82 ␀ ␛]0;pwned␇ café"#))
        #expect(text.contains(#"\x80"#))
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0xFFFD || (0x7F...0x9F).contains($0.value) })
        // What `y` copies stays the output itself, decoded, not the escaped form.
        #expect(screen.state.pager?.copyText[.stdout] == String(decoding: bytes, as: UTF8.self))
    }

    /// A session of `count` finished interactions, `step 1` to `step N` a
    /// second apart, every thousandth an error, written in one commit.
    static func longSession(_ count: Int, in service: SessionService) throws {
        let session = try service.create(SessionDraft(type: "ContextSpecSessions"))
        try service.store.write { transaction in
            var full = try #require(try transaction.session(id: session.id))
            let start = session.insertedAt
            full.interactions = (0..<count).map { index in
                let at = Timestamp(microseconds: start.microseconds + Int64(index) * 1_000_000)
                // Fixed ids: a random one each would be most of the test's time.
                var interaction = Interaction(id: "interaction-\(index)",
                                              command: Command(id: nil, module: "Bash", command: "step \(index + 1)", timestamp: at),
                                              insertedAt: at, updatedAt: at)
                interaction.result = CommandResult(id: nil, status: index % 1000 == 999 ? .error : .ok, code: 0,
                                                   durationMS: index % 977, timestamp: at)
                return interaction
            }
            transaction.put(full)
        }
    }

    @Test("a session of 100,000 interactions opens at its first, goes to its last, and opens that one")
    func hundredThousandInteractions() throws {
        let count = 100_000
        let screen = try ScreenHarness(width: 120, height: 30) { service in
            try Self.longSession(count, in: service)
        }
        // The timeline opens at its newest end.
        #expect(screen.text.contains("Timeline · 100000 interactions · 100 errors"))
        #expect(screen.text.contains("step 100000 "))
        screen.press("<enter>g")
        #expect(screen.state.timeline?.cursor == 0)
        #expect(screen.text.contains("step 1 "))
        screen.press("G")
        #expect(screen.state.timeline?.cursor == count - 1)
        #expect(screen.text.contains("step 100000 "))
        screen.press("<enter>")
        #expect(screen.text.contains("interaction 100000 of 100000"))
    }

    @Test("a long session shows its newest page at once, says the rest is being read, and keeps the place when it comes")
    func newestPageFirst() throws {
        let count = 1_200
        let screen = try ScreenHarness(width: 120, height: 30) { service in
            try Self.longSession(count, in: service)
            // Past the long session's last step, so the short one is the more recently active, first and read.
            for _ in 0...(count / 7) { _ = service.clock() }
            let short = try service.create(SessionDraft(type: "ContextSpecSessions"))
            _ = try service.addInteraction(sessionID: short.id, CommandDraft(module: "Bash", command: "only step"))
        }
        let long = try #require(screen.state.catalog?.summaries.first { $0.interactionCount == count }?.id)
        // Select the long session without reading it, then read it as the loader does.
        while screen.state.list.selectedID != long { screen.runtime.send(.key(.character("j"))) }
        #expect(screen.runtime.takePendingLoad() == long)
        var delivered: [Action] = []
        Runtime.load(long, service: screen.runtime.service) { delivered.append($0) }
        #expect(delivered.count == 2)
        guard case .sessionPageLoaded(let page)? = delivered.first, case .sessionLoaded(let whole)? = delivered.last else {
            Issue.record("expected the newest page, then the whole session: \(delivered)")
            return
        }
        #expect(page.earlier == count - Runtime.firstPage && page.session.interactions.count == Runtime.firstPage)
        #expect(whole.interactions.count == count)

        screen.runtime.send(.sessionPageLoaded(page))
        #expect(screen.text.contains("Timeline · 1200 interactions · reading 700 earlier…"))
        #expect(screen.text.contains("step 1200 "))
        #expect(screen.runtime.takePendingLoad() == nil, "the page must not ask for the session again")
        for key in ["\r", "g", "k"] { screen.runtime.send(.key(key == "\r" ? .enter : .character(Character(key)))) }
        #expect(screen.text.contains("reading the 700 earlier interactions…"))
        screen.runtime.send(.key(.enter))
        #expect(screen.text.contains("interaction 701 of 1200"))

        // The whole session keeps the pager and the cursor on the same interaction.
        screen.runtime.send(.sessionLoaded(whole))
        #expect(screen.text.contains("interaction 701 of 1200"))
        #expect(screen.state.pager?.index == 700)
        #expect(screen.state.timeline?.cursor == 700 && screen.state.timeline?.earlier == 0)
        screen.press("<esc>")
        #expect(screen.text.contains("Timeline · 1200 interactions") && !screen.text.contains("earlier…"))
        #expect(screen.text.contains("step 701 "))
        // A newer whole copy is not replaced by a page of it.
        screen.runtime.send(.sessionPageLoaded(page))
        #expect(screen.state.timeline?.earlier == 0)
    }

    @Test("state nested to the model's limit shows cut, with a pointer to the rest")
    func deepState() throws {
        let levels = Session.maximumNesting
        let state = try JSONParser.parse(#"{"a":"# + String(repeating: "[", count: levels - 1) + String(repeating: "]", count: levels - 1) + "}")
        let screen = try ScreenHarness(width: 120, height: 30) { service in
            _ = try service.create(SessionDraft(type: "ContextSpecSessions", state: state))
        }
        // Pretty JSON: a line per bracket, the innermost `[]` on one.
        #expect(screen.state.timeline?.stateLines.count == 2 * levels - 1)
        #expect(screen.text.contains("more lines (sessions show 1)"))
        #expect(screen.text.contains("Timeline · 0 interactions") || screen.text.contains("No interactions yet."))
    }

    /// Wrapping character by character, as the pager did before printable
    /// ASCII was cut by bytes: the reference the faster one must equal.
    static func referenceWrap(_ spans: [Span], width: Int) -> [[Span]] {
        var rows: [[Span]] = [[]]
        var used = 0
        for span in spans {
            var current = ""
            for character in span.text {
                let w = CellWidth.of(character)
                if used + w > width {
                    if !current.isEmpty { rows[rows.count - 1].append(Span(current, span.role)) }
                    rows.append([])
                    current = ""
                    used = 0
                }
                current.append(character)
                used += w
            }
            if !current.isEmpty { rows[rows.count - 1].append(Span(current, span.role)) }
        }
        return rows
    }

    /// Cutting as the pager did before it stopped at the edge: the first row
    /// of a wrap one cell narrower, then `…`.
    static func referenceCut(_ spans: [Span], width: Int) -> [Span] {
        guard spans.reduce(0, { $0 + CellWidth.of($1.text) }) > width else { return spans }
        return (referenceWrap(spans, width: width - 1).first ?? []) + [Span("…", .dim)]
    }

    @Test("wrapping by bytes and cutting at the edge give what laying out character by character gave")
    func wrapAndCutMatchReference() {
        let pieces = ["abc", "", "0123456789", "中文字", "🙂", "e\u{301}", "␛]0;x␇", " ", "\\xFF"]
        let roles: [StyleRole] = [.normal, .escape, .match]
        var generator = SplitMix64(seed: 5)
        for _ in 0..<400 {
            let spans = (0..<Int(generator.next() % 5)).map { _ in
                Span((0..<Int(generator.next() % 4)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined(),
                     roles[Int(generator.next() % UInt64(roles.count))])
            }
            for width in 1...9 {
                #expect(TextLayout.wrap(spans, width: width) == Self.referenceWrap(spans, width: width), "\(spans) at \(width)")
                #expect(TextLayout.cut(spans, width: width) == Self.referenceCut(spans, width: width), "\(spans) at \(width)")
            }
        }
    }

    /// Where every line starts, the way the pager kept it before it kept marks.
    static func referenceStarts(_ bytes: [UInt8]) -> [Int] {
        var starts = bytes.isEmpty ? [] : [0]
        for index in bytes.indices where bytes[index] == 10 && index + 1 < bytes.count { starts.append(index + 1) }
        return starts
    }

    @Test("an output's lines are found from sparse marks exactly as from every line's start")
    func outputLinesFromMarks() {
        var generator = SplitMix64(seed: 9)
        let pieces: [[UInt8]] = [[10], [13, 10], [13], Array("abc".utf8), Array(repeating: 0x78, count: 5000), [0xFF], []]
        var texts: [[UInt8]] = [[], [10], [10, 10], Array("a".utf8), Array("a\n".utf8), Array(repeating: 10, count: 300)]
        for _ in 0..<60 {
            texts.append((0..<Int(generator.next() % 400)).flatMap { _ in pieces[Int(generator.next() % UInt64(pieces.count))] })
        }
        for bytes in texts {
            let text = String(decoding: bytes, as: UTF8.self)
            let output = PagerDocument.Output(part: .stdout, text: text)
            let utf8 = Array(text.utf8)
            let starts = Self.referenceStarts(utf8)
            #expect(output.count == starts.count)
            PagerDocument.Output.withBytes(text) { buffer in
                for index in starts.indices {
                    var end = index + 1 < starts.count ? starts[index + 1] - 1 : utf8.count
                    let endsLine = index + 1 < starts.count || (end > starts[index] && utf8[end - 1] == 10)
                    if index + 1 == starts.count && endsLine { end -= 1 }
                    if endsLine && end > starts[index] && utf8[end - 1] == 13 { end -= 1 }
                    #expect(output.range(index, in: buffer) == starts[index]..<end)
                    #expect(output.lineContaining(starts[index], in: buffer) == index)
                }
            }
        }
    }

    @Test("a megabyte of empty lines keeps a mark per 64 lines, not an offset per line, and still pages to its end")
    func emptyLinesCostMarksNotOffsets() throws {
        let text = String(repeating: "\n", count: Self.mebibyte - 1) + Self.marker
        let output = PagerDocument.Output(part: .stdout, text: text)
        #expect(output.count == Self.mebibyte)
        #expect(output.marks.count == Self.mebibyte / 64)
        let screen = try Self.pager(stdout: .text(text))
        #expect(screen.text.contains("stdout · 1048576 lines · 1.0 MB"))
        screen.press("G")
        #expect(screen.text.contains(Self.marker))
        screen.press("/end-of<enter>")
        #expect(screen.text.contains(Self.marker))
        #expect(screen.text.contains("line 1048"))
    }
}
