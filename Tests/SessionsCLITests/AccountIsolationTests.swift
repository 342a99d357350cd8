import Glibc
import Testing
@testable import SessionsKit
import TestSupport

/// Two accounts share one store and are built to be confused: the same
/// project and component names, the same types, statuses, modules and
/// commands, the same Claude Code tool call ids, one conversation both
/// recorded, interleaved ids, and state that names the other account's id.
/// Every field of each account carries that account's own marker, so a
/// single leaked byte of the other account shows up in any output.
///
/// Each path runs on a private copy of one prepared store, once per way of
/// choosing the account and in both directions, and must (1) never print the
/// other account's marker, (2) refuse the other account's ids exactly as it
/// refuses ids that do not exist, so a refusal says nothing about existence,
/// and (3) leave the other account's session files, summaries, projects and
/// components exactly as they were.
@Suite("Account isolation")
struct AccountIsolationTests {
    /// One account's part of the prepared store.
    struct Side {
        var account: Int
        var marker: String
        var project: Int
        var component: Int
        /// Coding sessions: active, complete, failed.
        var coding: [Int] = []
        /// The finished interaction of each coding session.
        var interactions: [String] = []
        /// Its Claude Code transcript, imported, plus one call recorded live.
        var transcript = ""
        var conversation = ""
        var claude = 0
        /// The session of the conversation both accounts recorded.
        var shared = 0
        /// What `export` wrote for this account.
        var export = ""
        /// The name of a project only this account has.
        var solo: String { account == 1 ? "solo-alice" : "solo-bob" }
        /// Every session of the account.
        var all: Set<Int> = []
    }

    /// A conversation id both accounts recorded from hooks.
    static let sharedConversation = "c0ffee00-0000-4000-8000-000000000042"
    static let freeSession = 999
    static let freeRegistryID = 99
    static let freeInteraction = "00000000-0000-4000-8000-00000000beef"
    static let time = "2026-11-25T11:00:00Z"

    /// The ways a command learns the account. The last two check precedence:
    /// the other account named by a weaker source must lose.
    enum Selector: String, CaseIterable {
        case flag = "--account"
        case environment = "SESSIONS_ACCOUNT"
        case configFile = "config file"
        case flagOverEnvironment = "--account over SESSIONS_ACCOUNT"
        case environmentOverConfigFile = "SESSIONS_ACCOUNT over config file"
    }

    /// One path run as `actor` on a fresh copy of the store. Every output is
    /// kept for the marker check.
    final class Run {
        let cli: CLIHarness
        let actor: Side
        let victim: Side
        let selector: Selector
        let files: String
        var outputs: [(arguments: [String], text: String)] = []
        /// Outputs from here on may show the other account's marker: the
        /// actor imported a copy of that account's sessions into its own.
        var importedOtherData: Int?

        /// On PostgreSQL: this run's copy of the database, whose rows alone the owner's picture reads.
        let database: TestDatabase?

        init(template: String, actor: Side, victim: Side, selector: Selector, files: String,
             database prepared: DatabaseTemplate? = nil) throws {
            cli = CLIHarness()
            if let prepared {
                // The store is a fresh copy of the database, reached as the actor's own login.
                let copy = try TestDatabase(copying: prepared.database)
                database = copy
                cli.variables["SESSIONS_STORE"] = copy.conninfo(user: prepared.logins[actor.account]!)
            } else {
                database = nil
                copyTree(template, cli.storeRoot)
                StoreCopies.adopt(cli.storeRoot)
            }
            self.actor = actor
            self.victim = victim
            self.selector = selector
            self.files = files
            switch selector {
            case .configFile: try cli.ok(["account", "use", String(actor.account)])
            case .environmentOverConfigFile: try cli.ok(["account", "use", String(victim.account)])
            default: break
            }
        }

        @discardableResult
        func run(_ arguments: [String], stdin: [UInt8] = [], env: [String: String] = [:]) -> CLIHarness.Result {
            var arguments = arguments
            var env = env
            switch selector {
            case .flag:
                arguments += ["--account", String(actor.account)]
            case .environment, .environmentOverConfigFile:
                env["SESSIONS_ACCOUNT"] = String(actor.account)
            case .configFile:
                break
            case .flagOverEnvironment:
                arguments += ["--account", String(actor.account)]
                env["SESSIONS_ACCOUNT"] = String(victim.account)
            }
            let result = cli.run(arguments, stdin: stdin, env: env)
            outputs.append((arguments, result.stdout + result.stderr))
            return result
        }

        /// Runs and requires success.
        @discardableResult
        func ok(_ arguments: [String], stdin: [UInt8] = [], env: [String: String] = [:],
                sourceLocation: SourceLocation = #_sourceLocation) -> String {
            let result = run(arguments, stdin: stdin, env: env)
            #expect(result.status == 0, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
            return result.stdout
        }

        func json(_ arguments: [String], stdin: [UInt8] = [], env: [String: String] = [:],
                  sourceLocation: SourceLocation = #_sourceLocation) -> JSONValue? {
            let text = ok(arguments, stdin: stdin, env: env, sourceLocation: sourceLocation)
            let value = try? JSONParser.parse(text)
            #expect(value != nil, "\(arguments) printed no JSON: \(text)", sourceLocation: sourceLocation)
            return value
        }

        /// The ids `list --json` shows the actor.
        func listedIDs(_ extra: [String] = []) -> Set<Int> {
            Set(json(["list", "--json"] + extra)?.arrayValue?.compactMap { $0.objectValue?["id"]?.intValue } ?? [])
        }

        /// The refusal of the other account's `taken` id must read exactly as
        /// the refusal of `free`, an id nothing has: same status, same output
        /// once the id itself is set aside.
        func refusedLikeFree(_ command: (String) -> [String], taken: String, free: String, stdin: [UInt8] = [],
                             sourceLocation: SourceLocation = #_sourceLocation) {
            let a = run(command(taken), stdin: stdin), b = run(command(free), stdin: stdin)
            #expect(a.status != 0, "\(command(taken)) was not refused: \(a.stdout)", sourceLocation: sourceLocation)
            #expect(a.status == b.status, "\(command(taken))", sourceLocation: sourceLocation)
            #expect(Self.blank(a.stdout, taken) == Self.blank(b.stdout, free), sourceLocation: sourceLocation)
            #expect(Self.blank(a.stderr, taken) == Self.blank(b.stderr, free),
                    "\(a.stderr) differs from \(b.stderr)", sourceLocation: sourceLocation)
        }

