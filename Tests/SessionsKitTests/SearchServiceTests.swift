import Glibc
import Testing
import TestSupport
@testable import SessionsKit

/// Which sessions a search reads: the active account's, narrowed by the
/// filters, most recently active first; and never a file of another account.
@Suite("Search service")
struct SearchServiceTests {
    static func at(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

    /// Two accounts' sessions, each holding "needle" in its state, with
    /// known statuses, types, projects and activity times.
    final class Accounts: @unchecked Sendable {
        let fixture: StoreFixture
        var alice: SessionService { fixture.service() }
        var bob: SessionService { fixture.service(account: 2) }
        var ids: [String: Session.ID] = [:]
        var web: Project.ID = 0
        static let aliceConversation = "aaaaaaaa-1111-4111-8111-111111111111"
        static let bobConversation = "bbbbbbbb-2222-4222-8222-222222222222"

        subscript(_ name: String) -> Session.ID { ids[name]! }

        init() throws {
            fixture = try StoreFixture()
            web = try fixture.store.write { transaction in
                transaction.registry.addAccount(name: "bob", at: Timestamp(seconds: 0))
                _ = transaction.registry.addProject(name: "bob-web", accountID: 2, at: Timestamp(seconds: 0))
                return transaction.registry.addProject(name: "web", accountID: 1, at: Timestamp(seconds: 0)).id
            }
            try put("old", account: 1, type: "ComponentCodingSessions", status: .active, project: web, at: "2026-01-10T10:00:00Z")
            try put("done", account: 1, type: "ComponentCodingSessions", status: .complete, project: nil, at: "2026-01-12T10:00:00Z")
            try put("failed", account: 1, type: "ContextSpecSessions", status: .failed, project: web, at: "2026-01-14T10:00:00Z")
            try put("claude", account: 1, type: "ClaudeCodeSessions", status: .active, project: nil, at: "2026-01-13T10:00:00Z",
                conversation: Self.aliceConversation)
            try put("bob", account: 2, type: "ComponentCodingSessions", status: .active, project: nil, at: "2026-01-15T10:00:00Z")
            try put("bobClaude", account: 2, type: "ClaudeCodeSessions", status: .complete, project: nil, at: "2026-01-11T10:00:00Z",
                conversation: Self.bobConversation)
        }

        private func put(_ name: String, account: Account.ID, type: String, status: SessionStatus, project: Project.ID?, at time: String,
                         conversation: String? = nil) throws {
            let at = SearchServiceTests.at(time)
            let id = try fixture.store.write { transaction in
                var session = Session(id: try transaction.newSessionID(), type: SessionType(normalizing: type), status: status,
                                      state: JSONObject(["title": .string("\(name) needle")]), accountID: account, projectID: project,
                                      insertedAt: at, updatedAt: at)
                session.externalConversationID = conversation
                session.interactions = [Interaction(command: Command(module: "M", command: "echo needle \(name)", timestamp: at),
                                                    result: CommandResult(status: .ok, stdout: .text("needle"), timestamp: at),
                                                    completedAt: at, insertedAt: at, updatedAt: at)]
                transaction.put(session)
                return session.id
            }
            ids[name] = id
        }

        /// The ids a search of "needle" finds, in the order it hands them over, and the sessions it could not read.
        func found(_ service: SessionService, _ query: SessionQuery = SessionQuery(), line: String = "needle") throws
            -> (hits: [Session.ID], unreadable: [Session.ID]) {
            var hits: [Session.ID] = [], unreadable: [Session.ID] = []
            let catalog = try service.catalog()
            try service.search(SessionSearch(query: try SearchQuery(typed: line)), query, in: catalog) { batch in
                for outcome in batch.outcomes {
                    switch outcome {
                    case .hits(let found): hits.append(found.sessionID)
                    case .unreadable(let id, _): unreadable.append(id)
                    }
                }
                return true
            }
            return (hits, unreadable)
        }

        /// Replaces the session files of `names` with garbage that holds the word looked for.
        func damage(_ names: [String]) {
            for name in names {
                let id = self[name]
                TestFiles.write(fixture.root + "/" + StoreFormat.sessionFile(id), "{ garbage needle \(name)")
                TestFiles.write(fixture.root + "/" + StoreFormat.logFile(id), "garbage needle\n")
            }
        }
    }

    @Test("the active account's sessions, most recently active first")
    func order() throws {
        let world = try Accounts()
        #expect(try world.found(world.alice).hits == ["failed", "claude", "done", "old"].map { world[$0] })
        #expect(try world.found(world.bob).hits == ["bob", "bobClaude"].map { world[$0] })
        let targets = world.alice.searchTargets(SessionQuery(), in: try world.fixture.store.catalog())
        #expect(targets.map(\.id) == ["failed", "claude", "done", "old"].map { world[$0] })
        // A CodeMySpec session's title comes from the summary; a Claude Code session's is read with it.
        #expect(targets.map(\.title) == ["Context Spec · web", nil, "Component Coding", "Component Coding · web"])
    }

    @Test("filters: status, type, project, and activity since and until, inclusive")
    func filters() throws {
        let world = try Accounts()
        func ids(_ query: SessionQuery) throws -> [Session.ID] { try world.found(world.alice, query).hits }
        #expect(try ids(SessionQuery(status: .complete)) == [world["done"]])
        #expect(try ids(SessionQuery(status: .active)) == [world["claude"], world["old"]])
        #expect(try ids(SessionQuery(type: SessionType(normalizing: "ComponentCodingSessions"))) == [world["done"], world["old"]])
        #expect(try ids(SessionQuery(type: .claudeCode)) == [world["claude"]])
        #expect(try ids(SessionQuery(projectID: world.web)) == [world["failed"], world["old"]])
        #expect(try ids(SessionQuery(since: Self.at("2026-01-12T10:00:00Z"))) == [world["failed"], world["claude"], world["done"]])
        #expect(try ids(SessionQuery(until: Self.at("2026-01-12T10:00:00Z"))) == [world["done"], world["old"]])
        #expect(try ids(SessionQuery(since: Self.at("2026-01-12T10:00:01Z"), until: Self.at("2026-01-13T10:00:00Z"))) == [world["claude"]])
        #expect(try ids(SessionQuery(since: Self.at("2026-02-01T00:00:00Z"))).isEmpty)
        #expect(try ids(SessionQuery(status: .failed, type: .claudeCode)).isEmpty)
        // Bob's complete Claude Code session is never alice's, whatever the filter.
        #expect(try ids(SessionQuery(status: .complete, type: .claudeCode)).isEmpty)
    }

    @Test("no target: the body still hears that nothing was searched")
    func emptyTargets() throws {
        let world = try Accounts()
        var batches: [(Int, Int)] = []
        try world.alice.search(SessionSearch(query: try SearchQuery(typed: "needle")), SessionQuery(status: .failed, type: .claudeCode),
                               in: try world.fixture.store.catalog()) { batch in
            batches.append((batch.searched, batch.outcomes.count))
            return true
        }
        #expect(batches.count == 1 && batches[0] == (0, 0))
    }

    @Test("one account's search never reads the other's files, in either direction")
    func isolation() throws {
        // Alice searches with bob's files turned to garbage holding the word: were one opened, it would say so.
        let aliceSide = try Accounts()
        aliceSide.damage(["bob", "bobClaude"])
        let alice = try aliceSide.found(aliceSide.alice)
        #expect(alice.unreadable.isEmpty)
        #expect(alice.hits == ["failed", "claude", "done", "old"].map { aliceSide[$0] })
        #expect(try aliceSide.found(aliceSide.bob).unreadable.sorted() == [aliceSide["bob"], aliceSide["bobClaude"]],
                "the garbage is seen by its owner: the check above could fail")

        let bobSide = try Accounts()
        bobSide.damage(["old", "done", "failed", "claude"])
        let bob = try bobSide.found(bobSide.bob)
        #expect(bob.unreadable.isEmpty)
        #expect(bob.hits == ["bob", "bobClaude"].map { bobSide[$0] })
        #expect(try bobSide.found(bobSide.alice).unreadable.count == 4)

        // With every file intact, a word only the other account holds finds nothing.
        let intact = try Accounts()
        #expect(try intact.found(intact.alice, line: "bobClaude").hits.isEmpty)
        #expect(try intact.found(intact.bob, line: "bobClaude").hits == [intact["bobClaude"]])
        #expect(try intact.found(intact.bob, line: "claude").hits == [intact["bobClaude"]])
    }

