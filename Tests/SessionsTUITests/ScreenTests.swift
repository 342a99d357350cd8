import SessionsDisplay
import SessionsKit
@testable import SessionsTUI
import Testing

/// Every view rendered headless at 80x24, 200x60 and too small, compared with
/// reviewed golden files, plus the behaviour behind each key.
@Suite("Screens", .serialized)
struct ScreenTests {
    @Test("the main screen: tabs with counts, the list, the session and its timeline")
    func mainScreen() throws {
        let wide = try ScreenHarness(width: 200, height: 60)
        wide.press("j")
        let header = wide.frame.line(0)
        #expect(header.contains("Active (2)") && header.contains("Complete (2)") && header.contains("Failed (1)"))
        #expect(wide.text.contains("Timeline · 5 interactions · 1 error · 1 pending"))
        expectGolden(wide.text, "main-200x60")
        let small = try ScreenHarness(width: 80, height: 24)
        expectGolden(small.text, "main-80x24")
        small.resize(30, 8)
        #expect(small.text.contains("Terminal too small"))
        expectGolden(small.text, "too-small-30x8")
        small.resize(80, 24)
        expectGolden(small.text, "main-80x24")
    }

    @Test("status and result are glyph and colour together")
    func glyphsCarryMeaning() throws {
        let screen = try ScreenHarness(width: 200, height: 60)
        screen.press("j")
        let row = 3
        let line = screen.frame.line(row)
        #expect(line.hasPrefix(" ● #1"))
        #expect(line.contains(" 5 … "), "the last step is pending")
        let roles = screen.frame.roles(row: 2)
        #expect(roles[1] == .statusActive)
        let list = try #require(screen.state.layout.list)
        let glyph = try #require(Array(line.prefix(list.width)).lastIndex(of: "…"))
        #expect(screen.frame.roles(row: 2)[glyph] == .resultOK, "#2 ended ok")
    }

    @Test("j/k, g/G and page keys move; Tab and 1/2/3 switch sections")
    func navigation() throws {
        let screen = try ScreenHarness(width: 80, height: 24)
        #expect(screen.state.selectedSummary?.id == 2, "newest first")
        screen.press("j")
        #expect(screen.state.selectedSummary?.id == 1)
        screen.press("j")
        #expect(screen.state.selectedSummary?.id == 1, "stops at the end")
        screen.press("g")
        #expect(screen.state.selectedSummary?.id == 2)
        screen.press("G<up>")
        #expect(screen.state.selectedSummary?.id == 2)
        screen.press("<tab>")
        #expect(screen.state.section == .complete)
        screen.press("3")
        #expect(screen.state.section == .failed && screen.state.selectedSummary?.id == 4)
        screen.press("<btab>")
        #expect(screen.state.section == .complete)
        screen.press("1")
        #expect(screen.state.section == .active && screen.state.selectedSummary?.id == 2, "each section keeps its cursor")
        expectGolden(screen.text, "main-80x24")
    }

    @Test("Enter opens the timeline, Enter again an interaction; Esc goes back; q quits only at the top")
    func openAndBack() throws {
        let screen = try ScreenHarness(width: 80, height: 24)
        screen.press("j<enter>")
        #expect(screen.state.focus == .timeline)
        #expect(screen.state.timeline?.cursor == 4, "opens on the newest interaction")
        expectGolden(screen.text, "timeline-80x24")
        screen.press("ggj<enter>")
        #expect(screen.state.focus == .pager)
        #expect(screen.text.contains("claude -p 'write the mailer'"))
        expectGolden(screen.text, "detail-80x24")
        screen.press("<esc>")
        #expect(screen.state.focus == .timeline)
        #expect(screen.press("q").isEmpty)
        #expect(screen.state.focus == .list)
        #expect(screen.press("q") == [.quit])

        let wide = try ScreenHarness(width: 200, height: 60)
        wide.press("j<enter>")
        expectGolden(wide.text, "timeline-200x60")
        wide.press("E<enter>")
        #expect(wide.text.contains("tests failed"))
        expectGolden(wide.text, "detail-200x60")
    }

    @Test("e and E jump between errors")
    func errorJumps() throws {
        let screen = try ScreenHarness()
        screen.press("j<enter>g")
        screen.press("e")
        #expect(screen.state.timeline?.cursor == 2)
        #expect(screen.text.contains("error 1/1"))
        screen.press("e")
        #expect(screen.state.timeline?.cursor == 2)
        #expect(screen.text.contains("error 1/1 · the only error"))
        screen.press("GE")
        #expect(screen.state.timeline?.cursor == 2)
    }

