import Glibc
import Testing
import TestSupport
@testable import SessionsKit

/// What a search finds in a session, and that the file store's scan, which
/// decides much from raw bytes, finds exactly that.
@Suite("Session search")
struct SessionSearchTests {
    static let all = Set(SearchField.allCases)

    /// A fresh store with one CodeMySpec session; `build` adds to it.
    static func single(type: String = "ComponentCodingSessions", component: String? = nil,
                       state: JSONValue? = nil, _ build: (SessionService, Session.ID) throws -> Void) throws -> (StoreFixture, Session.ID) {
        let fixture = try StoreFixture()
        var componentID: Component.ID?
        if let component {
            componentID = try fixture.store.write { transaction in
                transaction.registry.addComponent(name: component, accountID: 1, projectID: nil, at: Timestamp(seconds: 0)).id
            }
        }
        let service = fixture.service()
        let id = try service.create(SessionDraft(type: type, componentID: componentID, state: state)).id
        try build(service, id)
        return (fixture, id)
    }

    /// Session `id`'s hits by the file store's search, which must equal the
    /// reference matcher's on the session as decoded: an empty result when
    /// nothing matched.
    static func hits(_ fixture: StoreFixture, _ id: Session.ID, _ search: SessionSearch,
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> SessionHits {
        let registry = try fixture.store.registry()
        let session = try #require(try fixture.store.session(id: id))
        let title = SessionTitle.of(session, registry: registry)
        let target = SearchTarget(id: id, title: session.type == .claudeCode ? nil : title)
        let (outcomes, _) = try SearchFixtures.outcomes(fixture.store, search, [target], registry: registry)
        let found = SearchFixtures.hits(outcomes)[id] ?? SessionHits(sessionID: id, hits: [], total: 0)
        #expect(SearchFixtures.unreadable(outcomes).isEmpty, sourceLocation: sourceLocation)
        #expect(found == search.hits(in: session, title: title), "the file store and the reference matcher disagree",
                sourceLocation: sourceLocation)
        return found
    }

    static func hits(_ fixture: StoreFixture, _ id: Session.ID, _ line: String, fields: Set<SearchField> = all,
                     kept: Int = 3, sourceLocation: SourceLocation = #_sourceLocation) throws -> SessionHits {
        try hits(fixture, id, try SearchFixtures.search(line, fields: fields, kept: kept), sourceLocation: sourceLocation)
    }

    // MARK: - Decoded text

