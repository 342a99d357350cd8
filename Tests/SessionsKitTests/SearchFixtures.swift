import Glibc
import Testing
import TestSupport
@testable import SessionsKit

/// Sessions for the search tests, written by the store itself (and a few
/// rewritten by hand after), holding what the store must escape or encode.
enum SearchFixtures {
    /// Base 64 of these bytes spells `QUICKfox`, though the bytes hold no
    /// such text: a scan that looked into base64 output would find it.
    static let trapBytes = Base64.decode("QUICKfox")! + [0xFF, 0xFE, 0xFD]
    /// Output that is not UTF-8, around words it does hold.
    static let binaryBytes = Array("binary zebra payload ".utf8) + [0xFF, 0xFE, 0x00] + Array(" tail\n2nd zebra".utf8)

    static func at(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

    /// Every hit of every outcome a store's search hands over, in order, and the running counts it gave.
    static func outcomes(_ store: any SessionStore, _ search: SessionSearch, _ targets: [SearchTarget],
                         registry: Registry) throws -> (outcomes: [SearchOutcome], searched: [Int]) {
        var outcomes: [SearchOutcome] = []
        var searched: [Int] = []
        try store.search(search, targets: targets, registry: registry) { batch in
            outcomes += batch.outcomes
            searched.append(batch.searched)
            return true
        }
        return (outcomes, searched)
    }

    /// The hits of each session with any, by id, from a store's search.
    static func hits(_ outcomes: [SearchOutcome]) -> [Session.ID: SessionHits] {
        var found: [Session.ID: SessionHits] = [:]
        for case .hits(let hits) in outcomes { found[hits.sessionID] = hits }
        return found
    }

    static func unreadable(_ outcomes: [SearchOutcome]) -> Set<Session.ID> {
        var found = Set<Session.ID>()
        for case .unreadable(let id, _) in outcomes { found.insert(id) }
        return found
    }

    /// A search of what the user typed.
    static func search(_ line: String, regex: Bool = false, fields: Set<SearchField> = Set(SearchField.allCases),
                       kept: Int = 3) throws -> SessionSearch {
        let query = regex ? try SearchQuery(pattern: line) : try SearchQuery(typed: line)
        return SessionSearch(query: query, fields: fields, kept: kept)
    }

    /// Rewrites session `id`'s log as a person might, and tells its head the new length.
    static func rewriteLog(_ fixture: StoreFixture, _ id: Session.ID, _ change: ([UInt8]) -> [UInt8]) throws {
        let stored = StoredSession(root: fixture.root, id: id)
        var head = try #require(try stored.head())
        let rewritten = change(try #require(TestFiles.read(stored.logPath)))
        TestFiles.write(stored.logPath, rewritten)
        head.logLength = rewritten.count
        TestFiles.write(stored.filePath, SessionHeadFile.encode(head))
    }

    /// Adds an interaction through the service, and completes it when a
    /// result is given: a completion is a second line for the same position.
    @discardableResult
    static func run(_ service: SessionService, _ session: Session.ID, _ command: String, pipe: String? = nil,
                    _ result: ResultDraft?) throws -> Interaction {
        let added = try service.addInteraction(sessionID: session, CommandDraft(module: "Elixir.Search.Step", command: command, pipe: pipe))
        guard let result else { return added }
        return try service.completeInteraction(sessionID: session, interactionID: added.id, result)
    }
}

/// A store of two accounts, with sessions of every shape a search meets:
/// CodeMySpec sessions titled by their type and component, Claude Code
/// conversations titled by their state, completed and pending interactions,
/// escapes, ANSI colour, text outside ASCII, base64 output, a session kept
/// whole as format 1 kept it, one whose log a person rewrote with escapes,
/// and damaged ones.
final class SearchWorld: @unchecked Sendable {
    let fixture: StoreFixture
    var store: FileStore { fixture.store }
    let alice: SessionService
    let bob: SessionService
    /// The sessions by a name the tests use.
    private(set) var ids: [String: Session.ID] = [:]
    /// Interaction ids by a name the tests use.
    private(set) var interactions: [String: String] = [:]
    /// Sessions whose files were damaged after they were written.
    private(set) var damaged: Set<Session.ID> = []

    subscript(_ name: String) -> Session.ID { ids[name]! }

    init(demoSessions: Int = 40) throws {
        fixture = try StoreFixture()
        alice = fixture.service()
        if demoSessions > 0 {
            var options = DemoGenerator.Options()
            options.sessions = demoSessions
            options.interactions = 4
            options.outputBytes = 300
            options.seed = 7
            options.now = SearchFixtures.at("2026-01-10T12:00:00Z")
            try DemoGenerator(options: options).populate(alice)
        }
        let (project, component) = try fixture.store.write { transaction in
            let project = transaction.registry.addProject(name: "web", accountID: 1, at: Timestamp(seconds: 0))
            let component = transaction.registry.addComponent(name: "Accounts.User", accountID: 1, projectID: project.id,
                                                                at: Timestamp(seconds: 0))
            transaction.registry.addAccount(name: "bob", at: Timestamp(seconds: 0))
            return (project, component)
        }
        bob = fixture.service(account: 2)
        _ = project
        try makeCoding(component: component.id)
        try makeConversation()
        try makeOddConversation()
        try makeFormatOne()
        try makeHandEscaped()
        try makeDamaged()
        try makeBob()
    }

    /// A coding session with every kind of text an interaction holds.
    private func makeCoding(component: Component.ID) throws {
        let state: JSONValue = .object(JSONObject([
            "branch": .string("feature/zebra-\"quoted\""),
            "step": .object(JSONObject([
                "name": .string("GenerateSpec"), "attempt": .int(2), "ok": .bool(true),
                "paths": .array([.string("lib/app.ex"), .string(#"C:\Users\zed"#)]), "nothing": .null, "empty": .object(JSONObject()),
            ])),
        ]))
        let id = try alice.create(SessionDraft(type: "ComponentCodingSessions", componentID: component, state: state)).id
        ids["coding"] = id
        func run(_ name: String, _ command: String, pipe: String? = nil, _ result: ResultDraft?) throws {
            interactions[name] = try SearchFixtures.run(alice, id, command, pipe: pipe, result).id
        }
        try run("grep", #"grep -n "needle" lib/app.ex"#, pipe: #"You are working on "Accounts.User"."#,
                ResultDraft(status: "ok", stdout: .text("lib/app.ex:3: needle found\nlib/app.ex:9: another needle\n"),
                            stderr: .text("warning: unused\tvariable x\n")))
        try run("echo", "echo one\necho two", ResultDraft(
            status: "error", code: 1, errorMessage: #"exit 1: "boom" at C:\tmp\x"#,
            stdout: .text("\u{1B}[31mred alert\u{1B}[0m\nstart\nginx ok\n")))
        try run("binary", "make zebra", ResultDraft(status: "ok", stdout: CapturedOutput(bytes: SearchFixtures.binaryBytes)))
        try run("trap", "cat blob", ResultDraft(status: "ok", stdout: CapturedOutput(bytes: SearchFixtures.trapBytes),
                                                stderr: CapturedOutput(bytes: [0xC3, 0x28, 0x41])))
        // The words in its error message, and spelled by the base64 of its output: shown from the message.
        try run("trapMessage", "cat blob2", ResultDraft(status: "error", errorMessage: "QUICKfox failed",
                                                      stdout: CapturedOutput(bytes: SearchFixtures.trapBytes)))
        try run("pending", "sleep 100 # pending zebra", nil)
        try run("cafe", "café --crème", ResultDraft(status: "ok", stdout: .text("Crème brûlée é\r\nheader: zebra value\r\nlast\r\n")))
        try run("url", "curl https://example.test/src/app", ResultDraft(status: "warning", stdout: .text("src/app/main.swift:1 zebra\n")))
        // A NUL in the output, which PostgreSQL's text type cannot hold.
        try run("nul", "printf 'a\\0b'", ResultDraft(status: "ok", stdout: .text("tusk\u{0}walrus\n")))
        for round in 0..<6 {
            try run("common\(round)", "mix test --seed \(round)", ResultDraft(status: "ok", stdout: .text("the tests pass: \(round) of the zebra suite")))
        }
    }

    /// A Claude Code conversation: its title in its state, its messages
    /// among its tool calls by time, two more calls recorded live.
    private func makeConversation() throws {
        let start = SearchFixtures.at("2026-01-15T09:00:00Z").microseconds
        func at(_ second: Int64) -> Timestamp { Timestamp(microseconds: start + second * 1_000_000) }
        func call(_ command: String, _ stdout: String, second: Int64) -> Interaction {
            Interaction(command: Command(module: "Bash", command: command, timestamp: at(second)),
                        result: CommandResult(status: .ok, stdout: .text(stdout), timestamp: at(second)),
                        completedAt: at(second), insertedAt: at(second), updatedAt: at(second))
        }
        let id = try store.write { transaction in
            var session = Session(id: try transaction.newSessionID(), type: .claudeCode, agent: .claudeCode,
                                  state: JSONObject(["title": .string("Fix the \"login\" flow é"), "cwd": .string("/home/u/app")]),
                                  accountID: 1, insertedAt: at(0), updatedAt: at(10))
            session.externalConversationID = "11111111-1111-4111-8111-111111111111"
            session.interactions = [
                call("grep -rn login lib/", "lib/login.ex:3: def login(user)", second: 2),
                call("mix test test/login_test.exs", "1 test, 0 failures\nRandomized with seed 42", second: 4),
            ]
            session.conversation = [
                ConversationMessage(role: .user, text: "why does \"login\" fail?\nit says é and Zebra", at: at(1), uuid: "m0"),
                ConversationMessage(role: .assistant, text: "The session expires.\nRenew the token in lib/login.ex", at: at(3), uuid: "m1"),
                ConversationMessage(role: .user, text: "thanks, now the zebra docs", at: at(5), uuid: "m2"),
                ConversationMessage(role: .assistant, text: "Done: docs/zebra.md holds the login notes", at: at(6), uuid: "m3"),
            ]
            transaction.put(session)
            return session.id
        }
        ids["claude"] = id
        interactions["live"] = try SearchFixtures.run(alice, id, "cat docs/zebra.md",
                                                      ResultDraft(status: "ok", stdout: .text("# Zebra\nlogin notes"))).id
        interactions["livePending"] = try SearchFixtures.run(alice, id, "open docs/zebra.md", nil).id
    }

    /// A conversation whose times do not run in order: a message without a
    /// time, and a tool call that started before the one above it.
    private func makeOddConversation() throws {
        let start = SearchFixtures.at("2026-01-14T08:00:00Z").microseconds
        func at(_ second: Int64) -> Timestamp { Timestamp(microseconds: start + second * 1_000_000) }
        let id = try store.write { transaction in
            var session = Session(id: try transaction.newSessionID(), type: .claudeCode, state: JSONObject(["first_prompt": .string("odd order")]),
                                  accountID: 1, insertedAt: at(0), updatedAt: at(30))
            session.interactions = [
                Interaction(command: Command(module: "Bash", command: "ls walrus", timestamp: at(20)),
                            result: CommandResult(status: .ok, stdout: .text("nothing"), timestamp: at(21)), insertedAt: at(20)),
                Interaction(command: Command(module: "Bash", command: "echo walrus early", timestamp: at(5)),
                            result: CommandResult(status: .ok, stdout: .text("walrus"), timestamp: at(6)), insertedAt: at(5)),
                Interaction(command: Command(module: "Bash", command: "echo late", timestamp: nil), insertedAt: nil),
            ]
            session.conversation = [
                ConversationMessage(role: .user, text: "no time here", at: nil),
                ConversationMessage(role: .user, text: "walrus at ten", at: at(10)),
                ConversationMessage(role: .assistant, text: "walrus at two", at: at(2)),
            ]
            transaction.put(session)
            return session.id
        }
        ids["odd"] = id
    }

    /// A session kept whole in its file, as format 1 kept every session.
    private func makeFormatOne() throws {
        let id = try alice.create(SessionDraft(type: "ComponentDesignSessions", state: .object(JSONObject(["note": .string("whole file zebra")])))).id
        try SearchFixtures.run(alice, id, "design \"whole\" zebra", ResultDraft(status: "ok", stdout: .text("kept whole\nzebra é line")))
        try SearchFixtures.run(alice, id, "design pending", nil)
        let session = try #require(try store.session(id: id))
        TestFiles.write(fixture.root + "/" + StoreFormat.sessionFile(id), SessionFile.encode(session))
        unlink(fixture.root + "/" + StoreFormat.logFile(id))
        #expect(!(TestFiles.readText(fixture.root + "/" + StoreFormat.sessionFile(id)) ?? "").hasPrefix("{\n  \"format\""))
        ids["whole"] = id
    }

    /// A session whose log a person rewrote: every `é` as `\u00e9`, every
    /// `/` as `\/`, which decode to the same text, and its last line's
    /// members in another order; the head is told the new length.
    private func makeHandEscaped() throws {
        let id = try alice.create(SessionDraft(type: "ComponentTestSessions")).id
        try SearchFixtures.run(alice, id, "cat src/café.txt", ResultDraft(status: "ok", stdout: .text("résumé zebra at src/main\nCAFÉ")))
        try SearchFixtures.run(alice, id, "ls /tmp/zebra", ResultDraft(status: "ok", stdout: .text("/tmp/zebra/é")))
        try SearchFixtures.rewriteLog(fixture, id) { log in
            var rewritten: [UInt8] = []
            var index = 0
            while index < log.count {
                if log[index] == 0xC3, index + 1 < log.count, log[index + 1] == 0xA9 {
                    rewritten += Array(#"\u00e9"#.utf8)
                    index += 2
                } else if log[index] == UInt8(ascii: "/") {
                    rewritten += Array(#"\/"#.utf8)
                    index += 1
                } else {
                    rewritten.append(log[index])
                    index += 1
                }
            }
            #expect(rewritten.count > log.count)
            // Its last line with its members the other way round, as a person may write them.
            var lines = rewritten.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
            let prefix = "{\"n\":1,\"interaction\":"
            #expect(lines.count == 4 && lines[3].hasPrefix(prefix))
            lines[3] = "{\"interaction\": " + lines[3].dropFirst(prefix.count).dropLast() + ", \"n\": 1}"
            return Array((lines.joined(separator: "\n") + "\n").utf8)
        }
        #expect(try store.session(id: id)?.interactions.first?.result?.stdout == .text("résumé zebra at src/main\nCAFÉ"))
        ids["escaped"] = id
    }

    /// Three sessions damaged three ways: a head that is not JSON, a log
    /// shorter than its head says, a log line that breaks the schema.
    private func makeDamaged() throws {
        func make(_ name: String) throws -> Session.ID {
            let id = try alice.create(SessionDraft(type: "ComponentCodingSessions")).id
            try SearchFixtures.run(alice, id, "echo \(name) zebra", ResultDraft(status: "ok", stdout: .text("\(name) output")))
            try SearchFixtures.run(alice, id, "echo \(name) second", ResultDraft(status: "ok", stdout: .text("second output")))
            ids[name] = id
            damaged.insert(id)
            return id
        }
        let garbage = try make("garbage")
        TestFiles.write(fixture.root + "/" + StoreFormat.sessionFile(garbage), "not json: garbage zebra {")
        let short = try make("short")
        let shortLog = fixture.root + "/" + StoreFormat.logFile(short)
        TestFiles.write(shortLog, Array(try #require(TestFiles.read(shortLog)).dropLast(40)))
        let schema = try make("schema")
        let schemaLog = fixture.root + "/" + StoreFormat.logFile(schema)
        var text = try #require(TestFiles.readText(schemaLog))
        // The last line (the second interaction's result) gets a status no result has, at the same length.
        let last = try #require(text.ranges(of: "\"status\":\"ok\"").last)
        text.replaceSubrange(last, with: "\"status\":\"zz\"")
        TestFiles.write(schemaLog, text)
        #expect(throws: (any Error).self) { try self.store.session(id: schema) }
    }

    /// The other account: the same words, which alice's searches must never show.
    private func makeBob() throws {
        let id = try bob.create(SessionDraft(type: "ComponentCodingSessions", state: .object(JSONObject(["owner": .string("bob zebra")])))).id
        try SearchFixtures.run(bob, id, "make zebra login", ResultDraft(status: "ok", stdout: .text("bob's zebra login needle é")))
        ids["bob"] = id
    }

    /// The targets of every session of the store, of both accounts, each
    /// account's most recently active first, as the service chooses them.
    func allTargets() throws -> [SearchTarget] {
        let catalog = try store.catalog()
        return alice.searchTargets(SessionQuery(), in: catalog) + bob.searchTargets(SessionQuery(), in: catalog)
    }
}
