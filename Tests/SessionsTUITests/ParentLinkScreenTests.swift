@testable import SessionsKit
import SessionsTUI
import Testing
import TestSupport

/// A session that names a parent (a CodeMySpec child session, a Claude Code
/// subagent) says so in its pane, and `p` goes there: the cursor from the
/// list, the parent's timeline from the timeline.
@Suite("Browser: parent sessions")
struct ParentLinkScreenTests {
    static let parentUUID = "5f1d2c3b-aaaa-4bbb-8ccc-000000000001"

    /// #1 a local session; #2 the parent (complete); #3 its child (active),
    /// imported as CodeMySpec's API renders them today.
    static func populate(_ service: SessionService) throws {
        _ = try service.create(SessionDraft(type: "ContextSpecSessions"))
        let records = #"""
        [{"id": "\#(parentUUID)", "type": "ComponentCodingSessions", "status": "complete", "account_id": "x",
          "interactions": [], "inserted_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-20T10:00:00Z"},
         {"id": "5f1d2c3b-aaaa-4bbb-8ccc-000000000002", "type": "ComponentTestSessions", "status": "active", "account_id": "x",
          "session_id": "\#(parentUUID)", "interactions": [], "inserted_at": "2026-11-21T10:00:00Z", "updated_at": "2026-11-21T10:00:00Z"}]
        """#
        let report = try CodeMySpecImporter(service: service).run(Array(records.utf8))
        #expect(report.created == 2)
    }

    func line(_ screen: ScreenHarness, containing text: String) -> String? {
        screen.text.split(separator: "\n").map(String.init).first { $0.contains(text) }
    }

    @Test("the child's pane names its parent, the parent's pane its children, and p goes to the parent from list and timeline")
    func parentAndChildren() throws {
        let screen = try ScreenHarness(width: 160, height: 30, populate: Self.populate)
        screen.press("j")
        #expect(screen.state.list.selectedID == 3, "below the newer local session")
        #expect(line(screen, containing: "parent #2 (p)") != nil, "\(screen.text)")

        screen.press("p")
        #expect(screen.state.list.section == .complete && screen.state.list.selectedID == 2 && screen.state.focus == .list)
        #expect(line(screen, containing: "children #3") != nil, "\(screen.text)")
        #expect(screen.state.flash?.text == "#2, the parent of #3")

        screen.press("1j<enter>")
        #expect(screen.state.focus == .timeline && screen.state.timeline?.session.id == 3)
        screen.press("p")
        #expect(screen.state.focus == .timeline && screen.state.timeline?.session.id == 2)
        #expect(screen.state.list.section == .complete)

        // A session with no parent says so, and nothing moves.
        screen.press("p")
        #expect(screen.state.flash?.text == "#2 has no parent session" && screen.state.timeline?.session.id == 2)
    }

    @Test("a parent not imported yet is named as missing, and p says so")
    func parentMissing() throws {
        let screen = try ScreenHarness(width: 160, height: 30) { service in
            let child = #"[{"id": "5f1d2c3b-aaaa-4bbb-8ccc-000000000002", "type": "ComponentTestSessions", "account_id": "x", "session_id": "\#(Self.parentUUID)", "inserted_at": "2026-11-21T10:00:00Z", "updated_at": "2026-11-21T10:00:00Z"}]"#
            _ = try CodeMySpecImporter(service: service).run(Array(child.utf8))
        }
        #expect(line(screen, containing: "parent not in this store") != nil, "\(screen.text)")
        screen.press("p")
        #expect(screen.state.flash?.text == "#1's parent is not in this store" && screen.state.flash?.isError == true)
        #expect(screen.state.list.selectedID == 1)
    }
}