    @Test("c marks complete, moves the session, keeps a neighbour, flashes, and u undoes")
    func statusChangeAndUndo() throws {
        let screen = try ScreenHarness(width: 80, height: 24)
        #expect(screen.state.selectedSummary?.id == 2)
        screen.press("c")
        #expect(try screen.store.session(id: 2)?.status == .complete, "written through the model at once")
        #expect(screen.state.section == .active)
        #expect(screen.state.selectedSummary?.id == 1, "the neighbour takes the cursor")
        #expect(screen.frame.line(0).contains("Active (1)") && screen.frame.line(0).contains("Complete (3)"))
        #expect(screen.frame.line(23).contains("#2 → complete (u: undo)"))
        expectGolden(screen.text, "status-changed-80x24")
        screen.press("u")
        #expect(try screen.store.session(id: 2)?.status == .active)
        #expect(screen.state.selectedSummary?.id == 2)
        #expect(screen.frame.line(23).contains("#2 → active (undone)"))
        #expect(screen.frame.line(0).contains("Active (2)"))
        screen.press("u")
        #expect(screen.frame.line(23).contains("nothing to undo"))
        screen.press("a")
        #expect(screen.frame.line(23).contains("#2 is already active"))
    }

    @Test("a status change while reading the timeline follows the session")
    func statusChangeInTimeline() throws {
        let screen = try ScreenHarness()
        screen.press("j<enter>f")
        #expect(screen.state.section == .failed)
        #expect(screen.state.focus == .timeline && screen.state.timeline?.session.status == .failed)
        #expect(screen.state.selectedSummary?.id == 1)
        screen.press("u")
        #expect(screen.state.section == .active && screen.state.selectedSummary?.id == 1)
    }

    @Test("/ filters incrementally over text and structural terms; Esc clears")
    func filter() throws {
        let screen = try ScreenHarness(width: 80, height: 24)
        screen.press("/vsc")
        #expect(screen.state.currentRows.map(\.id) == [2])
        #expect(screen.frame.line(23).contains("/ filter: vsc"))
        screen.press("<bs><bs><bs>attempt")
        #expect(screen.state.currentRows.map(\.id) == [1], "state text is searched")
        screen.press("<enter>")
        #expect(!screen.state.list.filter.isEditing)
        expectGolden(screen.text, "filter-80x24")
        screen.press("/<C-u>type:test<enter>3")
        #expect(screen.state.currentRows.map(\.id) == [4])
        screen.press("1")
        #expect(screen.state.currentRows.isEmpty)
        #expect(screen.text.contains("Nothing matches the filter"))
        screen.press("/<C-u>agent:claude env:local<enter>")
        #expect(screen.state.currentRows.map(\.id) == [1])
        screen.press("/<C-u>project:billing<enter>")
        #expect(screen.state.currentRows.map(\.id) == [1])
        screen.press("<esc>")
        #expect(!screen.state.list.filter.isActive && screen.state.currentRows.count == 2)
    }

