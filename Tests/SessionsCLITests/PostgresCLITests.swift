import Glibc
import Synchronization
import Testing
@testable import SessionsKit
import TestSupport

/// The command line against a PostgreSQL store, as a team's member uses it:
/// the store named by `SESSIONS_STORE`, a login of their own.
/// One test at a time: several start servers of their own or spawn hundreds of processes,
/// and together they would starve the rest of the run's timed checks.
@Suite("PostgreSQL from the command line", .serialized, .enabled(if: TestDatabase.isAvailable, Comment(rawValue: TestDatabase.skipReason)))
struct PostgresCLITests {
    /// A migrated database with accounts 1 (alice) and 2 (bob), made by
    /// the owner as the README's team setup does, and a login for each.
    static func team(_ cli: CLIHarness) throws -> (database: TestDatabase, alice: [String: String], bob: [String: String]) {
        let database = try TestDatabase(migrated: false)
        #expect(try cli.ok(["db", "migrate", "--store", database.owner]) == "Created the schema, version \(DatabaseSchema.version).")
        #expect(try cli.ok(["db", "migrate", "--store", database.owner])
            == "The schema is at version \(DatabaseSchema.version); nothing to do.")
        let setup = database.psql("INSERT INTO accounts (id, name) VALUES (1, 'alice'), (2, 'bob'); SELECT setval('accounts_id_seq', 2)",
                                  as: database.owner)
        #expect(setup.status == 0, "\(setup.stderr)")
        let alice = try database.member("alice", accounts: [1]), bob = try database.member("bob", accounts: [2])
        return (database, ["SESSIONS_STORE": alice], ["SESSIONS_STORE": bob])
    }

    /// The real binary as alice, with a home of its own, on `store`.
    static func runner(_ home: TemporaryDirectory, store: String) -> ProcessRunner {
        ProcessRunner(environment: [
            "HOME": home.path, "USER": "alice", "XDG_CONFIG_HOME": home.path + "/config", "XDG_DATA_HOME": home.path + "/data",
            "PATH": "/usr/bin:/bin", "TZ": "UTC", "SESSIONS_STORE": store,
        ])
    }

    /// A server of the test's own with the schema, account 1 and a login `alice` in it: her connection parameters.
    static func privateTeam(_ server: PrivateServer) throws -> String {
        let owner = server.conninfo + " dbname=postgres"
        try PostgresStore.migrate(conninfo: owner)
        let setup = ProcessRunner(executable: TestDatabase.psqlPath, environment: ["PATH": "/usr/bin:/bin"]).run([
            "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", owner, "-c",
            "INSERT INTO accounts (id, name) VALUES (1, 'alice'); SELECT setval('accounts_id_seq', 1); "
                + "CREATE ROLE alice LOGIN IN ROLE sessions_member; INSERT INTO account_members VALUES ('alice', 1)",
        ])
        #expect(setup.status == 0, "\(setup.stderr)")
        return "host=\(server.directory.path) port=5432 user=alice dbname=postgres"
    }

    @Test("a member creates, changes, lists, shows and searches its sessions; another account's are not found, exactly like none")
    func memberCommands() throws {
        let cli = CLIHarness()
        let (database, alice, bob) = try Self.team(cli)
        #expect(try cli.ok(["new", "--type", "ContextSpecSessions"], env: alice) == "1")
        #expect(try cli.ok(["new", "--type", "ComponentCodingSessions"], env: bob) == "2")
        try cli.ok(["interaction", "add", "1", "--module", "Mix", "--command", "mix credo --strict"], env: alice)
        try cli.ok(["set-status", "1", "failed"], env: alice)
        let list = try cli.json(["list", "--json"], env: alice)
        #expect(list.arrayValue?.compactMap { $0.objectValue?["id"]?.intValue } == [1])
        #expect(list.arrayValue?.first?.objectValue?["status"]?.stringValue == "failed")
        #expect(list.arrayValue?.first?.objectValue?["interaction_count"]?.intValue == 1)
        #expect(try cli.json(["list", "--json"], env: bob).arrayValue?.compactMap { $0.objectValue?["id"]?.intValue } == [2])
        #expect(try cli.ok(["search", "credo"], env: alice).contains("mix credo --strict"))
        #expect(cli.run(["search", "credo"], env: bob).status == 1, "bob finds nothing of alice's")
        // Another account's session answers exactly as a missing one does.
        let foreign = cli.run(["show", "2"], env: alice), missing = cli.run(["show", "99"], env: alice)
        #expect(foreign.status == missing.status && foreign.status != 0)
        #expect(foreign.stderr == missing.stderr.replacing("99", with: "2"), "\(foreign.stderr) | \(missing.stderr)")
        #expect(cli.run(["set-status", "2", "complete"], env: alice).status != 0)
        #expect(database.psql("SELECT status FROM sessions WHERE id = 2", as: database.owner).stdout.trimmingSpaces() == "active")
        // doctor: the schema is as this program needs, and no event waits.
        let doctor = cli.run(["doctor"], env: alice)
        #expect(doctor.status == 0 && doctor.stdout.contains("schema version \(DatabaseSchema.version)"), "\(doctor.stdout)\(doctor.stderr)")
    }

    @Test("8 processes appending 100 interactions each to one session leave all 800, each once, each process's in its order")
    func concurrentAppends() throws {
        let cli = CLIHarness()
        let (database, alice, _) = try Self.team(cli)
        #expect(try cli.ok(["new", "--type", "ContextSpecSessions"], env: alice) == "1")
        let home = TemporaryDirectory("sessions-pg-home")
        let runner = Self.runner(home, store: alice["SESSIONS_STORE"]!)
        let failures = Mutex<[String]>([])
        runOnThreads((0..<8).map { writer in {
            for step in 0..<100 {
                let output = runner.run(["interaction", "add", "1", "--module", "W\(writer)", "--command", "step \(step)"])
                if output.status != 0 { failures.withLock { $0.append(output.stderr) } }
            }
        } })
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0.prefix(3) })")
        let rows = database.psql("SELECT command->>'module', command->>'command' FROM interactions WHERE session_id = 1 ORDER BY position",
                                 as: database.owner).stdout.split(separator: "\n").map { $0.split(separator: "|").map(String.init) }
        #expect(rows.count == 800)
        for writer in 0..<8 {
            let own = rows.filter { $0.first == "W\(writer)" }.map { $0.last ?? "" }
            #expect(own == (0..<100).map { "step \($0)" }, "writer \(writer)")
        }
        #expect(database.psql("SELECT interaction_count FROM sessions WHERE id = 1", as: database.owner).stdout.trimmingSpaces() == "800")
        print("postgres appends: 8 processes x 100 to one session: \(rows.count) rows, \(failures.withLock { $0.count }) failed")
    }

    @Test("while the server is away the hook spools every event, privately, at once and silently; the next one that reaches it records the 200 and itself, in order, once",
          .enabled(if: PrivateServer.isAvailable, "needs PostgreSQL's server programs to stop and start a server of its own"))
    func spoolWhileAway() throws {
        let server = try PrivateServer()
        let owner = server.conninfo + " dbname=postgres"
        let store = try Self.privateTeam(server)
        func psql(_ sql: String) -> String {
            let output = ProcessRunner(executable: TestDatabase.psqlPath, environment: ["PATH": "/usr/bin:/bin"])
                .run(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", owner, "-c", sql])
            #expect(output.status == 0, "\(sql): \(output.stderr)")
            return output.stdout.trimmingSpaces()
        }
        let home = TemporaryDirectory("sessions-pg-hook")
        let runner = Self.runner(home, store: store)
        func event(_ step: Int) -> [UInt8] {
            Array(#"{"session_id":"conv-away","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"step \#(step)"},"tool_use_id":"toolu_\#(step)","cwd":"/tmp/away","transcript_path":"/tmp/away.jsonl"}"#.utf8)
        }
        #expect(runner.run(["hook", "claude-code"], stdin: event(0)).status == 0)
        #expect(psql("SELECT count(*) FROM interactions") == "1")

        try server.stop()
        for step in 1...200 {
            let output = runner.run(["hook", "claude-code"], stdin: event(step))
            #expect(output.status == 0 && output.stdout.isEmpty && output.stderr.isEmpty, "step \(step): \(output.stderr)")
        }
        let spool = try #require(TestFiles.list(home.path + "/data/sessions/databases").first.map { home.path + "/data/sessions/databases/\($0)/spool" })
        let waiting = TestFiles.list(spool)
        #expect(waiting.count == 200)
        #expect(waiting.allSatisfy { TestFiles.mode(spool + "/" + $0) == 0o600 }, "spooled events are private")
        let doctor = runner.run(["doctor"])
        #expect(doctor.status != 0 && doctor.stdout.contains("200 hook events are waiting"), "\(doctor.stdout)\(doctor.stderr)")

        try server.start()
        #expect(runner.run(["hook", "claude-code"], stdin: event(201)).status == 0)
        let commands = psql("SELECT string_agg(command->>'command', ',' ORDER BY position) FROM interactions")
        #expect(commands == (0...201).map { "step \($0)" }.joined(separator: ","), "the first, the 200 spooled, the one after")
        #expect(psql("SELECT count(*) FROM interactions") == "202")
        #expect(psql("SELECT count(DISTINCT extra->>'tool_use_id') FROM interactions") == "202")
        #expect(TestFiles.list(spool).isEmpty, "the spool is delivered and emptied")
        print("postgres spool: server stopped, \(waiting.count) events spooled (mode 0600), started, 1 more: "
            + "\(psql("SELECT count(*) FROM interactions")) recorded in order, spool left \(TestFiles.list(spool).count)")
    }

    @Test("while another writer holds the database's write lock, the hook spools its event within its limit instead of waiting, and the next command records it")
    func hookBehindHeldLock() throws {
        let cli = CLIHarness()
        let (database, alice, _) = try Self.team(cli)
        let home = TemporaryDirectory("sessions-pg-held")
        let runner = Self.runner(home, store: alice["SESSIONS_STORE"]!)
        let event = Array(#"{"session_id":"conv-held","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"held"},"tool_use_id":"toolu_held","cwd":"/tmp/held","transcript_path":"/tmp/held.jsonl"}"#.utf8)
        let holder = startThreads([{
            _ = database.psql("BEGIN; SELECT pg_advisory_xact_lock(\(PostgresStore.writeLockKey)); SELECT pg_sleep(3); COMMIT",
                              as: database.owner)
        }])
        // Until the holder has the lock, a write would simply get it first.
        var held = false
        for _ in 0..<200 where !held {
            held = database.psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
                + "(SELECT oid FROM pg_database WHERE datname = current_database())", as: database.owner)
                .stdout.trimmingSpaces() == "1"
            if !held { usleep(10_000) }
        }
        #expect(held)
        let started = Timestamp.now()
        let output = runner.run(["hook", "claude-code"], stdin: event)
        let took = (Timestamp.now().microseconds - started.microseconds) / 1000
        #expect(output.status == 0 && output.stdout.isEmpty && output.stderr.isEmpty, "\(output.stderr)")
        #expect(took < 1500, "the hook waited \(took) ms for a lock held 3 s")
        let spool = try #require(TestFiles.list(home.path + "/data/sessions/databases").first.map { home.path + "/data/sessions/databases/\($0)/spool" })
        #expect(TestFiles.list(spool).count == 1)
        holder.join()
        #expect(runner.run(["list"]).status == 0)
        #expect(database.psql("SELECT command->>'command' FROM interactions", as: database.owner).stdout.trimmingSpaces() == "held")
        #expect(TestFiles.list(spool).isEmpty)
    }

    @Test("the browser is told of another member's commit and shows it within a second, asking nothing meanwhile; across a server restart it says reconnecting…, then reads everything again",
          .enabled(if: PrivateServer.isAvailable, "needs PostgreSQL's server programs to restart a server of its own"))
    func liveBrowser() throws {
        let server = try PrivateServer()
        let store = try Self.privateTeam(server)
        let home = TemporaryDirectory("sessions-pg-live")
        let cli = Self.runner(home, store: store)
        #expect(cli.run(["new", "--type", "ContextSpecSessions"]).status == 0)
        let pane = BrowserEndToEndTests.Pane()
        let trace = pane.home.file("trace")
        pane.start(environment: "SESSIONS_STORE='\(store)' XDG_DATA_HOME='\(pane.home.path)/data' SESSIONS_TRACE='\(trace)'")
        #expect(pane.waitFor("Active (1)") != nil, "\(pane.screen)")
        // Idle, it reads nothing: it is told, it does not ask.
        usleep(1_500_000)
        let refreshes = { (TestFiles.readText(trace) ?? "").split(separator: "\n").filter { $0.hasPrefix("refresh") }.count }
        #expect(refreshes() == 0, "the idle browser read the store again")
        #expect(cli.run(["set-status", "1", "failed"]).status == 0)
        let seen = pane.waitFor("Failed (1)", timeout: 5)
        #expect(seen.map { $0 < 1.0 } == true, "another member's change took \(seen ?? -1) s")
        #expect(refreshes() >= 1)
        print("postgres live: a commit by another process shown in \(Int((seen ?? -1) * 1000)) ms; idle re-reads: 0")

        try server.stop()
        #expect(pane.waitFor("reconnecting…", timeout: 5) != nil, "\(pane.screen)")
        try server.start()
        #expect(cli.run(["set-status", "1", "complete"]).status == 0)
        #expect(pane.waitFor("Complete (1)", timeout: 5) != nil, "\(pane.screen)")
        // The server's goodbye is not printed over the screen (standard error is the terminal for a user).
        #expect((TestFiles.readText(pane.home.file("stderr")) ?? "").isEmpty, "\(TestFiles.readText(pane.home.file("stderr")) ?? "")")
    }

    @Test("two members' browsers on one session: each sees the other's change within a second, and u will not undo over the newer one")
    func twoBrowsers() throws {
        let cli = CLIHarness()
        let (database, alice, _) = try Self.team(cli)
        let carol = try database.member("carol", accounts: [1])
        #expect(try cli.ok(["new", "--type", "ContextSpecSessions"], env: alice) == "1")
        let first = BrowserEndToEndTests.Pane(), second = BrowserEndToEndTests.Pane()
        first.start(environment: "SESSIONS_STORE='\(alice["SESSIONS_STORE"]!)' XDG_DATA_HOME='\(first.home.path)/data'")
        second.start(environment: "SESSIONS_STORE='\(carol)' XDG_DATA_HOME='\(second.home.path)/data'")
        #expect(first.waitFor("Active (1)") != nil, "\(first.screen)")
        #expect(second.waitFor("Active (1)") != nil, "\(second.screen)")
        func status() -> String {
            database.psql("SELECT status FROM sessions WHERE id = 1", as: database.owner).stdout.trimmingSpaces()
        }

        first.keys("c")
        #expect(first.waitFor("#1 → complete (u: undo)") != nil, "\(first.screen)")
        let seenBySecond = second.waitFor("Complete (1)", timeout: 5)
        #expect(seenBySecond.map { $0 < 1.0 } == true, "the second browser saw the change after \(seenBySecond ?? -1) s")

        second.keys("2", "f")
        #expect(second.waitFor("#1 → failed (u: undo)") != nil, "\(second.screen)")
        let seenByFirst = first.waitFor("Failed (1)", timeout: 5)
        #expect(seenByFirst.map { $0 < 1.0 } == true, "the first browser saw the change after \(seenByFirst ?? -1) s")
        #expect(status() == "failed")

        // The first browser's undo would put back what the second changed since: it is refused.
        first.keys("u")
        #expect(first.waitFor("#1 changed since; nothing undone") != nil, "\(first.screen)")
        #expect(status() == "failed")
        // The second's own undo is its to make.
        second.keys("u")
        #expect(second.waitFor("#1 → complete (undone)") != nil, "\(second.screen)")
        #expect(first.waitFor("Complete (1)", timeout: 5) != nil, "\(first.screen)")
        #expect(status() == "complete")
        print("postgres two browsers: each saw the other's change \(Int((seenBySecond ?? -1) * 1000)) and "
            + "\(Int((seenByFirst ?? -1) * 1000)) ms after its own flash showed; the undo over the newer change refused")
    }

    @Test("copy moves two accounts from files into a database, between databases and back, each export byte for byte the same; again changes nothing; cut short, it goes on")
    func copyBetweenStores() throws {
        let cli = CLIHarness()
        let files = cli.directory.path + "/source"
        try cli.ok(["--store", files, "demo", "--sessions", "40", "--interactions", "4", "--seed", "7"])
        try cli.ok(["--store", files, "account", "add", "bob"])
        try cli.ok(["--store", files, "--account", "bob", "new", "--type", "ContextSpecSessions", "--state", #"{"z": 1.50, "a": "é"}"#])
        let first = try TestDatabase(), second = try TestDatabase()
        func exports(_ store: String) throws -> [String] {
            try ["1", "2"].map { try cli.ok(["--store", store, "--account", $0, "export"]) }
        }
        let original = try exports(files)
        #expect(try cli.ok(["copy", "--from", files, "--to", first.owner])
            == "Copied 41 sessions; the accounts, projects and components too.")
        #expect(try exports(first.owner) == original)
        #expect(try cli.ok(["copy", "--from", files, "--to", first.owner])
            == "Copied 0 sessions; 41 already there as they are; the accounts, projects and components were already there.")
        // A copy cut short (here: sessions missing, and one changed) is finished by copying again.
        #expect(first.psql("DELETE FROM sessions WHERE id > 30; UPDATE sessions SET status = 'failed' WHERE id = 3", as: first.owner).status == 0)
        #expect(try cli.ok(["copy", "--from", files, "--to", first.owner]).hasPrefix("Copied 11 sessions; 30 already there"))
        #expect(try exports(first.owner) == original)
        #expect(try cli.ok(["copy", "--from", first.owner, "--to", second.owner]).hasPrefix("Copied 41 sessions"))
        #expect(try exports(second.owner) == original)
        let back = cli.directory.path + "/back"
        #expect(try cli.ok(["copy", "--from", second.owner, "--to", back]).hasPrefix("Copied 41 sessions"))
        #expect(try exports(back) == original)
        // A mistyped source is refused, and no store is made there.
        let typo = cli.directory.path + "/sourc"
        let refused = cli.run(["copy", "--from", typo, "--to", back])
        #expect(refused.status != 0 && refused.stderr.contains("holds no store"), "\(refused.stderr)")
        #expect(!TestFiles.exists(typo))
    }

    @Test("libpq's environment fills what the URL and the config leave out: PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD never shown")
    func libpqEnvironment() throws {
        let cli = CLIHarness()
        let (database, alice, _) = try Self.team(cli)
        #expect(try cli.ok(["new", "--type", "ContextSpecSessions"], env: alice) == "1")
        let store = try #require(alice["SESSIONS_STORE"])
        let login = try #require(DatabaseConnection.parameters(of: store))
        let home = TemporaryDirectory("sessions-pg-env")
        let environment = ["PGHOST": login["host"] ?? "", "PGPORT": login["port"] ?? "", "PGUSER": login["user"] ?? "",
                           "PGDATABASE": database.name]
        var runner = Self.runner(home, store: "postgresql://")
        runner.environment.merge(environment) { $1 }
        let listed = runner.run(["list", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect((try? JSONParser.parse(listed.stdout))?.arrayValue?.count == 1, "\(listed.stdout)")
        // The same through the config file's `store`, with the URL naming only the database.
        mkdir(home.path + "/config", 0o700)
        mkdir(home.path + "/config/sessions", 0o700)
        TestFiles.write(home.path + "/config/sessions/config.json", #"{"store": "postgresql:///\#(database.name)"}"#)
        var configured = runner
        configured.environment["SESSIONS_STORE"] = nil
        configured.environment["PGDATABASE"] = nil
        let fromConfig = configured.run(["list", "--json"])
        #expect(fromConfig.status == 0 && (try? JSONParser.parse(fromConfig.stdout))?.arrayValue?.count == 1, "\(fromConfig.stderr)")
        // A port with no server, from the environment: libpq's refusal names where, never the password it was given.
        var away = runner
        away.environment.merge(["PGPORT": "1", "PGPASSWORD": "hunter2secret"]) { $1 }
        let refused = away.run(["list"])
        #expect(refused.status != 0 && refused.stderr.contains(database.name) && refused.stderr.contains(":1"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("hunter2secret"))
    }

    @Test("db migrate is for a database; a newer schema is refused; a failed connection never prints the password")
    func refusals() throws {
        let cli = CLIHarness()
        let directory = cli.run(["db", "migrate"])
        #expect(directory.status != 0 && directory.stderr.contains("for a PostgreSQL store"), "\(directory.stderr)")
        let (database, alice, _) = try Self.team(cli)
        // What only files have is refused on a database, never silently skipped.
        for flag in ["--repair", "--upgrade"] {
            let refused = cli.run(["doctor", flag], env: alice)
            #expect(refused.status != 0 && refused.stderr.contains("\(flag) is for a store of files"), "\(refused.stderr)")
        }
        #expect(database.psql("UPDATE sessions_schema SET version = version + 1", as: database.owner).status == 0)
        let newer = cli.run(["list"], env: alice)
        #expect(newer.status != 0 && newer.stderr.contains("upgrade sessions to use this database"), "\(newer.stderr)")
        let server = try #require(TestDatabase.server)
        let wrong = cli.run(["list"], env: ["SESSIONS_STORE": server + " dbname=no_such_database password=hunter2secret"])
        #expect(wrong.status != 0 && wrong.stderr.contains("no_such_database"), "\(wrong.stderr)")
        #expect(!wrong.stderr.contains("hunter2secret") && !wrong.stdout.contains("hunter2secret"))
    }
}
