import Testing
import TestSupport
@testable import SessionsKit

/// CodeMySpec's JSON as its API renders sessions today: uuid ids, an
/// `environment_type`, the project and component embedded, a `metadata`
/// object on each command, no `step_name`, interactions newest first.
@Suite("CodeMySpec JSON as the API renders it today")
struct CodeMySpecTodayTests {
    static let parentID = "5f1d2c3b-aaaa-4bbb-8ccc-000000000001"
    static let childID = "5f1d2c3b-aaaa-4bbb-8ccc-000000000002"
    static let cliID = "5f1d2c3b-aaaa-4bbb-8ccc-000000000003"
    static let projectID = "9a8b7c6d-0000-4000-8000-00000000000a"
    static let componentID = "9a8b7c6d-0000-4000-8000-00000000000b"

    static let parent = #"""
    {"id": "\#(parentID)", "type": "ComponentCodingSessions", "display_name": "Component Coding", "agent": "claude_code",
     "environment_type": "local", "execution_mode": "agentic", "status": "complete", "state": {"step": 2},
     "external_conversation_id": "conv-1", "project_id": "\#(projectID)",
     "project": {"id": "\#(projectID)", "name": "storefront", "module_name": "Storefront", "status": "active"},
     "account_id": "0c0c0c0c-0000-4000-8000-000000000000", "user_id": 42, "component_id": "\#(componentID)",
     "component": {"id": "\#(componentID)", "name": "Checkout.Payment", "type": "context", "module_name": "Storefront.Checkout.Payment"},
     "interactions": [
       {"id": "1a5c2d3e-0000-4000-8000-0000000000b2",
        "command": {"module": "Elixir.CodeMySpec.ComponentCodingSessions.Steps.RunTests", "command": "mix test", "pipe": null,
                    "metadata": {"attempt": 2}, "timestamp": "2026-01-20T10:00:05.123456Z"},
        "result": {"id": "7b7b7b7b-0000-4000-8000-000000000001", "status": "ok", "data": {}, "code": 0, "error_message": null,
                   "stdout": "12 tests, 0 failures", "stderr": "", "duration_ms": 900, "timestamp": "2026-01-20T10:00:06Z"},
        "completed_at": "2026-01-20T10:00:06.000001Z"},
       {"id": "1a5c2d3e-0000-4000-8000-0000000000b1",
        "command": {"module": null, "command": "generate", "pipe": "prompt text", "metadata": {}, "timestamp": "2026-01-20T10:00:00.000001Z"},
        "result": null, "completed_at": null}
     ],
     "inserted_at": "2026-01-20T10:00:00Z", "updated_at": "2026-01-20T10:00:06Z"}
    """#

    static let child = #"""
    {"id": "\#(childID)", "type": "ComponentTestSessions", "display_name": "Component Test", "agent": "claude_code",
     "environment_type": "vscode", "execution_mode": "auto", "status": "active", "state": null,
     "external_conversation_id": null, "project_id": "\#(projectID)",
     "project": {"id": "\#(projectID)", "name": "storefront", "module_name": "Storefront", "status": "active"},
     "account_id": "0c0c0c0c-0000-4000-8000-000000000000", "user_id": 42, "component_id": null, "component": null,
     "session_id": "\#(parentID)", "interactions": [],
     "inserted_at": "2026-01-21T09:00:00Z", "updated_at": "2026-01-21T09:00:00Z"}
    """#

    static let cli = #"""
    {"id": "\#(cliID)", "type": "IntegrationSessions", "display_name": "Integration", "agent": null,
     "environment_type": "cli", "execution_mode": "manual", "status": "failed", "state": {},
     "external_conversation_id": null, "project_id": null, "project": null,
     "account_id": "0c0c0c0c-0000-4000-8000-000000000000", "user_id": 42, "component_id": null, "component": null,
     "interactions": [], "inserted_at": "2026-01-22T09:00:00Z", "updated_at": "2026-01-22T09:30:00Z"}
    """#

    static let document = "{\"data\": [\(parent), \(child), \(cli)]}"

    func importDocument(_ fixture: StoreFixture, environmentMap: [String: SessionEnvironment] = [:]) throws -> CodeMySpecImporter.Report {
        var importer = CodeMySpecImporter(service: fixture.service())
        importer.environmentMap = environmentMap
        return try importer.run(Array(Self.document.utf8))
    }

    func export(_ fixture: StoreFixture, shape: CodeMySpecExport.Shape) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try CodeMySpecExport.write(fixture.service(), status: nil, shape: shape) { bytes += $0 }
        return bytes
    }

    @Test("uuid ids are kept as the ids sessions came with; each gets a local id, and importing again finds it")
    func uuidIDs() throws {
        let fixture = try StoreFixture()
        let report = try importDocument(fixture)
        #expect(report.created == 3 && report.skipped.isEmpty, "\(report.skipped)")
        let sessions = try fixture.store.catalog().summaries
        #expect(sessions.map(\.id) == [1, 2, 3])
        #expect(sessions.map { $0.session.extra["source_id"] } == [.string(Self.parentID), .string(Self.childID), .string(Self.cliID)])
        #expect(sessions.allSatisfy { $0.accountID == 1 }, "account_id is ignored: sessions join the active account")

        let again = try importDocument(fixture)
        #expect(again.created == 0 && again.unchanged == 3 && again.createdEntries.isEmpty)
        #expect(try fixture.store.catalog().summaries.count == 3)
    }

    @Test("environment_type becomes the environment; a value the schema lacks is kept as it came, or mapped when asked")
    func environments() throws {
        let fixture = try StoreFixture()
        let report = try importDocument(fixture)
        let parent = try #require(try fixture.store.session(id: 1))
        let child = try #require(try fixture.store.session(id: 2))
        let cli = try #require(try fixture.store.session(id: 3))
        #expect(parent.environment == .local && child.environment == .vscode)
        #expect(parent.extra["environment_type"] == nil)
        #expect(cli.environment == nil && cli.extra["environment_type"] == .string("cli"))
        #expect(report.environmentsKept == ["cli": 1])
        #expect(report.notes.contains { $0.hasPrefix(#"kept environment_type "cli" as it came on 1 session"#) && $0.contains("--map-environment cli=") })

        let mapped = try StoreFixture()
        let mappedReport = try importDocument(mapped, environmentMap: ["cli": .local])
        #expect(mappedReport.environmentsKept.isEmpty)
        let local = try #require(try mapped.store.session(id: 3))
        #expect(local.environment == .local && local.extra["environment_type"] == nil)
    }

    @Test("execution_mode, display_name, user_id, metadata and the parent's id are kept; the embedded entries name the registry")
    func keptMembers() throws {
        let fixture = try StoreFixture()
        let report = try importDocument(fixture)
        let parent = try #require(try fixture.store.session(id: 1))
        #expect(parent.extra["execution_mode"] == .string("agentic") && parent.extra["display_name"] == .string("Component Coding"))
        #expect(parent.extra["user_id"] == .int(42) && parent.externalConversationID == "conv-1")
        #expect(parent.interactions.map(\.id) == ["1a5c2d3e-0000-4000-8000-0000000000b1", "1a5c2d3e-0000-4000-8000-0000000000b2"],
                "stored oldest first")
        #expect(parent.interactions.allSatisfy { $0.stepName == nil })
        #expect(parent.interactions[1].command.extra["metadata"] == .object(JSONObject(["attempt": .int(2)])))
        #expect(parent.interactions[1].command.id == nil, "the API's commands have no id, and none is invented")
        let child = try #require(try fixture.store.session(id: 2))
        #expect(child.extra["session_id"] == .string(Self.parentID))

        let registry = try fixture.store.registry()
        #expect(registry.projects.map(\.name) == ["storefront"], "one project, matched by name for the second record")
        let project = try #require(registry.projects.first)
        #expect(project.extra["module_name"] == .string("Storefront") && project.extra["source_id"] == .string(Self.projectID))
        let component = try #require(registry.components.first)
        #expect(component.name == "Checkout.Payment" && component.projectID == project.id)
        #expect(component.extra["type"] == .string("context") && component.extra["source_id"] == .string(Self.componentID))
        #expect(parent.projectID == project.id && parent.componentID == component.id && child.projectID == project.id)
        #expect(report.createdEntries == ["project 1 storefront", "component 1 Checkout.Payment"] && report.namedAfterIDs.isEmpty)
    }

    @Test("an existing project of the same name is the one a record means, and learns the details it lacked")
    func matchesByName() throws {
        let fixture = try StoreFixture()
        let existing = try fixture.service().addProject(name: "Storefront")
        _ = try importDocument(fixture)
        let registry = try fixture.store.registry()
        #expect(registry.projects.count == 1)
        #expect(registry.project(existing.id)?.extra["module_name"] == .string("Storefront"))
        #expect(try fixture.store.session(id: 1)?.projectID == existing.id)
    }

    @Test("export --shape api gives back every member the API rendered, as it came")
    func apiShapeGivesBack() throws {
        let fixture = try StoreFixture()
        _ = try importDocument(fixture)
        let exported = try #require(try JSONParser.parse(try export(fixture, shape: .api)).objectValue?["data"]?.arrayValue)
        let originals = try #require(try JSONParser.parse(Array(Self.document.utf8)).objectValue?["data"]?.arrayValue)
        #expect(exported.count == originals.count)
        for (original, written) in zip(originals, exported) {
            let original = try #require(original.objectValue), written = try #require(written.objectValue)
            for member in original.members where member.key != "account_id" {
                #expect(written[member.key] == member.value, "\(member.key) of \(original["id"] ?? .null)")
            }
            #expect(written["account_id"] == .int(1), "the account it belongs to here")
            #expect(written["source_id"] == nil, "the uuid is the id again, not a member of its own")
        }
    }

    @Test("round trip in either shape: export, import into an empty store, export again gives identical bytes",
          arguments: CodeMySpecExport.Shape.allCases)
    func roundTrip(shape: CodeMySpecExport.Shape) throws {
        let first = try StoreFixture()
        _ = try importDocument(first)
        // Local sessions beside imported ones, and a legacy record with an integer id.
        _ = try first.service().create(SessionDraft(type: "ContextSpecSessions", state: .object(JSONObject(["k": .string("v")]))))
        _ = try CodeMySpecImporter(service: first.service()).run(Array(#"[{"id": 9, "type": "IntegrationSessions", "account_id": 1, "inserted_at": "2025-10-01T10:00:00Z", "updated_at": "2025-10-01T10:00:00Z"}]"#.utf8))
        let exported = try export(first, shape: shape)
        let second = try StoreFixture()
        let report = try CodeMySpecImporter(service: second.service()).run(exported)
        #expect(report.skipped.isEmpty && report.renumbered.isEmpty && report.namedAfterIDs.isEmpty, "\(report.notes)")
        let again = try export(second, shape: shape)
        #expect(String(decoding: again, as: UTF8.self) == String(decoding: exported, as: UTF8.self))
        let registry = try second.store.registry()
        #expect(registry.projects.map(\.name) == ["storefront"] && registry.components.map(\.name) == ["Checkout.Payment"])
        #expect(registry.projects.first?.extra["source_id"] == .string(Self.projectID))
    }

    @Test("a child names its parent by the id it has in CodeMySpec: found whichever is imported first, in its account only")
    func parentLinks() throws {
        let fixture = try StoreFixture()
        _ = try CodeMySpecImporter(service: fixture.service()).run(Array("[\(Self.child)]".utf8))
        let orphan = try #require(try fixture.store.session(id: 1))
        #expect(SessionLinks.hasParent(orphan))
        #expect(SessionLinks.parent(of: orphan, among: try fixture.store.catalog().summaries) == nil, "not imported yet")
        _ = try CodeMySpecImporter(service: fixture.service()).run(Array("[\(Self.parent), \(Self.cli)]".utf8))
        let summaries = try fixture.store.catalog().summaries
        let child = try #require(try fixture.store.session(id: 1)), parent = try #require(try fixture.store.session(id: 2))
        #expect(SessionLinks.parent(of: child, among: summaries) == 2)
        #expect(SessionLinks.children(of: parent, among: summaries) == [1])
        let unrelated = try #require(try fixture.store.session(id: 3))
        #expect(!SessionLinks.hasParent(unrelated) && SessionLinks.children(of: unrelated, among: summaries).isEmpty)

        // Another account's session with the same source id is never the parent.
        let bob = try fixture.store.write { $0.registry.addAccount(name: "bob", at: Timestamp(seconds: 0)) }
        let bobService = SessionService(store: fixture.store, scope: Scope(accountID: bob.id))
        _ = try CodeMySpecImporter(service: bobService).run(Array("[\(Self.child)]".utf8))
        let all = try fixture.store.catalog().summaries
        let bobsChild = try #require(all.first { $0.accountID == bob.id })
        #expect(SessionLinks.parent(of: try #require(try fixture.store.session(id: bobsChild.id)), among: all) == nil)
        #expect(SessionLinks.children(of: parent, among: all) == [1])
    }

    @Test("a Claude Code subagent's parent is its conversation's main session")
    func subagentParent() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        var main = try service.create(SessionDraft(type: "ClaudeCodeSessions"))
        var agent = try service.create(SessionDraft(type: "ClaudeCodeSessions"))
        try fixture.store.write { transaction in
            main.externalConversationID = "conv"
            main.state = JSONObject(["session_id": .string("conv")])
            agent.externalConversationID = "conv/agent-a1"
            agent.state = JSONObject(["session_id": .string("conv"), "agent_id": .string("a1"), "parent_session_id": .string("conv")])
            transaction.put(main)
            transaction.put(agent)
        }
        let summaries = try fixture.store.catalog().summaries
        #expect(SessionLinks.parent(of: agent, among: summaries) == main.id)
        #expect(SessionLinks.parent(of: main, among: summaries) == nil && !SessionLinks.hasParent(main))
        #expect(SessionLinks.children(of: main, among: summaries).isEmpty, "a conversation shows its subagents on its own calls")
    }

    @Test("display names come from the type as CodeMySpec derives them")
    func displayNames() {
        #expect(SessionType("ComponentCodingSessions").displayName == "Component Coding")
        #expect(SessionType("ContextComponentsDesignSessions").displayName == "Context Components Design")
        #expect(SessionType("Sessions.AgentTasks.ContextDesignReview").displayName == "Context Design Review")
        #expect(SessionType("ClaudeCodeSessions").displayName == "Claude Code")
        #expect(SessionType("MyQA_Sessions").displayName == "My QA")
    }
}
