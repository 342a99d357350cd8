import SessionsDisplay
@testable import SessionsKit
@testable import SessionsTUI
import Testing

/// Claude Code conversations in the list: their titles, branch and tokens,
/// and their subagents under them.
@Suite("Conversations in the list", .serialized)
struct ConversationListTests {
    /// #1 a conversation last active after everything else; #2 a Task
    /// subagent of it and #3 its compaction agent, both active before #4, an
    /// unrelated conversation; #5 a CodeMySpec session.
    static func fixture(_ service: SessionService) throws {
        func create(_ state: String) throws -> Session {
            try service.create(SessionDraft(type: "ClaudeCodeSessions", agent: "claude_code", environment: "local",
                                            state: try JSONParser.parse(state)))
        }
        func step(_ session: Session, _ command: String) throws {
            _ = try service.addInteraction(sessionID: session.id, CommandDraft(module: "Bash", command: command))
        }
        let parent = try create(#"{"session_id":"4d5611e5","first_prompt":"Add an invoice export to the billing page","#
            + #""git_branch":"feat/invoice-export","tokens":{"input":139,"output":1258,"cache_creation_input":26025,"#
            + #""cache_read_input":218393}}"#)
        let task = try create(#"{"session_id":"4d5611e5","agent_id":"a2898e3","parent_session_id":"4d5611e5","#
            + #""parent_id":\#(parent.id.rawValue),"first_prompt":"Find every test of the invoice module","#
            + #""git_branch":"feat/invoice-export","tokens":{"input":213,"output":198}}"#)
        try step(task, "rg invoice test/")
        let compaction = try create(#"{"session_id":"4d5611e5","agent_id":"acompact-e1f845","parent_session_id":"4d5611e5","#
            + #""parent_id":\#(parent.id.rawValue),"first_prompt":"Summarise the conversation so far","#
            + #""tokens":{"input":3,"output":8,"cache_read_input":164830}}"#)
        try step(compaction, "summary")
        let other = try create(#"{"session_id":"fe5e1c67","summary_title":"Empty Repo Setup: CLAUDE.md Foundation Created","#
            + #""git_branch":"main","tokens":{"input":1059,"output":77612,"cache_read_input":5706262}}"#)
        try step(other, "ls")
        let spec = try service.create(SessionDraft(type: "ContextSpecSessions", agent: "claude_code", environment: "local"))
        try step(spec, "mix spec")
        try step(parent, "mix test")
    }

    @Test("sorted by activity, subagents follow their parent, marked ↳; a compaction agent says so")
    func subagentsUnderParent() throws {
        let screen = try ScreenHarness(width: 200, height: 60, populate: Self.fixture)
        #expect(screen.state.currentRows.map(\.id) == [1, 3, 2, 5, 4])
        let lines = (2...6).map { screen.frame.line($0) }
        #expect(lines[0].contains("#1  Add an invoice export"), "\(lines[0])")
        #expect(lines[1].contains("#3  ↳ compaction "), "\(lines[1])")
        #expect(lines[2].contains("#2  ↳ Find every test"), "\(lines[2])")
        #expect(lines[0].contains("feat/invoice-…") && lines[0].contains("245k↑ 1.3k↓"), "\(lines[0])")
        #expect(lines[3].contains("Context Spec") && lines[3].contains("—"), "a CodeMySpec session has neither: \(lines[3])")
        #expect(screen.frame.line(1).contains("BRANCH") && screen.frame.line(1).contains("TOKENS"))
        expectGolden(screen.text, "conversations-200x60")
        // Another sort places them by their own times, still marked.
        screen.press("s")
        #expect(screen.state.list.sort == .updated)
        #expect(screen.state.currentRows.map(\.id) == [1, 5, 4, 3, 2])
        #expect(screen.frame.line(5).contains("↳ compaction"))
    }

    @Test("at 80 columns the title keeps the room: no branch or tokens, the subagents still under their parent")
    func narrow() throws {
        let screen = try ScreenHarness(width: 80, height: 24, populate: Self.fixture)
        #expect(!screen.frame.line(1).contains("BRANCH") && !screen.frame.line(1).contains("TOKENS"))
        #expect(screen.frame.line(3).contains("#3  ↳ compaction"))
        expectGolden(screen.text, "conversations-80x24")
    }

    @Test("a subagent moves under its parent only when both are in the order and the parent is no subagent itself")
    func grouping() {
        func key(_ id: Session.ID, parent: Session.ID? = nil) -> SummaryKey {
            SummaryKey(id: id, accountID: 1, projectID: nil, componentID: nil, status: .active, type: .claudeCode, agent: nil,
                       environment: nil, insertedAt: Timestamp(seconds: 0), updatedAt: Timestamp(seconds: 0),
                       activityAt: Timestamp(seconds: 0), parentID: parent, hasExtra: false)
        }
        // Positions 0...6: 1, 7 (child of 1), 2, 3 (child of 1), 4 (child of 9, not listed), 5 (child of 7, a child), 6 (its own).
        let keys = [key(1), key(7, parent: 1), key(2), key(3, parent: 1), key(4, parent: 9), key(5, parent: 7), key(6, parent: 6)]
        let order = [2, 0, 4, 1, 5, 3, 6]
        let grouped = keys.withUnsafeBufferPointer { SessionLinks.subagentsUnderParents(order, keys: $0) }
        #expect(grouped.map { keys[$0].id } == [2, 1, 7, 3, 4, 5, 6])
        let plain = [key(1), key(2)]
        #expect(plain.withUnsafeBufferPointer { SessionLinks.subagentsUnderParents([1, 0], keys: $0) } == [1, 0])
    }
}
