import SessionsDisplay
@testable import SessionsKit
@testable import SessionsTUI
import Testing

/// The pager as a new user found it: labels run into values, no way to the
/// next interaction or sideways, a wrap setting that forgot itself, a search
/// that did not say where it was, and a copy that could not reach a short
/// output. Each test pins one of those fixed.
@Suite("Pager: labels, moving, searching, copying", .serialized)
struct PagerTests {
    /// One session whose interactions print `outputs`, opened on the first.
    static func pager(_ outputs: [String], width: Int = 80, height: Int = 24,
                      adjust: (inout Session) -> Void = { _ in }) throws -> ScreenHarness {
        let screen = try ScreenHarness(width: width, height: height) { service in
            let session = try service.create(SessionDraft(type: "ClaudeCodeSessions"))
            for (number, output) in outputs.enumerated() {
                let step = try service.addInteraction(sessionID: session.id, CommandDraft(module: "Bash", command: "step \(number + 1)"))
                _ = try service.completeInteraction(sessionID: session.id, interactionID: step.id,
                                                    ResultDraft(status: "ok", code: 0, stdout: .text(output), durationMS: 10))
            }
            try service.store.write { transaction in
                guard var stored = try transaction.session(id: session.id) else { return }
                adjust(&stored)
                transaction.put(stored)
            }
        }
        screen.press("<enter>g<enter>")
        #expect(screen.state.focus == .pager)
        return screen
    }

    func footer(_ screen: ScreenHarness) -> String { screen.frame.line(screen.state.height - 1) }

    /// The text of the cells drawn in `role`, row by row.
    func cells(_ screen: ScreenHarness, _ role: StyleRole) -> [String] {
        let frame = screen.frame
        return (0..<frame.height).compactMap { row -> String? in
            let text = zip(frame.roles(row: row), Array(frame.line(row))).filter { $0.0 == role }.map { String($0.1) }.joined()
            return text.isEmpty ? nil : text
        }
    }

    // MARK: - Labels

    @Test("a member the schema does not model shows as `label  value`; a label too long for the column gets a line of its own")
    func unknownMemberLabels() throws {
        let long = "a_member_name_far_longer_than_any_label_column"
        let screen = try Self.pager(["done\n"]) { session in
            session.interactions[0].extra.append("tool_use_id", .string("toolu_01Uxds48rLmddUyyYGidT1Ey"))
            session.interactions[0].result?.extra.append(long, .int(7))
        }
        let lines = screen.text.split(separator: "\n").map(String.init)
        #expect(lines.contains(" tool_use_id  \"toolu_01Uxds48rLmddUyyYGidT1Ey\""), "\(screen.text)")
        // Every value starts in the same column, two cells past the widest label.
        #expect(lines.contains(" exit code    0"))
        #expect(lines.contains(" command      step 1"))
        let alone = try #require(lines.firstIndex(of: " " + long))
        #expect(lines[alone + 1] == " " + String(repeating: " ", count: 13) + "7")
        #expect(!screen.text.contains("…\""), "no label is cut into its value")
    }

    @Test("the session pane shows unknown members as `label  value`, aligned")
    func paneUnknownMembers() throws {
        let screen = try ScreenHarness(width: 120, height: 40) { service in
            let session = try service.create(SessionDraft(type: "ClaudeCodeSessions"))
            try service.store.write { transaction in
                guard var stored = try transaction.session(id: session.id) else { return }
                stored.extra.append("external_conversation_id", .string("9f0c7a52"))
                stored.extra.append("mode", .string("auto"))
                transaction.put(stored)
            }
        }
        #expect(screen.text.contains("external_conversation_id  \"9f0c7a52\""), "\(screen.text)")
        #expect(screen.text.contains("mode                      \"auto\""))
    }

    // MARK: - Next and previous interaction

    @Test("] and [ move to the next and previous interaction, in the pager and the timeline, and say so at the ends")
    func nextAndPreviousInteraction() throws {
        let screen = try Self.pager(["one\n", "two\n", "three\n"])
        #expect(screen.text.contains("interaction 1 of 3"))
        screen.press("[")
        #expect(screen.text.contains("this is the first interaction"))
        screen.press("]")
        #expect(screen.text.contains("interaction 2 of 3") && screen.text.contains("step 2"))
        screen.press("]]")
        #expect(screen.state.pager?.index == 2)
        #expect(screen.text.contains("this is the last interaction"))
        // Back in the timeline, the cursor is on the one read, and ] [ move it.
        screen.press("q")
        #expect(screen.state.focus == .timeline && screen.state.timeline?.cursor == 2)
        screen.press("[")
        #expect(screen.state.timeline?.cursor == 1)
        screen.press("]]")
        #expect(screen.state.timeline?.cursor == 2)
        #expect(screen.text.contains("this is the last interaction"))
        // A session with no interactions says so, not that one is the last.
        let empty = try ScreenHarness(width: 80, height: 24) { service in
            _ = try service.create(SessionDraft(type: "ClaudeCodeSessions"))
        }
        empty.press("<enter>]")
        #expect(empty.text.contains("no interactions yet"))
    }

