import SessionsDisplay
@testable import SessionsKit
@testable import SessionsTUI
import Testing

/// Marking several sessions and changing or deleting them with one key, one
/// commit and one undo.
@Suite("Marks", .serialized)
struct MarkTests {
    /// Six active sessions (#6 newest, first in the list) and one failed.
    static func screen(width: Int = 80, height: Int = 24) throws -> ScreenHarness {
        try ScreenHarness(width: width, height: height) { service in
            for index in 1...6 {
                let session = try service.create(SessionDraft(type: index.isMultiple(of: 2) ? "ClaudeCodeSessions" : "ComponentCodingSessions",
                                                              agent: "claude_code", environment: "local"))
                let step = try service.addInteraction(sessionID: session.id, CommandDraft(module: "Bash", command: "make \(index)"))
                _ = try service.completeInteraction(sessionID: session.id, interactionID: step.id,
                                                    ResultDraft(status: "ok", code: 0, durationMS: 10 * index))
            }
            _ = try service.create(SessionDraft(type: "ClaudeCodeSessions", status: "failed"))
        }
    }

    func status(_ screen: ScreenHarness, _ id: Session.ID) throws -> SessionStatus? { try screen.store.session(id: id)?.status }

    @Test("Space marks and moves down, * marks what the filter shows, Esc clears; the mark is a glyph, the footer counts")
    func marking() throws {
        let screen = try Self.screen()
        #expect(screen.state.selectedSummary?.id == 6)
        screen.press("  ")
        #expect(screen.state.list.markedIDs == [6, 5])
        #expect(screen.state.selectedSummary?.id == 4, "each Space moves down")
        screen.press("j ")
        #expect(screen.state.list.markedIDs == [6, 5, 3])
        let frame = screen.frame
        #expect(frame.line(2).hasPrefix("*● #6") && frame.line(5).hasPrefix("*● #3") && frame.line(4).hasPrefix(" ● #4"))
        #expect(frame.roles(row: 2)[0] == .marked)
        #expect(frame.line(23).hasSuffix("3 marked  5/6"))
        expectGolden(screen.text, "marks-80x24")
        screen.press("kk ")
        #expect(screen.state.list.markedIDs == [6, 5, 4, 3], "Space on an unmarked row marks it")
        #expect(screen.state.selectedSummary?.id == 3)
        screen.press(" ")
        #expect(screen.state.list.markedIDs == [6, 5, 4], "and on a marked one unmarks it")
        screen.press("<esc>")
        #expect(screen.state.list.markedIDs.isEmpty)
        #expect(!screen.frame.line(23).contains("marked"))

        screen.press("/type:claude<enter>*")
        #expect(screen.state.currentRows.map(\.id) == [6, 4, 2])
        #expect(screen.state.list.markedIDs == [6, 4, 2], "* marks every row the filter shows, and no other")
        screen.press("/<C-u><enter>")
        #expect(screen.state.list.markedIDs == [6, 4, 2], "clearing the filter keeps them")
        screen.press("/type:component<enter>")
        #expect(screen.frame.line(23).contains("3 marked, 3 hidden"), "marks the filter hides are counted: \(screen.frame.line(23))")
        screen.press("<esc>")
        #expect(screen.state.list.markedIDs.isEmpty && screen.state.list.filter.isActive, "Esc clears the marks first")
        screen.press("<esc>")
        #expect(!screen.state.list.filter.isActive, "then the filter")
        screen.press("**")
        #expect(screen.state.list.markedIDs.isEmpty, "* again unmarks them")

        let wide = try Self.screen(width: 200, height: 60)
        wide.press("j j ")
        expectGolden(wide.text, "marks-200x60")
    }

