@testable import SessionsKit
import SessionsTUI
import Testing
import TestSupport

/// The browser over one store that two accounts share, built to be confused
/// as the command line suite's is: same project and component names, same
/// types, statuses, modules and commands, one conversation both recorded,
/// interleaved ids, and state naming the other account's id. Each path drives
/// the real state, update, runtime and render, in both directions, and every
/// screen drawn and every text handed to the pager or clipboard must be free
/// of the other account's marker; the other account's sessions must be
/// exactly as they were.
///
/// On PostgreSQL (with a server) the same store is copied into a database,
/// and the browser connects as a login that is a member of the actor's
/// account alone: there the server's policies, not the program's scope,
/// keep the other account out.
@Suite("Account isolation on screen")
struct AccountIsolationScreenTests {
    /// Where the browser's store is.
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case memory, postgres
        var testDescription: String { rawValue }
        static let available: [Backend] = TestDatabase.isAvailable ? allCases : [.memory]
    }

    /// The store as the actor's browser sees it, and as its owner does.
    struct Stores {
        let actor: any SessionStore
        let owner: any SessionStore
        /// Kept while the stores are: the database is dropped with it.
        let database: TestDatabase?
        var isDatabase: Bool { database != nil }

        /// `memory` as it is, or copied into a new database, read as a login of `account` only.
        static func make(_ backend: Backend, from memory: MemoryStore, account: Account.ID) throws -> Stores {
            guard backend == .postgres else { return Stores(actor: memory, owner: memory, database: nil) }
            let database = try TestDatabase()
            let owner = try PostgresStore(conninfo: database.owner)
            let registry = try memory.registry()
            let sessions = try memory.catalog().summaries.compactMap { try memory.session(id: $0.id) }
            try owner.write { transaction in
                transaction.registry = registry
                for session in sessions { transaction.put(session) }
            }
            let login = try database.member("actor", accounts: [account.rawValue])
            return Stores(actor: try PostgresStore(conninfo: login), owner: owner, database: database)
        }
    }

    struct Side {
        var account: Account.ID
        var marker: String
        var project: Project.ID = 0
        var component: Component.ID = 0
        var coding: [Session.ID] = []
        var shared: Session.ID = 0
        var all: Set<Session.ID> = []
    }

    static let sharedConversation = "c0ffee00-0000-4000-8000-000000000042"
    /// Ids nothing has, as wide as the ones the accounts have, so screens
    /// that echo them line up.
    static let freeSession: Session.ID = 9
    static let freeProject: Project.ID = 9

    /// Text nobody used, as wide as `text`.
    static func nobody(like text: String) -> String { "MARK-" + String(repeating: "Z", count: max(0, text.count - 5)) }

    /// A fresh store with both accounts' sessions.
    static func makeStore() throws -> (MemoryStore, [Side]) {
        ScreenHarness.fixTimeZone()
        var registry = Registry()
        var sides: [Side] = []
        for (name, marker) in [("alice", "MARK-ALICE-7f3a"), ("bob", "MARK-BOB-91c2")] {
            sides.append(Side(account: registry.addAccount(name: name, at: ScreenHarness.now).id, marker: marker))
        }
        registry.defaultAccountID = 1
        for index in sides.indices {
            sides[index].project = registry.addProject(name: "shop", accountID: sides[index].account, at: ScreenHarness.now).id
        }
        for index in sides.indices {
            sides[index].component = registry.addComponent(name: "Shop.Cart", accountID: sides[index].account,
                                                           projectID: sides[index].project, at: ScreenHarness.now).id
        }
        let store = MemoryStore(registry: registry)
        let clock = TestClock(start: Timestamp(iso8601: "2026-11-25T09:00:00Z")!, stepSeconds: 7)
        func service(_ side: Side, project: Bool = true) -> SessionService {
            SessionService(store: store, scope: Scope(accountID: side.account, projectID: project ? side.project : nil),
                           clock: clock.function)
        }
        for round in 0..<3 {
            for index in sides.indices {
                let side = sides[index], other = sides[1 - index], m = side.marker
                let s = service(side)
                let state = try JSONParser.parse(#"{"note":"\#(m) round \#(round)","account_id":\#(other.account),"quoted":"\"account_id\":\#(other.account)"}"#)
                let session = try s.create(SessionDraft(type: "ComponentCodingSessions", agent: "claude_code", environment: "local",
                                                        componentID: side.component, state: state))
                let failing = try s.addInteraction(sessionID: session.id, CommandDraft(
                    module: "Elixir.Shop.Steps.RunTests", command: "mix test --seed \(m)", pipe: "\(m) pipe", stepName: "\(m) step"))
                _ = try s.completeInteraction(sessionID: session.id, interactionID: failing.id, ResultDraft(
                    status: "error", code: 1, errorMessage: "\(m) failed", stdout: .text("\(m) stdout\n"), stderr: .text("\(m) stderr\n"),
                    durationMS: 5, data: try JSONParser.parse(#"{"note":"\#(m) data"}"#)))
                let passing = try s.addInteraction(sessionID: session.id, CommandDraft(module: "Elixir.Shop.Steps.Lint", command: "mix credo \(m)"))
                _ = try s.completeInteraction(sessionID: session.id, interactionID: passing.id,
                                              ResultDraft(status: "ok", code: 0, stdout: .text("\(m) clean\n"), durationMS: 9))
                _ = try s.addInteraction(sessionID: session.id, CommandDraft(module: "Elixir.Shop.Steps.RunTests", command: "mix test \(m) pending"))
                if round > 0 { _ = try s.setStatus(id: session.id, to: round == 1 ? .complete : .failed) }
                sides[index].coding.append(session.id)
            }
        }
        for index in sides.indices {
            let hook = ClaudeCodeHook(service: service(sides[index], project: false))
            let m = sides[index].marker
            _ = try hook.record(payload("SessionStart", #","source":"startup""#))
            _ = try hook.record(payload("PreToolUse", #","tool_name":"Bash","tool_input":{"command":"\#(m) shared"},"tool_use_id":"toolu_shared""#))
            guard case .recorded(let id) = try hook.record(payload("PostToolUse", #","tool_name":"Bash","tool_input":{"command":"\#(m) shared"},"tool_use_id":"toolu_shared","tool_response":{"stdout":"\#(m) out","stderr":""}"#)) else {
                Issue.record("the hook recorded nothing")
                continue
            }
            sides[index].shared = id
        }
        let catalog = try store.catalog()
        for index in sides.indices {
            sides[index].all = Set(catalog.summaries.filter { $0.accountID == sides[index].account }.map(\.id))
        }
        #expect(sides[0].coding == [1, 3, 5] && sides[1].coding == [2, 4, 6])
        #expect(sides[0].shared != sides[1].shared && sides[0].all.count == 4 && sides[1].all.count == 4)
        for side in sides {
            // Both accounts have a "shop"; the hook's cwd names it, and each picks its own.
            #expect(catalog.summary(id: side.shared)?.projectID == side.project)
        }
        return (store, sides)
    }

    static func payload(_ event: String, _ extra: String) -> [UInt8] {
        Array(#"{"session_id":"\#(sharedConversation)","cwd":"/home/u/work/shop","hook_event_name":"\#(event)"\#(extra)}"#.utf8)
    }

    /// The browser as `actor`, keeping every screen it drew and every text it
    /// handed to the terminal.
    final class Screen {
        let stores: Stores
        /// What the actor's browser reads and writes.
        var store: any SessionStore { stores.actor }
        let runtime: Runtime
        let actor: Side
        let victim: Side
        var seen: [(what: String, text: String)] = []
        var baseline: Picture

        init(actor: Side, victim: Side, stores: Stores, projectFilter: Project.ID? = nil, width: Int = 160, height: Int = 50) throws {
            self.stores = stores
            let store = stores.actor
            self.actor = actor
            self.victim = victim
            let clock = TestClock(start: Timestamp(iso8601: "2026-11-25T10:00:00Z")!, stepSeconds: 7)
            let service = SessionService(store: store, scope: Scope(accountID: actor.account), clock: clock.function)
            let state = AppState(width: width, height: height, now: ScreenHarness.now, scope: Scope(accountID: actor.account),
                                 projectFilter: projectFilter)
            runtime = Runtime(state: state, service: service, clock: clock.function)
            baseline = try Picture(of: victim, in: stores.owner)
            runtime.refresh()
            runtime.settle()
            look("first screen")
        }

        var state: AppState { runtime.state }
        var text: String { Render.frame(runtime.state).text }

        func look(_ what: String) { seen.append((what, text)) }

        /// Presses keys as `ScreenHarness.press` does; each screen is kept
        /// unless `keep` is false (when the keys typed are the other
        /// account's marker, which the filter line then echoes).
        @discardableResult
        func press(_ keys: String, keep: Bool = true) -> [TerminalEffect] {
            var effects: [TerminalEffect] = []
            var index = keys.startIndex
            while index < keys.endIndex {
                let key: Key
                if keys[index] == "<", let close = keys[index...].firstIndex(of: ">"), close > keys.index(after: index) {
                    key = ScreenHarness.named(String(keys[keys.index(after: index)..<close]))
                    index = keys.index(after: close)
                } else {
                    key = .character(keys[index])
                    index = keys.index(after: index)
                }
                var produced = runtime.send(.key(key))
                produced += runtime.settle()
                if keep {
                    look("after \(key.label) in \(keys)")
                    for effect in produced {
                        switch effect {
                        case .openPager(let text): seen.append(("pager text", text))
                        case .copyToClipboard(let text, _): seen.append(("clipboard text", text))
                        default: break
                        }
                    }
                }
                effects += produced
            }
            return effects
        }

        func send(_ action: Action) {
            runtime.send(action)
            runtime.settle()
            look("after \(action)")
        }

        /// Ids on the rows of `status`.
        func ids(_ status: SessionStatus) -> [Session.ID] { (state.list.rows[status] ?? SessionRows()).map(\.id) }
        var allRowIDs: Set<Session.ID> { Set(SessionStatus.allCases.flatMap(ids)) }

        /// Puts the list cursor on session `id`.
        func select(_ id: Session.ID) {
            guard let status = state.catalog?.summary(id: id)?.status, let index = ids(status).firstIndex(of: id) else {
                Issue.record("#\(id) is not on any list")
                return
            }
            press(status == .active ? "1" : status == .complete ? "2" : "3")
            press("g")
            for _ in 0..<index { press("j") }
            #expect(state.selectedSummary?.id == id)
        }

        /// Accepts the other account's sessions as they are now: for paths
        /// where it writes itself, as another process.
        func rebaseline() throws { baseline = try Picture(of: victim, in: stores.owner) }

        /// Filters the list for `text` and returns the screen with `text` blanked.
        func filtered(_ text: String) -> (screen: String, rows: Set<Session.ID>) {
            press("/" + text + "<enter>", keep: false)
            let screen = self.text.replacing(text, with: "<TYPED>")
            let rows = allRowIDs
            press("<esc>")
            return (screen, rows)
        }
    }

    /// Everything of one account in the store.
    struct Picture: Equatable {
        var sessions: [Session]
        var summaries: [SessionSummary]
        var projects: [Project]
        var components: [Component]

        init(of side: Side, in store: any SessionStore) throws {
            let catalog = try store.catalog()
            summaries = catalog.summaries.filter { $0.accountID == side.account }
            sessions = try summaries.compactMap { try store.session(id: $0.id) }
            projects = catalog.registry.projects.filter { $0.accountID == side.account }
            components = catalog.registry.components.filter { $0.accountID == side.account }
        }
    }

    struct Path: Sendable {
        var name: String
        var projectFilter: (@Sendable (Side, Side) -> Project.ID?)?
        var check: @Sendable (Screen) throws -> Void
        init(_ name: String, projectFilter: (@Sendable (Side, Side) -> Project.ID?)? = nil, _ check: @escaping @Sendable (Screen) throws -> Void) {
            self.name = name
            self.projectFilter = projectFilter
            self.check = check
        }
    }

    @Test("no section, count, timeline, detail, filter, status key, form or account switch shows or touches the other account's sessions",
          arguments: Backend.available)
    func everyPath(backend: Backend) throws {
        var checked = 0
        for (actorIndex, victimIndex) in [(1, 0), (0, 1)] {
            for path in Self.paths {
                let (memory, sides) = try Self.makeStore()
                let actor = sides[actorIndex], victim = sides[victimIndex]
                let stores = try Stores.make(backend, from: memory, account: actor.account)
                let screen = try Screen(actor: actor, victim: victim, stores: stores,
                                        projectFilter: path.projectFilter?(actor, victim))
                try path.check(screen)
                #expect(screen.seen.count > 1, "\(path.name) looked at nothing")
                for (what, text) in screen.seen where text.contains(victim.marker) {
                    Issue.record("\(path.name) [account \(actor.account)]: \(what) showed account \(victim.account)'s data:\n\(text)")
                }
                #expect(try Picture(of: victim, in: stores.owner) == screen.baseline,
                        "\(path.name) [account \(actor.account)] changed account \(victim.account)'s sessions")
                checked += 1
            }
        }
        #expect(checked == Self.paths.count * 2)
        print("isolation on screen (\(backend.rawValue)): \(Self.paths.count) paths × 2 directions = \(checked) runs checked")
    }

    @Test("switching accounts drops the --project filter: the project is the account's left behind, and would hide every session of the next")
    func projectFilterStaysWithItsAccount() throws {
        for (actorIndex, victimIndex) in [(1, 0), (0, 1)] {
            let (store, sides) = try Self.makeStore()
            let actor = sides[actorIndex], other = sides[victimIndex]
            let screen = try Screen(actor: actor, victim: other, stores: try Stores.make(.memory, from: store, account: actor.account),
                                    projectFilter: actor.project)
            #expect(screen.allRowIDs == actor.all)
            let order = screen.state.catalog?.registry.accounts.map(\.id) ?? []
            screen.press("Agkkkk")
            for _ in 0..<(order.firstIndex(of: other.account) ?? 0) { screen.press("j") }
            screen.press("<enter>")
            #expect(screen.state.scope.accountID == other.account)
            #expect(screen.state.projectFilter == nil)
            #expect(screen.allRowIDs == other.all, "the other account's sessions, all of them")
        }
    }

    static let paths: [Path] = [
        Path("sections and their counts") { s in
            for (key, status) in zip(["1", "2", "3"], SessionStatus.allCases) {
                s.press(key)
                let expected = s.actor.all.filter { s.store.catalogStatus($0) == status }
                #expect(Set(s.ids(status)) == expected, "\(status)")
                #expect(s.text.contains(HeaderLabel.of(status, count: expected.count)))
            }
            #expect(s.allRowIDs == s.actor.all)
        },
        Path("the timeline beside every row") { s in
            for key in ["1", "2", "3"] {
                s.press(key + "g")
                for _ in 0..<max(0, s.ids(s.state.section).count - 1) { s.press("j") }
            }
            #expect(s.seen.contains { $0.text.contains("\(s.actor.marker) stdout") || $0.text.contains("mix test --seed \(s.actor.marker)") })
        },
        Path("every interaction's detail, pager text and clipboard") { s in
            for id in s.actor.all.sorted() {
                s.select(id)
                s.press("<enter>")
                #expect(s.state.timeline?.session.id == id)
                let count = s.state.timeline?.interactions.count ?? 0
                for index in 0..<count {
                    s.press("g")
                    for _ in 0..<index { s.press("j") }
                    s.press("<enter>oyc")
                    s.press("G")
                    s.press("yaeE<esc>")
                }
                s.press("<esc>")
            }
            #expect(s.seen.contains { $0.what == "pager text" && $0.text.contains("\(s.actor.marker) stdout") })
            #expect(s.seen.filter { $0.what == "clipboard text" }.count == 2 * 10, "two copies of each of the 10 interactions")
        },
        Path("filter: the other account's marker finds what a word nobody used finds") { s in
            let taken = s.filtered(s.victim.marker), free = s.filtered(nobody(like: s.victim.marker))
            #expect(taken.rows.isEmpty && taken.screen == free.screen)
            #expect(s.filtered(s.actor.marker).rows == s.actor.all.subtracting([s.actor.shared]))
        },
        Path("filter: #id of the other account's sessions") { s in
            // Of the same width, so the two screens line up.
            let free = s.filtered("#\(freeSession)")
            for id in s.victim.all.sorted() {
                let taken = s.filtered("#\(id)")
                #expect(taken.rows.isEmpty)
                #expect(taken.screen == free.screen)
            }
            for id in s.actor.all.sorted() { #expect(s.filtered("#\(id)").rows.contains(id)) }
        },
        Path("filter: project: the other account's project") { s in
            let taken = s.filtered("project:\(s.victim.project)"), free = s.filtered("project:\(freeProject)")
            #expect(taken.rows.isEmpty && taken.screen == free.screen)
            #expect(s.filtered("project:\(s.actor.project)").rows == s.actor.all, "the hook filed its session under the actor's own shop")
        },
        Path("filter: words and fields both accounts share") { s in
            for text in ["shop.cart", "componentcoding", "claude_code", "local", "account_id", "type:component", "env:local",
                         "agent:claude", "project:shop", "round", "cwd", "shop"] {
                s.press("/" + text)
                let rows = s.allRowIDs
                s.press("<enter>")
                #expect(!rows.isEmpty && rows.isSubset(of: s.actor.all), "\(text): \(rows.sorted())")
                s.press("<esc>")
            }
        },
        Path("status keys and undo on every row, from the list and the timeline") { s in
            for id in s.actor.all.sorted() {
                for key in ["c", "f", "a"] {
                    s.select(id)
                    s.press(key)
                }
                s.press("uuu")
                s.select(id)
                s.press("<enter>cu<esc>")
            }
            #expect(s.state.undoStack.isEmpty || s.state.undoStack.allSatisfy { $0.sessionIDs.allSatisfy(s.actor.all.contains) })
        },
        Path("marks in every section: * then f, c and a, undo, then D") { s in
            for section in ["1", "2", "3"] {
                s.press(section + "*")
                let marked = s.state.list.markedIDs
                #expect(Set(marked).isSubset(of: s.actor.all))
                for key in ["f", "c", "a"] { s.press(section + "*" + key) }
                s.press("uuu")
            }
            #expect(s.state.undoStack.allSatisfy { $0.sessionIDs.allSatisfy(s.actor.all.contains) })
            for section in ["1", "2", "3"] { s.press(section + "*Dy") }
            #expect(s.allRowIDs.isEmpty)
            let left = try s.store.catalog().summaries.filter { $0.accountID == s.actor.account }
            #expect(left.isEmpty)
        },
        Path("delete every row") { s in
            for id in s.actor.all.sorted() {
                s.select(id)
                s.press("Dy")
            }
            #expect(s.allRowIDs.isEmpty)
            let left = try s.store.catalog().summaries.filter { $0.accountID == s.actor.account }
            #expect(left.isEmpty)
        },
        Path("new session form") { s in
            s.press("n")
            guard case .newSession(let form)? = s.state.overlay else {
                Issue.record("no form")
                return
            }
            #expect(form.components.map(\.id) == [s.actor.component])
            s.press("jjj")
            for _ in 0..<3 { s.press("l") }
            s.press("<enter>")
            let created = try s.store.catalog().summaries.last
            #expect(created?.accountID == s.actor.account && !s.victim.all.contains(created?.id ?? 0))
        },
        Path("switch to the other account and back") { s in
            s.select(s.actor.coding[0])
            s.press("c")
            let order = s.state.catalog?.registry.accounts.map(\.id) ?? []
            if s.stores.isDatabase {
                // The login is a member of one account: the server shows it no other to switch to.
                #expect(order == [s.actor.account])
                s.press("A")
                s.press("<enter>")
                #expect(s.state.scope.accountID == s.actor.account && s.allRowIDs == s.actor.all)
                return
            }
            // The picker opens over whichever account is shown: only what
            // follows the switch back is the actor's to see.
            func pick(_ account: Account.ID, keep: Bool) {
                s.press("Agkkkk", keep: false)
                for _ in 0..<(order.firstIndex(of: account) ?? 0) { s.press("j", keep: false) }
                s.press("<enter>", keep: keep)
            }
            pick(s.victim.account, keep: false)
            #expect(s.state.scope.accountID == s.victim.account && s.allRowIDs == s.victim.all, "the switch happened")
            s.press("u", keep: false)
            #expect(s.state.catalog?.summary(id: s.actor.coding[0])?.status == .complete, "undo does not cross accounts")
            pick(s.actor.account, keep: true)
            #expect(s.state.scope.accountID == s.actor.account)
            #expect(s.state.timeline == nil || s.actor.all.contains(s.state.timeline?.session.id ?? 0))
            #expect(s.state.undoStack.isEmpty)
            for key in ["1", "2", "3"] { s.press(key) }
            #expect(s.allRowIDs == s.actor.all)
        },
        Path("another process writes the other account's sessions while the browser is open") { s in
            s.select(s.actor.coding[1])
            s.press("<enter>")
            let other = SessionService(store: s.stores.owner, scope: Scope(accountID: s.victim.account), clock: TestClock().function)
            let session = try other.create(SessionDraft(type: "ComponentCodingSessions", agent: "claude_code", environment: "local",
                                                        componentID: s.victim.component, state: try JSONParser.parse(#"{"note":"\#(s.victim.marker) late"}"#)))
            _ = try other.addInteraction(sessionID: session.id, CommandDraft(module: "M", command: "\(s.victim.marker) late"))
            _ = try other.setStatus(id: s.victim.coding[0], to: .failed)
            _ = try ClaudeCodeHook(service: other).record(payload("PreToolUse", #","tool_name":"Bash","tool_input":{"command":"\#(s.victim.marker) later"},"tool_use_id":"toolu_late""#))
            try s.rebaseline()
            s.runtime.refresh()
            s.runtime.settle()
            s.look("after the refresh")
            s.press("<esc>")
            for key in ["1", "2", "3"] { s.press(key) }
            #expect(s.allRowIDs == s.actor.all)
        },
        Path("mouse: clicks on every tab and row, and the wheel") { s in
            for column in stride(from: 0, to: s.state.width, by: 4) {
                s.send(.mouse(MouseEvent(.press, row: 0, column: column)))
                for row in 1..<12 { s.send(.mouse(MouseEvent(.press, row: row, column: 2))) }
                s.send(.mouse(MouseEvent(.wheelDown, row: 3, column: 2)))
                s.send(.mouse(MouseEvent(.wheelDown, row: 3, column: s.state.width - 10)))
            }
            #expect(s.allRowIDs == s.actor.all)
        },
        Path("sort orders") { s in
            for _ in 0..<4 {
                s.press("s")
                for key in ["1", "2", "3"] { s.press(key + "gjjjj") }
            }
        },
        Path("--project: own project", projectFilter: { actor, _ in actor.project }) { s in
            for key in ["1", "2", "3"] { s.press(key) }
            #expect(s.allRowIDs == s.actor.all)
        },
        Path("--project: the other account's project", projectFilter: { _, victim in victim.project }) { s in
            for key in ["1", "2", "3"] { s.press(key + "<enter>") }
            #expect(s.allRowIDs.isEmpty)
        },
        Path("search in the detail for the other account's marker") { s in
            s.select(s.actor.coding[0])
            s.press("<enter><enter>")
            func search(_ text: String) -> String {
                s.press("/" + text + "<enter>", keep: false)
                let screen = s.text.replacing(text, with: "<TYPED>")
                s.press("g", keep: false)
                return screen
            }
            #expect(search(s.victim.marker) == search(nobody(like: s.victim.marker)))
            s.send(.tick(Timestamp(microseconds: ScreenHarness.now.microseconds + 3_600_000_000)))
            s.press("/\(s.actor.marker)<enter>")
            #expect(s.state.flash == nil, "the actor's own text is found")
        },
        Path("the search screen: the other account's marker, its ids, and what both accounts hold") { s in
            // Every screen is looked at for the other account's marker, but
            // those of a query that types it.
            func searched(_ text: String, keep: Bool = true) -> (ids: Set<Session.ID>, screen: String) {
                s.press("F", keep: keep)
                // Back on the hits of the last search, `/` edits the query.
                if s.state.keyContext == .searchScreen { s.press("/", keep: keep) }
                s.press("<C-u>" + text, keep: keep)
                let found = Set(s.state.search?.results.map(\.sessionID) ?? [])
                let screen = s.text.replacing(text, with: "<TYPED>")
                s.press("<esc><esc>", keep: keep)
                return (found, screen)
            }
            let taken = searched(s.victim.marker, keep: false), free = searched(nobody(like: s.victim.marker), keep: false)
            #expect(taken.ids.isEmpty && taken.screen == free.screen)
            for id in s.victim.all.sorted() { #expect(!searched(String(id.rawValue)).ids.contains(id), "#\(id) names nothing here") }
            let own = searched(s.actor.marker).ids
            #expect(!own.isEmpty && own.isSubset(of: s.actor.all))
            for text in ["shop", "round", "MARK"] {
                let ids = searched(text).ids
                #expect(!ids.isEmpty && ids.isSubset(of: s.actor.all), "\(text): \(ids.sorted())")
            }
            // Opening a hit lands in the actor's own session.
            s.press("F")
            if s.state.keyContext == .searchScreen { s.press("/") }
            s.press("<C-u>MARK<enter><enter>")
            #expect(s.state.reading.map(s.actor.all.contains) == true)
            s.press("<esc><esc>")
        },
    ]
}

extension SessionStore {
    func catalogStatus(_ id: Session.ID) -> SessionStatus? { (try? catalog())?.summary(id: id)?.status }
}

/// The header's tab text, as the header draws it.
enum HeaderLabel {
    static func of(_ status: SessionStatus, count: Int) -> String {
        switch status {
        case .active: return "Active (\(count))"
        case .complete: return "Complete (\(count))"
        case .failed: return "Failed (\(count))"
        }
    }
}