    @Test("a query with a quote, a backslash or é finds the text the store keeps escaped, and shows it decoded")
    func escapedText() throws {
        let (fixture, id) = try Self.single { service, id in
            try SearchFixtures.run(service, id, #"say "hi" to C:\Users\zed"#, ResultDraft(status: "ok", stdout: .text("café au lait\ttab")))
        }
        let log = try #require(TestFiles.readText(fixture.root + "/" + StoreFormat.logFile(id)))
        #expect(log.contains(#"say \"hi\" to C:\\Users\\zed"#) && log.contains(#"au lait\ttab"#), "the file holds the escapes")

        let quote = try Self.hits(fixture, id, #"\"hi\""#)
        #expect(quote.total == 1)
        #expect(quote.hits.first?.part == .command)
        #expect(quote.hits.first?.line == #"say "hi" to C:\Users\zed"#)
        #expect(try Self.hits(fixture, id, #"C:\\Users\\zed"#).total == 1)
        #expect(try Self.hits(fixture, id, #"Users\\"#).total == 1)
        #expect(try Self.hits(fixture, id, #"\\\\"#).total == 0, "one backslash in the text, not two")
        let accent = try Self.hits(fixture, id, "café")
        #expect(accent.hits.map(\.part) == [.stdout])
        #expect(accent.hits.first?.line == "café au lait\ttab")
        #expect(try Self.hits(fixture, id, "\"lait\ttab\"").total == 1, "a phrase holding a tab finds the tab")
        #expect(try Self.hits(fixture, id, "\"lait tab\"").total == 0)
        #expect(try Self.hits(fixture, id, "ttab").total == 0, "\\t in the file is a tab, not a t")
        #expect(try Self.hits(fixture, id, "CAFÉ").total == 0, "a capital makes the query match case")
    }

    @Test("output kept as base64 (not UTF-8) is searched as its text, never as its base64")
    func base64Output() throws {
        let (fixture, id) = try Self.single { service, id in
            try SearchFixtures.run(service, id, "make", ResultDraft(status: "ok", stdout: CapturedOutput(bytes: SearchFixtures.binaryBytes)))
            try SearchFixtures.run(service, id, "cat blob", ResultDraft(status: "ok", stdout: CapturedOutput(bytes: SearchFixtures.trapBytes)))
        }
        let log = try #require(TestFiles.readText(fixture.root + "/" + StoreFormat.logFile(id)))
        #expect(log.contains("\"stdout_encoding\":\"base64\"") && log.contains("QUICKfox"), "kept as base64")

        let found = try Self.hits(fixture, id, "payload")
        #expect(found.total == 1)
        #expect(found.hits.first?.place == .interaction(0, id: try fixture.store.session(id: id)!.interactions[0].id))
        #expect(found.hits.first?.part == .stdout)
        #expect(found.hits.first?.line == "binary zebra payload \u{FFFD}\u{FFFD}\u{0} tail")
        let second = try Self.hits(fixture, id, "2nd")
        #expect(second.hits.first?.lineNumber == 1)
        #expect(try Self.hits(fixture, id, "\"zebra payload\"").total == 1)
        // The base64 spells QUICKfox; the bytes do not.
        #expect(try Self.hits(fixture, id, "quickfox").total == 0)
        #expect(try Self.hits(fixture, id, "QUICKfox").total == 0)
        #expect(try Self.hits(fixture, id, "make quickfox").total == 0)
    }

    @Test("a command with a line break: each line is its own, numbered from 0; words may be on different lines")
    func commandLines() throws {
        let (fixture, id) = try Self.single { service, id in
            try SearchFixtures.run(service, id, "echo one\necho two", ResultDraft(status: "ok", stdout: .text("start\nginx ok")))
        }
        #expect(TestFiles.readText(fixture.root + "/" + StoreFormat.logFile(id))?.contains(#"echo one\necho two"#) == true)
        let two = try Self.hits(fixture, id, "two")
        #expect(two.hits.map(\.lineNumber) == [1])
        #expect(two.hits.first?.line == "echo two")
        let both = try Self.hits(fixture, id, "one two")
        #expect(both.total == 1)
        #expect(both.hits.first?.line == "echo one", "the first line with a match")
        #expect(try Self.hits(fixture, id, "\"one echo\"").total == 0, "a phrase never spans a line break")
        #expect(try Self.hits(fixture, id, "nginx").total == 0, "\\n in the file is a line break, not an n")
        #expect(try Self.hits(fixture, id, "ginx").hits.first?.lineNumber == 1)
        #expect(try Self.hits(fixture, id, "necho").total == 0)
    }

    @Test("lines end at a line feed, with or without a carriage return, as the pager counts them")
    func crlfLines() throws {
        let (fixture, id) = try Self.single { service, id in
            try SearchFixtures.run(service, id, "curl -i", ResultDraft(status: "ok", stdout: .text("HTTP/1.1 200 OK\r\nContent-Type: text/zebra\r\n\r\nbody\r\n")))
        }
        let found = try Self.hits(fixture, id, "zebra")
        #expect(found.hits.first?.lineNumber == 1)
        #expect(found.hits.first?.line == "Content-Type: text/zebra")
        #expect(try Self.hits(fixture, id, "body").hits.first?.lineNumber == 3)
    }

    @Test("a long line is cut to its limit around the match, on whole characters")
    func longLine() throws {
        let long = String(repeating: "é", count: 3000) + " needle " + String(repeating: "x", count: 5000)
        let (fixture, id) = try Self.single { service, id in
            try SearchFixtures.run(service, id, "big", ResultDraft(status: "ok", stdout: .text(long)))
        }
        let line = try #require(try Self.hits(fixture, id, "needle").hits.first?.line)
        #expect(line.utf8.count <= SessionSearch.lineLimit)
        #expect(line.utf8.count > SessionSearch.lineLimit - 4)
        #expect(line.contains(" needle "))
        #expect(line.hasPrefix("é") && line.hasSuffix("x"))
    }

    @Test("a line written by hand with a member twice: the scan reads the one the decoder reads, the first")
    func duplicateMembers() throws {
        let (fixture, id) = try Self.single { service, id in
            try SearchFixtures.run(service, id, "echo one", ResultDraft(status: "ok", stdout: .text("out one")))
        }
        try SearchFixtures.rewriteLog(fixture, id) { log in
            var text = String(decoding: log, as: UTF8.self)
            text.replace(#""command":"echo one""#, with: #""command":"echo one","command":"dup walrus""#)
            text.replace(#""stdout":"out one""#, with: #""stdout":"out one","stdout":"dup narwhal""#)
            return Array(text.utf8)
        }
        let session = try #require(try fixture.store.session(id: id))
        #expect(session.interactions.last?.command.command == "echo one", "the decoder reads the first")
        #expect(try Self.hits(fixture, id, "walrus").total == 0)
        #expect(try Self.hits(fixture, id, "narwhal").total == 0)
        #expect(try Self.hits(fixture, id, "echo").hits.map(\.line) == ["echo one"])
    }

    // MARK: - Case and phrases

    @Test("smart case and phrases, through the store")
    func caseAndPhrases() throws {
        let (fixture, id) = try Self.single { service, id in
            try SearchFixtures.run(service, id, "alert", ResultDraft(status: "error", stdout: .text("\u{1B}[31mRed Alert\u{1B}[0m raised")))
        }
        #expect(try Self.hits(fixture, id, "red alert").total == 1)
        #expect(try Self.hits(fixture, id, "Red Alert").total == 1)
        #expect(try Self.hits(fixture, id, "red Alert").total == 0, "a capital makes every word match case")
        #expect(try Self.hits(fixture, id, "\"red alert\"").total == 1)
        #expect(try Self.hits(fixture, id, "\"alert red\"").total == 0)
        #expect(try Self.hits(fixture, id, "31m").hits.first?.line == "\u{1B}[31mRed Alert\u{1B}[0m raised", "ANSI kept raw in the hit")
        #expect(try Self.hits(fixture, id, "u001b").total == 0, "the escape is not the text")
    }

    // MARK: - Fields

    /// One word in each text a session has, with the field that holds it and the part a hit names.
    static let words: [(word: String, field: SearchField, part: SearchHit.Part)] = [
        ("tango", .title, .title), ("sierra", .state, .state), ("papa", .prompt, .prompt), ("romeo", .reply, .reply),
        ("charlie", .command, .command), ("hotel", .command, .pipe), ("oscar", .output, .stdout), ("yankee", .output, .stderr),
        ("victor", .output, .error),
    ]

    static func everyField() throws -> (StoreFixture, Session.ID) {
        let (fixture, id) = try single(component: "Tango.Component", state: .object(JSONObject(["note": .string("sierra")]))) { service, id in
            try SearchFixtures.run(service, id, "run charlie", pipe: "hotel prompt",
                                   ResultDraft(status: "error", errorMessage: "victor failed", stdout: .text("oscar out"), stderr: .text("yankee err")))
        }
        try fixture.store.write { transaction in
            var session = try #require(try transaction.session(id: id))
            session.conversation = [ConversationMessage(role: .user, text: "papa asks", at: Timestamp(seconds: 1)),
                                    ConversationMessage(role: .assistant, text: "romeo answers", at: Timestamp(seconds: 2))]
            transaction.put(session)
        }
        return (fixture, id)
    }

    @Test("--in: each field alone finds its own texts and nothing else", arguments: SearchField.allCases)
    func eachField(field: SearchField) throws {
        let (fixture, id) = try Self.everyField()
        for (word, owner, part) in Self.words {
            let found = try Self.hits(fixture, id, word, fields: [field])
            if owner == field {
                #expect(found.total == 1, "\(word) in \(field)")
                #expect(found.hits.map(\.part) == [part], "\(word)")
            } else {
                #expect(found.total == 0, "\(word) is not in \(field)")
            }
            // Every field but this one.
            let others = try Self.hits(fixture, id, word, fields: Self.all.subtracting([field]))
            #expect(others.total == (owner == field ? 0 : 1), "\(word) without \(field)")
        }
    }

    @Test("--in parses names in any case and order, and names the one it does not know")
    func fieldList() throws {
        #expect(SearchField.parseList("title, Command,output") == .success([.title, .command, .output]))
        #expect(SearchField.parseList("stdout") == .failure(SearchFieldError(name: "stdout")))
        #expect(SearchField.parseList("title,") == .failure(SearchFieldError(name: "")))
        #expect(SearchFieldError(name: "stdout").description.contains("choose from title, prompt, reply, command, output, state"))
        #expect(SessionSearch(query: try SearchQuery(typed: "x"), fields: []).fields == Self.all, "no field chosen is every field")
    }

    // MARK: - Places

    @Test("an interaction matches when its texts hold every word between them; two interactions, or a message and an interaction, do not")
    func wordsAcrossParts() throws {
        let (fixture, id) = try Self.single { service, id in
            try SearchFixtures.run(service, id, "deploy alpha", ResultDraft(status: "ok", stdout: .text("bravo done"), stderr: .text("echo warn")))
            try SearchFixtures.run(service, id, "deploy charlie", ResultDraft(status: "ok", stdout: .text("delta done")))
        }
        try fixture.store.write { transaction in
            var session = try #require(try transaction.session(id: id))
            session.conversation = [ConversationMessage(role: .user, text: "foxtrot", at: nil)]
            transaction.put(session)
        }
        let across = try Self.hits(fixture, id, "alpha bravo")
        #expect(across.total == 1)
        #expect(across.hits.map(\.part) == [.command], "the first part with a match names the hit")
        #expect(try Self.hits(fixture, id, "bravo warn").hits.map(\.part) == [.stdout])
        #expect(try Self.hits(fixture, id, "alpha delta").total == 0)
        #expect(try Self.hits(fixture, id, "foxtrot alpha").total == 0)
        #expect(try Self.hits(fixture, id, "deploy done").total == 2)
        // Under --in, a word in a field not searched does not count.
        #expect(try Self.hits(fixture, id, "alpha bravo", fields: [.command]).total == 0)
    }

    /// A session matching "kilo" in its title, state, three messages and two interactions.
    static func kiloSession() throws -> (StoreFixture, Session.ID, [String]) {
        let (fixture, id) = try single(component: "Kilo.Thing", state: .object(JSONObject(["k": .string("kilo state")]))) { _, _ in }
        func at(_ second: Int64) -> Timestamp { Timestamp(microseconds: SearchFixtures.at("2026-02-01T00:00:00Z").microseconds + second * 1_000_000) }
        var interactionIDs: [String] = []
        try fixture.store.write { transaction in
            var session = try #require(try transaction.session(id: id))
            for (second, text) in [(10, "kilo one"), (30, "kilo two")] {
                let interaction = Interaction(command: Command(module: "M", command: text, timestamp: at(Int64(second))), insertedAt: at(Int64(second)))
                interactionIDs.append(interaction.id)
                session.interactions.append(interaction)
            }
            session.conversation = [ConversationMessage(role: .user, text: "kilo at 5", at: at(5)),
                                    ConversationMessage(role: .assistant, text: "kilo at 20", at: at(20)),
                                    ConversationMessage(role: .user, text: "nothing here", at: at(25)),
                                    ConversationMessage(role: .user, text: "kilo at 40", at: at(40))]
            transaction.put(session)
        }
        return (fixture, id, interactionIDs)
    }

    @Test("hits come title, state, then the timeline: messages among interactions by time")
    func hitOrder() throws {
        let (fixture, id, interactions) = try Self.kiloSession()
        let found = try Self.hits(fixture, id, "kilo", kept: 10)
        #expect(found.total == 7)
        #expect(found.hits.map(\.place) == [.title, .state, .message(0), .interaction(0, id: interactions[0]), .message(1),
                                            .interaction(1, id: interactions[1]), .message(3)])
        #expect(found.hits.map(\.part) == [.title, .state, .prompt, .command, .reply, .command, .prompt])
        #expect(found.hits[0].line == "Component Coding · Kilo.Thing" && found.hits[0].at == nil)
        #expect(found.hits[1].line == "k: kilo state")
        #expect(found.hits[2].at == SearchFixtures.at("2026-02-01T00:00:05Z"))
        #expect(found.hits[3].at == SearchFixtures.at("2026-02-01T00:00:10Z"))
    }

    @Test("the first `kept` hits keep their lines; the rest are counted", arguments: [1, 2, 6, 7, 8])
    func keptAndTotal(kept: Int) throws {
        let (fixture, id, _) = try Self.kiloSession()
        let all = try Self.hits(fixture, id, "kilo", kept: 10)
        let found = try Self.hits(fixture, id, "kilo", kept: kept)
        #expect(found.total == 7)
        #expect(found.hits == Array(all.hits.prefix(kept)))
        // Only interactions: the scan settles them on their bytes and counts those past the kept ones.
        let commands = try Self.hits(fixture, id, "kilo", fields: [.command], kept: kept)
        #expect(commands.total == 2 && commands.hits.count == min(kept, 2))
    }

    @Test("the state is searched on its keys and values as decoded text, never as JSON, and shows `path: value` lines")
    func stateLines() throws {
        let state: JSONValue = .object(JSONObject([
            "step": .object(JSONObject(["name": .string("Generate \"Spec\""), "paths": .array([.string("a/b"), .string(#"C:\x"#)]),
                                        "n": .int(2), "ok": .bool(false), "none": .null, "empty": .array([])])),
        ]))
        let (fixture, id) = try Self.single(state: state) { _, _ in }
        let text = SessionSearch.stateText(try #require(state.objectValue))
        #expect(text == #"""
            step.name: Generate "Spec"
            step.paths[0]: a/b
            step.paths[1]: C:\x
            step.n: 2
            step.ok: false
            step.none: null
            step.empty: []
            """#)
        // It matches on its keys and values, each whole, and shows the `path: value` line.
        #expect(try Self.hits(fixture, id, "\"C:\\\\x\"").hits.map(\.lineNumber) == [2])
        #expect(try Self.hits(fixture, id, #""Generate \"Spec\"""#).hits.map(\.part) == [.state])
        #expect(try Self.hits(fixture, id, "ok false").total == 1, "a key and a value, as two words")
        #expect(try Self.hits(fixture, id, "\"ok: false\"").total == 0, "the line's `: ` is not in the state")
        #expect(try Self.hits(fixture, id, "\"paths[1]\"").total == 0, "nor is a path")
        #expect(try Self.hits(fixture, id, "{").total == 0, "no JSON punctuation")
    }

    @Test("a query that is one interaction id finds that interaction by its id, and only then")
    func interactionID() throws {
        var added: [Interaction] = []
        let (fixture, id) = try Self.single { service, id in
            added.append(try SearchFixtures.run(service, id, "first", ResultDraft(status: "ok")))
            added.append(try SearchFixtures.run(service, id, "second", nil))
        }
        let found = try Self.hits(fixture, id, added[1].id)
        #expect(found.total == 1)
        #expect(found.hits.first?.place == .interaction(1, id: added[1].id))
        #expect(found.hits.first?.part == .id)
        #expect(try Self.hits(fixture, id, String(added[1].id.prefix(8))).total == 0, "a part of an id is not an id")
        #expect(try Self.hits(fixture, id, "first " + added[0].id).total == 0, "nor is an id among other words")
    }

    // MARK: - The file store against the reference

    /// Queries that reach every way the scan decides: rare, common and
    /// absent words, phrases, words holding bytes the store escapes, text
    /// outside ASCII, capitals, patterns, ids, and fields.
    static func queries(_ world: SearchWorld) -> [(line: String, regex: Bool, fields: Set<SearchField>, finds: Bool?)] {
        var queries: [(String, Bool, Set<SearchField>, Bool?)] = [
            ("zebra", false, all, true), ("needle", false, all, true), ("the", false, all, true), ("e", false, all, true),
            ("1", false, all, true), ("red alert", false, all, true), ("\"red alert\"", false, all, true),
            ("\"alert red\"", false, all, false), ("login zebra", false, all, true), (#"\"login\""#, false, all, true),
            (#"C:\\Users"#, false, all, true), (#"C:\\tmp\\x"#, false, all, true), ("src/app", false, all, true),
            ("/tmp/zebra", false, all, true), ("src/main", false, all, true), ("café", false, all, true), ("crème", false, all, true),
            ("é", false, all, true), ("résumé", false, all, true), ("CAFÉ", false, all, true), ("u00e9", false, all, false),
            ("Zebra", false, all, true), ("ZEBRA", false, all, false), ("nginx", false, all, false), ("ginx", false, all, true),
            ("quickfox", false, all, true), ("QUICKfox", false, all, true), ("quickfox", false, [.output], true),
            ("quickfox", false, [.command], false), ("cat quickfox", false, all, true), ("\"binary zebra payload\"", false, all, true),
            ("tail", false, all, true), ("unused variable", false, all, true), ("\"unused variable\"", false, all, false),
            ("echo two", false, all, true), ("one two", false, all, true), ("walrus", false, all, true),
            ("Randomized seed", false, all, true), ("pending zebra", false, all, true), ("31m", false, all, true),
            ("u001b", false, all, false), ("\"step.attempt: 2\"", false, all, false), ("attempt 2", false, [.state], true), ("nothing null", false, [.state], true),
            ("lib/app.ex:3", false, all, true), ("Component Coding", false, all, true), ("Accounts.User", false, all, true),
            ("second output", false, all, nil), ("garbage", false, all, nil), ("zebra é", false, all, true),
            ("\"header: zebra value\"", false, all, true), ("brûlée", false, all, true), ("login", false, all, true),
            ("whole zebra", false, all, true), ("x", false, all, true), (#"\""#, false, all, true), ("\\", false, all, true),
            ("z[e]bra", true, all, true), ("^start$", true, all, true), ("é\\s", true, all, true), ("Zebra|QUICK", true, all, true),
            ("tests pass: [0-9]", true, all, true),
            ("zebra", false, [.command], true), ("zebra", false, [.output], true), ("zebra", false, [.title], false),
            ("zebra", false, [.state], true), ("zebra", false, [.prompt], true), ("zebra", false, [.reply], true),
            ("zebra", false, [.command, .output], true), ("login", false, [.prompt, .reply], true), ("Component", false, [.title], true),
            ("make zebra", false, [.output], nil), ("alert", false, [.state, .title], nil),
            ("tusk", false, all, true), ("printf", false, [.command], true), ("walrus", false, [.output], true),
        ]
        for (name, interaction) in world.interactions.sorted(by: { $0.key < $1.key }) where ["grep", "binary", "pending", "live"].contains(name) {
            queries.append((interaction, false, all, true))
            queries.append((interaction.uppercased(), false, all, false))
        }
        return queries
    }

    /// Sessions where two answers differ, for the failure message.
    static func difference(_ got: [Session.ID: SessionHits], _ expected: [Session.ID: SessionHits]) -> String {
        Set(got.keys).union(expected.keys).sorted().compactMap { id -> String? in
            guard got[id] != expected[id] else { return nil }
            return "session \(id):\n  scan:      \(got[id].map { "\($0)" } ?? "none")\n  reference: \(expected[id].map { "\($0)" } ?? "none")"
        }.joined(separator: "\n")
    }

    @Test("the file store's scan, the default path over a memory store and the reference matcher give exactly the same hits")
    func equivalence() throws {
        let world = try SearchWorld()
        let registry = try world.store.registry()
        let targets = try world.allTargets()
        #expect(targets.count > 45)
        var sessions: [Session.ID: Session] = [:]
        var unreadable = Set<Session.ID>()
        for target in targets {
            do {
                let session = try #require(try world.store.session(id: target.id))
                sessions[target.id] = session
            } catch {
                unreadable.insert(target.id)
            }
        }
        #expect(unreadable == world.damaged)
        let memory = MemoryStore(registry: registry)
        try memory.write { transaction in for session in sessions.values { transaction.put(session) } }
        let readable = targets.filter { sessions[$0.id] != nil }
        // The same sessions in PostgreSQL, whose search the server narrows, when a server is at hand.
        let database = TestDatabase.isAvailable ? try TestDatabase() : nil
        let postgres = try database.map { database in
            let store = try PostgresStore(conninfo: database.owner)
            try store.write { transaction in
                transaction.registry = registry
                for session in sessions.values { transaction.put(session) }
            }
            return store
        }

        for (line, regex, fields, finds) in Self.queries(world) {
            for kept in [1, 3, 50] {
                let search = try SearchFixtures.search(line, regex: regex, fields: fields, kept: kept)
                let label = "\(regex ? "--regex " : "")\(line) --in \(fields.map(\.rawValue).sorted()) --hits \(kept)"
                var expected: [Session.ID: SessionHits] = [:]
                for target in readable {
                    let session = sessions[target.id]!
                    let hits = search.hits(in: session, title: target.title ?? SessionTitle.of(session, registry: registry))
                    if hits.total > 0 { expected[target.id] = hits }
                }
                if let finds { #expect(expected.isEmpty != finds, "\(label): the fixture should \(finds ? "" : "not ")match") }

                let file = try SearchFixtures.outcomes(world.store, search, targets, registry: registry)
                let fileHits = SearchFixtures.hits(file.outcomes).filter { !world.damaged.contains($0.key) }
                #expect(fileHits == expected, "\(label)\n\(Self.difference(fileHits, expected))")
                // In the targets' order, each session at most once, every target counted.
                let order = file.outcomes.map { outcome -> Int in
                    switch outcome {
                    case .hits(let hits): targets.firstIndex { $0.id == hits.sessionID }!
                    case .unreadable(let id, _): targets.firstIndex { $0.id == id }!
                    }
                }
                #expect(order == order.sorted() && Set(order).count == order.count, "\(label)")
                #expect(file.searched.last == targets.count && file.searched == file.searched.sorted())
                // Damage is reported only where there is some, and always where a log is shorter than its head says.
                let damaged = SearchFixtures.unreadable(file.outcomes)
                #expect(damaged.isSubset(of: world.damaged), "\(label)")
                #expect(damaged.contains(world["short"]), "\(label)")
                // A damaged file the words are in is reported, not skipped. (A line the
                // scan settles on its bytes is not decoded, so its damage may go unseen.)
                if line == "zebra" && fields == Self.all { #expect(damaged.isSuperset(of: [world["garbage"], world["short"]])) }

                let defaultPath = try SearchFixtures.outcomes(memory, search, readable, registry: registry)
                #expect(SearchFixtures.hits(defaultPath.outcomes) == expected, "\(label)")
                #expect(defaultPath.outcomes.count == expected.count)
                if let postgres {
                    let narrowed = try SearchFixtures.outcomes(postgres, search, readable, registry: registry)
                    #expect(SearchFixtures.hits(narrowed.outcomes) == expected, "postgres: \(label)\n\(Self.difference(SearchFixtures.hits(narrowed.outcomes), expected))")
                    let order = narrowed.outcomes.map { outcome in readable.firstIndex { $0.id == outcome.sessionID }! }
                    #expect(order == order.sorted(), "postgres: \(label): in the targets' order")
                }
            }
        }
    }

    @Test("a step that stops the search stops it: no further session is searched")
    func stopping() throws {
        let world = try SearchWorld()
        let registry = try world.store.registry()
        let targets = try world.allTargets()
        var batches = 0
        try world.store.search(try SearchFixtures.search("zebra"), targets: targets, registry: registry) { batch in
            batches += 1
            #expect(batch.searched < targets.count)
            return false
        }
        #expect(batches == 1)
    }
}

/// A log line written by hand with JSON's other blanks between a member's
/// name and its colon: the walk that settles lines on their bytes must know
/// the member as the decoder does (found by the fuzzer: a tab there made the
/// walk take stdout's text for the error message's).
@Suite("Log lines settled on their bytes")
struct LogLineCheckTests {
    /// The escapes of a JSON string's raw text read from its start, one by one.
    static func spellsNewlineSlowly(_ raw: [UInt8]) -> Bool {
        var index = 0
        while index < raw.count {
            guard raw[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            if index + 1 < raw.count, raw[index + 1] == UInt8(ascii: "u") {
                if index + 6 <= raw.count, UInt32(String(decoding: raw[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16) == 0x0A { return true }
                index += 6
            } else {
                index += 2
            }
        }
        return false
    }

    @Test("a line feed spelled \\u000a is found in one pass as escape by escape, and an escaped backslash before it is text")
    func spelledLineFeed() {
        let pieces = ["a", "x", "u000a", "\\n", "\\\\", "\\u000a", "\\u000A", "\\u0041", "\\\"", "é", "0"]
        var generator = SystemRandomNumberGenerator()
        var spelled = 0
        for _ in 0..<3000 {
            let raw = Array((0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined().utf8)
            let padded = [UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")]
            let found = padded.withUnsafeBufferPointer { LogLineCheck.spellsNewline($0, 1..<(padded.count - 1)) }
            #expect(found == Self.spellsNewlineSlowly(raw), "\(String(decoding: raw, as: UTF8.self))")
            if found { spelled += 1 }
        }
        #expect(spelled > 100, "the pieces spell a line feed often enough to test both answers")
    }

    @Test("a string holding no needle is not split again: a line feed spelled there does not stop a hit in the next")
    func spelledLineFeedElsewhere() throws {
        let line = #"{"n":0,"interaction":{"id":"4e045728-6ee8-4dd2-8c18-77d8545272b9","command":{"command":"ls","timestamp":"2026-12-07T06:33:59Z"},"result":{"status":"error","stdout":"one\u000atwo","stderr":"first\nred alert"}}}"#
        let search = try SearchFixtures.search("red", fields: [.output])
        let check = try #require(RawSearchPlan(search).lineCheck)
        let bytes = Array(line.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            var strings: LogLineCheck.Strings? = LogLineCheck.Strings()
            #expect(check.settle(buffer, 0..<buffer.count, plainOutput: true, keeping: &strings) == .matches)
            let kept = try #require(strings)
            #expect(kept.lacksEveryNeedle(.stdout) && !kept.lacksEveryNeedle(.stderr))
            let hit = try #require(check.hit(buffer, strings: kept, position: 0, query: search.query))
            #expect(hit.part == .stderr && hit.line == "red alert" && hit.lineNumber == 1)
        }
        // Where the needle is in the string that spells it, the interaction is decoded instead.
        let inStdout = Array(line.replacingOccurrences(of: "one", with: "red").utf8)
        inStdout.withUnsafeBufferPointer { buffer in
            #expect(check.hit(buffer, 0..<buffer.count, position: 0, query: search.query) == nil)
        }
    }

    @Test("tabs, newlines and carriage returns before a colon still name the member", arguments: ["\t\t", " \r ", "\t \t"])
    func blanksBeforeColon(_ blank: String) throws {
        let line = #"{"n":0,"interaction":{"id":"4e045728-6ee8-4dd2-8c18-77d8545272b9","command":{"command":"ls","timestamp":"2026-12-07T06:33:59Z"},"result":{"status":"error","error_message":"exit 1","stdout""# + blank + #":"red alert\nstart"}}}"#
        let search = try SearchFixtures.search("red", fields: [.output])
        let plan = RawSearchPlan(search)
        let check = try #require(plan.lineCheck)
        let bytes = Array(line.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            #expect(check.check(buffer, 0..<buffer.count) == .matches)
            let hit = try #require(check.hit(buffer, 0..<buffer.count, position: 0, query: search.query))
            #expect(hit.part == .stdout && hit.line == "red alert" && hit.lineNumber == 0)
        }
        // Only the error message searched: the stdout's text is not taken for it.
        let errorOnly = try SearchFixtures.search("red", fields: [.command])
        let other = try #require(RawSearchPlan(errorOnly).lineCheck)
        bytes.withUnsafeBufferPointer { buffer in #expect(other.check(buffer, 0..<buffer.count) == .fails) }
    }
}