    @Test("s cycles the sort from activity, the default, through updated, created, id and type")
    func sort() throws {
        let screen = try ScreenHarness(width: 200, height: 60)
        #expect(screen.state.list.sort == .activity)
        #expect(screen.frame.line(0).hasSuffix("sort: activity"))
        screen.press("2")
        #expect(screen.state.currentRows.map(\.id) == [5, 3])
        var seen: [SessionSort] = []
        for _ in 0..<5 {
            screen.press("s")
            seen.append(screen.state.list.sort)
            if screen.state.list.sort == .id { #expect(screen.state.currentRows.map(\.id) == [3, 5]) }
            if screen.state.list.sort == .type { expectGolden(screen.text, "sort-type-200x60") }
        }
        #expect(seen == [.updated, .created, .id, .type, .activity])
    }

    @Test("the empty store suggests n and sessions demo")
    func emptyState() throws {
        for (width, height) in [(80, 24), (200, 60)] {
            let screen = try ScreenHarness(width: width, height: height) { _ in }
            #expect(screen.text.contains("No sessions yet."))
            #expect(screen.text.contains("Press n to start one,"))
            #expect(screen.text.contains("sessions demo"))
            expectGolden(screen.text, "empty-\(width)x\(height)")
        }
    }

    @Test("n creates a session through a form; D deletes after y")
    func newAndDelete() throws {
        let screen = try ScreenHarness(width: 80, height: 24)
        screen.press("n")
        expectGolden(screen.text, "new-form-80x24")
        screen.press("<right><down><right><down><right><right><down><right><enter>")
        let created = try #require(try screen.store.session(id: 6))
        #expect(created.agent == .claudeCode && created.environment == .vscode && created.componentID == 1)
        #expect(screen.state.selectedSummary?.id == 6)
        #expect(screen.frame.line(23).contains("#6 created"))
        screen.press("D")
        expectGolden(screen.text, "confirm-delete-80x24")
        screen.press("n")
        #expect(try screen.store.session(id: 6) != nil)
        screen.press("Dy")
        #expect(try screen.store.session(id: 6) == nil)
        #expect(screen.frame.line(23).contains("#6 deleted"))
    }

    @Test("A switches account; only that account's sessions show")
    func switchAccount() throws {
        let screen = try ScreenHarness(width: 80, height: 24)
        screen.press("A")
        #expect(screen.text.contains("Switch account"))
        screen.press("j<enter>")
        #expect(screen.state.scope.accountID == 2)
        #expect(SessionStatus.allCases.allSatisfy { screen.state.list.rows[$0]?.isEmpty == true })
        #expect(screen.text.contains("No sessions yet."))
        #expect(screen.frame.line(0).contains("bob"))
    }

    @Test("? shows every binding of the key map, every line whole, a page at a time", arguments: [(200, 60), (80, 24)])
    func help(width: Int, height: Int) throws {
        let screen = try ScreenHarness(width: width, height: height)
        screen.press("?")
        expectGolden(screen.text, "help-\(width)x\(height)")
        // Scroll line by line to the end, taking each line as it passes the
        // top of the box, then the last page whole: every line, once, in order.
        func page() -> [String] {
            screen.frame.text.split(separator: "\n").compactMap { line -> String? in
                guard let left = line.firstIndex(of: "│"), let right = line.lastIndex(of: "│"), left < right else { return nil }
                return String(line[line.index(after: left)..<right])
            }
        }
        var lines: [String] = []
        var previous: [String] = []
        for _ in 0..<500 {
            let current = page()
            if current == previous { break }
            lines.append(current.first ?? "")
            previous = current
            screen.press("j")
        }
        lines += previous.dropFirst().filter { !$0.contains("j/k scroll") }
        let pages = [lines.joined(separator: "\n")]
        // Wrapped summaries read whole once their lines are joined.
        let words = pages.joined(separator: "\n").split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        for binding in KeyMap.standard.bindings {
            #expect(words.contains(binding.summary), "help lists \(binding.summary) at \(width)x\(height)")
            #expect(words.contains(binding.keyLabel), "help names \(binding.keyLabel) at \(width)x\(height)")
        }
        for page in pages {
            for line in page.split(separator: "\n") {
                #expect(!line.contains("…") || line.contains("j/k scroll"), "nothing is cut: \(line)")
            }
        }
        screen.press("x")
        #expect(screen.state.overlay == nil)
    }

    @Test("the pager wraps, searches with / n N, and copies the part chosen")
    func pager() throws {
        let screen = try ScreenHarness(width: 80, height: 24) { service in
            let session = try service.create(SessionDraft(type: "ClaudeCodeSessions"))
            let step = try service.addInteraction(sessionID: session.id, CommandDraft(module: "Bash", command: "make"))
            let lines = (1...60).map { "output line \($0) " + String(repeating: "x", count: $0 == 7 ? 150 : 3) }
            _ = try service.completeInteraction(sessionID: session.id, interactionID: step.id, ResultDraft(
                status: "ok", code: 0, stdout: .text(lines.joined(separator: "\n")), durationMS: 10))
        }
        screen.press("<enter><enter>")
        #expect(screen.state.focus == .pager)
        let wrapped = screen.text
        screen.press("w")
        #expect(screen.state.pager?.wrap == false)
        #expect(screen.text != wrapped)
        screen.press("w/LINE 4<enter>")
        #expect(screen.state.pager?.search?.needle == "LINE 4")
        // The first match is on screen already, so the view stays and marks it.
        let first = try #require(screen.state.pager?.search?.current?.line)
        #expect(screen.state.pager?.top == 0)
        #expect(screen.state.pager?.lines.line(first).spans.map(\.text).joined().contains("output line 4") == true)
        screen.press("n")
        let second = try #require(screen.state.pager?.search?.current?.line)
        #expect(second > first && screen.state.pager?.top == second)
        #expect(screen.state.pager?.lines.line(second).spans.map(\.text).joined().contains("output line 40") == true)
        screen.press("N")
        #expect(screen.state.pager?.search?.current?.line == first && screen.state.pager?.top == first)
        #expect(screen.press("y").isEmpty)
        let copy = screen.press("s")
        #expect(copy.count == 1)
        if case .copyToClipboard(let text, let what)? = copy.first {
            #expect(text.hasPrefix("output line 1 xxx") && what == "stdout")
        }
        screen.press("G")
        #expect(screen.text.contains("output line 60"))
        #expect(screen.press("o").count == 1)
    }

    @Test("hostile text is shown visibly and never reaches the frame as control characters")
    func hostileText() throws {
        let attack = "\u{1B}]2;PWNED\u{07}\u{1B}[2J\u{1B}[31mred\u{1B}[0m bare\rCR \u{9B}31m \u{202E}evil \u{7F}"
        let screen = try ScreenHarness(width: 120, height: 40) { service in
            let session = try service.create(SessionDraft(type: "ClaudeCodeSessions",
                                                          state: .object(JSONObject(["note": .string(attack)]))))
            let step = try service.addInteraction(sessionID: session.id, CommandDraft(module: "Bash\u{1B}[2J", command: attack))
            _ = try service.completeInteraction(sessionID: session.id, interactionID: step.id, ResultDraft(
                status: "error", code: 1, errorMessage: attack, stdout: .text(attack), stderr: .bytes([0x66, 0xFF, 0x1B, 0x0A]),
                durationMS: 5))
        }
        func check(_ frame: Frame) {
            for cell in frame.cells {
                for scalar in cell.text.unicodeScalars {
                    let v = scalar.value
                    #expect(!(v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)),
                            "control U+\(String(v, radix: 16)) reached the frame")
                }
            }
        }
        check(screen.frame)
        #expect(screen.text.contains("␛]2;PWNED␇"))
        expectGolden(screen.text, "hostile-120x40")
        screen.press("<enter><enter>")
        check(screen.frame)
        #expect(screen.text.contains("<U+202E>"))
        #expect(screen.text.contains("\\xFF"))
        expectGolden(screen.text, "hostile-detail-120x40")
    }

