import Testing
import TestSupport
@testable import SessionsKit

/// A file store, a clock set well after the fixtures' files were written
/// (so they are not "recent"), and a place for transcripts.
final class ImportWorld: @unchecked Sendable {
    let fixture: StoreFixture
    let clock: TestClock
    let projects: String
    static let fileTime = Timestamp(iso8601: "2026-03-01T00:00:00Z")!

    init(clockStart: Timestamp = Timestamp(iso8601: "2026-03-02T00:00:00Z")!) throws {
        fixture = try StoreFixture()
        clock = TestClock(start: clockStart)
        projects = fixture.directory.path + "/claude/projects"
    }

    var service: SessionService {
        SessionService(store: fixture.store, scope: Scope(accountID: 1), clock: clock.function)
    }

    func path(_ relative: String) -> String { projects + "/" + relative }

    func write(_ text: String, _ relative: String, modified: Timestamp = ImportWorld.fileTime) {
        TranscriptFixtures.write(text, to: path(relative), modified: modified)
    }

    @discardableResult
    func importAll(_ paths: [String]? = nil) throws -> ImportReport {
        try ClaudeCodeImporter(service: service).run(try TranscriptFiles.discover(paths ?? [projects]))
    }

    func session(key: String) throws -> Session {
        let summary = try #require(try fixture.store.catalog().summaries.first { $0.session.externalConversationID == key })
        return try #require(try fixture.store.session(id: summary.id))
    }

    func interaction(_ session: Session, _ toolUseID: String) throws -> Interaction {
        try #require(session.interactions.first { $0.extra["tool_use_id"]?.stringValue == toolUseID })
    }
}

