import Testing
import TestSupport
@testable import SessionsKit

@Suite("CodeMySpec JSON")
struct CodeMySpecTests {
    /// Two sessions the way the API writes them: module names with
    /// `Elixir.`, whole-second session times, microsecond command times,
    /// interactions newest first, fields from later versions, a null module.
    static let document = #"""
    {"data": [
      {"id": 12, "type": "Elixir.CodeMySpec.ComponentCodingSessions", "agent": "claude_code", "environment": "vscode",
       "status": "complete", "state": {"step": 3, "ratio": 1.50}, "account_id": 99, "project_id": 7, "component_id": 21,
       "execution_mode": "auto", "external_conversation_id": "abc", "display_name": "Coding Accounts.User", "user_id": 5,
       "interactions": [
         {"id": "1a5c2d3e-0000-4000-8000-000000000002", "step_name": "RunTests",
          "command": {"module": "Elixir.CodeMySpec.ComponentCodingSessions.Steps.RunTests", "command": "mix test", "pipe": null,
                      "timestamp": "2025-10-01T10:00:05.123456Z"},
          "result": {"status": "error", "data": {}, "code": 1, "error_message": "1 failure", "stdout": "1 test, 1 failure",
                     "stderr": "", "duration_ms": 900, "timestamp": "2025-10-01T10:00:06Z"},
          "completed_at": "2025-10-01T10:00:06.000001Z"},
         {"id": "1a5c2d3e-0000-4000-8000-000000000001",
          "command": {"module": null, "command": "generate", "pipe": "prompt text", "timestamp": "2025-10-01T10:00:00.000001Z"},
          "result": null}
       ],
       "inserted_at": "2025-10-01T10:00:00Z", "updated_at": "2025-10-01T10:00:06Z"},
      {"id": 13, "type": "ContextDesignSessions", "status": "cancelled", "account_id": 99,
       "interactions": [], "inserted_at": "2025-10-02T10:00:00Z", "updated_at": "2025-10-02T10:00:00Z"}
    ]}
    """#

    func world() throws -> (StoreFixture, SessionService) {
        let fixture = try StoreFixture()
        return (fixture, fixture.service())
    }

    @Test("a record that breaks the schema is skipped with the rule it broke; the rest import")
    func importsAndSkips() throws {
        let (fixture, service) = try world()
        let report = try CodeMySpecImporter(service: service).run(Array(Self.document.utf8))
        #expect(report.created == 1 && report.records == 2)
        #expect(report.skipped == [
            #"data[1] (id 13): status: "cancelled" is not one of active, complete, failed; use --map-status cancelled=STATUS to import it as another status"#,
        ])
        #expect(report.projectsCreated == [7] && report.componentsCreated == [21])
        let session = try #require(try fixture.store.session(id: 12))
        #expect(session.accountID == 1, "the account comes from the scope, not the record")
        #expect(session.type == SessionType("ComponentCodingSessions"))
        #expect(session.environment == .vscode && session.status == .complete)
        #expect(session.insertedAt.iso8601 == "2025-10-01T10:00:00Z")
        #expect(session.interactions.map(\.id) == ["1a5c2d3e-0000-4000-8000-000000000001", "1a5c2d3e-0000-4000-8000-000000000002"],
                "stored oldest first")
        #expect(session.interactions[0].command.module == nil)
        #expect(session.interactions[1].command.timestamp?.iso8601 == "2025-10-01T10:00:05.123456Z")
        #expect(session.extra["execution_mode"] == .string("auto") && session.extra["user_id"] == .int(5))
        #expect(session.extra["display_name"] == .string("Coding Accounts.User") && session.externalConversationID == "abc")
        #expect(session.state?["ratio"] == .number("1.50"), "state is kept exactly, down to number spelling")
        let registry = try fixture.store.registry()
        #expect(registry.project(7)?.name == "project 7" && registry.project(7)?.accountID == 1)
        #expect(registry.component(21)?.projectID == 7)
        #expect(registry.nextSessionID == 13 && registry.nextProjectID == 8)

        var mapping = CodeMySpecImporter(service: service)
        mapping.statusMap = ["cancelled": .failed]
        let second = try mapping.run(Array(Self.document.utf8))
        #expect(second.created == 1 && second.unchanged == 1 && second.skipped.isEmpty)
        #expect(try fixture.store.session(id: 13)?.status == .failed)
    }

    @Test("the three envelopes", arguments: [
        #"{"data": {"id": 4, "type": "IntegrationSessions", "account_id": 1, "inserted_at": "2025-10-01T10:00:00Z", "updated_at": "2025-10-01T10:00:00Z"}}"#,
        #"{"data": [{"id": 4, "type": "IntegrationSessions", "account_id": 1, "inserted_at": "2025-10-01T10:00:00Z", "updated_at": "2025-10-01T10:00:00Z"}]}"#,
        #"[{"id": 4, "type": "IntegrationSessions", "account_id": 1, "inserted_at": "2025-10-01T10:00:00Z", "updated_at": "2025-10-01T10:00:00Z"}]"#,
    ])
    func envelopes(document: String) throws {
        let (fixture, service) = try world()
        #expect(try CodeMySpecImporter(service: service).run(Array(document.utf8)).created == 1)
        #expect(try fixture.store.session(id: 4)?.type == SessionType("IntegrationSessions"))
    }

    @Test("an API error document or something else entirely is refused with a reason")
    func refusals() throws {
        let (_, service) = try world()
        let importer = CodeMySpecImporter(service: service)
        #expect(errorText { _ = try importer.run(Array(#"{"errors": {"status": ["is invalid"]}}"#.utf8)) }?
            .contains("API error response") == true)
        #expect(errorText { _ = try importer.run(Array("{\"data\": 3}".utf8)) } == "data: must be a session or a list of them, not a number")
        #expect(errorText { _ = try importer.run(Array("nope".utf8)) }?.hasPrefix("the file is not JSON") == true)
    }

    @Test("an id another session already has here gets a new id instead of overwriting it")
    func idClash() throws {
        let (fixture, service) = try world()
        let existing = try service.create(SessionDraft(type: "IntegrationSessions"))
        let document = #"[{"id": \#(existing.id), "type": "ContextSpecSessions", "account_id": 1, "inserted_at": "2025-10-01T10:00:00Z", "updated_at": "2025-10-01T10:00:00Z"}]"#
        let report = try CodeMySpecImporter(service: service).run(Array(document.utf8))
        #expect(report.created == 1 && report.renumbered == ["1 → 2"])
        #expect(try fixture.store.session(id: 1) == existing)
        #expect(try fixture.store.session(id: 2)?.type == SessionType("ContextSpecSessions"))
        #expect(try fixture.store.session(id: 2)?.extra["source_id"] == .int(1))

        let again = try CodeMySpecImporter(service: service).run(Array(document.utf8))
        #expect(again.created == 0 && again.unchanged == 1 && again.renumbered.isEmpty, "found again, not copied")
        #expect(try fixture.store.catalog().summaries.count == 2)
    }

    @Test("re-importing keeps interactions recorded here since the export, and reports where a record breaks")
    func mergeAndPositions() throws {
        let (fixture, service) = try world()
        _ = try CodeMySpecImporter(service: service).run(Array(Self.document.utf8))
        let added = try service.addInteraction(sessionID: 12, CommandDraft(module: "Local", command: "mix format"))
        let report = try CodeMySpecImporter(service: service).run(Array(Self.document.utf8))
        #expect(report.unchanged == 1 && report.keptLocal == 1, "the file adds nothing, and takes nothing away")
        let session = try #require(try fixture.store.session(id: 12))
        #expect(session.interactions.count == 3 && session.interactions.last?.id == added.id)

        // The file's first interaction (newest) is broken: the path names it as the file does.
        let broken = Self.document.replacing(#""id": "1a5c2d3e-0000-4000-8000-000000000002""#, with: #""id": "nope""#)
        let skipped = try CodeMySpecImporter(service: service).run(Array(broken.utf8)).skipped
        #expect(skipped.first?.hasPrefix(#"data[0] (id 12): interactions[0].id: "nope" is not a UUID"#) == true)
    }

    @Test("a project id another account holds is neither used nor revealed: the record gets a project of its own")
    func foreignProject() throws {
        let (fixture, service) = try world()
        try fixture.store.write { transaction in
            let bob = transaction.registry.addAccount(name: "bob", at: Timestamp(seconds: 0))
            _ = transaction.registry.addProject(name: "bob's secret", accountID: bob.id, at: Timestamp(seconds: 0))
        }
        let document = #"[{"id": 8, "type": "IntegrationSessions", "account_id": 1, "project_id": 1, "inserted_at": "2025-10-01T10:00:00Z", "updated_at": "2025-10-01T10:00:00Z"}]"#
        let report = try CodeMySpecImporter(service: service).run(Array(document.utf8))
        #expect(report.created == 1 && report.skipped.isEmpty && report.projectsCreated == [2])
        #expect(!report.notes.joined().contains("bob"))
        let registry = try fixture.store.registry()
        #expect(registry.project(2)?.accountID == 1 && registry.project(2)?.name == "project 1")
        #expect(registry.project(1)?.name == "bob's secret")
        #expect(try fixture.store.session(id: 8)?.projectID == 2)
        let again = try CodeMySpecImporter(service: service).run(Array(document.utf8))
        #expect(again.unchanged == 1 && again.projectsCreated.isEmpty, "the stand-in project is found again")
    }

    @Test("duplicate ids inside one file are refused, not silently merged")
    func duplicates() throws {
        let (fixture, service) = try world()
        defer { withExtendedLifetime(fixture) {} }
        let record = #"{"id": 5, "type": "IntegrationSessions", "account_id": 1, "inserted_at": "2025-10-01T10:00:00Z", "updated_at": "2025-10-01T10:00:00Z"}"#
        let interaction = #"{"id": "1a5c2d3e-0000-4000-8000-000000000009", "command": {"module": "M", "command": "c"}, "result": null}"#
        let twice = #"{"id": 6, "type": "IntegrationSessions", "account_id": 1, "interactions": [\#(interaction), \#(interaction)], "inserted_at": "2025-10-01T10:00:00Z", "updated_at": "2025-10-01T10:00:00Z"}"#
        let report = try CodeMySpecImporter(service: service).run(Array("[\(record), \(record), \(twice)]".utf8))
        #expect(report.created == 1)
        #expect(report.skipped == [
            "[1] (id 5): id: another record in this file has id 5",
            "[2] (id 6): interactions: the id 1a5c2d3e-0000-4000-8000-000000000009 appears more than once",
        ])
    }

    @Test("export, import into an empty store and export again give identical bytes")
    func roundTrip() throws {
        let (first, service) = try world()
        var importer = CodeMySpecImporter(service: service)
        importer.statusMap = ["cancelled": .failed]
        _ = try importer.run(Array(Self.document.utf8))
        var options = DemoGenerator.Options()
        options.sessions = 5
        options.interactions = 4
        options.seed = 3
        options.now = Timestamp(iso8601: "2026-01-01T00:00:00Z")!
        _ = try DemoGenerator(options: options).populate(service)
        var exported: [UInt8] = []
        try CodeMySpecExport.write(service, status: nil) { exported += $0 }

        let second = try StoreFixture()
        _ = try CodeMySpecImporter(service: second.service()).run(exported)
        var again: [UInt8] = []
        try CodeMySpecExport.write(second.service(), status: nil) { again += $0 }
        #expect(String(decoding: again, as: UTF8.self) == String(decoding: exported, as: UTF8.self))
        #expect(try first.store.catalog().summaries.count == 7)

        let document = try JSONParser.parse(exported)
        let records = try #require(document.objectValue?["data"]?.arrayValue)
        #expect(records.count == 7)
        let twelve = try #require(records.first { $0.objectValue?["id"] == .int(12) }?.objectValue)
        #expect(twelve["interactions"]?.arrayValue?.first?.objectValue?["id"] == .string("1a5c2d3e-0000-4000-8000-000000000002"),
                "exported newest first, as the API lists them")

        var failedOnly: [UInt8] = []
        try CodeMySpecExport.write(service, status: .failed) { failedOnly += $0 }
        let failed = try #require(try JSONParser.parse(failedOnly).objectValue?["data"]?.arrayValue)
        #expect(!failed.isEmpty && failed.allSatisfy { $0.objectValue?["status"] == .string("failed") })
    }
}

@Suite("Claude Code hooks")
struct ClaudeCodeHookTests {
    func record(_ hook: ClaudeCodeHook, _ json: String) throws -> ClaudeCodeHook.Outcome {
        try hook.record(Array(json.utf8))
    }

    @Test("SessionEnd completes a session unless it already failed; a new SessionStart reopens it")
    func lifecycle() throws {
        let fixture = try StoreFixture()
        let hook = ClaudeCodeHook(service: fixture.service())
        let start = #"{"session_id":"s1","transcript_path":"/t","cwd":"/w/app","hook_event_name":"SessionStart","source":"startup"}"#
        #expect(try record(hook, start) == .recorded(sessionID: 1))
        #expect(try record(hook, #"{"session_id":"s1","hook_event_name":"SessionEnd","reason":"exit"}"#) == .recorded(sessionID: 1))
        #expect(try fixture.store.session(id: 1)?.status == .complete)
        _ = try record(hook, start.replacing("startup", with: "resume"))
        #expect(try fixture.store.session(id: 1)?.status == .active)
        #expect(try fixture.store.session(id: 1)?.state?["ended_at"] == nil)
        try fixture.service().setStatus(id: 1, to: .failed)
        _ = try record(hook, #"{"session_id":"s1","hook_event_name":"SessionEnd","reason":"exit"}"#)
        let session = try #require(try fixture.store.session(id: 1))
        #expect(session.status == .failed && session.state?["end_reason"] == .string("exit"))
        #expect(try fixture.store.registry().projects.map(\.name) == ["app"])
    }

    @Test("events that do not start a session, and unknown events, change nothing")
    func ignored() throws {
        let fixture = try StoreFixture()
        let hook = ClaudeCodeHook(service: fixture.service())
        #expect(try record(hook, #"{"session_id":"s9","hook_event_name":"Stop"}"#) == .ignored("Stop for a session not recorded here"))
        #expect(try record(hook, #"{"session_id":"s9","hook_event_name":"Notification"}"#) == .ignored("Notification is not recorded"))
        #expect(try fixture.store.catalog().summaries.isEmpty)
        #expect(errorText { _ = try record(hook, #"{"hook_event_name":"Stop"}"#) } == "session_id: is required")
        #expect(errorText { _ = try record(hook, "[1]") } == "payload: must be a JSON object, not an array")
    }

    @Test("a repeated PreToolUse adds nothing, and a PostToolUse without its PreToolUse still records the call")
    func pairing() throws {
        let fixture = try StoreFixture()
        let hook = ClaudeCodeHook(service: fixture.service())
        let pre = #"{"session_id":"s1","hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"/a"},"tool_use_id":"t1"}"#
        _ = try record(hook, pre)
        _ = try record(hook, pre)
        _ = try record(hook, #"{"session_id":"s1","hook_event_name":"PostToolUse","tool_name":"Grep","tool_input":{"pattern":"x"},"tool_use_id":"t2","tool_response":{"filenames":["a"],"numFiles":1}}"#)
        let session = try #require(try fixture.store.session(id: 1))
        #expect(session.interactions.count == 2)
        #expect(session.interactions[0].isPending && session.interactions[1].result?.status == .ok)
        #expect(session.interactions[1].result?.data?["numFiles"] == .int(1))
    }
}

@Suite("Finding sessions by external id")
struct ExternalIDLookupTests {
    @Test("found in the index and in the journal, never after deletion, and across compaction", arguments: Backend.available)
    func lookup(backend: Backend) throws {
        let world = try World(backend)
        let service = world.service()
        var ids: [Session.ID] = []
        for key in ["k1", "k2", "k1"] {
            var session = try service.create(SessionDraft(type: "ClaudeCodeSessions"))
            try world.store.write { transaction in
                session.externalConversationID = key
                transaction.put(session)
            }
            ids.append(session.id)
        }
        func find(_ key: String) throws -> [Session.ID] { try world.store.write { try $0.sessionIDs(externalConversationID: key) } }
        #expect(try find("k1") == [ids[0], ids[2]])
        #expect(try find("k2") == [ids[1]])
        #expect(try find("k3") == [])
        try service.delete(id: ids[0])
        #expect(try find("k1") == [ids[2]])
        if let root = world.root {
            try FileStore(root: root).compact()
            #expect(try find("k1") == [ids[2]] && (try find("k2")) == [ids[1]])
        }
        let staged = try world.store.write { transaction -> [Session.ID] in
            var session = try #require(try transaction.session(id: ids[1]))
            session.externalConversationID = "k9"
            transaction.put(session)
            return try transaction.sessionIDs(externalConversationID: "k9")
        }
        #expect(staged == [ids[1]], "a transaction sees its own staged changes")
    }
}