        func refusedLikeFree(_ command: (String) -> [String], taken: Int, free: Int, stdin: [UInt8] = [],
                             sourceLocation: SourceLocation = #_sourceLocation) {
            refusedLikeFree(command, taken: String(taken), free: String(free), stdin: stdin, sourceLocation: sourceLocation)
        }

        /// `text` with `id` (as a whole word) replaced by a placeholder.
        static func blank(_ text: String, _ id: String) -> String {
            func isWord(_ character: Character?) -> Bool { character.map { $0.isLetter || $0.isNumber || $0 == "-" } ?? false }
            var result = "", rest = Substring(text)
            while let found = rest.firstRange(of: id) {
                let before = found.lowerBound > rest.startIndex ? rest[rest.index(before: found.lowerBound)] : result.last
                let after = found.upperBound < rest.endIndex ? rest[found.upperBound] : nil
                result += rest[..<found.lowerBound]
                result += isWord(before) || isWord(after) ? id : "<ID>"
                rest = rest[found.upperBound...]
            }
            return result + rest
        }

        var storeRoot: String { cli.storeRoot }
    }

    struct Path: Sendable {
        var name: String
        /// What the store looks like before the path runs, when not as prepared.
        var breaking: Breakage?
        var check: @Sendable (Run) throws -> Void
        init(_ name: String, breaking: Breakage? = nil, _ check: @escaping @Sendable (Run) throws -> Void) {
            self.name = name
            self.breaking = breaking
            self.check = check
        }
    }

    /// Session files of the other account that cannot be read: that is its
    /// own trouble, and to everyone else they must be as absent as ever.
    enum Breakage: Sendable {
        case claudeSession, sharedSession, everySession
        /// Every session file broken, then `doctor --repair` keeps each in
        /// the index with its last summary, marked damaged.
        case everySessionMarkedDamaged
        /// Every session file cut off just after the account it names, and
        /// the index lost: the rebuild lists them, damaged, to their owner.
        case everySessionCutIndexLost
        /// Not broken: the other account ran `demo` first, so its projects
        /// and components carry the names the actor's `demo` looks for.
        case otherRanDemo

        func apply(to run: Run) {
            let ids: [Int]
            switch self {
            case .everySessionMarkedDamaged:
                Breakage.everySession.apply(to: run)
                #expect(run.cli.run(["doctor", "--repair"]).status == 1, "the damage stays for its owner")
                return
            case .everySessionCutIndexLost:
                for id in run.victim.all {
                    let path = run.storeRoot + "/sessions/\(id).json"
                    let text = TestFiles.readText(path) ?? ""
                    // The session's own member (in a head, four spaces in); state's own `account_id` deeper.
                    let line = (text.firstRange(of: "\n    \"account_id\": ") ?? text.firstRange(of: "\n  \"account_id\": "))!
                    let end = text[line.upperBound...].firstIndex(of: "\n")!
                    TestFiles.write(path, String(text[...end]))
                }
                unlink(run.storeRoot + "/index.jsonl")
                return
            case .otherRanDemo:
                let result = run.cli.run(["demo", "--sessions", "4", "--interactions", "1", "--now", time,
                                          "--account", String(run.victim.account)])
                #expect(result.status == 0, "\(result.stderr)")
                return
            case .claudeSession: ids = [run.victim.claude]
            case .sharedSession: ids = [run.victim.shared]
            case .everySession: ids = run.victim.all.sorted()
            }
            for id in ids { TestFiles.write(run.storeRoot + "/sessions/\(id).json", "{\"id\": \(id), \"broken") }
        }
    }

    /// The prepared store copied into a database, with a login per account
    /// that is a member of that account alone.
    struct DatabaseTemplate: @unchecked Sendable {
        let database: TestDatabase
        let logins: [Int: String]
    }

    /// Paths that break or repair the file store's own files, which a database does not have.
    static func runsOnDatabase(_ path: Path) -> Bool {
        path.breaking == nil && !["config file naming the other account's project", "doctor, doctor --repair"].contains(path.name)
    }

    @Test("on PostgreSQL, as each account's own login: no command, filter, export, import or hook shows or touches the other account's sessions",
          .enabled(if: TestDatabase.isAvailable, Comment(rawValue: TestDatabase.skipReason)))
    func everyPathOnDatabase() async throws {
        let files = TemporaryDirectory("sessions-isolation-files")
        let (template, sides) = try Self.prepare(files: files.path)
        let database = try TestDatabase()
        try template.ok(["copy", "--from", template.storeRoot, "--to", database.owner])
        let logins = try Dictionary(uniqueKeysWithValues: sides.map { side in
            (side.account, try database.memberRole("m\(side.account)", accounts: [side.account]))
        })
        let prepared = DatabaseTemplate(database: database, logins: logins)
        let paths = Self.paths.filter(Self.runsOnDatabase)
        let started = ContinuousClock.now
        let checked = try await withThrowingTaskGroup(of: Int.self) { group in
            for (actor, victim) in [(sides[1], sides[0]), (sides[0], sides[1])] {
                group.addTask {
                    try Self.check(paths, actor: actor, victim: victim, selector: .flag, template: template.storeRoot, files: files.path,
                                   database: prepared)
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(checked == paths.count * 2)
        #expect(paths.count >= 60)
        let seconds = (ContinuousClock.now - started).components.seconds
        print("isolation on PostgreSQL: \(paths.count) paths × 2 directions = \(checked) runs checked in \(seconds) s")
    }

    @Test("no command, filter, export, import or hook shows or touches the other account's sessions")
    func everyPath() async throws {
        let files = TemporaryDirectory("sessions-isolation-files")
        let (template, sides) = try Self.prepare(files: files.path)
        let paths = Self.paths
        #expect(Set(paths.map(\.name)).count == paths.count, "path names are unique")
        let started = ContinuousClock.now
        let combinations = [(sides[1], sides[0]), (sides[0], sides[1])].flatMap { pair in Selector.allCases.map { (pair.0, pair.1, $0) } }
        // Every run has its own copy of the store, so the combinations run
        // side by side.
        let checked = try await withThrowingTaskGroup(of: Int.self) { group in
            for (actor, victim, selector) in combinations {
                group.addTask {
                    try Self.check(paths, actor: actor, victim: victim, selector: selector, template: template.storeRoot, files: files.path)
                }
            }
            return try await group.reduce(0, +)
        }
        let perDirection = paths.count * Selector.allCases.count
        #expect(checked == perDirection * 2)
        let seconds = (ContinuousClock.now - started).components.seconds
        print("isolation: \(paths.count) paths × \(Selector.allCases.count) ways to choose the account × 2 directions = \(checked) runs checked in \(seconds) s")
    }

    /// Runs every path as `actor` and returns how many were checked.
    static func check(_ paths: [Path], actor: Side, victim: Side, selector: Selector, template: String, files: String,
                      database: DatabaseTemplate? = nil) throws -> Int {
        var checked = 0
        for path in paths {
            let run = try Run(template: template, actor: actor, victim: victim, selector: selector, files: files, database: database)
            path.breaking?.apply(to: run)
            let before = try picture(of: victim, in: run)
            try path.check(run)
            #expect(!run.outputs.isEmpty, "\(path.name) ran nothing")
            for output in run.outputs.prefix(run.importedOtherData ?? .max) where output.text.contains(victim.marker) {
                Issue.record("""
                    \(path.name) [\(selector.rawValue), account \(actor.account)]: \
                    `sessions \(output.arguments.joined(separator: " "))` showed account \(victim.account)'s data:
                    \(output.text)
                    """)
            }
            let after = try picture(of: victim, in: run)
            #expect(after == before,
                    "\(path.name) [\(selector.rawValue), account \(actor.account)] changed account \(victim.account)'s sessions")
            checked += 1
        }
        return checked
    }

    // MARK: - What must not change

    /// Everything of `side` in the store: its session files byte for byte,
    /// its summaries as the index and journal give them, its projects and
    /// components.
    struct Picture: Equatable {
        var files: [String: [UInt8]]
        var summaries: [SessionSummary]
        var projects: [Project]
        var components: [Component]
    }

    /// On PostgreSQL the sessions' JSON stands for their files, read as the owner.
    static func picture(of side: Side, in run: Run) throws -> Picture {
        guard let database = run.database else { return try picture(of: side, root: run.storeRoot) }
        let store = try PostgresStore(conninfo: database.owner)
        let catalog = try store.catalog()
        let account = Account.ID(side.account)
        let summaries = catalog.summaries.filter { $0.accountID == account }
        var files: [String: [UInt8]] = [:]
        for summary in summaries {
            files["\(summary.id)"] = try store.session(id: summary.id).map { JSONWriter.bytes(.object($0.jsonObject)) }
        }
        return Picture(files: files, summaries: summaries, projects: catalog.registry.projects.filter { $0.accountID == account },
                       components: catalog.registry.components.filter { $0.accountID == account })
    }

    static func picture(of side: Side, root: String) throws -> Picture {
        let store = try FileStore(root: root, options: FileStore.Options(initialAccountName: "alice"))
        let catalog = try store.catalog()
        let files = TestFiles.snapshot(root + "/sessions").filter { name, _ in
            name.hasSuffix(".json") && Int(name.dropLast(5)).map(side.all.contains) == true
        }
        let account = Account.ID(side.account)
        return Picture(files: files, summaries: catalog.summaries.filter { $0.accountID == account },
                       projects: catalog.registry.projects.filter { $0.accountID == account },
                       components: catalog.registry.components.filter { $0.accountID == account })
    }

    // MARK: - The store

    /// Builds the store both accounts share. Account 1 (alice) exists from
    /// the start; account 2 (bob) is added. Ids alternate between them.
    static func prepare(files: String) throws -> (CLIHarness, [Side]) {
        let cli = CLIHarness()
        try cli.ok(["project", "list"])  // creates the store with account 1
        #expect(try cli.ok(["account", "add", "bob"]) == "2")
        var sides: [Side] = []
        for account in 1...2 {
            let as_ = ["--account", String(account)]
            let project = try #require(Int(try cli.ok(["project", "add", "shop"] + as_)))
            let component = try #require(Int(try cli.ok(["component", "add", "Shop.Cart", "--project", String(project)] + as_)))
            // A project only this account has, for the hook to find by its folder's name.
            try cli.ok(["project", "add", account == 1 ? "solo-alice" : "solo-bob"] + as_)
            sides.append(Side(account: account, marker: account == 1 ? "MARK-ALICE-7f3a" : "MARK-BOB-91c2",
                              project: project, component: component))
        }
        for round in 0..<3 {
            for index in 0..<2 {
                let side = sides[index], other = sides[1 - index]
                let as_ = ["--account", String(side.account)]
                let m = side.marker
                let state = #"{"note":"\#(m) round \#(round)","account_id":\#(other.account),"quoted":"\"account_id\":\#(other.account)"}"#
                let id = try cli.ok(["new", "--type", "ComponentCodingSessions", "--agent", "claude_code", "--environment", "local",
                                     "--component", String(side.component), "--project", String(side.project), "--state", state] + as_)
                let step = try cli.ok(["interaction", "add", id, "--module", "Elixir.Shop.Steps.RunTests",
                                       "--command", "mix test --seed \(m)", "--pipe", "\(m) pipe", "--step", "\(m) step"] + as_)
                try cli.ok(["interaction", "complete", id, step, "--status", "error", "--code", "1", "--stdout", "\(m) stdout",
                            "--stderr", "\(m) stderr", "--error-message", "\(m) failed", "--duration-ms", "5",
                            "--data", #"{"note":"\#(m) data"}"#] + as_)
                try cli.ok(["interaction", "add", id, "--module", "Elixir.Shop.Steps.RunTests", "--command", "mix test \(m) pending"] + as_)
                if round > 0 { try cli.ok(["set-status", id, round == 1 ? "complete" : "failed"] + as_) }
                sides[index].coding.append(try #require(Int(id)))
                sides[index].interactions.append(step)
            }
        }
        // The same transcript shape for both, under different conversation
        // ids: the same cwd, tool call ids and commands, no marker (the marker
        // comes with a call recorded live afterwards).
        for index in 0..<2 {
            let as_ = ["--account", String(sides[index].account)]
            let conversation = index == 0 ? "aaaaaaaa-0000-4000-8000-000000000001" : "bbbbbbbb-0000-4000-8000-000000000002"
            let path = files + "/projects/-home-u-work-api/\(conversation).jsonl"
            let text = (TranscriptFixtures.newPart1 + TranscriptFixtures.newPart2)
                .replacing(TranscriptFixtures.newSession, with: conversation)
            TranscriptFixtures.write(text, to: path, modified: Timestamp(iso8601: "2026-02-10T21:13:00Z")!)
            try cli.ok(["import", "claude-code", path] + as_)
            sides[index].transcript = path
            sides[index].conversation = conversation
            try cli.ok(["hook", "claude-code"] + as_, stdin: hook("PreToolUse", conversation, #","tool_name":"Bash","tool_input":{"command":"\#(sides[index].marker) live"},"tool_use_id":"toolu_live""#))
        }
        for index in 0..<2 {
            let as_ = ["--account", String(sides[index].account)]
            try cli.ok(["hook", "claude-code"] + as_, stdin: hook("SessionStart", sharedConversation, #","source":"startup""#))
            try cli.ok(["hook", "claude-code"] + as_, stdin: hook("PreToolUse", sharedConversation, #","tool_name":"Bash","tool_input":{"command":"\#(sides[index].marker) shared"},"tool_use_id":"toolu_shared""#))
        }
        #expect(!TestFiles.exists(cli.storeRoot + "/hook.log"))
        for index in 0..<2 {
            let as_ = ["--account", String(sides[index].account)]
            let listed = try #require(try cli.json(["list", "--json"] + as_).arrayValue?.compactMap { $0.objectValue })
            sides[index].all = Set(listed.compactMap { $0["id"]?.intValue })
            func conversationSession(_ key: String) throws -> Int {
                try #require(listed.first { $0["external_conversation_id"]?.stringValue == key }?["id"]?.intValue)
            }
            sides[index].claude = try conversationSession(sides[index].conversation)
            sides[index].shared = try conversationSession(sharedConversation)
            sides[index].export = files + "/export-\(sides[index].account).json"
            try cli.ok(["export", "-o", sides[index].export] + as_)
            // Every field that can hold text holds the marker: the checks
            // below are only as good as this.
            let shown = try #require(try cli.json(["show", String(sides[index].coding[0]), "--json"] + as_).objectValue)
            let step = try #require(shown["interactions"]?.arrayValue?.first?.objectValue)
            let command = step["command"]?.objectValue, result = step["result"]?.objectValue
            let fields: [JSONValue?] = [shown["state"]?.objectValue?["note"], command?["command"], command?["pipe"], step["step_name"],
                                        result?["stdout"], result?["stderr"], result?["error_message"], result?["data"]?.objectValue?["note"]]
            for (position, field) in fields.enumerated() {
                #expect(field?.stringValue?.contains(sides[index].marker) == true, "field \(position): \(String(describing: field))")
            }
            #expect(TestFiles.readText(sides[index].export)?.contains(sides[index].marker) == true)
        }
        // Interleaved and of equal shape.
        #expect(sides[0].coding == [1, 3, 5] && sides[1].coding == [2, 4, 6])
        #expect(sides[0].all.count == sides[1].all.count && sides[0].all.isDisjoint(with: sides[1].all))
        #expect(sides[0].project != sides[1].project && sides[0].component != sides[1].component)
        return (cli, sides)
    }

    static func hook(_ event: String, _ conversation: String, _ extra: String = "") -> [UInt8] {
        Array(#"{"session_id":"\#(conversation)","transcript_path":"/home/u/.claude/projects/-home-u-work-api/\#(conversation).jsonl","cwd":"/home/u/work/api","permission_mode":"default","hook_event_name":"\#(event)"\#(extra)}"#.utf8)
    }

    /// A CodeMySpec document whose records take the ids, types and times of
    /// `side`'s sessions, exactly what the importer matches a session by,
    /// with neutral content and no interactions.
    static func lookalikes(of side: Side, renumberedFrom base: Int? = nil) throws -> [UInt8] {
        let export = try JSONParser.parse(try #require(TestFiles.read(side.export)))
        let records = try #require(export.objectValue?["data"]?.arrayValue?.compactMap { $0.objectValue })
        let made: [JSONValue] = records.enumerated().map { index, record in
            var object = JSONObject()
            for key in ["id", "type", "status", "account_id", "inserted_at", "updated_at"] {
                if let value = record[key] { object.append(key, value) }
            }
            if let base { object["id"] = .int(base + index) }
            object.append("state", .object(JSONObject(["note": .string("lookalike")])))
            object.append("interactions", .array([]))
            return .object(object)
        }
        return JSONWriter.bytes(.object(JSONObject(["data": .array(made)])))
    }

    // MARK: - The paths

    static let paths: [Path] = listPaths + showPaths + changePaths + registryPaths + importPaths + hookPaths + otherPaths
        + unreadablePaths + searchPaths

    /// The ids of the sessions a `search --json` printed.
    static func searchedIDs(_ r: Run, _ arguments: [String]) -> Set<Int> {
        let run = r.run(["search", "--json"] + arguments)
        return Set((try? JSONParser.parse(run.stdout))?.arrayValue?.compactMap { $0.objectValue?["id"]?.intValue } ?? [])
    }

    static let searchPaths: [Path] = [
        Path("search for what both accounts hold") { r in
            // "MARK" begins both markers, and both accounts ran the same commands.
            for query in [["MARK"], ["live"], ["shared"], [r.actor.marker], ["--regex", "MARK-[A-Z]+"]] {
                let ids = searchedIDs(r, query)
                #expect(!ids.isEmpty && ids.isSubset(of: r.actor.all), "\(query): \(ids)")
            }
            r.ok(["search", "MARK", "--hits", "50"])
        },
        Path("search for the other account's marker, ids and conversation") { r in
            // Its marker less "MARK-", so that the reply's echo of the query is no leak.
            #expect(r.run(["search", String(r.victim.marker.dropFirst(5))]).status == 1, "nothing of the other account matches")
            for id in [r.victim.coding[0], r.victim.claude] {
                let ids = searchedIDs(r, [String(id)])
                #expect(!ids.contains(id), "another account's id names nothing: \(ids)")
            }
            let ids = searchedIDs(r, [String(r.victim.conversation.prefix(8))])
            #expect(ids.isSubset(of: r.actor.all))
        },
        Path("search (the other account's sessions unreadable)", breaking: .everySession) { r in
            let run = r.run(["search", "MARK"])
            #expect(run.status == 0 && run.stderr.isEmpty, "their files are never opened: \(run.stderr)")
            #expect(searchedIDs(r, ["MARK"]).isSubset(of: r.actor.all))
        },
    ]

    static let unreadablePaths: [Path] = [
        Path("show, set-status, delete, interaction add (the other account's sessions unreadable)", breaking: .everySession) { r in
            for id in [r.victim.coding[0], r.victim.claude] {
                r.refusedLikeFree({ ["show", $0, "--full"] }, taken: id, free: freeSession)
                r.refusedLikeFree({ ["set-status", $0, "failed"] }, taken: id, free: freeSession)
                r.refusedLikeFree({ ["delete", $0] }, taken: id, free: freeSession)
                r.refusedLikeFree({ ["interaction", "add", $0, "--module", "M", "--command", "C"] }, taken: id, free: freeSession)
            }
        },
        Path("list, export (the other account's sessions unreadable)", breaking: .everySession) { r in
            #expect(r.listedIDs() == r.actor.all)
            let ids = (try? JSONParser.parse(r.ok(["export"])))?.objectValue?["data"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.intValue }
            #expect(ids.map(Set.init) == r.actor.all)
        },
        Path("hook PreToolUse (the other account's conversation, its session unreadable)", breaking: .claudeSession) { r in
            r.ok(["hook", "claude-code"], stdin: hook("PreToolUse", r.victim.conversation,
                                                      #","tool_name":"Bash","tool_input":{"command":"ls"},"tool_use_id":"toolu_live""#))
            #expect(r.listedIDs().count == r.actor.all.count + 1, "a session of the actor's own")
            #expect(TestFiles.readText(r.storeRoot + "/hook.log") == nil)
        },
        Path("hook PostToolUse (shared conversation, the other account's session unreadable)", breaking: .sharedSession) { r in
            r.ok(["hook", "claude-code"], stdin: hook("PostToolUse", sharedConversation,
                                                      #","tool_name":"Bash","tool_input":{"command":"x"},"tool_use_id":"toolu_shared","tool_response":{"stdout":"done","stderr":""}"#))
            let shown = r.json(["show", String(r.actor.shared), "--json"])?.objectValue
            let results = shown?["interactions"]?.arrayValue?.compactMap { $0.objectValue?["result"]?.objectValue } ?? []
            #expect(results.count == 1, "the actor's own pending call got the result")
            #expect(TestFiles.readText(r.storeRoot + "/hook.log") == nil)
        },
        Path("import codemyspec (the other account's ids, types and times, their files unreadable)", breaking: .everySession) { r in
            let free = try lookalikes(of: r.victim, renumberedFrom: freeSession)
            let a = r.run(["import", "codemyspec", "--json", "-"], stdin: try lookalikes(of: r.victim))
            let b = r.run(["import", "codemyspec", "--json", "-"], stdin: free)
            #expect(a.status == 0 && a.status == b.status, "\(a.stderr)")
            let report = (try? JSONParser.parse(a.stdout))?.objectValue
            #expect(report?["created"] == .int(r.victim.all.count) && report?["updated"] == .int(0))
        },
        Path("list, show, set-status, delete (the other account's sessions marked damaged)", breaking: .everySessionMarkedDamaged) { r in
            #expect(r.listedIDs() == r.actor.all)
            let table = r.run(["list"])
            #expect(!table.stdout.contains("damaged") && !table.stderr.contains("damaged"))
            for id in [r.victim.coding[0], r.victim.claude] {
                r.refusedLikeFree({ ["show", $0] }, taken: id, free: freeSession)
                r.refusedLikeFree({ ["set-status", $0, "failed"] }, taken: id, free: freeSession)
                r.refusedLikeFree({ ["delete", $0] }, taken: id, free: freeSession)
            }
        },
        Path("list, show, delete (the other account's sessions damaged and the index lost)", breaking: .everySessionCutIndexLost) { r in
            #expect(r.listedIDs() == r.actor.all)
            #expect(!r.run(["list"]).stderr.contains("damaged"))
            for id in [r.victim.coding[0], r.victim.claude] {
                r.refusedLikeFree({ ["show", $0, "--json"] }, taken: id, free: freeSession)
                r.refusedLikeFree({ ["delete", $0] }, taken: id, free: freeSession)
            }
        },
        Path("import claude-code (the other account's transcript, its session unreadable)", breaking: .claudeSession) { r in
            let report = r.json(["import", "claude-code", "--json", r.victim.transcript])?.objectValue
            #expect(report?["sessions_created"] == .int(1))
        },
    ]

    static let listPaths: [Path] = [
        Path("list") { r in
            let rows = r.ok(["list"]).split(separator: "\n").dropFirst()
            #expect(Set(rows.compactMap { $0.split(separator: " ").first.flatMap { Int($0) } }) == r.actor.all)
        },
        Path("list --json") { r in
            #expect(r.listedIDs() == r.actor.all)
        },
        Path("list --status active") { r in
            #expect(r.listedIDs(["--status", "active"]).isSubset(of: r.actor.all))
            #expect(r.listedIDs(["--status", "active"]).contains(r.actor.coding[0]))
        },
        Path("list --status complete") { r in
            let ids = r.listedIDs(["--status", "complete"])
            #expect(ids.isSubset(of: r.actor.all) && ids.contains(r.actor.coding[1]))
        },
        Path("list --status failed") { r in
            #expect(r.listedIDs(["--status", "failed"]) == [r.actor.coding[2]])
        },
        Path("list --type ComponentCodingSessions") { r in
            #expect(r.listedIDs(["--type", "ComponentCodingSessions"]) == Set(r.actor.coding))
        },
        Path("list --type ClaudeCodeSessions") { r in
            #expect(r.listedIDs(["--type", "ClaudeCodeSessions"]) == [r.actor.claude, r.actor.shared])
        },
        Path("list --component (own)") { r in
            #expect(r.listedIDs(["--component", String(r.actor.component)]) == Set(r.actor.coding))
        },
        Path("list --component (other account's)") { r in
            r.refusedOrEmptyLikeFree { ["list", "--component", $0] }
        },
        Path("list --project (own)") { r in
            #expect(r.listedIDs(["--project", String(r.actor.project)]) == Set(r.actor.coding))
        },
        Path("list --project (other account's)") { r in
            r.refusedLikeFree({ ["list", "--project", $0] }, taken: r.victim.project, free: freeRegistryID)
        },
        Path("SESSIONS_PROJECT (other account's)") { r in
            let a = r.run(["list"], env: ["SESSIONS_PROJECT": String(r.victim.project)])
            let b = r.run(["list"], env: ["SESSIONS_PROJECT": String(freeRegistryID)])
            #expect(a.status == 1 && a.status == b.status)
            #expect(Run.blank(a.stderr, String(r.victim.project)) == Run.blank(b.stderr, String(freeRegistryID)))
        },
        Path("list --sort id/created/type --limit") { r in
            for sort in ["id", "created", "type", "updated"] {
                let ids = r.json(["list", "--json", "--sort", sort, "--limit", "4"])?.arrayValue?.compactMap { $0.objectValue?["id"]?.intValue } ?? []
                #expect(ids.count == 4 && Set(ids).isSubset(of: r.actor.all), "\(sort)")
            }
        },
        Path("list --json with every filter") { r in
            let ids = r.listedIDs(["--status", "failed", "--type", "ComponentCodingSessions", "--component", String(r.actor.component),
                                   "--project", String(r.actor.project), "--sort", "id"])
            #expect(ids == [r.actor.coding[2]])
        },
    ]

    static let showPaths: [Path] = [
        Path("show (other account's id)") { r in
            for id in r.victim.all.sorted() { r.refusedLikeFree({ ["show", $0] }, taken: id, free: freeSession) }
        },
        Path("show --json (other account's id)") { r in
            r.refusedLikeFree({ ["show", $0, "--json"] }, taken: r.victim.coding[0], free: freeSession)
        },
        Path("show --full (other account's id)") { r in
            r.refusedLikeFree({ ["show", $0, "--full"] }, taken: r.victim.claude, free: freeSession)
        },
        Path("show --full --json (own sessions)") { r in
            for id in r.actor.all.sorted() {
                #expect(r.ok(["show", String(id), "--full"]).hasPrefix("Session \(id) "))
                #expect(r.json(["show", String(id), "--json"])?.objectValue?["id"] == .int(id))
            }
            #expect(r.ok(["show", String(r.actor.coding[0]), "--full"]).contains("\(r.actor.marker) stdout"))
            #expect(r.ok(["show", String(r.actor.shared)]).contains("\(r.actor.marker) shared"))
        },
    ]

    static let changePaths: [Path] = [
        Path("set-status (other account's id)") { r in
            for status in ["active", "complete", "failed"] {
                r.refusedLikeFree({ ["set-status", $0, status] }, taken: r.victim.coding[1], free: freeSession)
            }
        },
        Path("set-status and delete of several ids, one the other account's: refused like a free id, nothing changed") { r in
            let own = String(r.actor.coding[0]), before = r.json(["show", own, "--json"])
            r.refusedLikeFree({ ["set-status", own, $0, "failed"] }, taken: r.victim.coding[1], free: freeSession)
            r.refusedLikeFree({ ["delete", own, $0] }, taken: r.victim.coding[1], free: freeSession)
            #expect(r.json(["show", own, "--json"]) == before, "the actor's own session is as it was")
        },
        Path("delete (other account's id)") { r in
            for id in r.victim.all.sorted() { r.refusedLikeFree({ ["delete", $0] }, taken: id, free: freeSession) }
        },
        Path("interaction add (other account's session)") { r in
            r.refusedLikeFree({ ["interaction", "add", $0, "--module", "M", "--command", "C"] }, taken: r.victim.coding[0], free: freeSession)
        },
        Path("interaction complete (other account's session and interaction)") { r in
            let step = r.victim.interactions[0]
            r.refusedLikeFree({ ["interaction", "complete", $0, step, "--status", "ok", "--stdout", "x"] },
                              taken: r.victim.coding[0], free: freeSession)
        },
        Path("interaction complete --stdout-file - (other account's session)") { r in
            r.refusedLikeFree({ ["interaction", "complete", $0, r.victim.interactions[1], "--status", "ok", "--stdout-file", "-"] },
                              taken: r.victim.coding[1], free: freeSession, stdin: Array("piped".utf8))
        },
        Path("interaction complete (own session, other account's interaction id)") { r in
            r.refusedLikeFree({ ["interaction", "complete", String(r.actor.coding[0]), $0, "--status", "ok"] },
                              taken: r.victim.interactions[0], free: freeInteraction)
        },
        Path("new --component (other account's)") { r in
            r.refusedLikeFree({ ["new", "--type", "ComponentCodingSessions", "--component", $0] },
                              taken: r.victim.component, free: freeRegistryID)
            #expect(r.listedIDs() == r.actor.all, "nothing was created")
        },
        Path("new --project (other account's)") { r in
            r.refusedLikeFree({ ["new", "--type", "ComponentCodingSessions", "--project", $0] },
                              taken: r.victim.project, free: freeRegistryID)
        },
        Path("new, set-status, interaction add/complete, delete (own)") { r in
            let id = r.ok(["new", "--type", "ComponentCodingSessions", "--component", String(r.actor.component)])
                .firstLine
            let step = r.ok(["interaction", "add", id, "--module", "Elixir.Shop.Steps.RunTests", "--command", "mix test"])
                .firstLine
            r.ok(["interaction", "complete", id, step, "--status", "ok"])
            r.ok(["set-status", id, "failed"])
            r.ok(["set-status", String(r.actor.coding[0]), "complete"])
            r.ok(["interaction", "add", String(r.actor.shared), "--module", "Bash", "--command", "ls"])
            #expect(r.listedIDs() == r.actor.all.union([Int(id) ?? 0]))
            r.ok(["delete", id])
            r.ok(["delete", String(r.actor.claude)])
            #expect(r.listedIDs() == r.actor.all.subtracting([r.actor.claude]))
        },
    ]

    static let registryPaths: [Path] = [
        Path("project list, --json") { r in
            let json = r.json(["project", "list", "--json"])?.arrayValue ?? []
            #expect(json.allSatisfy { $0.objectValue?["account_id"]?.intValue == r.actor.account } && json.count == 3)
            #expect(r.ok(["project", "list"]).contains("shop"))
        },
        Path("component list, --json") { r in
            let json = r.json(["component", "list", "--json"])?.arrayValue ?? []
            #expect(json.map { $0.objectValue?["id"]?.intValue } == [r.actor.component])
            #expect(r.ok(["component", "list"]).contains("Shop.Cart"))
        },
        Path("account list, --json") { r in
            let json = r.json(["account", "list", "--json"])?.arrayValue ?? []
            let active = json.filter { $0.objectValue?["active"] == .bool(true) }.compactMap { $0.objectValue?["id"]?.intValue }
            #expect(active == [r.actor.account])
            r.ok(["account", "list"])
        },
        Path("project use (other account's)") { r in
            r.refusedLikeFree({ ["project", "use", $0] }, taken: r.victim.project, free: freeRegistryID)
        },
        Path("project delete (other account's)") { r in
            r.refusedLikeFree({ ["project", "delete", $0] }, taken: r.victim.project, free: freeRegistryID)
        },
        Path("component delete (other account's)") { r in
            r.refusedLikeFree({ ["component", "delete", $0] }, taken: r.victim.component, free: freeRegistryID)
        },
        Path("project add, component add, project use, deletes (own, the other account's names)") { r in
            // Names are unique within an account only: the other account's
            // own project name is free here, and says nothing about it.
            let project = r.ok(["project", "add", r.victim.solo]).firstLine
            r.ok(["project", "use", project])
            let component = r.ok(["component", "add", "Shop.Cart"]).firstLine
            r.ok(["new", "--type", "ComponentCodingSessions", "--component", component])
            r.ok(["component", "delete", String(r.actor.component)])
            r.ok(["project", "delete", String(r.actor.project)])
            r.ok(["project", "delete", project])
            #expect(r.listedIDs().count == r.actor.all.count + 1)
        },
        Path("component add --project (other account's)") { r in
            r.refusedLikeFree({ ["component", "add", "Shop.Cart", "--project", $0] }, taken: r.victim.project, free: freeRegistryID)
        },
        Path("config file naming the other account's project") { r in
            let directory = r.cli.variables["XDG_CONFIG_HOME", default: ""] + "/sessions"
            mkdir(r.cli.variables["XDG_CONFIG_HOME", default: ""], 0o700)
            mkdir(directory, 0o700)
            let account = r.selector == .environmentOverConfigFile ? r.victim.account : r.actor.account
            TestFiles.write(directory + "/config.json", #"{"stores": {"\#(r.storeRoot)": {"account": \#(account), "project": \#(r.victim.project)}}}"#)
            let id = r.ok(["new", "--type", "ComponentCodingSessions"]).firstLine
            let session = r.json(["show", id, "--json"])?.objectValue
            #expect(session?["account_id"] == .int(r.actor.account) && session?["project_id"] == .null)
            let component = r.ok(["component", "add", "Shop.Cart"]).firstLine
            let components = r.json(["component", "list", "--json"])?.arrayValue?.compactMap(\.objectValue) ?? []
            #expect(components.first { $0["id"]?.intValue == Int(component) }?["project_id"] == .null)
            let projects = r.json(["project", "list", "--json"])?.arrayValue?.compactMap(\.objectValue) ?? []
            #expect(projects.allSatisfy { $0["active"] == .bool(false) })
        },
        Path("account delete (the other account)") { r in
            let result = r.run(["account", "delete", String(r.victim.account)])
            #expect(result.status == 1, "an account with sessions is not deleted")
        },
    ]

    static let importPaths: [Path] = [
        Path("import claude-code (the transcript the other account imported)") { r in
            let report = r.json(["import", "claude-code", "--json", r.victim.transcript])?.objectValue
            #expect(report?["sessions_created"] == .int(1) && report?["sessions_updated"] == .int(0))
            #expect(report?["files_unchanged"] == .int(0))
            #expect(r.listedIDs().count == r.actor.all.count + 1)
        },
        Path("import claude-code (a directory of both accounts' transcripts)") { r in
            let directory = "/" + r.victim.transcript.split(separator: "/").dropLast().joined(separator: "/")
            let report = r.json(["import", "claude-code", "--json", directory])?.objectValue
            #expect(report?["files"] == .int(2))
            #expect(report?["sessions_created"] == .int(1), "only the other account's transcript is new here")
        },
        Path("import claude-code (default root, $CLAUDE_CONFIG_DIR)") { r in
            let report = r.json(["import", "claude-code", "--json"], env: ["CLAUDE_CONFIG_DIR": r.files])?.objectValue
            #expect(report?["sessions_created"] == .int(1))
        },
        Path("import (auto-detected transcript)") { r in
            r.ok(["import", r.victim.transcript])
            #expect(r.listedIDs().count == r.actor.all.count + 1)
        },
        Path("import codemyspec (the other account's export)") { r in
            let report = r.json(["import", "codemyspec", "--json", r.victim.export])?.objectValue
            r.importedOtherData = r.outputs.count
            #expect(r.json(["show", String(r.actor.coding[0]), "--json"])?.objectValue?["account_id"] == .int(r.actor.account))
            #expect(report?["created"] == .int(r.victim.all.count) && report?["updated"] == .int(0) && report?["unchanged"] == .int(0))
        },
        Path("import (auto-detected, the other account's export)") { r in
            r.ok(["import", r.victim.export])
            r.importedOtherData = r.outputs.count
            #expect(r.listedIDs().count == 2 * r.actor.all.count)
        },
        Path("import codemyspec twice (the other account's export)") { r in
            r.ok(["import", "codemyspec", r.victim.export])
            r.importedOtherData = r.outputs.count
            let again = r.json(["import", "codemyspec", "--json", r.victim.export])?.objectValue
            #expect(again?["created"] == .int(0) && again?["updated"] == .int(0) && again?["unchanged"] == .int(r.victim.all.count),
                    "the second import finds the copies it made, not the originals")
        },
        Path("import codemyspec (own export)") { r in
            let report = r.json(["import", "codemyspec", "--json", r.actor.export])?.objectValue
            #expect(report?["unchanged"] == .int(r.actor.all.count) && report?["created"] == .int(0))
        },
        Path("import codemyspec (records with the other account's ids, types and times)") { r in
            let document = try lookalikes(of: r.victim)
            let report = r.json(["import", "codemyspec", "--json", "-"], stdin: document)?.objectValue
            #expect(report?["created"] == .int(r.victim.all.count) && report?["updated"] == .int(0))
            let added = r.listedIDs().subtracting(r.actor.all)
            #expect(added.count == r.victim.all.count && added.isDisjoint(with: r.victim.all))
            for id in added.sorted() {
                let session = r.json(["show", String(id), "--json"])?.objectValue
                #expect(session?["interactions"]?.arrayValue?.isEmpty == true, "#\(id) took nobody's interactions")
            }
        },
        Path("import codemyspec (records naming the other account's project and component)") { r in
            let record = #"{"id":\#(freeSession),"type":"ComponentCodingSessions","account_id":\#(r.victim.account),"project_id":\#(r.victim.project),"component_id":\#(r.victim.component),"inserted_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00Z"}"#
            r.ok(["import", "codemyspec", "-"], stdin: Array(record.utf8))
            let session = r.json(["show", String(freeSession), "--json"])?.objectValue
            #expect(session?["account_id"] == .int(r.actor.account))
            let projects = Set(r.json(["project", "list", "--json"])?.arrayValue?.compactMap { $0.objectValue?["id"]?.intValue } ?? [])
            let components = Set(r.json(["component", "list", "--json"])?.arrayValue?.compactMap { $0.objectValue?["id"]?.intValue } ?? [])
            #expect(session?["project_id"]?.intValue.map(projects.contains) == true)
            #expect(session?["component_id"]?.intValue.map(components.contains) == true)
        },
    ]

    static let hookPaths: [Path] = [
        Path("hook PreToolUse (the other account's conversation)") { r in
            r.ok(["hook", "claude-code"], stdin: hook("PreToolUse", r.victim.conversation,
                                                      #","tool_name":"Bash","tool_input":{"command":"ls"},"tool_use_id":"toolu_live""#))
            #expect(r.listedIDs().count == r.actor.all.count + 1, "a session of the actor's own")
            #expect(!TestFiles.exists(r.storeRoot + "/hook.log"))
        },
        Path("hook PostToolUse (a call both accounts have pending)") { r in
            r.ok(["hook", "claude-code"], stdin: hook("PostToolUse", sharedConversation,
                                                      #","tool_name":"Bash","tool_input":{"command":"x"},"tool_use_id":"toolu_shared","tool_response":{"stdout":"done","stderr":""}"#))
            let shown = r.json(["show", String(r.actor.shared), "--json"])?.objectValue
            let results = shown?["interactions"]?.arrayValue?.compactMap { $0.objectValue?["result"]?.objectValue } ?? []
            #expect(results.count == 1, "the actor's own pending call got the result")
        },
        Path("hook SessionEnd (the other account's conversation)") { r in
            r.ok(["hook", "claude-code"], stdin: hook("SessionEnd", r.victim.conversation, #","reason":"logout""#))
            #expect(r.listedIDs() == r.actor.all, "an event that does not start a session records nothing")
        },
        Path("hook SessionStart + SessionEnd (shared conversation)") { r in
            r.ok(["hook", "claude-code"], stdin: hook("SessionStart", sharedConversation, #","source":"resume""#))
            r.ok(["hook", "claude-code"], stdin: hook("SessionEnd", sharedConversation, #","reason":"logout""#))
            #expect(r.listedIDs(["--status", "complete"]).contains(r.actor.shared))
        },
        Path("hook SessionStart (a folder only the other account has a project for)") { r in
            r.ok(["hook", "claude-code"], stdin: Array(#"{"session_id":"solo","cwd":"/home/u/work/\#(r.victim.solo)","hook_event_name":"SessionStart"}"#.utf8))
            let projects = r.json(["project", "list", "--json"])?.arrayValue?.compactMap(\.objectValue) ?? []
            let made = projects.filter { $0["name"] == .string(r.victim.solo) }
            #expect(made.count == 1 && made.first?["account_id"] == .int(r.actor.account), "a project of the actor's own")
        },
        Path("hook subagent PreToolUse (the other account's conversation)") { r in
            r.ok(["hook", "claude-code"], stdin: hook("PreToolUse", r.victim.conversation,
                                                      #","agent_id":"abc1234","tool_name":"Bash","tool_input":{"command":"ls"},"tool_use_id":"toolu_sub""#))
            #expect(r.listedIDs().count == r.actor.all.count + 1)
        },
    ]

    static let otherPaths: [Path] = [
        Path("export") { r in
            let text = r.ok(["export"])
            let ids = (try? JSONParser.parse(text))?.objectValue?["data"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.intValue }
            #expect(ids.map(Set.init) == r.actor.all)
        },
        Path("export --status failed") { r in
            let text = r.ok(["export", "--status", "failed"])
            let ids = (try? JSONParser.parse(text))?.objectValue?["data"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.intValue }
            #expect(ids == [r.actor.coding[2]])
        },
        Path("export -o FILE") { r in
            let file = r.cli.directory.path + "/out.json"
            r.ok(["export", "-o", file])
            let text = TestFiles.readText(file) ?? ""
            #expect(text.contains(r.actor.marker))
            if text.contains(r.victim.marker) { Issue.record("export -o wrote the other account's sessions") }
        },
        Path("demo") { r in
            r.run(["demo", "--sessions", "3", "--interactions", "2", "--now", time])
            #expect(r.listedIDs().count == r.actor.all.count + 3)
        },
        Path("demo (after the other account's demo)", breaking: .otherRanDemo) { r in
            r.ok(["demo", "--sessions", "4", "--interactions", "1", "--now", time])
            let listed = r.json(["list", "--json"])?.arrayValue?.compactMap(\.objectValue) ?? []
            #expect(listed.count == r.actor.all.count + 4)
            let projects = Set(r.json(["project", "list", "--json"])?.arrayValue?.compactMap { $0.objectValue?["id"]?.intValue } ?? [])
            let components = Set(r.json(["component", "list", "--json"])?.arrayValue?.compactMap { $0.objectValue?["id"]?.intValue } ?? [])
            for session in listed {
                if let project = session["project_id"]?.intValue { #expect(projects.contains(project), "project \(project) is the actor's") }
                if let component = session["component_id"]?.intValue { #expect(components.contains(component)) }
            }
        },
        Path("doctor, doctor --repair") { r in
            r.ok(["doctor"])
            r.ok(["doctor", "--repair"])
        },
        Path("tui without a terminal") { r in
            #expect(r.run(["tui"]).status == 1)
            #expect(r.run([]).status == 1)
        },
    ]
}

extension AccountIsolationTests.Run {
    /// For filters that take an id: the other account's id must give
    /// exactly what an id nothing has gives.
    func refusedOrEmptyLikeFree(_ command: (String) -> [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let taken = String(victim.component), free = String(AccountIsolationTests.freeRegistryID)
        let a = run(command(taken)), b = run(command(free))
        #expect(a.status == b.status, sourceLocation: sourceLocation)
        #expect(Self.blank(a.stdout, taken) == Self.blank(b.stdout, free), sourceLocation: sourceLocation)
        #expect(Self.blank(a.stderr, taken) == Self.blank(b.stderr, free), sourceLocation: sourceLocation)
        // Refused (as an id nothing has is), or listed as no sessions at all.
        let json = run(command(taken) + ["--json"])
        if json.status == 0 {
            #expect((try? JSONParser.parse(json.stdout))?.arrayValue == [], "no sessions: \(json.stdout)", sourceLocation: sourceLocation)
        } else {
            #expect(json.stdout.isEmpty && json.status == a.status, "\(json.stdout)", sourceLocation: sourceLocation)
        }
    }
}

/// Copies a store directory, keeping each file's and directory's mode (the
/// store refuses loose permissions).
func copyTree(_ from: String, _ to: String) {
    var info = stat()
    guard lstat(from, &info) == 0 else { return }
    mkdir(to, 0o700)
    chmod(to, info.st_mode & 0o7777)
    for name in TestFiles.list(from) {
        let source = from + "/" + name, target = to + "/" + name
        var entry = stat()
        guard lstat(source, &entry) == 0 else { continue }
        switch entry.st_mode & S_IFMT {
        case S_IFDIR: copyTree(source, target)
        case S_IFREG:
            TestFiles.write(target, TestFiles.read(source) ?? [], mode: entry.st_mode & 0o7777)
            chmod(target, entry.st_mode & 0o7777)
        default: break
        }
    }
}

extension String {
    /// Command output without its line end: what `new` and `interaction add` print is an id.
    var firstLine: String { split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? "" }
}
