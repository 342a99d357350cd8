import SessionsDisplay
@testable import SessionsKit
@testable import SessionsTUI
import Testing

/// A session of 16 interactions with errors at 2, 8 and 13 (indices 1, 7, 12),
/// and one without errors.
func errorsFixture(_ service: SessionService) throws {
    let clean = try service.create(SessionDraft(type: "ClaudeCodeSessions"))
    let step = try service.addInteraction(sessionID: clean.id, CommandDraft(module: "Bash", command: "true"))
    _ = try service.completeInteraction(sessionID: clean.id, interactionID: step.id, ResultDraft(status: "ok", code: 0))
    let session = try service.create(SessionDraft(type: "ComponentCodingSessions"))
    for index in 0..<16 {
        let step = try service.addInteraction(sessionID: session.id, CommandDraft(module: "Bash", command: "step \(index)"))
        let failed = [1, 7, 12].contains(index)
        _ = try service.completeInteraction(sessionID: session.id, interactionID: step.id, ResultDraft(
            status: failed ? "error" : "ok", code: failed ? 1 : 0, stdout: .text(String(repeating: "output\n", count: 40))))
    }
}

@Suite("Flashes and error jumps", .serialized)
struct FlashAndErrorJumpTests {
    /// The footer's text.
    func footer(_ screen: ScreenHarness) -> String { screen.frame.line(screen.state.height - 1) }

    /// Opens session `id`'s timeline from the list.
    func open(_ id: Session.ID, _ screen: ScreenHarness) throws {
        let row = try #require(screen.state.currentRows.firstIndex { $0.id == id })
        screen.press("g" + String(repeating: "j", count: row) + "<enter>")
        #expect(screen.state.timeline?.session.id == id)
    }

    @Test("e and E wrap around, and say where they went; with no errors they say so", arguments: [false, true])
    func errorJumpsWrap(inPager: Bool) throws {
        let screen = try ScreenHarness(width: 80, height: 24, populate: errorsFixture)
        try open(2, screen)
        #expect(screen.state.timeline?.cursor == 15, "opens on the last interaction")
        func position() -> Int? { inPager ? screen.state.pager?.index : screen.state.timeline?.cursor }
        if inPager { screen.press("<enter>") }
        let steps: [(String, Int, String)] = [
            ("e", 1, "error 1/3 · wrapped to the first"),
            ("E", 12, "error 3/3 · wrapped to the last"),
            ("E", 7, "error 2/3"),
            ("e", 12, "error 3/3"),
        ]
        for (key, target, message) in steps {
            screen.press(key)
            #expect(position() == target, "\(key) → \(target)")
            #expect(screen.state.flash?.text == message)
            #expect(footer(screen).contains(message), "\(key): \(footer(screen))")
        }
        screen.press(inPager ? "<esc><esc>" : "<esc>")
        try open(1, screen)
        if inPager { screen.press("<enter>") }
        screen.press("e")
        #expect(screen.state.flash?.text == "no errors in this session")
        #expect(footer(screen).contains("no errors in this session"))
        screen.press("E")
        #expect(screen.state.flash?.text == "no errors in this session")
    }

    @Test("a timeline opened before its session is read still opens on the last interaction")
    func opensAtTheEndWhenReadLate() throws {
        let screen = try ScreenHarness(width: 80, height: 24)
        screen.runtime.send(.key(.character("j")))
        screen.runtime.send(.key(.enter))
        #expect(screen.state.timeline == nil)
        screen.runtime.settle()
        #expect(screen.state.timeline?.session.id == 1 && screen.state.timeline?.cursor == 4)
        #expect(screen.frame.line(23).hasSuffix("5/5"))
    }

    @Test("the only error says it is the only one")
    func onlyError() throws {
        let screen = try ScreenHarness()
        screen.press("j<enter>e")
        #expect(screen.state.timeline?.cursor == 2)
        #expect(screen.state.flash?.text == "error 1/1 · wrapped to the first")
        screen.press("e")
        #expect(screen.state.flash?.text == "error 1/1 · the only error")
    }

    @Test("a key that does something leaves no older flash standing")
    func staleFlashes() throws {
        let screen = try ScreenHarness(width: 80, height: 24, populate: errorsFixture)
        // The list: a sort flash, then a move.
        screen.press("s")
        #expect(screen.state.flash?.text == "sort: updated")
        screen.press("j")
        #expect(screen.state.flash == nil)
        #expect(!footer(screen).contains("sort: created"))
        // The timeline: a flash about one session, then back to the list.
        try open(1, screen)
        screen.press("E")
        #expect(screen.state.flash?.text == "no errors in this session")
        screen.press("<esc>")
        #expect(screen.state.flash == nil, "Esc went back: the flash was about the session left")
        // ...or another session opened with a click beside it.
        screen.resize(200, 60)
        try open(1, screen)
        screen.press("E")
        let other = try #require(screen.state.currentRows.firstIndex { $0.id == 2 })
        screen.send(.mouse(MouseEvent(.press, row: 2 + other, column: 5)))
        #expect(screen.state.flash == nil && !footer(screen).contains("no errors"))
        screen.press("<enter>")
        #expect(screen.state.timeline?.session.id == 2)
        // The pager: a copy's notice, then e jumps away, then a scroll.
        screen.press("<enter>")
        screen.send(.notice("copied 16041 bytes (stdout)"))
        #expect(footer(screen).contains("copied 16041 bytes"))
        screen.press("e")
        #expect(!footer(screen).contains("copied") && footer(screen).contains("error 1/3"))
        screen.send(.notice("copied 16041 bytes (stdout)"))
        screen.press("j")
        #expect(screen.state.flash == nil && !footer(screen).contains("copied"))
        // A redraw repaints what is there, flash included; a click is an action.
        screen.send(.notice("copied 12 bytes"))
        screen.press("<C-l>")
        #expect(screen.state.flash?.text == "copied 12 bytes")
        screen.send(.mouse(MouseEvent(.wheelDown, row: 5, column: 50)))
        #expect(screen.state.flash == nil)
    }
}