    @Test("wide characters keep columns aligned and cut on a cell boundary")
    func wideCharacters() throws {
        let screen = try ScreenHarness(width: 200, height: 60) { service in
            _ = try service.addComponent(name: "請求書メーラー🚀コンポーネント名がとても長い")
            for command in ["echo 漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字", "printf '😀👍🏽🇫🇷'"] {
                let session = try service.create(SessionDraft(type: "ClaudeCodeSessions", componentID: 2))
                let step = try service.addInteraction(sessionID: session.id, CommandDraft(module: "Bash", command: command))
                _ = try service.completeInteraction(sessionID: session.id, interactionID: step.id,
                                                    ResultDraft(status: "ok", code: 0, durationMS: 1000))
            }
        }
        let frame = screen.frame
        // Every row's cells add up to the frame's width: nothing spills.
        for row in 0..<frame.height {
            #expect(CellWidth.of(String(frame.line(row))) <= frame.width)
        }
        // The separator stays in one column on every body row.
        let separator = try #require(screen.state.layout.divider?.x)
        for row in 1..<(frame.height - 1) { #expect(frame[row, separator].text == "│") }
        #expect(frame.text.contains("…"))
        expectGolden(frame.text, "wide-200x60")
        screen.resize(80, 24)
        expectGolden(screen.text, "wide-80x24")
    }

    @Test("changes from another process appear on refresh, keeping the selection")
    func liveRefresh() throws {
        let screen = try ScreenHarness()
        screen.press("j")
        #expect(screen.state.selectedSummary?.id == 1)
        let other = screen.otherProcess()
        _ = try other.addInteraction(sessionID: 1, CommandDraft(module: "Bash", command: "echo from-a-hook"))
        _ = try other.create(SessionDraft(type: "ClaudeCodeSessions"))
        screen.runtime.refresh()
        screen.runtime.settle()
        #expect(screen.state.selectedSummary?.id == 1, "1 moved to the top, the cursor followed it")
        #expect(screen.state.timeline?.interactions.count == 6)
        #expect(screen.text.contains("echo from-a-hook"))
        #expect(screen.frame.line(0).contains("Active (3)"))
    }

    @Test("mouse: a click selects a row or a tab, the wheel scrolls")
    func mouse() throws {
        let screen = try ScreenHarness(width: 120, height: 40)
        let tabs = HeaderBar.tabs(screen.state.list, in: screen.state.layout.header)
        let failed = try #require(tabs.first { $0.section == .failed })
        screen.send(.mouse(MouseEvent(.press, row: 0, column: failed.columns.lowerBound + 1)))
        #expect(screen.state.section == .failed)
        screen.press("1")
        screen.send(.mouse(MouseEvent(.press, row: 3, column: 5)))
        #expect(screen.state.selectedSummary?.id == 1)
        screen.send(.mouse(MouseEvent(.wheelUp, row: 3, column: 5)))
        #expect(screen.state.selectedSummary?.id == 2)
    }
}

@Suite("Frame")
struct FrameTests {
    @Test("a wide character that would straddle the limit becomes a space")
    func straddle() {
        var frame = Frame(width: 5, height: 1)
        let end = frame.put("ab漢字", row: 0, column: 0, limit: 5)
        #expect(end == 5)
        #expect(frame.line(0) == "ab漢")
        #expect(frame[0, 3].isContinuation)
    }