    // MARK: - Sideways

    @Test("with wrap off, → and l scroll right to the end of the longest line, ← and h back, and at the left edge back to the timeline")
    func scrollSideways() throws {
        let long = (0..<30).map { "word\($0)" }.joined(separator: "-")
        let screen = try Self.pager([long + "\nshort\n"])
        screen.press("l")
        #expect(screen.text.contains("wrap is on: w turns it off, to scroll sideways"))
        screen.press("w")
        #expect(screen.text.contains("word0-word1"))
        #expect(!screen.text.contains("word29"))
        let width = try #require(screen.state.layout.pager).width - 1
        screen.press("l")
        #expect(screen.state.pager?.column == width / 2)
        #expect(footer(screen).contains("col \(width / 2 + 1) nowrap"), "\(footer(screen))")
        let shown = try #require(screen.text.split(separator: "\n").first { $0.contains("word1") && !$0.contains("word0") })
        #expect(shown.hasPrefix(" " + String(long.dropFirst(width / 2).prefix(10))))
        for _ in 0..<10 { screen.press("<right>") }
        #expect(screen.text.contains("word29"))
        #expect(screen.state.pager?.column == long.count - width)
        #expect(screen.text.contains("at the end of the longest line here"))
        screen.press("h")
        #expect(screen.state.pager?.column == long.count - width - width / 2)
        #expect(screen.state.focus == .pager)
        while (screen.state.pager?.column ?? 0) > 0 { screen.press("<left>") }
        #expect(screen.state.focus == .pager && !footer(screen).contains("col "))
        screen.press("h")
        #expect(screen.state.focus == .timeline)
    }

    @Test("sideways, wide characters cut by the left edge leave a space, and no line is read past the edge")
    func dropCells() {
        let spans = [Span("ab"), Span("中文", .escape), Span("xyz", .match)]
        #expect(TextLayout.dropCells(spans, 0) == spans)
        #expect(TextLayout.dropCells(spans, 1) == [Span("b"), Span("中文", .escape), Span("xyz", .match)])
        #expect(TextLayout.dropCells(spans, 3) == [Span(" ", .escape), Span("文", .escape), Span("xyz", .match)])
        #expect(TextLayout.dropCells(spans, 6) == [Span("xyz", .match)])
        #expect(TextLayout.dropCells(spans, 7) == [Span("yz", .match)])
        #expect(TextLayout.dropCells(spans, 20).isEmpty)
    }

    // MARK: - Wrap

    @Test("w is remembered for every pager opened after, for the rest of the run")
    func wrapIsSticky() throws {
        let screen = try Self.pager(["one\n", "two\n"])
        #expect(screen.state.pager?.wrap == true)
        screen.press("w<esc>")
        #expect(screen.state.focus == .timeline)
        screen.press("j<enter>")
        #expect(screen.state.pager?.index == 1)
        #expect(screen.state.pager?.wrap == false)
        #expect(footer(screen).contains("nowrap"))
        screen.press("<esc><esc><enter><enter>")
        #expect(screen.state.pager?.wrap == false, "still off after leaving the session")
        screen.press("w<esc><enter>")
        #expect(screen.state.pager?.wrap == true)
    }

    // MARK: - Search

    @Test("a search says which match the view is on and how many there are; n and N step match by match")
    func matchCounter() throws {
        let screen = try Self.pager(["alpha beta alpha\ngamma\nalpha\n"])
        screen.press("/ALPHA<enter>")
        #expect(footer(screen).contains("match 1/3"), "\(footer(screen))")
        #expect(cells(screen, .matchCurrent) == ["alpha"])
        #expect(cells(screen, .match) == ["alpha", "alpha"])
        let document = try #require(screen.state.pager?.lines)
        let first = try #require((0..<document.count).first { document.line($0).spans.map(\.text).joined().hasPrefix("alpha beta") })
        let top = screen.state.pager?.top
        // Every match is on screen: n moves the mark and the count, not the view.
        screen.press("n")
        #expect(footer(screen).contains("match 2/3"))
        #expect(screen.state.pager?.search?.current == PagerSearch.Match(line: first, occurrence: 1, ordinal: 1))
        #expect(cells(screen, .match) == ["alpha", "alpha"])
        screen.press("n")
        #expect(footer(screen).contains("match 3/3"))
        #expect(screen.state.pager?.top == top)
        screen.press("n")
        #expect(footer(screen).contains("match 1/3"))
        #expect(footer(screen).contains("search wrapped to the top"))
        screen.press("N")
        #expect(footer(screen).contains("match 3/3"))
        #expect(footer(screen).contains("search wrapped to the bottom"))
        // Once that flash has gone, a step that does not wrap says nothing.
        screen.send(.tick(Timestamp(microseconds: screen.state.now.microseconds + 5_000_000)))
        screen.press("N")
        #expect(footer(screen).contains("match 2/3") && !footer(screen).contains("wrapped"))
        screen.press("/absent<enter>")
        #expect(footer(screen).contains("not found: absent"))
    }