@Suite("Claude Code transcripts")
struct ClaudeCodeImportTests {
    @Test("a 1.0.x transcript: its first prompt, results paired by tool_use id, tokens, project from cwd")
    func oldStyle() throws {
        let world = try ImportWorld()
        world.write(TranscriptFixtures.old, "-home-u-work-todo/\(TranscriptFixtures.oldSession).jsonl")
        let report = try world.importAll()
        #expect(report.sessionsCreated == 1 && report.interactionsAdded == 2)
        let session = try world.session(key: TranscriptFixtures.oldSession)
        #expect(session.type == .claudeCode && session.agent == .claudeCode && session.environment == .local)
        #expect(session.status == .complete)
        #expect(session.insertedAt == Timestamp(iso8601: "2025-09-03T00:52:31.217Z")!)
        #expect(session.updatedAt == Timestamp(iso8601: "2025-09-03T00:53:00.000Z")!)
        let state = try #require(session.state)
        #expect(state["title"] == nil, "its summary names a message of another conversation")
        #expect(state["summaries"]?.arrayValue?.count == 1 && state["first_prompt"] == .string("make a todo app"))
        #expect(state["session_id"] == .string(TranscriptFixtures.oldSession))
        #expect(state["version"] == .string("1.0.98"))
        #expect(state["git_branch"] == nil, "an empty gitBranch means no repository")
        #expect(state["models"] == .array([.string("claude-sonnet-4-20250514")]))
        #expect(state["tokens"] == .object(JSONObject([
            "input": .int(4), "output": .int(15), "cache_creation_input": .int(100), "cache_read_input": .int(1050),
        ])))
        let projectID = try #require(session.projectID)
        let project = try #require(try world.fixture.store.registry().project(projectID))
        #expect(project.name == "todo" && project.extra["path"] == .string("/home/u/work/todo"))

        let glob = try world.interaction(session, "toolu_old_1")
        #expect(glob.command.module == "Glob")
        #expect(glob.command.command == "**/*.ts in /home/u/work/todo")
        #expect(glob.result?.status == .ok && glob.result?.stdout == .text("No files found") && glob.result?.code == nil)
        #expect(glob.result?.durationMS == 1118)
        #expect(glob.result?.data?["numFiles"] == .int(0))
        let write = try world.interaction(session, "toolu_old_2")
        #expect(write.result?.status == .error)
        #expect(write.result?.errorMessage == "File has not been read yet. Read it first before writing to it.")
        #expect(write.command.pipe?.contains("\"content\": \"export {}\"") == true, "long inputs go to the pipe")
    }

    @Test("a 2.1.x transcript: Exit code N, stdout and stderr, a rejection, a pending call, bad and unknown lines")
    func newStyle() throws {
        let world = try ImportWorld()
        world.write(TranscriptFixtures.newPart1, "-home-u-work-api/\(TranscriptFixtures.newSession).jsonl")
        let report = try world.importAll()
        #expect(report.malformed == [world.path("-home-u-work-api/\(TranscriptFixtures.newSession).jsonl") + ":11"])
        #expect(report.skippedTypes == ["file-history-snapshot": 1, "progress": 1, "mystery-record": 1])
        #expect(report.duplicateRecords == 1)
        #expect(report.interactionsAdded == 4, "one interaction per distinct tool_use id, the repeated record adds none")
        let session = try world.session(key: TranscriptFixtures.newSession)
        #expect(session.status == .failed, "the last call never got its result, and the transcript is weeks old")
        #expect(session.state?["tokens"]?.objectValue?["output"] == .int(20), "a split message counts its usage once")
        #expect(session.state?["git_branch"] == .string("main"))

        let failing = try world.interaction(session, "toolu_new_1")
        #expect(failing.command.command == "mix test …")
        #expect(failing.result?.status == .error && failing.result?.code == 2)
        #expect(failing.result?.stderr == .text("Exit code 2\n3 tests, 1 failure"))
        #expect(failing.result?.durationMS == 11_500)
        let passing = try world.interaction(session, "toolu_new_2")
        #expect(passing.result?.status == .ok && passing.result?.code == 0)
        #expect(passing.result?.stdout == .text("On branch main") && passing.result?.stderr == nil)
        #expect(passing.command.pipe == nil, "the summary is the whole input")
        let rejected = try world.interaction(session, "toolu_new_3")
        #expect(rejected.result?.status == .warning && rejected.result?.errorMessage == "rejected by the user")
        let pending = try world.interaction(session, "toolu_new_4")
        #expect(pending.result == nil && pending.command.command == "/home/u/work/api/mix.exs")
        #expect(session.interactions.map { $0.extra["tool_use_id"]?.stringValue } == (1...4).map { "toolu_new_\($0)" })
    }

    @Test("re-importing a grown transcript adds only what is new; an unchanged one is not read again")
    func reimport() throws {
        let world = try ImportWorld()
        let relative = "-home-u-work-api/\(TranscriptFixtures.newSession).jsonl"
        world.write(TranscriptFixtures.newPart1, relative)
        try world.importAll()
        let before = try world.session(key: TranscriptFixtures.newSession)
        TranscriptFixtures.append(TranscriptFixtures.newPart2, to: world.path(relative), modified: ImportWorld.fileTime.adding(microseconds: 60_000_000))
        let report = try world.importAll()
        #expect(report.sessionsCreated == 0 && report.sessionsUpdated == 1)
        #expect(report.interactionsAdded == 1 && report.interactionsUpdated == 1)
        let after = try world.session(key: TranscriptFixtures.newSession)
        #expect(after.id == before.id)
        #expect(after.interactions.count == 5)
        #expect(Set(after.interactions.map(\.id)).count == 5)
        #expect(try world.interaction(after, "toolu_new_4").result?.stdout == .text("     1\tdefmodule Api.MixProject do"))
        #expect(try world.interaction(after, "toolu_new_5").command.command == "defmodule in lib")
        #expect(after.status == .complete)
        #expect(after.state?["git_branch"] == .string("fix-tests") && after.state?["version"] == .string("2.1.39"))

        let again = try world.importAll()
        #expect(again.filesUnchanged == 1 && again.interactionsAdded == 0 && again.interactionsUpdated == 0)
        #expect(try world.session(key: TranscriptFixtures.newSession) == after)
        #expect(try world.fixture.store.catalog().summaries.count == 1)

        // Touched, not changed: the same size and last bytes, so not read again, and nothing written.
        TranscriptFixtures.setModified(world.path(relative), ImportWorld.fileTime.adding(microseconds: 120_000_000))
        let touched = try world.importAll()
        #expect(touched.filesUnchanged == 1 && touched.sessionsUnchanged == 0 && touched.sessionsUpdated == 0)
        #expect(try world.session(key: TranscriptFixtures.newSession) == after)

        // Rewritten with the same size but other last bytes: read again.
        let path = world.path(relative)
        let text = String(decoding: try #require(TestFiles.read(path)), as: UTF8.self)
        let edited = text.replacing("All done.", with: "All gone.")
        #expect(edited.utf8.count == text.utf8.count && edited != text)
        TestFiles.write(path, edited)
        TranscriptFixtures.setModified(path, ImportWorld.fileTime.adding(microseconds: 120_000_000))
        #expect(try world.importAll().filesUnchanged == 0)
    }

    @Test("status: recent records are active, whatever the file's time; API errors and interruptions fail")
    func statuses() throws {
        let world = try ImportWorld()
        world.write(TranscriptFixtures.apiError, "p/api.jsonl")
        world.write(TranscriptFixtures.interrupted, "p/interrupted.jsonl")
        world.write(TranscriptFixtures.old, "p/old.jsonl")
        try world.importAll()
        let api = try world.session(key: "44444444-4444-4444-8444-444444444444")
        #expect(api.status == .failed)
        #expect(api.state?["ended_with"] == .string("api error: API Error: 529 Overloaded"))
        #expect(api.environment == .vscode, "the entrypoint says it ran in the editor")
        let interrupted = try world.session(key: "55555555-5555-4555-8555-555555555555")
        #expect(interrupted.status == .failed && interrupted.state?["ended_with"] == .string("interrupted"))
        #expect(try world.session(key: TranscriptFixtures.oldSession).status == .complete)

        // The same old transcript, its file written five minutes ago (a copy, a restore): its records say it is over.
        let copied = try ImportWorld(clockStart: ImportWorld.fileTime.adding(microseconds: 5 * 60_000_000))
        copied.write(TranscriptFixtures.old, "p/old.jsonl")
        try copied.importAll()
        #expect(try copied.session(key: TranscriptFixtures.oldSession).status == .complete)
        // Read five minutes after its last record: still in use.
        let recent = try ImportWorld(clockStart: Timestamp(iso8601: "2025-09-03T00:58:00Z")!)
        recent.write(TranscriptFixtures.old, "p/old.jsonl")
        try recent.importAll()
        #expect(try recent.session(key: TranscriptFixtures.oldSession).status == .active)
    }

    @Test("a subagent is its own session, linked to its parent both ways, in either import order", arguments: [false, true])
    func subagents(subagentFirst: Bool) throws {
        let world = try ImportWorld()
        let parentPath = "-home-u-work-api/\(TranscriptFixtures.parentSession).jsonl"
        let childPath = "-home-u-work-api/\(TranscriptFixtures.parentSession)/subagents/agent-abc1234.jsonl"
        world.write(TranscriptFixtures.parent, parentPath)
        world.write(TranscriptFixtures.subagent, childPath)
        if subagentFirst {
            try world.importAll([world.path(childPath)])
            try world.importAll([world.path(parentPath)])
        } else {
            #expect(try TranscriptFiles.discover([world.projects]) == [world.path(parentPath), world.path(childPath)])
            try world.importAll()
        }
        let parent = try world.session(key: TranscriptFixtures.parentSession)
        let child = try world.session(key: TranscriptFixtures.parentSession + "/agent-abc1234")
        #expect(parent.id != child.id)
        #expect(child.state?["agent_id"] == .string("abc1234"))
        #expect(child.state?["parent_session_id"] == .string(TranscriptFixtures.parentSession))
        #expect(child.state?["parent_id"] == .id(parent.id))
        #expect(child.interactions.count == 1 && parent.interactions.count == 1)
        let task = try world.interaction(parent, "toolu_task_1")
        #expect(task.command.command == "Explore the codebase (Explore)")
        #expect(task.result?.stdout == .text("Found it."))
        #expect(task.result?.data?["subagent_session_id"] == .id(child.id), "the parent's timeline shows where it ran")
        #expect(task.result?.data?["agentId"] == .string("abc1234"))
    }

    @Test("a session recorded live by hooks and then imported stays one session with one interaction per call")
    func hookThenImport() throws {
        let world = try ImportWorld()
        let hook = ClaudeCodeHook(service: world.service)
        func event(_ name: String, _ extra: String = "") throws {
            let payload = #"{"session_id":"\#(TranscriptFixtures.newSession)","transcript_path":"/t.jsonl","cwd":"/home/u/work/api","hook_event_name":"\#(name)"\#(extra)}"#
            _ = try hook.record(Array(payload.utf8))
        }
        try event("SessionStart", #","source":"startup""#)
        try event("PreToolUse", #","tool_name":"Bash","tool_input":{"command":"mix test\n  --trace","description":"Run the tests"},"tool_use_id":"toolu_new_1""#)
        try event("PostToolUseFailure", #","tool_name":"Bash","tool_input":{"command":"mix test\n  --trace"},"tool_use_id":"toolu_new_1","error":"Exit code 2""#)
        try event("PreToolUse", #","tool_name":"Bash","tool_input":{"command":"git status"},"tool_use_id":"toolu_new_2""#)
        let live = try world.session(key: TranscriptFixtures.newSession)
        #expect(live.interactions.count == 2)

        world.write(TranscriptFixtures.newPart1, "-home-u-work-api/\(TranscriptFixtures.newSession).jsonl")
        let report = try world.importAll()
        #expect(report.sessionsCreated == 0 && report.sessionsUpdated == 1)
        #expect(report.interactionsAdded == 2 && report.interactionsUpdated == 2)
        let merged = try world.session(key: TranscriptFixtures.newSession)
        #expect(merged.id == live.id)
        #expect(try world.fixture.store.catalog().summaries.count == 1)
        #expect(merged.interactions.count == 4 && Set(merged.interactions.map(\.id)).count == 4)
        #expect(try world.interaction(merged, "toolu_new_1").id == (try world.interaction(live, "toolu_new_1")).id)
        #expect(try world.interaction(merged, "toolu_new_1").result?.stderr == .text("Exit code 2\n3 tests, 1 failure"),
                "the transcript's fuller result replaces the hook's")
        #expect(try world.interaction(merged, "toolu_new_2").result?.stdout == .text("On branch main"))
        #expect(merged.insertedAt == Timestamp(iso8601: "2026-02-10T21:11:56.000Z")!, "the transcript knows when it began")
        #expect(merged.state?["transcript_path"] == .string("/t.jsonl"), "what the hooks recorded is kept")
    }

    @Test("folders of the same name become projects of different names: as much of the path as tells them apart")
    func folderNamesStayUnique() throws {
        let world = try ImportWorld()
        let hook = ClaudeCodeHook(service: world.service)
        for (session, cwd) in [("s1", "/home/u/a/api"), ("s2", "/home/u/b/api"), ("s3", "/srv/b/api"), ("s4", "/home/u/a/api/"),
                               ("s5", "/tmp/2024")] {
            let payload = #"{"session_id":"\#(session)","cwd":"\#(cwd)","hook_event_name":"SessionStart","source":"startup"}"#
            _ = try hook.record(Array(payload.utf8))
        }
        let projects = try world.fixture.store.registry().projects
        #expect(projects.map(\.name) == ["api", "b/api", "srv/b/api", "tmp/2024"])
        #expect(projects.map { $0.extra["path"]?.stringValue } == ["/home/u/a/api", "/home/u/b/api", "/srv/b/api", "/tmp/2024"])
    }

    @Test("sessions are imported into the active account only, and other accounts' sessions are never merged into")
    func accounts() throws {
        let world = try ImportWorld()
        try world.fixture.store.write { _ = $0.registry.addAccount(name: "bob", at: Timestamp(seconds: 0)) }
        world.write(TranscriptFixtures.old, "p/old.jsonl")
        let bob = SessionService(store: world.fixture.store, scope: Scope(accountID: 2), clock: world.clock.function)
        _ = try ClaudeCodeImporter(service: bob).run([world.path("p/old.jsonl")])
        TranscriptFixtures.setModified(world.path("p/old.jsonl"), ImportWorld.fileTime.adding(microseconds: 1_000_000))
        try world.importAll()
        let summaries = try world.fixture.store.catalog().summaries
        #expect(summaries.map(\.session.accountID).sorted() == [1, 2])
        #expect(Set(summaries.map(\.session.externalConversationID)) == [TranscriptFixtures.oldSession])
        #expect(try bob.list().count == 1 && (try world.service.list()).count == 1)
        let projects = try world.fixture.store.registry().projects
        #expect(projects.filter { $0.name == "todo" }.map(\.accountID).sorted() == [1, 2])
    }
}

extension ClaudeCodeImportTests {
    @Test("a 1.0.x subagent kept inline (isSidechain) becomes its own session, started by the Task with its prompt")
    func inlineSidechain() throws {
        let world = try ImportWorld()
        world.write(TranscriptFixtures.inlineSidechain, "-w-todo/\(TranscriptFixtures.inlineSession).jsonl")
        let report = try world.importAll()
        #expect(report.sessionsCreated == 2 && report.interactionsAdded == 2 && report.linesRead == 8)
        let parent = try world.session(key: TranscriptFixtures.inlineSession)
        let child = try world.session(key: TranscriptFixtures.inlineSession + "/agent-sidechain-c1")
        #expect(parent.interactions.map { $0.extra["tool_use_id"] } == [.string("toolu_inline_task")])
        #expect(child.interactions.map { $0.extra["tool_use_id"] } == [.string("toolu_inline_ls")])
        #expect(try world.interaction(parent, "toolu_inline_task").result?.data?["subagent_session_id"] == .id(child.id))
        #expect(child.state?["parent_id"] == .id(parent.id))
        #expect(parent.state?["tokens"]?.objectValue?["input"] == .int(10), "the subagent's tokens are its own")
        #expect(parent.state?["models"] == .array([.string("claude-sonnet-4-20250514")]))
        #expect(parent.status == .complete, "the subagent's API error ended the subagent, not the session")
        #expect(child.status == .failed)
        #expect(try world.importAll().filesUnchanged == 1, "a file holding two sessions is skipped only as a whole")
    }

    @Test("progress counts files, rises steadily and ends at the total, whatever sessions the files hold")
    func progress() throws {
        let world = try ImportWorld()
        world.write(TranscriptFixtures.inlineSidechain, "p/\(TranscriptFixtures.inlineSession).jsonl")
        world.write(TranscriptFixtures.old, "p/old.jsonl")
        world.write(TranscriptFixtures.apiError, "p/api.jsonl")
        var importer = ClaudeCodeImporter(service: world.service)
        importer.batchFiles = 2
        var seen: [Int] = []
        let files = try TranscriptFiles.discover([world.projects]) + [world.path("p/missing.jsonl")]
        let report = try importer.run(files) { done, total in
            #expect(total == 4)
            seen.append(done)
        }
        #expect(seen == seen.sorted() && seen.last == 4 && seen.allSatisfy { $0 <= 4 })
        #expect(report.unreadable == [world.path("p/missing.jsonl") + ": cannot be read"])
        #expect(report.sessionsCreated == 4)
    }

    @Test("a subagent's calls recorded live on its parent move to the subagent when its transcript comes in")
    func hookSubagentCallsMove() throws {
        let world = try ImportWorld()
        let hook = ClaudeCodeHook(service: world.service)
        for (event, id) in [("PreToolUse", "toolu_task_1"), ("PreToolUse", "toolu_sub_1")] {
            let payload = #"{"session_id":"\#(TranscriptFixtures.parentSession)","hook_event_name":"\#(event)","tool_name":"Bash","tool_input":{"command":"ls"},"tool_use_id":"\#(id)"}"#
            _ = try hook.record(Array(payload.utf8))
        }
        #expect(try world.session(key: TranscriptFixtures.parentSession).interactions.count == 2)
        world.write(TranscriptFixtures.parent, "p/\(TranscriptFixtures.parentSession).jsonl")
        world.write(TranscriptFixtures.subagent, "p/\(TranscriptFixtures.parentSession)/subagents/agent-abc1234.jsonl")
        let report = try world.importAll()
        #expect(report.interactionsMoved == 1, "the import says it moved the call")
        let parent = try world.session(key: TranscriptFixtures.parentSession)
        let child = try world.session(key: TranscriptFixtures.parentSession + "/agent-abc1234")
        #expect(parent.interactions.compactMap { $0.extra["tool_use_id"]?.stringValue } == ["toolu_task_1"])
        #expect(child.interactions.compactMap { $0.extra["tool_use_id"]?.stringValue } == ["toolu_sub_1"])

        // Events that name their agent go straight to the subagent's session.
        let named = #"{"session_id":"\#(TranscriptFixtures.parentSession)","agent_id":"abc1234","hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"/a"},"tool_use_id":"toolu_sub_2"}"#
        #expect(try hook.record(Array(named.utf8)) == .recorded(sessionID: child.id))
    }

    @Test("a subagent's call a hook reports after its transcript came in is recorded on the subagent alone")
    func hookAfterSubagentImport() throws {
        let world = try ImportWorld()
        world.write(TranscriptFixtures.parent, "p/\(TranscriptFixtures.parentSession).jsonl")
        world.write(TranscriptFixtures.subagent, "p/\(TranscriptFixtures.parentSession)/subagents/agent-abc1234.jsonl")
        try world.importAll()
        let hook = ClaudeCodeHook(service: world.service)
        func event(_ name: String, _ toolUseID: String, _ extra: String = "") -> [UInt8] {
            Array(#"{"session_id":"\#(TranscriptFixtures.parentSession)","hook_event_name":"\#(name)","tool_name":"Bash","tool_input":{"command":"ls"},"tool_use_id":"\#(toolUseID)"\#(extra)}"#.utf8)
        }
        func calls(_ key: String) throws -> [String] {
            try world.session(key: key).interactions.compactMap { $0.extra["tool_use_id"]?.stringValue }
        }
        let parentKey = TranscriptFixtures.parentSession, childKey = parentKey + "/agent-abc1234"
        let child = try world.session(key: childKey)
        // The events carry the parent's session id and no agent id.
        #expect(try hook.record(event("PreToolUse", "toolu_sub_1")) == .recorded(sessionID: child.id))
        #expect(try hook.record(event("PostToolUse", "toolu_sub_1", #","tool_response":{"stdout":"lib","stderr":""}"#))
                == .recorded(sessionID: child.id))
        #expect(try calls(parentKey) == ["toolu_task_1"])
        #expect(try calls(childKey) == ["toolu_sub_1"])
        #expect(try world.interaction(try world.session(key: childKey), "toolu_sub_1").result?.stdout == .text("lib\ntest"),
                "the transcript's fuller result stays")

        // A call no transcript holds yet goes to the parent, and moves once the subagent's transcript has it.
        #expect(try hook.record(event("PreToolUse", "toolu_sub_2")) != .recorded(sessionID: child.id))
        #expect(try calls(parentKey) == ["toolu_task_1", "toolu_sub_2"])
        let grown = TranscriptFixtures.subagent.replacing("toolu_sub_1", with: "toolu_sub_2").replacing(#""uuid":"s"#, with: #""uuid":"r"#)
        TranscriptFixtures.append(grown, to: world.path("p/\(parentKey)/subagents/agent-abc1234.jsonl"),
                                  modified: ImportWorld.fileTime.adding(microseconds: 60_000_000))
        let report = try world.importAll()
        #expect(report.interactionsMoved == 1 && report.sessionsCreated == 0)
        #expect(try calls(parentKey) == ["toolu_task_1"])
        #expect(try calls(childKey) == ["toolu_sub_1", "toolu_sub_2"])

        // Importing again, unchanged, finds nothing to move.
        #expect(try world.importAll().interactionsMoved == 0)
        #expect(try calls(parentKey) == ["toolu_task_1"])
    }

    @Test("a subagent that changed directory belongs to its parent's project, in either import order", arguments: [false, true])
    func subagentProject(subagentFirst: Bool) throws {
        let world = try ImportWorld()
        let parentPath = "-home-u-work-api/\(TranscriptFixtures.parentSession).jsonl"
        let childPath = "-home-u-work-api/\(TranscriptFixtures.parentSession)/subagents/agent-abc1234.jsonl"
        world.write(TranscriptFixtures.parent, parentPath)
        world.write(TranscriptFixtures.subagent.replacing(#""cwd":"/home/u/work/api""#, with: #""cwd":"/home/u/work/api/lib/deep""#), childPath)
        if subagentFirst {
            try world.importAll([world.path(childPath)])
            try world.importAll([world.path(parentPath)])
        } else {
            try world.importAll()
        }
        let parent = try world.session(key: TranscriptFixtures.parentSession)
        let child = try world.session(key: "\(TranscriptFixtures.parentSession)/agent-abc1234")
        let registry = try world.fixture.store.registry()
        #expect(parent.projectID.flatMap { registry.project($0)?.name } == "api")
        #expect(child.projectID == parent.projectID, "not a project named after the folder it moved to")
        #expect(child.state?["cwd"] == .string("/home/u/work/api/lib/deep"), "where it ran is still recorded")
    }

    @Test("a transcript is keyed by its file's session id, and a session the hooks ended stays ended")
    func keysAndEndings() throws {
        // Minutes after the transcripts' last records: both still in use.
        let world = try ImportWorld(clockStart: Timestamp(iso8601: "2026-02-10T21:15:00Z")!)
        let renamed = "77777777-7777-4777-8777-777777777777"
        // Its records carry another session's id, as a copied-on-resume file may.
        world.write(TranscriptFixtures.newPart1, "p/\(renamed).jsonl")
        world.write(TranscriptFixtures.newPart1, "p/\(TranscriptFixtures.newSession).jsonl")
        try world.importAll()
        #expect(try world.fixture.store.catalog().summaries.count == 2)
        #expect(try world.session(key: renamed).state?["session_id"] == .string(renamed))

        let hook = ClaudeCodeHook(service: world.service)
        _ = try hook.record(Array(#"{"session_id":"\#(renamed)","hook_event_name":"SessionEnd","reason":"exit"}"#.utf8))
        // Claude Code's last bookkeeping line after the end: the file is read again.
        TranscriptFixtures.append(#"{"type":"progress","uuid":"p9"}"# + "\n", to: world.path("p/\(renamed).jsonl"),
                                  modified: ImportWorld.fileTime.adding(microseconds: 1_000_000))
        #expect(try world.importAll().filesUnchanged == 0, "the grown file, and the other one, unchanged but active")
        #expect(try world.session(key: renamed).status == .complete, "its pending Read will never finish")
        #expect(try world.session(key: TranscriptFixtures.newSession).status == .active)
    }
}

@Suite("Mapping tool calls")
struct ClaudeCodeToolTests {
    @Test("one-line summaries name what the call acted on")
    func summaries() {
        func summary(_ tool: String, _ json: String) -> String {
            ClaudeCodeTools.summary(tool: tool, input: (try? JSONParser.parse(json))?.objectValue ?? JSONObject())
        }
        #expect(summary("Bash", #"{"command":"ls -la","description":"list"}"#) == "ls -la")
        #expect(summary("Bash", #"{"command":"cat <<EOF\nhello\nEOF"}"#) == "cat <<EOF …")
        #expect(summary("Read", #"{"file_path":"/a/b.swift","offset":10}"#) == "/a/b.swift")
        #expect(summary("Grep", #"{"pattern":"defmodule"}"#) == "defmodule")
        #expect(summary("WebFetch", #"{"url":"https://example.com","prompt":"read"}"#) == "https://example.com")
        #expect(summary("TodoWrite", #"{"todos":[{},{}]}"#) == "2 todos")
        #expect(summary("mcp__db__query", #"{"sql":"select 1"}"#) == #"{"sql":"select 1"}"#)
        #expect(summary("ExitPlanMode", "{}") == "ExitPlanMode")
        #expect(summary("Bash", #"{"command":"\#(String(repeating: "x", count: 500))"}"#).count == 242)
    }

    @Test("exit codes come from `Exit code N`, and successful Bash calls exit 0")
    func exitCodes() {
        #expect(ClaudeCodeTools.exitCode(in: "Exit code 127\nnot found") == 127)
        #expect(ClaudeCodeTools.exitCode(in: "Error: Exit code 1") == 1)
        #expect(ClaudeCodeTools.exitCode(in: "exit code 1") == nil)
        let ok = ClaudeCodeTools.result(toolUseID: "t", tool: "Bash", outcome: ToolOutcome(
            content: .string("done"), isError: false, detail: nil, finishedAt: nil), startedAt: nil)
        #expect(ok.code == 0 && ok.stdout == .text("done"))
        let interrupted = ClaudeCodeTools.result(toolUseID: "t", tool: "Bash", outcome: ToolOutcome(
            content: .string(""), isError: false,
            detail: .object(JSONObject(["stdout": .string("partial"), "stderr": .string(""), "interrupted": .bool(true)])),
            finishedAt: nil), startedAt: nil)
        #expect(interrupted.code == nil && interrupted.data?["interrupted"] == .bool(true))
    }

    @Test("ids are name-based UUIDs: the same call gets the same id everywhere")
    func stableIDs() {
        // The RFC 4122 example: the DNS namespace and "python.org".
        #expect(UUIDText.named("python.org", in: "6ba7b810-9dad-11d1-80b4-00c04fd430c8") == "886313e1-3b8a-5372-9b90-0c9aee199e5d")
        let id = ClaudeCodeTools.interactionID(toolUseID: "toolu_01")
        #expect(UUIDText.isValid(id) && id == ClaudeCodeTools.interactionID(toolUseID: "toolu_01"))
        #expect(id != ClaudeCodeTools.interactionID(toolUseID: "toolu_02"))
    }
}
