import SessionsDisplay
@testable import SessionsKit
@testable import SessionsTUI
import Testing

/// The browser opens on the section that holds the most recently active
/// session, once, and never moves a section the user chose.
@Suite("Opening section", .serialized)
struct OpeningSectionTests {
    /// Nothing active: #1 complete and last active first, #2 failed and last
    /// active after it, then #1 reviewed again, which moves its `updated_at`
    /// past #2's but not its activity.
    static func nothingActive(_ service: SessionService) throws {
        let first = try service.create(SessionDraft(type: "ComponentCodingSessions"))
        _ = try service.addInteraction(sessionID: first.id, CommandDraft(module: "Bash", command: "mix compile"))
        _ = try service.setStatus(id: first.id, to: .failed)
        let second = try service.create(SessionDraft(type: "ContextSpecSessions"))
        _ = try service.addInteraction(sessionID: second.id, CommandDraft(module: "Bash", command: "mix test"))
        _ = try service.setStatus(id: second.id, to: .failed)
        _ = try service.setStatus(id: first.id, to: .complete)
    }

    @Test("after an import in which nothing is active, it opens on the section of the most recently active session")
    func opensOnLatestActivity() throws {
        let screen = try ScreenHarness(width: 80, height: 24, section: nil, populate: Self.nothingActive)
        let updated = try #require(screen.state.catalog?.summaries.max { $0.updatedAt < $1.updatedAt })
        #expect(updated.id == 1 && updated.status == .complete, "the review made #1 the last updated")
        #expect(screen.state.section == .failed)
        #expect(screen.state.selectedSummary?.id == 2)
        #expect(!screen.text.contains("No active sessions"))
        #expect(screen.frame.line(2).contains("#2"), "\(screen.frame.line(2))")
    }

    @Test("a refresh does not move the section, nor does the first catalog move one already chosen")
    func onlyAtStart() throws {
        let screen = try ScreenHarness(width: 80, height: 24, section: nil, populate: Self.nothingActive)
        #expect(screen.state.section == .failed)
        let service = screen.runtime.service
        let later = try service.create(SessionDraft(type: "IntegrationSessions"))
        _ = try service.addInteraction(sessionID: later.id, CommandDraft(module: "Bash", command: "mix deploy"))
        screen.runtime.refresh()
        screen.runtime.settle()
        #expect(screen.state.list.rows[.active]?.count == 1)
        #expect(screen.state.section == .failed, "the newer active session does not pull the list to it")

        let chosen = try ScreenHarness(width: 80, height: 24, section: .complete, populate: Self.nothingActive)
        #expect(chosen.state.section == .complete)
        // A section chosen before the store was read (Tab while loading) stands too.
        var state = AppState(width: 80, height: 24, now: ScreenHarness.now, scope: Scope(accountID: 1))
        _ = Update.update(&state, .key(.character("3")))
        #expect(state.section == .failed && state.list.sectionChosen)
        let catalog = try #require(screen.state.catalog)
        _ = Update.update(&state, .catalogLoaded(catalog))
        #expect(state.section == .failed)
        var fresh = AppState(width: 80, height: 24, now: ScreenHarness.now, scope: Scope(accountID: 1))
        _ = Update.update(&fresh, .catalogLoaded(catalog))
        #expect(fresh.section == .active, "the new session is now the most recently active")
    }
}