    @Test("n scrolls to a match off screen and marks it; after scrolling away, n goes on from the top of the screen")
    func matchOffScreen() throws {
        let lines = (1...200).map { $0 % 50 == 0 ? "line \($0) needle" : "line \($0)" }
        let screen = try Self.pager([lines.joined(separator: "\n")])
        screen.press("/needle<enter>")
        #expect(footer(screen).contains("match 1/4"))
        #expect(screen.text.contains("line 50 needle"))
        screen.press("n")
        #expect(screen.text.contains("line 100 needle") && footer(screen).contains("match 2/4"))
        #expect(cells(screen, .matchCurrent) == ["needle"])
        // Far below the current match, n takes the first match below the top.
        screen.press("G")
        #expect(!screen.text.contains("line 100 needle"))
        screen.press("N")
        #expect(footer(screen).contains("match 3/4"), "\(footer(screen))")
        #expect(screen.text.contains("line 150 needle"))
        screen.press("g")
        screen.press("n")
        #expect(footer(screen).contains("match 1/4"))
    }

    @Test("with wrap off, n scrolls sideways to a match past the right edge")
    func matchPastTheEdge() throws {
        let screen = try Self.pager([String(repeating: "x", count: 300) + "needle" + String(repeating: "y", count: 300)])
        screen.press("w/needle<enter>")
        #expect(cells(screen, .matchCurrent) == ["needle"])
        #expect((screen.state.pager?.column ?? 0) > 0)
        #expect(footer(screen).contains("col "))
    }

    @Test("matches are counted once per search, however many keys follow")
    func countedOnce() throws {
        let output = (1...5000).map { $0 % 7 == 0 ? "row \($0) needle needle" : "row \($0)" }.joined(separator: "\n")
        let screen = try Self.pager([output])
        screen.press("/needle<enter>")
        let document = try #require(screen.state.pager?.lines)
        #expect(document.searchesCounted.value == 1)
        #expect(footer(screen).contains("match 1/\(5000 / 7 * 2)"))
        screen.press("nnnNNjjkkGgnn<pgdn>N")
        #expect(document.searchesCounted.value == 1)
        screen.press("/row 49<enter>")
        #expect(document.searchesCounted.value == 2)
    }

    @Test("an interaction added elsewhere while one is read changes its title only: the search is not counted again")
    func growingSession() throws {
        let screen = try Self.pager(["alpha\nbeta alpha\n"])
        screen.press("/alpha<enter>n")
        let document = try #require(screen.state.pager?.lines)
        #expect(footer(screen).contains("match 2/2") && document.searchesCounted.value == 1)
        _ = try screen.otherProcess().addInteraction(sessionID: 1, CommandDraft(module: "Bash", command: "later"))
        screen.runtime.refresh()
        screen.runtime.settle()
        #expect(screen.text.contains("interaction 1 of 2"))
        #expect(footer(screen).contains("match 2/2"))
        #expect(document.searchesCounted.value == 1)
    }

