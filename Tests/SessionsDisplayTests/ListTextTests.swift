import Glibc
import SessionsDisplay
import SessionsKit
import Testing

/// Local times read in UTC whatever the machine's zone, as the browser's
/// screen tests read them.
private func fixTimeZone() {
    setenv("TZ", "UTC", 1)
    tzset()
}

private func at(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

@Suite("What the lists and timelines say", .serialized)
struct ListTextTests {
    let now = at("2026-11-25T12:00:00Z")

    static let ageCases: [(String, String)] = [
        ("2026-11-25T11:59:58Z", "just now"), ("2026-11-25T10:00:00Z", "2h ago"), ("2026-11-19T11:00:00Z", "6d ago"),
        ("2026-11-18T12:00:00Z", "Nov 18"), ("2026-02-12T09:00:00Z", "Feb 12"), ("2025-11-26T12:00:00Z", "Nov 26"),
        ("2025-11-25T11:00:00Z", "2025-11-25"), ("2025-02-12T09:00:00Z", "2025-02-12"), ("2019-07-04T00:00:00Z", "2019-07-04"),
    ]

    @Test("ages: relative under a week, the day within a year, the date past it", arguments: ageCases)
    func age(time: String, expected: String) {
        fixTimeZone()
        #expect(TimeText.age(at(time), now: now) == expected)
    }

    @Test("the place cell names both sides, with a dash for the one missing")
    func place() throws {
        var registry = Registry()
        _ = registry.addAccount(name: "alice", at: now)
        _ = registry.addProject(name: "billing-api", accountID: 1, at: now)
        _ = registry.addComponent(name: "Accounts.Session", accountID: 1, projectID: 1, at: now)
        func summary(project: Project.ID?, component: Component.ID?) -> SessionSummary {
            SessionSummary(Session(id: 1, type: SessionType(normalizing: "ClaudeCodeSessions"), status: .active, accountID: 1,
                                   projectID: project, componentID: component, insertedAt: now, updatedAt: now))
        }
        #expect(SessionListText.place(summary(project: 1, component: 1), registry: registry) == "billing-api / Accounts.Session")
        #expect(SessionListText.place(summary(project: 1, component: nil), registry: registry) == "billing-api / —")
        #expect(SessionListText.place(summary(project: nil, component: 1), registry: registry) == "— / Accounts.Session")
        #expect(SessionListText.place(summary(project: nil, component: nil), registry: registry) == "—")
        #expect(SessionListText.place(summary(project: 9, component: nil), registry: registry) == "project 9 / —")
        #expect(SessionListText.placeTitle == "PROJECT / COMPONENT")
    }

    @Test("the time column follows the sort")
    func timeColumn() {
        fixTimeZone()
        let summary = SessionSummary(Session(id: 1, type: SessionType(normalizing: "ClaudeCodeSessions"), status: .active,
                                             accountID: 1, insertedAt: at("2026-11-10T08:00:00Z"),
                                             updatedAt: at("2026-11-25T10:00:00Z")))
        #expect(SessionListText.timeTitle(.created) == "CREATED")
        #expect(SessionListText.timeText(summary, sort: .created, now: now) == "Nov 10")
        #expect(SessionListText.timeTitle(.updated) == "UPDATED")
        #expect(SessionListText.timeText(summary, sort: .updated, now: now) == "2h ago")
        // With nothing else to date it, its activity is its update.
        for sort in [SessionSort.activity, .id, .type] {
            #expect(SessionListText.timeTitle(sort) == "ACTIVE")
            #expect(SessionListText.timeText(summary, sort: sort, now: now) == "2h ago")
        }
    }

    @Test("activity is the last interaction, else the last update; a status set later moves neither the date nor the order")
    func activityTime() throws {
        fixTimeZone()
        var session = Session(id: 1, type: .claudeCode, status: .complete, accountID: 1,
                              insertedAt: at("2026-02-10T08:00:00Z"), updatedAt: at("2026-11-25T11:59:59Z"))
        session.interactions = interactions(["2026-02-10T09:00:00Z", "2026-02-11T10:00:00Z"])
        let reviewed = SessionSummary(session)
        #expect(reviewed.activityAt == at("2026-02-11T10:00:00Z"))
        #expect(SessionListText.timeText(reviewed, sort: .activity, now: now) == "Feb 11")
        #expect(SessionListText.timeText(reviewed, sort: .updated, now: now) == "just now")
        let recent = SessionSummary(Session(id: 2, type: .claudeCode, status: .complete, accountID: 1,
                                            insertedAt: at("2026-11-20T08:00:00Z"), updatedAt: at("2026-11-20T08:00:00Z")))
        #expect(SessionSort.activity.sorted([reviewed, recent]).map(\.id) == [2, 1])
        #expect(SessionSort.updated.sorted([reviewed, recent]).map(\.id) == [1, 2])
    }

    func conversation(_ state: String) throws -> SessionSummary {
        SessionSummary(Session(id: 3, type: .claudeCode, status: .active, state: try JSONParser.parse(state).objectValue,
                               accountID: 1, insertedAt: now, updatedAt: now))
    }

    @Test("the branch and the tokens read from the state, input with what the cache gave, a dash where unknown")
    func branchAndTokens() throws {
        let summary = try conversation(#"{"git_branch":"feat/\u001b[31mred","first_prompt":"Fix it","#
            + #""tokens":{"input":139,"output":1258,"cache_creation_input":26025,"cache_read_input":218393}}"#)
        #expect(SessionListText.branch(summary) == Sanitizer.line("feat/\u{1b}[31mred") && !SessionListText.branch(summary).contains("\u{1b}"))
        #expect(SessionListText.tokens(summary) == "245k↑ 1.3k↓")
        let bare = try conversation(#"{"git_branch":"","tokens":{"input":0,"output":0}}"#)
        #expect(SessionListText.branch(bare) == Labels.none && SessionListText.tokens(bare) == Labels.none)
        #expect([0, 812, 999, 1000, 1258, 9_960, 245_000, 999_499, 999_500, 5_944_000, 20_500_000].map(SessionListText.count)
                == ["0", "812", "999", "1k", "1.3k", "10k", "245k", "999k", "1M", "5.9M", "21M"])
    }

    @Test("a subagent's title reads ↳ first, a compaction agent's says so")
    func subagentTitles() throws {
        let registry = Registry()
        let main = try conversation(#"{"first_prompt":"Build the app"}"#)
        let task = try conversation(#"{"agent_id":"a2898e3","parent_session_id":"4d5611e5","first_prompt":"Find the tests"}"#)
        let compaction = try conversation(#"{"agent_id":"acompact-e1f845","first_prompt":"Summarise the conversation"}"#)
        #expect(SessionListText.title(main, registry: registry) == "Build the app")
        #expect(SessionListText.title(task, registry: registry) == "↳ Find the tests")
        #expect(SessionListText.title(compaction, registry: registry) == "↳ compaction")
    }

    func interactions(_ starts: [String?]) -> [Interaction] {
        starts.enumerated().map { index, start in
            Interaction(id: "00000000-0000-4000-8000-00000000000\(index)",
                        command: Command(module: "Bash", command: "step", timestamp: start.map(at)))
        }
    }

    @Test("timeline times name the day where it is not the one named above")
    func dayMarks() {
        fixTimeZone()
        let steps = interactions(["2026-11-10T23:59:00Z", "2026-11-11T00:01:00Z", nil, "2026-11-11T09:00:00Z",
                                  "2026-11-13T10:00:00Z"])
        let created = at("2026-11-10T08:00:00Z")
        #expect(TimelineText.startTimes(steps, rows: steps.indices, createdAt: created, now: now)
                == ["23:59:00", "Nov 11 00:01:00", "—", "09:00:00", "Nov 13 10:00:00"])
        // The first row shown is compared with the creation the fields name.
        #expect(TimelineText.startTimes(steps, rows: 3..<5, createdAt: created, now: now) == ["Nov 11 09:00:00", "Nov 13 10:00:00"])
        #expect(TimelineText.startTimes(steps, rows: 0..<1, createdAt: at("2026-11-09T08:00:00Z"), now: now)
                == ["Nov 10 23:59:00"])
        // A year back, days are dates.
        let old = interactions(["2025-02-12T23:00:00Z", "2025-02-13T01:00:00Z"])
        #expect(TimelineText.startTimes(old, rows: old.indices, createdAt: at("2025-02-12T22:00:00Z"), now: now)
                == ["23:00:00", "2025-02-13 01:00:00"])
        // Widths: a clock alone when every start is on the creation's day.
        #expect(TimelineText.otherDays(steps, createdAt: created) == at("2026-11-11T00:01:00Z")...at("2026-11-13T10:00:00Z"))
        #expect(TimelineText.otherDays(Array(steps.prefix(1)), createdAt: created) == nil)
        #expect(TimelineText.startTimeWidth(otherDays: nil, now: now) == 8)
        #expect(TimelineText.startTimeWidth(otherDays: TimelineText.otherDays(steps, createdAt: created), now: now) == 15)
        #expect(TimelineText.startTimeWidth(otherDays: TimelineText.otherDays(old, createdAt: at("2025-02-12T22:00:00Z")), now: now)
                == 19)
    }
}
