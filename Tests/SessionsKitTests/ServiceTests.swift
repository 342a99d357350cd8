import Testing
import TestSupport
@testable import SessionsKit

/// The model's rules, run against every backend: what holds for the file
/// store must hold for any store behind the protocol.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case memory, file, postgres
    var testDescription: String { rawValue }

    /// The backends this machine can run: PostgreSQL only with a server
    /// (`SESSIONS_TEST_POSTGRES`). Its absence is reported by a skipped test
    /// of its own, `ServiceTests/postgresCovered`.
    static let available: [Backend] = TestDatabase.isAvailable ? allCases : [.memory, .file]
}

/// A store with account 1 ("alice") and account 2 ("bob"), project 1 for alice,
/// project 2 for bob, component 1 in alice's project.
final class World: @unchecked Sendable {
    let store: any SessionStore
    let clock = TestClock()
    private let fixture: StoreFixture?
    /// The PostgreSQL database, kept while the world is: it is dropped with it.
    private let database: TestDatabase?
    /// On PostgreSQL, the store as the tables' owner, who alone manages accounts.
    let owner: (any SessionStore)?

    init(_ backend: Backend) throws {
        // The accounts and their entries, written by whoever may: on
        // PostgreSQL, the tables' owner; the tests then run as a member.
        func populate(_ store: any SessionStore) throws {
            try store.write { transaction in
                transaction.registry.addAccount(name: "bob", at: Timestamp(seconds: 0))
                transaction.registry.addProject(name: "web", accountID: 1, at: Timestamp(seconds: 0))
                transaction.registry.addProject(name: "bob-app", accountID: 2, at: Timestamp(seconds: 0))
                transaction.registry.addComponent(name: "Accounts.User", accountID: 1, projectID: 1, at: Timestamp(seconds: 0))
                transaction.registry.addComponent(name: "Bob.Thing", accountID: 2, projectID: 2, at: Timestamp(seconds: 0))
            }
        }
        switch backend {
        case .memory:
            var registry = Registry()
            let alice = registry.addAccount(name: "alice", at: Timestamp(seconds: 0))
            registry.defaultAccountID = alice.id
            store = MemoryStore(registry: registry)
            fixture = nil
            database = nil
            owner = nil
            try populate(store)
        case .file:
            let fixture = try StoreFixture()
            store = fixture.store
            self.fixture = fixture
            database = nil
            owner = nil
            try populate(store)
        case .postgres:
            let database = try requiredDatabase()
            let owner = try PostgresStore(conninfo: database.owner)
            try owner.write { transaction in
                let alice = transaction.registry.addAccount(name: "alice", at: Timestamp(seconds: 0))
                transaction.registry.defaultAccountID = alice.id
            }
            try populate(owner)
            store = try PostgresStore(conninfo: database.member("alice", accounts: [1, 2]))
            fixture = nil
            self.database = database
            self.owner = owner
        }
    }

    var root: String? { fixture?.root }

    /// On PostgreSQL, makes the member the tests run as a member of `account` too.
    func grant(account: Int) throws {
        guard let database else { return }
        let output = database.psql("INSERT INTO account_members (role_name, account_id) VALUES ('\(database.name)_alice', \(account))",
                                   as: database.owner)
        #expect(output.status == 0, "\(output.stderr)")
    }

    func service(account: Account.ID = 1, project: Project.ID? = nil, custom: [SessionType] = []) -> SessionService {
        SessionService(store: store, scope: Scope(accountID: account, projectID: project),
                       types: SessionTypeRegistry(custom: custom), clock: clock.function)
    }
}

/// A fresh PostgreSQL database; without a server the test case is
/// cancelled, which the run reports as skipped, never as passed.
func requiredDatabase(migrated: Bool = true) throws -> TestDatabase {
    if TestDatabase.isAvailable { return try TestDatabase(migrated: migrated) }
    try Test.cancel(Comment(rawValue: TestDatabase.skipReason))
}

func errorText(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return String(describing: error)
    }
}

@Suite("Session rules and constraints")
struct ServiceTests {
    @Test("every rule here runs against PostgreSQL too", .enabled(if: TestDatabase.isAvailable, Comment(rawValue: TestDatabase.skipReason)))
    func postgresCovered() {
        #expect(Backend.available == Backend.allCases)
    }

    @Test("a new session takes its account and project from the scope", arguments: Backend.available)
    func createUsesScope(backend: Backend) throws {
        let world = try World(backend)
        let session = try world.service(project: 1).create(
            SessionDraft(type: "ComponentCodingSessions", agent: "claude_code", environment: "local", componentID: 1,
                         state: .object(JSONObject(["step": .string("init")]))))
        #expect(session.id == 1)
        #expect(session.accountID == 1)
        #expect(session.projectID == 1)
        #expect(session.componentID == 1)
        #expect(session.status == .active)
        #expect(session.insertedAt == session.updatedAt)
        #expect(try world.store.session(id: 1) == session)
        let second = try world.service().create(SessionDraft(type: "ClaudeCodeSessions"))
        #expect(second.id == 2 && second.projectID == nil && second.agent == nil)
    }