    /// Every way of stepping through matches, with a few lines kept, must
    /// give what stepping with all of them kept gives.
    @Test("past the lines kept, matches are found and numbered as with every line kept")
    func keptLinesCap() {
        var generator = SplitMix64(seed: 11)
        let words = ["ab", "AB", "x", "abab", "", "c ab"]
        for _ in 0..<30 {
            let text = "x\n" + (0..<Int(generator.next() % 40 + 1)).map { _ in
                (0..<Int(generator.next() % 4)).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: " ")
            }.joined(separator: "\n")
            var document = PagerDocument()
            document.append(PagerDocument.Line(spans: [Span("ab header")], part: .fields))
            document.append(PagerDocument.Output(part: .stdout, text: text))
            let all = PagerSearch("ab", in: document)
            for keep in [1, 2, 5] {
                let capped = PagerSearch("ab", in: document, keeping: keep)
                #expect(capped.total == all.total)
                var expected = all.end(first: true, in: document)
                var found = capped.end(first: true, in: document)
                while let match = expected {
                    #expect(found == match, "\(text.debugDescription) keeping \(keep)")
                    expected = all.after(match, in: document)
                    found = found.flatMap { capped.after($0, in: document) }
                }
                #expect(found == nil)
                expected = all.end(first: false, in: document)
                found = capped.end(first: false, in: document)
                #expect(found == expected)
                while let match = expected {
                    #expect(found == match)
                    expected = all.before(match, in: document)
                    found = found.flatMap { capped.before($0, in: document) }
                }
                for line in 0...document.count {
                    #expect(capped.first(atOrAfter: line, in: document) == all.first(atOrAfter: line, in: document))
                    #expect(capped.last(before: line, in: document) == all.last(before: line, in: document))
                }
            }
        }
    }

    @Test("the current match stands apart from the other matches and from text, in every theme at every depth",
          arguments: ThemeLibrary.builtInNames)
    func currentMatchVisible(name: String) throws {
        for depth in ThemeTests.depths {
            let theme = try ThemeTests.builtIn(name).adapted(to: depth)
            #expect(theme.style(for: .matchCurrent) != theme.style(for: .match), "\(name) \(depth)")
            #expect(theme.style(for: .matchCurrent) != theme.style(for: .normal), "\(name) \(depth)")
        }
    }

    // MARK: - Copy

    @Test("y opens a menu of the parts this interaction has; a key copies one, saying what and how much; Esc copies nothing")
    func copyMenu() throws {
        let screen = try Self.pager(["first line\nsecond line\n"], width: 80, height: 24)
        #expect(screen.press("y").isEmpty)
        #expect(screen.state.keyContext == .copyMenu)
        let menu = screen.text
        #expect(menu.contains(" Copy "))
        #expect(menu.contains("c  the command") && menu.contains("s  stdout") && menu.contains("a  the whole interaction"))
        #expect(!menu.contains("the pipe") && !menu.contains("stderr  "), "only the parts it has")
        let stdoutRow = try #require(menu.split(separator: "\n").first { $0.contains("s  stdout") })
        #expect(stdoutRow.contains("23 B"), "stdout's size")
        screen.press("p")
        #expect(screen.text.contains("this interaction has no pipe"))
        #expect(screen.state.pager?.copyMenu != nil)
        let copied = screen.press("s")
        #expect(copied == [.copyToClipboard("first line\nsecond line\n", what: "stdout")])
        #expect(screen.state.pager?.copyMenu == nil && screen.state.focus == .pager)
        #expect(screen.press("yc") == [.copyToClipboard("step 1", what: "the command")])
        let whole = screen.press("ya")
        let document = try #require(screen.state.pager?.lines)
        #expect(whole == [.copyToClipboard(document.plainText(), what: "the whole interaction")])
        #expect(screen.press("y<esc>").isEmpty)
        #expect(screen.state.pager?.copyMenu == nil && screen.state.focus == .pager)
    }

    @Test("the flash after a copy says what was copied and how many bytes")
    func copyNotice() {
        #expect(Clipboard.notice(what: "stdout", byteCount: 23) == "copied stdout: 23 bytes")
        #expect(Clipboard.notice(what: "the command", byteCount: 1) == "copied the command: 1 byte")
        #expect(Clipboard.notice(what: "stdout", byteCount: 3 << 20) == "copied the first 1 MB of stdout, of 3145728 bytes")
    }

    @Test("the text o and copying the whole interaction take is every line as shown")
    func plainText() throws {
        var document = PagerDocument()
        document.append(PagerDocument.Line(spans: [Span("step "), Span("x", .label)], part: .fields))
        for text in ["a\r\nb\n\n", "\u{1B}[1mbold\tx\nlast", "\n"] {
            document.append(PagerDocument.Output(part: .stdout, text: text))
        }
        let expected = (0..<document.count).map { document.line($0).spans.map(\.text).joined() + "\n" }.joined()
        #expect(document.plainText() == expected)
    }

    // MARK: - Help and footer

    @Test("help and the footer name the new keys")
    func keysDocumented() throws {
        let map = KeyMap.standard
        #expect(map.command(for: .character("]"), in: .detail) == .nextInteraction)
        #expect(map.command(for: .character("["), in: .timeline) == .previousInteraction)
        #expect(map.command(for: .right, in: .detail) == .scrollRight)
        #expect(map.command(for: .character("h"), in: .detail) == .scrollLeft)
        #expect(map.command(for: .escape, in: .detail) == .back)
        #expect(map.command(for: .character("s"), in: .copyMenu) == .copyStdout)
        let wide = try Self.pager(["one\n", "two\n"], width: 200, height: 60)
        #expect(footer(wide).contains("] next interaction"))
    }
}