    @Test("a query that names a session by id names only the account's own")
    func namedByQuery() throws {
        let world = try Accounts()
        let catalog = try world.fixture.store.catalog()
        func named(_ service: SessionService, _ line: String) throws -> Session.ID? {
            service.sessionNamed(by: try SearchQuery(typed: line), in: catalog)
        }
        #expect(try named(world.alice, String(world["done"].rawValue)) == world["done"])
        #expect(try named(world.alice, String(world["bob"].rawValue)) == nil, "bob's id is no session of alice's")
        #expect(try named(world.bob, String(world["bob"].rawValue)) == world["bob"])
        #expect(try named(world.alice, Accounts.aliceConversation) == world["claude"])
        #expect(try named(world.alice, String(Accounts.aliceConversation.prefix(8))) == world["claude"])
        #expect(try named(world.alice, Accounts.aliceConversation.uppercased()) == world["claude"])
        #expect(try named(world.alice, Accounts.bobConversation) == nil)
        #expect(try named(world.bob, Accounts.bobConversation) == world["bobClaude"])
        #expect(try named(world.alice, "999") == nil)
        #expect(try named(world.alice, "\"\(world["done"].rawValue)\"") == nil, "a phrase is not an id")
        #expect(try named(world.alice, "\(world["done"].rawValue) needle") == nil, "nor is a word among others")
        let regex = try SearchQuery(pattern: String(world["done"].rawValue))
        #expect(world.alice.sessionNamed(by: regex, in: catalog) == nil, "nor a pattern")
    }