    @Test("f changes every marked session in one commit, flashes, and one u restores them all")
    func bulkChangeAndUndo() throws {
        let screen = try Self.screen()
        screen.press("  j ")
        let before = try screen.store.generation()
        screen.press("f")
        #expect(try screen.store.generation() == before + 1, "one commit")
        for id: Session.ID in [6, 5, 3] { #expect(try status(screen, id) == .failed) }
        #expect(try status(screen, 4) == .active)
        #expect(screen.frame.line(23).contains("3 sessions → failed (u: undo)"))
        #expect(screen.state.list.markedIDs.isEmpty, "the marked sessions left the section, and their marks with them")
        #expect(screen.frame.line(0).contains("Active (3)") && screen.frame.line(0).contains("Failed (4)"))
        expectGolden(screen.text, "marks-changed-80x24")
        screen.press("u")
        #expect(try screen.store.generation() == before + 2, "one commit back")
        for id: Session.ID in [6, 5, 4, 3] { #expect(try status(screen, id) == .active) }
        #expect(screen.frame.line(23).contains("3 sessions → active (undone)"))
        #expect(screen.state.section == .active && Set(screen.state.list.markedIDs) == [6, 5, 3], "the cursor and the marks are back")
        screen.press("u")
        #expect(screen.frame.line(23).contains("nothing to undo"))
        screen.press("f")
        #expect(screen.state.section == .active && screen.frame.line(23).contains("3 sessions → failed"), "the marks act again")
    }

    @Test("u leaves alone a session someone changed meanwhile, restores the others, and says which")
    func undoAroundOutsideChanges() throws {
        let screen = try Self.screen()
        screen.press("   c")
        #expect(screen.frame.line(23).contains("3 sessions → complete"))
        _ = try screen.otherProcess().setStatus(id: 5, to: .failed)
        screen.runtime.refresh()
        screen.runtime.settle()
        screen.press("u")
        #expect(try status(screen, 6) == .active)
        #expect(try status(screen, 4) == .active)
        #expect(try status(screen, 5) == .failed, "someone else's change stands")
        #expect(screen.frame.line(23).contains("2 sessions → active (undone); #5 changed since, left alone"))
        #expect(screen.state.undoStack.isEmpty)
    }

    @Test("u leaves alone a change the browser has not heard of yet: the undo's write judges each session under the store's lock")
    func undoAroundUnheardChanges() throws {
        let screen = try Self.screen()
        screen.press("   c")
        #expect(screen.frame.line(23).contains("3 sessions → complete"))
        // Changed elsewhere, and no refresh: the browser's lists still show #5 complete.
        _ = try screen.otherProcess().setStatus(id: 5, to: .failed)
        #expect(screen.state.catalog?.summary(id: 5)?.status == .complete)
        screen.press("u")
        #expect(try status(screen, 5) == .failed, "someone else's change stands")
        #expect(try status(screen, 6) == .active && status(screen, 4) == .active)
        #expect(screen.frame.line(23).contains("2 sessions → active (undone); #5 changed since, left alone"))
        #expect(screen.state.catalog?.summary(id: 5)?.status == .failed, "the write brought #5 as it is")
        // A change whose every session moved on since undoes nothing, and says so.
        // The undo put the marks back: cleared first, so `c` changes one session.
        screen.press("<esc>")
        #expect(screen.state.list.markedIDs.isEmpty)
        let changed = try #require(screen.state.selectedSummary?.id)
        screen.press("c")
        #expect(screen.state.undoStack.last?.sessionIDs == [changed])
        _ = try screen.otherProcess().setStatus(id: changed, to: .failed)
        screen.press("u")
        #expect(try status(screen, changed) == .failed)
        #expect(screen.frame.line(23).contains("#\(changed) changed since; nothing undone"), "\(screen.frame.line(23))")
        #expect(screen.state.undoStack.isEmpty)
    }

    @Test("marks survive a live refresh; one that leaves its section or is deleted elsewhere drops out")
    func marksAndOutsideChanges() throws {
        let screen = try Self.screen()
        screen.press("    ")
        #expect(screen.state.list.markedIDs == [6, 5, 4, 3])
        let other = screen.otherProcess()
        _ = try other.addInteraction(sessionID: 1, CommandDraft(module: "Bash", command: "echo from-a-hook"))
        _ = try other.setStatus(id: 5, to: .complete)
        try other.delete(id: 4)
        screen.runtime.refresh()
        screen.runtime.settle()
        #expect(screen.state.list.markedIDs == [6, 3])
        #expect(screen.frame.line(23).contains("2 marked"))
        _ = try other.setStatus(id: 5, to: .active)
        screen.runtime.refresh()
        #expect(screen.state.list.markedIDs == [6, 3], "a session that comes back is not marked again")
        screen.press("2")
        #expect(!screen.frame.line(23).contains("marked"), "each section has its own marks")
        screen.press("1A<down><enter>")
        #expect(screen.state.scope.accountID == 2 && screen.state.list.marks.isEmpty, "another account starts with none")
    }

    @Test("D deletes every marked session after one confirmation that says how many")
    func bulkDelete() throws {
        let screen = try Self.screen()
        screen.press(" j D")
        #expect(screen.text.contains("Delete 2 sessions and their 2 interactions?"))
        expectGolden(screen.text, "marks-delete-80x24")
        screen.press("n")
        #expect(screen.frame.line(23).contains("2 sessions kept"))
        #expect(try screen.store.session(id: 6) != nil && screen.state.list.markedIDs == [6, 4])
        let before = try screen.store.generation()
        screen.press("Dy")
        #expect(try screen.store.generation() == before + 1, "one commit")
        #expect(try screen.store.session(id: 6) == nil)
        #expect(try screen.store.session(id: 4) == nil)
        #expect(try screen.store.session(id: 5) != nil)
        #expect(screen.frame.line(23).contains("2 sessions deleted"))
        #expect(screen.state.list.markedIDs.isEmpty)
    }

    @Test("in the timeline, c acts on the session being read, not on the marks")
    func timelineIgnoresMarks() throws {
        let screen = try Self.screen()
        screen.press("  <enter>c")
        #expect(try status(screen, 4) == .complete)
        #expect(try status(screen, 6) == .active)
        #expect(try status(screen, 5) == .active)
        #expect(screen.frame.line(23).contains("#4 → complete"))
    }
}