    @Test("overwriting half of a wide character blanks the other half")
    func overwriteHalf() {
        var frame = Frame(width: 4, height: 1)
        frame.put("漢字", row: 0, column: 0)
        frame.put("x", row: 0, column: 1)
        #expect(frame.line(0) == " x字")
        frame.put("y", row: 0, column: 2)
        #expect(frame.line(0) == " xy")
    }
}

@Suite("Key map")
struct KeyMapTests {
    @Test("no key means two things in one context")
    func unambiguous() {
        for context in KeyContext.allCases {
            var seen: [Key: Intent] = [:]
            for binding in KeyMap.standard.bindings(in: context) {
                for key in binding.keys {
                    #expect(seen[key] == nil || seen[key] == binding.command, "\(key.label) twice in \(context)")
                    seen[key] = binding.command
                }
            }
        }
    }

    @Test("the documented defaults are bound")
    func defaults() {
        let map = KeyMap.standard
        #expect(map.command(for: .character("c"), in: .list) == .markComplete)
        #expect(map.command(for: .character("f"), in: .list) == .markFailed)
        #expect(map.command(for: .character("a"), in: .list) == .markActive)
        #expect(map.command(for: .character("u"), in: .list) == .undo)
        #expect(map.command(for: .character("?"), in: .detail) == .help)
        #expect(map.command(for: .control("l"), in: .timeline) == .redraw)
        #expect(map.command(for: .character("q"), in: .list) == .quit)
        #expect(map.command(for: .escape, in: .timeline) == .back)
        #expect(map.command(for: .character("y"), in: .detail) == .copy)
    }
}

/// Defects found in review, each pinned by the scenario that exposed it.
@Suite("Browser review regressions", .serialized)
struct BrowserRegressionTests {
    @Test("a header that fills a short pane does not crash the timeline")
    func shortPane() throws {
        let screen = try ScreenHarness(width: 100, height: 12) { service in
            let session = try service.create(SessionDraft(type: "ClaudeCodeSessions",
                                                          state: try JSONParser.parse(#"{"a":1,"b":2,"c":3,"d":4}"#)))
            _ = try service.addInteraction(sessionID: session.id, CommandDraft(module: "Bash", command: "ls"))
            try service.store.write { transaction in
                guard var stored = try transaction.session(id: session.id) else { return }
                for key in ["x", "y", "z", "w"] { stored.extra.append(key, .string("extra")) }
                transaction.put(stored)
            }
        }
        #expect(screen.text.contains("#1"))
        screen.resize(100, 11)
        #expect(screen.text.contains("Terminal too small"))
    }

    @Test("Enter in the same batch as a move opens the newly selected session")
    func openBeforeLoad() throws {
        let screen = try ScreenHarness()
        #expect(screen.state.timeline?.session.id == 2)
        screen.runtime.send(.key(.character("j")))
        screen.runtime.send(.key(.enter))
        #expect(screen.state.timeline == nil, "the old session is not shown as the opened one")
        screen.runtime.settle()
        #expect(screen.state.timeline?.session.id == 1)
        screen.press("c")
        #expect(try screen.store.session(id: 1)?.status == .complete)
        #expect(try screen.store.session(id: 2)?.status == .active)
    }

    @Test("a session rewritten with fewer interactions leaves no stale cursor or pager")
    func shrunkSession() throws {
        let screen = try ScreenHarness()
        screen.press("j<enter>g<enter>")
        #expect(screen.state.focus == .pager)
        try screen.store.write { transaction in
            guard var stored = try transaction.session(id: 1) else { return }
            stored.interactions = []
            stored.updatedAt = Timestamp(microseconds: stored.updatedAt.microseconds + 1)
            transaction.put(stored)
        }
        screen.runtime.refresh()
        screen.runtime.settle()
        #expect(screen.state.pager == nil && screen.state.focus == .timeline)
        #expect(screen.state.timeline?.cursor == 0)
        screen.press("<enter>E")
        #expect(screen.text.contains("No interactions yet."))
    }

    @Test("at the minimum width every section's count stays in the header")
    func narrowHeader() throws {
        let screen = try ScreenHarness(width: ScreenLayout.minimumWidth, height: ScreenLayout.minimumHeight) { service in
            for status in SessionStatus.allCases {
                for _ in 0..<10 {
                    _ = try service.create(SessionDraft(type: "ClaudeCodeSessions", status: status.rawValue))
                }
            }
        }
        let header = screen.frame.line(0)
        #expect(header.contains("Active (10)") && header.contains("Complete (10)") && header.contains("Failed (10)"), "\(header)")
        screen.resize(120, 40)
        #expect(screen.frame.line(0).hasPrefix(" sessions "))
    }

    @Test("unmodelled keys are sanitized like values")
    func hostileKeys() throws {
        let screen = try ScreenHarness { service in
            let session = try service.create(SessionDraft(type: "ClaudeCodeSessions"))
            let step = try service.addInteraction(sessionID: session.id, CommandDraft(module: "Bash", command: "ls"))
            _ = try service.completeInteraction(sessionID: session.id, interactionID: step.id, ResultDraft(status: "ok"))
            try service.store.write { transaction in
                guard var stored = try transaction.session(id: session.id) else { return }
                stored.interactions[0].extra.append("a\u{1B}[2J\nb", .string("v"))
                transaction.put(stored)
            }
        }
        screen.press("<enter><enter>")
        #expect(screen.state.focus == .pager)
        let scalars = screen.frame.cells.flatMap { $0.text.unicodeScalars }
        #expect(!scalars.contains { $0.value < 0x20 })
        #expect(screen.text.contains("a␛[2J"))
    }
}

@Suite("Pager document")
struct PagerDocumentTests {
    func document(_ text: String) -> PagerDocument {
        var document = PagerDocument()
        document.append(PagerDocument.Output(part: .stdout, text: text))
        return document
    }

    func lines(_ document: PagerDocument) -> [String] {
        (0..<document.count).map { document.line($0).spans.map(\.text).joined() }
    }

    @Test("lines split as the sanitizer splits them: CRLF and LF end lines, a final newline adds none, a bare CR shows")
    func splitting() {
        #expect(lines(document("a\r\nb\nc")) == ["a", "b", "c"])
        #expect(lines(document("a\n\n")) == ["a", ""])
        #expect(lines(document("\n")) == [""])
        #expect(lines(document("x\ry\r\n")) == ["x␍y"])
        #expect(lines(document("tab\there")) == ["tab     here"])
        for text in ["a\r\nb\nc", "a\n\n", "one\ntwo\r\n\r\nthree\r", "\u{1B}[31mred\u{1B}[0m\n漢字\t😀\n"] {
            var expected = Sanitizer.lines(text)
            if expected.last == "" { expected.removeLast() }
            #expect(lines(document(text)) == expected, "\(text.debugDescription)")
        }
    }

    @Test("a huge output is indexed, not sanitized, when opened; search folds ASCII case both ways")
    func hugeOutput() {
        let text = (0..<200_000).map { "line \($0) \u{1B}[1mBOLD\u{1B}[0m" }.joined(separator: "\n")
        var document = PagerDocument()
        document.append(PagerDocument.Line(spans: [Span("header")], part: .fields))
        document.append(PagerDocument.Output(part: .stdout, text: text))
        #expect(document.count == 200_001)
        #expect(lines(PagerDocument()).isEmpty)
        #expect(document.line(150_001).spans.map(\.text).joined() == "line 150000 ␛[1mBOLD␛[0m")
        #expect(document.match("LINE 199999 ", in: 0..<document.count, last: false) == 200_000)
        #expect(document.match("bold", in: 0..<100, last: true) == 99)
        #expect(document.match("header", in: 0..<document.count, last: false) == 0)
        #expect(document.match("absent", in: 0..<document.count, last: false) == nil)
        #expect(document.part(of: 0) == .fields && document.part(of: 5) == .stdout)
    }
}