    @Test("every field rule is checked and reported together", arguments: Backend.available)
    func createValidation(backend: Backend) throws {
        let world = try World(backend)
        let message = errorText {
            _ = try world.service().create(SessionDraft(type: "Foo", agent: "robot", environment: "cloud", status: "cancelled",
                                                        componentID: 99, state: .array([])))
        }
        #expect(message == "type: \"Foo\" is not a registered session type; agent: \"robot\" is not one of claude_code; "
            + "environment: \"cloud\" is not one of local, vscode; status: \"cancelled\" is not one of active, complete, failed; "
            + "state: must be a JSON object, not an array; component_id: component 99 does not exist")
        #expect(errorText { _ = try world.service().create(SessionDraft(type: "")) } == "type: is required")
        #expect(try world.store.catalog().summaries.isEmpty)
    }

    @Test("a component of another account does not exist for this one", arguments: Backend.available)
    func componentMustBeVisible(backend: Backend) throws {
        let world = try World(backend)
        #expect(errorText { _ = try world.service().create(SessionDraft(type: "ContextSpecSessions", componentID: 2)) }
            == "component_id: component 2 does not exist")
        #expect(try world.service(account: 2).create(SessionDraft(type: "ContextSpecSessions", componentID: 2)).componentID == 2)
    }

    @Test("types registered in the config are accepted", arguments: Backend.available)
    func customTypes(backend: Backend) throws {
        let world = try World(backend)
        #expect(throws: SessionError.self) { try world.service().create(SessionDraft(type: "MyReviewSessions")) }
        let session = try world.service(custom: [SessionType("MyReviewSessions")]).create(SessionDraft(type: "MyReviewSessions"))
        #expect(session.type.name == "MyReviewSessions")
    }

    @Test("another account's session is not found, exactly like a missing one", arguments: Backend.available)
    func scoping(backend: Backend) throws {
        let world = try World(backend)
        let bobs = try world.service(account: 2).create(SessionDraft(type: "ContextSpecSessions"))
        let alice = world.service(account: 1)
        let foreign = errorText { _ = try alice.session(id: bobs.id) }
        let missing = errorText { _ = try alice.session(id: 999) }
        #expect(foreign == "session \(bobs.id) not found")
        #expect(missing == "session 999 not found")
        #expect(errorText { try alice.setStatus(id: bobs.id, to: .failed) } == foreign)
        #expect(errorText { try alice.delete(id: bobs.id) } == foreign)
        #expect(errorText { _ = try alice.addInteraction(sessionID: bobs.id, CommandDraft(module: "M", command: "c")) } == foreign)
        #expect(try alice.list().isEmpty)
        #expect(try world.service(account: 2).list().map(\.id) == [bobs.id])
        #expect(try world.store.session(id: bobs.id)?.status == .active)
    }

    @Test("status changes move updated_at forward, even within one clock tick", arguments: Backend.available)
    func statusChanges(backend: Backend) throws {
        let world = try World(backend)
        let frozen = SessionService(store: world.store, scope: Scope(accountID: 1), clock: { Timestamp(seconds: 1_000) })
        let session = try frozen.create(SessionDraft(type: "ContextSpecSessions"))
        let (previous, changed) = try frozen.setStatus(id: session.id, to: .complete)
        #expect(previous == .active)
        #expect(changed.status == .complete)
        #expect(changed.updatedAt > session.updatedAt)
        let again = try frozen.setStatus(id: session.id, to: .failed).summary
        #expect(again.updatedAt > changed.updatedAt)
        // Setting the status it already has changes nothing, not even the time.
        let same = try frozen.setStatus(id: session.id, to: .failed).summary
        #expect(same.updatedAt == again.updatedAt)
        #expect(throws: SessionError.self) { try frozen.setStatus(id: 77, to: .failed) }
        #expect(errorText { _ = try SessionStatus(validating: "done") } == "status: \"done\" is not one of active, complete, failed")
    }

    @Test("an undo writes back only the sessions still as the change left them, judged when the write holds the store",
          arguments: Backend.available)
    func undoLeavesNewerChanges(backend: Backend) throws {
        let world = try World(backend)
        let mine = world.service(account: 1), theirs = world.service(account: 1)
        let ids = try (0..<3).map { _ in try mine.create(SessionDraft(type: "ContextSpecSessions")).id }
        let change = try mine.setStatuses(ids.map { ($0, .complete) })
        #expect(change.map(\.previous) == [.active, .active, .active])
        // Another process moves the second on; this one has not heard of it.
        try theirs.setStatus(id: ids[1], to: .failed)
        let undo = try mine.undoStatuses(change.map { ($0.summary.id, $0.previous) }, changedTo: .complete)
        #expect(undo.map(\.previous) == [.complete, .failed, .complete])
        #expect(undo.map(\.summary.status) == [.active, .failed, .active])
        #expect(try ids.map { try world.store.session(id: $0)?.status } == [.active, .failed, .active])
        // None left as the change made them: nothing is written, not even a time.
        let before = try world.store.session(id: ids[1])?.updatedAt
        let none = try mine.undoStatuses([(ids[1], .active)], changedTo: .complete)
        #expect(none.map(\.summary.status) == [.failed])
        #expect(try world.store.session(id: ids[1])?.updatedAt == before)
    }

    @Test("interactions are appended pending and completed once", arguments: Backend.available)
    func interactions(backend: Backend) throws {
        let world = try World(backend)
        let service = world.service()
        let session = try service.create(SessionDraft(type: "ComponentTestSessions"))
        let first = try service.addInteraction(sessionID: session.id, CommandDraft(
            module: "Elixir.CodeMySpec.ComponentTestSessions.Steps.RunTests", command: "mix test", pipe: "input", stepName: "RunTests"))
        #expect(first.isPending)
        #expect(UUIDText.isValid(first.id))
        #expect(first.command.timestamp != nil)
        let completed = try service.completeInteraction(sessionID: session.id, interactionID: first.id, ResultDraft(
            status: "error", code: 2, errorMessage: "2 failed", stdout: .text("..FF\n"), stderr: .text("boom"),
            durationMS: 1234, data: .object(JSONObject(["failures": .int(2)]))))
        #expect(completed.result?.status == .error)
        #expect(completed.result?.code == 2)
        #expect(completed.completedAt != nil)
        #expect(completed.completedAt! > first.insertedAt!)
        let stored = try service.session(id: session.id)
        #expect(stored.interactions == [completed])
        #expect(stored.updatedAt == completed.completedAt)

        #expect(errorText { _ = try service.completeInteraction(sessionID: session.id, interactionID: first.id, ResultDraft(status: "ok")) }
            == "interaction \(first.id) already has a result (error); results are not overwritten")
        #expect(errorText { _ = try service.completeInteraction(sessionID: session.id, interactionID: "nope", ResultDraft(status: "ok")) }
            == "interaction nope in session \(session.id) not found")
        #expect(errorText { _ = try service.completeInteraction(sessionID: session.id, interactionID: first.id,
                                                                  ResultDraft(status: "done", durationMS: -5, data: .string("x"))) }
            == "result.status: \"done\" is not one of ok, error, warning; result.duration_ms: must be at least 0, not -5; result.data: must be a JSON object, not a string")
        #expect(errorText { _ = try service.addInteraction(sessionID: session.id, CommandDraft(module: "", command: "")) }
            == "command.module: is required; command.command: is required")
        #expect(try service.session(id: session.id).interactions.count == 1)
    }

    @Test("listing filters, sorts and limits without reading interactions", arguments: Backend.available)
    func listing(backend: Backend) throws {
        let world = try World(backend)
        let service = world.service(project: 1)
        for (index, type) in ["ContextSpecSessions", "ComponentSpecSessions", "ContextSpecSessions", "IntegrationSessions"].enumerated() {
            _ = try service.create(SessionDraft(type: type, componentID: index == 3 ? 1 : nil))
        }
        try service.setStatus(id: 2, to: .failed)
        _ = try world.service(account: 2).create(SessionDraft(type: "ContextSpecSessions"))
        #expect(try service.list().map(\.id) == [2, 4, 3, 1])  // updated, newest first
        #expect(try service.list(SessionQuery(sort: .created)).map(\.id) == [4, 3, 2, 1])
        #expect(try service.list(SessionQuery(sort: .id)).map(\.id) == [1, 2, 3, 4])
        #expect(try service.list(SessionQuery(sort: .type)).map(\.id) == [2, 1, 3, 4])
        #expect(try service.list(SessionQuery(status: .failed)).map(\.id) == [2])
        #expect(try service.list(SessionQuery(status: .active, limit: 2)).map(\.id) == [4, 3])
        #expect(try service.list(SessionQuery(type: SessionType("ContextSpecSessions"))).map(\.id) == [3, 1])
        #expect(try service.list(SessionQuery(componentID: 1)).map(\.id) == [4])
        #expect(try service.list(SessionQuery(projectID: 1)).count == 4)
        #expect(try service.list(SessionQuery(projectID: 2)).isEmpty)
    }

    @Test("an account that still has sessions cannot be deleted", arguments: Backend.available)
    func accountRestrict(backend: Backend) throws {
        let world = try World(backend)
        let bob = world.service(account: 2)
        let session = try bob.create(SessionDraft(type: "ContextSpecSessions"))
        let alice = world.service(account: 1)
        #expect(errorText { try alice.deleteAccount(id: 2) } == "account 2 still has 1 session; delete them first")
        #expect(errorText { try alice.deleteAccount(id: 1) }?.contains("is the active account") == true)
        #expect(errorText { try alice.deleteAccount(id: 9) } == "account 9 not found")
        try bob.delete(id: session.id)
        if let owner = world.owner {
            // In a team's database accounts are its owner's to manage: a member's login may not.
            #expect(errorText { try alice.deleteAccount(id: 2) }?.contains("permission denied for table accounts") == true)
            #expect(try world.store.registry().accounts.map(\.id) == [1, 2])
            try SessionService(store: owner, scope: Scope(accountID: 1, projectID: nil), types: SessionTypeRegistry(custom: []),
                               clock: world.clock.function).deleteAccount(id: 2)
        } else {
            try alice.deleteAccount(id: 2)
        }
        let registry = try world.store.registry()
        #expect(registry.accounts.map(\.id) == [1])
        #expect(registry.projects.allSatisfy { $0.accountID == 1 })
        #expect(registry.components.allSatisfy { $0.accountID == 1 })
    }

    @Test("deleting a project or a component sets it to null on its sessions", arguments: Backend.available)
    func nilify(backend: Backend) throws {
        let world = try World(backend)
        let service = world.service(project: 1)
        let a = try service.create(SessionDraft(type: "ContextSpecSessions", componentID: 1))
        let b = try service.create(SessionDraft(type: "ContextSpecSessions"))
        let other = try world.service(account: 2, project: 2).create(SessionDraft(type: "ContextSpecSessions", componentID: 2))
        let before = try service.session(id: a.id)

        #expect(try service.deleteComponent(id: 1) == 1)
        let afterComponent = try service.session(id: a.id)
        #expect(afterComponent.componentID == nil)
        #expect(afterComponent.projectID == 1)
        #expect(afterComponent.updatedAt > before.updatedAt)
        #expect(try world.store.registry().component(1) == nil)

        #expect(try service.deleteProject(id: 1) == 2)
        #expect(try service.session(id: a.id).projectID == nil)
        #expect(try service.session(id: b.id).projectID == nil)
        // Another account's project is not this account's to delete.
        #expect(errorText { try service.deleteProject(id: 2) } == "project 2 not found")
        #expect(errorText { try service.deleteComponent(id: 2) } == "component 2 not found")
        #expect(try world.store.session(id: other.id)?.projectID == 2)
        #expect(try world.store.session(id: other.id)?.componentID == 2)
    }

    @Test("a scope naming a missing account or a foreign project is refused", arguments: Backend.available)
    func scopeChecks(backend: Backend) throws {
        let world = try World(backend)
        #expect(errorText { _ = try world.service(account: 9).create(SessionDraft(type: "ContextSpecSessions")) } == "account 9 not found")
        #expect(errorText { _ = try world.service(account: 1, project: 2).create(SessionDraft(type: "ContextSpecSessions")) }
            == "project 2 not found")
    }

    @Test("registries: names are required and lists are per account", arguments: Backend.available)
    func registries(backend: Backend) throws {
        let world = try World(backend)
        let alice = world.service(account: 1, project: 1)
        #expect(errorText { _ = try alice.addProject(name: "  ") } == "name: must not be empty")
        let project = try alice.addProject(name: "api")
        #expect(project.accountID == 1)
        let component = try alice.addComponent(name: "Billing.Invoice")
        #expect(component.projectID == 1 && component.accountID == 1)
        #expect(try alice.projects().map(\.name) == ["web", "api"])
        #expect(try world.service(account: 2).projects().map(\.name) == ["bob-app"])
        #expect(try alice.components().map(\.name) == ["Accounts.User", "Billing.Invoice"])
        if let owner = world.owner {
            #expect(errorText { _ = try alice.directory.addAccount(name: "carol") }?.contains("permission denied for table accounts") == true)
            let ownerService = SessionService(store: owner, scope: Scope(accountID: 1, projectID: nil),
                                              types: SessionTypeRegistry(custom: []), clock: world.clock.function)
            #expect(try ownerService.directory.addAccount(name: "carol").id == 3)
            // The member sees it once it is one of the member's accounts.
            #expect(try alice.directory.accounts().map(\.name) == ["alice", "bob"])
            try world.grant(account: 3)
        } else {
            let account = try alice.directory.addAccount(name: "carol")
            #expect(account.id == 3)
        }
        #expect(try alice.directory.accounts().map(\.name) == ["alice", "bob", "carol"])
    }
}