    @Test("a backend's outcome for a session it was not asked about never reaches the caller")
    func outcomesChecked() throws {
        let world = try Accounts()
        let leaky = LeakyStore(world.fixture.store, leaked: world["bob"])
        let service = SessionService(store: leaky, scope: Scope(accountID: 1), clock: world.fixture.clock.function)
        var seen: [Session.ID] = []
        try service.search(SessionSearch(query: try SearchQuery(typed: "needle")), SessionQuery(), in: try service.catalog()) { batch in
            for case .hits(let hits) in batch.outcomes { seen.append(hits.sessionID) }
            for case .unreadable(let id, _) in batch.outcomes { seen.append(id) }
            return true
        }
        #expect(leaky.leaks > 0, "the store did leak")
        #expect(!seen.contains(world["bob"]))
        #expect(Set(seen) == Set(["failed", "claude", "done", "old"].map { world[$0] }))
    }

    // MARK: - Dates

    @Test("--since and --until: days on the local clock, ages, today, yesterday, ISO 8601 times")
    func dateBounds() throws {
        setenv("TZ", "UTC", 1)
        tzset()
        let now = Self.at("2026-11-30T15:20:00Z")
        func lower(_ text: String) -> Timestamp? { DateBound.parse(text, now: now, upper: false) }
        func upper(_ text: String) -> Timestamp? { DateBound.parse(text, now: now, upper: true) }
        #expect(lower("2026-11-02") == Self.at("2026-11-02T00:00:00Z"))
        #expect(upper("2026-11-02") == Timestamp(microseconds: Self.at("2026-11-03T00:00:00Z").microseconds - 1), "a day counts whole")
        #expect(upper("2026-12-31") == Timestamp(microseconds: Self.at("2027-01-01T00:00:00Z").microseconds - 1))
        #expect(lower("7d") == Self.at("2026-11-23T15:20:00Z"))
        #expect(lower("12h") == Self.at("2026-11-30T03:20:00Z"))
        #expect(lower("30m") == Self.at("2026-11-30T14:50:00Z"))
        #expect(lower("2w") == Self.at("2026-11-16T15:20:00Z"))
        #expect(lower(" 7D ") == Self.at("2026-11-23T15:20:00Z"))
        #expect(lower("0d") == now)
        #expect(lower("today") == Self.at("2026-11-30T00:00:00Z"))
        #expect(upper("today") == Timestamp(microseconds: Self.at("2026-12-01T00:00:00Z").microseconds - 1))
        #expect(lower("Yesterday") == Self.at("2026-11-29T00:00:00Z"))
        #expect(lower("2026-11-02T08:00:00Z") == Self.at("2026-11-02T08:00:00Z"))
        #expect(upper("2026-11-02T08:00:00Z") == Self.at("2026-11-02T08:00:00Z"), "a full time is itself either way")
        for bad in ["", "soon", "7", "7x", "-3d", "2026-13-01", "2026-11-32", "26-11-02", "2026/11/02", "d", "99999999d"] {
            #expect(lower(bad) == nil, "\(bad)")
        }
    }
}

/// A store that answers every search with one outcome too many: a session
/// it was not asked about.
final class LeakyStore: SessionStore, @unchecked Sendable {
    let inner: FileStore
    let leaked: Session.ID
    private(set) var leaks = 0

    init(_ inner: FileStore, leaked: Session.ID) {
        self.inner = inner
        self.leaked = leaked
    }

    func catalog() throws -> Catalog { try inner.catalog() }
    func registry() throws -> Registry { try inner.registry() }
    func session(id: Session.ID) throws -> Session? { try inner.session(id: id) }
    func generation() throws -> Int { try inner.generation() }
    func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T { try inner.write(body) }

    func search(_ search: SessionSearch, targets: [SearchTarget], registry: Registry, _ body: (SearchBatch) throws -> Bool) throws {
        try inner.search(search, targets: targets, registry: registry) { batch in
            var leaking = batch
            leaks += 1
            leaking.outcomes.append(.hits(SessionHits(sessionID: leaked, hits: [], total: 1)))
            leaking.outcomes.append(.unreadable(leaked, "leaked"))
            return try body(leaking)
        }
    }
}
