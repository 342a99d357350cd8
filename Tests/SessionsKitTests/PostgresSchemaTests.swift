import Synchronization
import Testing
import TestSupport
@testable import SessionsKit

/// The PostgreSQL schema's promises, each checked by SQL sent straight
/// through `psql`, not through the program: the database itself refuses what
/// breaks a constraint, and shows a role only its own accounts' rows.
@Suite("PostgreSQL schema", .enabled(if: TestDatabase.isAvailable, Comment(rawValue: TestDatabase.skipReason)))
struct PostgresSchemaTests {
    /// Accounts 1 and 2, a project and a component in each, and a session
    /// with two interactions in each account, written as the owner.
    static func populated() throws -> TestDatabase {
        let database = try TestDatabase()
        let output = database.psql("""
            INSERT INTO accounts (id, name) VALUES (1, 'alice'), (2, 'bob');
            INSERT INTO projects (id, account_id, name) VALUES (1, 1, 'web'), (2, 2, 'api');
            INSERT INTO components (id, account_id, project_id, name) VALUES (1, 1, 1, 'Web.User'), (2, 2, 2, 'Api.Key');
            INSERT INTO sessions (id, type, status, account_id, project_id, component_id, inserted_at, updated_at)
                VALUES (1, 'ContextSpecSessions', 'active', 1, 1, 1, '2026-01-01', '2026-01-01'),
                       (2, 'ContextSpecSessions', 'failed', 2, 2, 2, '2026-01-01', '2026-01-01');
            INSERT INTO interactions (session_id, position, id, command) VALUES
                (1, 0, '4e045728-6ee8-4dd2-8c18-77d8545272b9', '{"command": "mix test"}'),
                (1, 1, '5e045728-6ee8-4dd2-8c18-77d8545272b9', '{"command": "mix credo"}'),
                (2, 0, '6e045728-6ee8-4dd2-8c18-77d8545272b9', '{"command": "ls"}'),
                (2, 1, '7e045728-6ee8-4dd2-8c18-77d8545272b9', '{"command": "pwd"}');
            """, as: database.owner)
        #expect(output.status == 0, "\(output.stderr)")
        return database
    }

    static func refused(_ database: TestDatabase, _ sql: String, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let output = database.psql(sql, as: database.owner)
        #expect(output.status != 0, "\(sql) was accepted", sourceLocation: sourceLocation)
        #expect(output.stderr.contains(message), "\(sql): \(output.stderr)", sourceLocation: sourceLocation)
    }

    @Test("status, agent and environment are checked by the database, with exactly the model's values")
    func checks() throws {
        let database = try Self.populated()
        Self.refused(database, "UPDATE sessions SET status = 'paused' WHERE id = 1", "sessions_status_check")
        Self.refused(database, "UPDATE sessions SET agent = 'copilot' WHERE id = 1", "sessions_agent_check")
        Self.refused(database, "UPDATE sessions SET environment = 'cloud' WHERE id = 1", "sessions_environment_check")
        // Every value the model has is accepted, and no other: the constraint and the enum are one list.
        for (column, values) in [("status", SessionStatus.allCases.map(\.rawValue)), ("agent", Agent.allCases.map(\.rawValue)),
                                 ("environment", SessionEnvironment.allCases.map(\.rawValue))] {
            for value in values {
                let output = database.psql("UPDATE sessions SET \(column) = '\(value)' WHERE id = 1", as: database.owner)
                #expect(output.status == 0, "\(column) = \(value): \(output.stderr)")
            }
            let definition = database.psql("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'sessions_\(column)_check'",
                                           as: database.owner).stdout
            let quoted = definition.split(separator: "'").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            #expect(Set(quoted) == Set(values), "\(definition)")
        }
        Self.refused(database, "UPDATE sessions SET status = NULL WHERE id = 1", "null value")
    }

    @Test("an account with sessions cannot be deleted; its id is required")
    func accountRestrict() throws {
        let database = try Self.populated()
        Self.refused(database, "DELETE FROM sessions WHERE id = 1; DELETE FROM accounts WHERE id = 1", "violates foreign key constraint")
        Self.refused(database, "UPDATE sessions SET account_id = NULL WHERE id = 1", "null value in column \"account_id\"")
        Self.refused(database, "UPDATE sessions SET account_id = 9 WHERE id = 1", "sessions_account_id_fkey")
        #expect(database.psql("SELECT count(*) FROM sessions WHERE id = 1", as: database.owner).stdout.trimmingSpaces() == "1",
                "the refused statements changed nothing")
    }

    @Test("deleting a project or a component sets it to null on its sessions; deleting a session deletes its interactions")
    func nullifyAndCascade() throws {
        let database = try Self.populated()
        var output = database.psql("DELETE FROM components WHERE id = 1; SELECT project_id, component_id IS NULL FROM sessions WHERE id = 1",
                                   as: database.owner)
        #expect(output.stdout.trimmingSpaces() == "1|t", "\(output.stderr)")
        output = database.psql("DELETE FROM projects WHERE id = 1; SELECT project_id IS NULL FROM sessions WHERE id = 1", as: database.owner)
        #expect(output.stdout.trimmingSpaces() == "t", "\(output.stderr)")
        output = database.psql("DELETE FROM sessions WHERE id = 1; SELECT count(*) FROM interactions WHERE session_id = 1",
                               as: database.owner)
        #expect(output.stdout.trimmingSpaces() == "0", "\(output.stderr)")
        #expect(database.psql("SELECT count(*) FROM interactions", as: database.owner).stdout.trimmingSpaces() == "2")
    }

    @Test("the indexes the seed promises exist")
    func indexes() throws {
        let database = try TestDatabase()
        let output = database.psql("SELECT tablename || ':' || indexdef FROM pg_indexes WHERE schemaname = 'public'", as: database.owner)
        let definitions = output.stdout.split(separator: "\n").map(String.init)
        for (table, columns) in [("sessions", "(account_id)"), ("sessions", "(project_id)"), ("sessions", "(component_id)"),
                                 ("sessions", "(account_id, status)"), ("interactions", "(session_id, inserted_at)")] {
            #expect(definitions.contains { $0.hasPrefix(table + ":") && $0.hasSuffix("USING btree " + columns) }, "\(table) \(columns)")
        }
    }

    @Test("each member role sees and touches only its own accounts' rows: select, update, delete, copy, a join")
    func isolationByRole() throws {
        let database = try Self.populated()
        let alice = try database.member("alice", accounts: [1])
        let bob = try database.member("bob", accounts: [2])
        for (role, own, other) in [(alice, 1, 2), (bob, 2, 1)] {
            func value(_ sql: String) -> String {
                let output = database.psql(sql, as: role)
                #expect(output.status == 0, "\(sql): \(output.stderr)")
                return output.stdout.trimmingSpaces()
            }
            #expect(value("SELECT string_agg(id::text, ',') FROM accounts") == "\(own)")
            #expect(value("SELECT string_agg(id::text, ',') FROM projects") == "\(own)")
            #expect(value("SELECT string_agg(id::text, ',') FROM components") == "\(own)")
            #expect(value("SELECT string_agg(id::text, ',') FROM sessions") == "\(own)")
            #expect(value("SELECT count(*) FROM interactions") == "2")
            #expect(value("SELECT count(*) FROM interactions WHERE session_id = \(other)") == "0")
            #expect(value("SELECT count(*) FROM sessions s JOIN interactions i ON i.session_id = s.id") == "2")
            #expect(value("SELECT count(*) FROM interactions i LEFT JOIN sessions s ON s.id = i.session_id WHERE s.id IS NULL") == "0")
            #expect(value("SELECT count(*) FROM account_members") == "1")
            // A search's candidates, found as the tables' owner, are the member's own sessions only.
            #expect(value("SELECT string_agg(DISTINCT candidate_session::text, ',') FROM sessions_search_candidates(ARRAY['%%'])") == "\(own)")
            #expect(value("SELECT count(candidate_position) FROM sessions_search_candidates(ARRAY['%%'])") == "2")
            // Writes to the other account's rows touch nothing, on every table: no row
            // passes the policies, or the member may not write the table at all.
            #expect(value("WITH changed AS (UPDATE sessions SET status = 'complete' WHERE id = \(other) RETURNING 1) SELECT count(*) FROM changed") == "0")
            #expect(value("WITH gone AS (DELETE FROM interactions WHERE session_id = \(other) RETURNING 1) SELECT count(*) FROM gone") == "0")
            #expect(value("WITH gone AS (DELETE FROM sessions WHERE id = \(other) RETURNING 1) SELECT count(*) FROM gone") == "0")
            #expect(value("WITH changed AS (UPDATE interactions SET step_name = 'x' WHERE session_id = \(other) RETURNING 1) SELECT count(*) FROM changed") == "0")
            for table in ["projects", "components"] {
                #expect(value("WITH changed AS (UPDATE \(table) SET name = 'x' WHERE account_id = \(other) RETURNING 1) SELECT count(*) FROM changed") == "0")
                #expect(value("WITH gone AS (DELETE FROM \(table) WHERE account_id = \(other) RETURNING 1) SELECT count(*) FROM gone") == "0")
            }
            for sql in ["UPDATE accounts SET name = 'x' WHERE id = \(other)", "DELETE FROM accounts WHERE id = \(other)",
                        "UPDATE account_members SET account_id = \(own) WHERE account_id = \(other)",
                        "DELETE FROM account_members WHERE account_id = \(other)"] {
                let output = database.psql(sql, as: role)
                #expect(output.status != 0 && output.stderr.contains("permission denied"), "\(sql): \(output.stderr)")
            }
            // Its own rows it may change.
            #expect(value("WITH changed AS (UPDATE sessions SET status = 'complete' WHERE id = \(own) RETURNING 1) SELECT count(*) FROM changed") == "1")
            // COPY reads through the same policies.
            let copied = database.psql("COPY (SELECT id FROM sessions) TO STDOUT", as: role)
            #expect(copied.stdout.trimmingSpaces() == "\(own)", "\(copied.stderr)")
            // A row may not be moved into, or made in, another account.
            let moved = database.psql("UPDATE sessions SET account_id = \(other) WHERE id = \(own)", as: role)
            #expect(moved.status != 0 && moved.stderr.contains("row-level security"), "\(moved.stderr)")
            let made = database.psql("""
                INSERT INTO sessions (id, type, status, account_id, inserted_at, updated_at)
                VALUES (\(own + 10), 'ContextSpecSessions', 'active', \(other), '2026-01-01', '2026-01-01')
                """, as: role)
            #expect(made.status != 0 && made.stderr.contains("row-level security"), "\(made.stderr)")
            // Nor may a member make itself a member of another account.
            let joined = database.psql("INSERT INTO account_members (role_name, account_id) VALUES (current_user, \(other))", as: role)
            #expect(joined.status != 0, "a member joined another account: \(joined.stdout)")
        }
        // As the owner, every row is still there: nothing the members tried reached the other account.
        #expect(database.psql("SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM sessions", as: database.owner).stdout
            .trimmingSpaces() == "1:complete,2:complete")
        #expect(database.psql("SELECT count(*) FROM interactions", as: database.owner).stdout.trimmingSpaces() == "4")
        #expect(database.psql("SELECT string_agg(name, ',' ORDER BY id) FROM accounts", as: database.owner).stdout.trimmingSpaces()
            == "alice,bob")
        #expect(database.psql("SELECT string_agg(name, ',' ORDER BY id) FROM projects", as: database.owner).stdout.trimmingSpaces()
            == "web,api")
        #expect(database.psql("SELECT count(*) FROM interactions WHERE step_name IS NOT NULL", as: database.owner).stdout
            .trimmingSpaces() == "0")
        // The owner, whom the policies do not bind, is not narrowed by them either.
        #expect(database.psql("SELECT count(DISTINCT candidate_session) FROM sessions_search_candidates(ARRAY['%%'])", as: database.owner)
            .stdout.trimmingSpaces() == "2")
        print("postgres isolation: 2 member roles, each: SELECT on 6 tables, 2 joins, COPY, UPDATE and DELETE of the other's rows on 6 tables, "
            + "moving a row or making one in the other account, joining it; the other account's rows seen or touched: 0")
    }

    @Test("migrations are idempotent and versioned; no schema and a newer one are refused with what to do")
    func migrations() throws {
        let database = try TestDatabase(migrated: false)
        #expect(throws: DatabaseError.noSchema(target: try DatabaseConnection(database.owner).target)) {
            try PostgresStore(conninfo: database.owner)
        }
        let first = try PostgresStore.migrate(conninfo: database.owner)
        #expect(first == (0, DatabaseSchema.version))
        let again = try PostgresStore.migrate(conninfo: database.owner)
        #expect(again == (DatabaseSchema.version, DatabaseSchema.version))
        _ = try PostgresStore(conninfo: database.owner)
        // Two at once: each step runs once, and both end at the same version.
        let other = try TestDatabase(migrated: false)
        let ends = Mutex<[String]>([])
        let conninfo = other.owner
        runOnThreads((0..<2).map { _ in {
            let end: String
            do { end = String(try PostgresStore.migrate(conninfo: conninfo).to) } catch { end = "\(error)" }
            ends.withLock { $0.append(end) }
        } })
        #expect(ends.withLock { $0 } == ["\(DatabaseSchema.version)", "\(DatabaseSchema.version)"])
        #expect(other.psql("SELECT count(*) FROM sessions_schema", as: other.owner).stdout.trimmingSpaces() == "1")
        // A newer schema is refused, as a newer file store is.
        let output = database.psql("UPDATE sessions_schema SET version = version + 1", as: database.owner)
        #expect(output.status == 0)
        let message = errorText { _ = try PostgresStore(conninfo: database.owner) }
        #expect(message?.contains("has schema version \(DatabaseSchema.version + 1)") == true, "\(message ?? "")")
        #expect(errorText { try PostgresStore.migrate(conninfo: database.owner) }?.contains("upgrade sessions") == true)
    }

    @Test("a version 1 database upgrades in place: its rows kept, its search on the new indexes")
    func upgradeFromOne() throws {
        let database = try TestDatabase(migrated: false)
        #expect(try PostgresStore.migrate(conninfo: database.owner, upTo: 1) == (0, 1))
        // Rows as version 1 has them, written as its program wrote them.
        let rows = database.psql("""
            INSERT INTO accounts (id, name) VALUES (1, 'alice');
            INSERT INTO sessions (id, type, status, account_id, inserted_at, updated_at, interaction_count)
                VALUES (1, 'ComponentCodingSessions', 'active', 1, '2026-01-01', '2026-01-01', 2);
            INSERT INTO interactions (session_id, position, id, command, result) VALUES
                (1, 0, gen_random_uuid(), '{"command": "mix test"}', '{"status": "ok", "stdout": "narwhal\\u0000 ok"}'),
                (1, 1, gen_random_uuid(), '{"command": "cat blob"}', '{"status": "ok", "stdout": "AAE=", "stdout_encoding": "base64"}');
            SELECT setval('sessions_id_seq', 1);
            """, as: database.owner)
        #expect(rows.status == 0, "\(rows.stderr)")
        #expect(try PostgresStore.migrate(conninfo: database.owner) == (1, DatabaseSchema.version))
        let indexes = database.psql("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'interactions'",
                                    as: database.owner).stdout.trimmingSpaces()
        #expect(indexes.contains("interactions_search_trgm_index") && indexes.contains("interactions_encoded_output_index"), "\(indexes)")
        #expect(!indexes.contains("interactions_text_trgm_index"), "\(indexes)")
        let store = try PostgresStore(conninfo: database.owner)
        #expect(try store.session(id: 1)?.interactions.count == 2)
        let registry = try store.registry()
        let targets = [SearchTarget(id: 1, title: nil)]
        for (query, finds) in [("narwhal", true), ("mix test", true), ("walrus", false)] {
            let search = try SearchFixtures.search(query, regex: false, fields: [], kept: 3)
            let hits = SearchFixtures.hits(try SearchFixtures.outcomes(store, search, targets, registry: registry).outcomes)
            #expect(hits.isEmpty != finds, "\(query)")
        }
        // The query a rare word makes is answered from the index, not by reading every row.
        let plan = database.psql("SET enable_seqscan = off; EXPLAIN SELECT session_id FROM interactions WHERE \(DatabaseSchema.interactionText) LIKE '%narwhal%'",
                                 as: database.owner).stdout
        #expect(plan.contains("interactions_search_trgm_index"), "\(plan)")
    }

    @Test("a migration that fails part way leaves the version before it, and nothing of itself")
    func failedMigration() throws {
        let database = try TestDatabase(migrated: false)
        // A table in the way: the migration stops at it, after making the tables before it.
        #expect(database.psql("CREATE TABLE interactions (x int)", as: database.owner).status == 0)
        #expect(errorText { try PostgresStore.migrate(conninfo: database.owner) }?.contains("\"interactions\" already exists") == true)
        let tables = database.psql("SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'", as: database.owner)
        #expect(tables.stdout.trimmingSpaces() == "interactions", "\(tables.stderr)")
        #expect(errorText { _ = try PostgresStore(conninfo: database.owner) }?.contains("Run `sessions db migrate`") == true)
        #expect(database.psql("DROP TABLE interactions", as: database.owner).status == 0)
        #expect(try PostgresStore.migrate(conninfo: database.owner) == (0, DatabaseSchema.version))
    }

    @Test("doctor finds a constraint, an index, a policy or an owner's function changed by hand, and a login the policies do not bind")
    func doctorChecksTheSchema() throws {
        let database = try TestDatabase()
        let member = try database.member("alice", accounts: [])
        let clean = DatabaseDoctor(conninfo: member, local: "/nonexistent").run()
        #expect(clean.healthy, "\(clean.lines)")
        #expect(clean.lines.contains("the constraints, indexes and row-level security policies are the schema's own"), "\(clean.lines)")
        #expect(!clean.lines.contains { $0.contains("does not bind") }, "\(clean.lines)")
        let owner = DatabaseDoctor(conninfo: database.owner, local: "/nonexistent").run()
        #expect(owner.healthy && owner.lines.contains { $0.contains("row-level security does not bind") }, "\(owner.lines)")
        let changes = [
            ("ALTER TABLE sessions DROP CONSTRAINT sessions_agent_check", "sessions.agent is not checked to be one of claude_code (it has no check constraint)"),
            ("ALTER TABLE sessions DROP CONSTRAINT sessions_status_check; ALTER TABLE sessions ADD CHECK (status IN ('active', 'complete', 'failed', 'paused'))",
             "sessions.status is not checked to be one of active, complete, failed"),
            ("ALTER TABLE sessions ALTER COLUMN account_id DROP NOT NULL", "sessions.account_id may be null"),
            ("ALTER TABLE interactions DROP CONSTRAINT interactions_session_id_fkey; "
                + "ALTER TABLE interactions ADD FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE RESTRICT",
             "interactions.session_id references sessions ON DELETE RESTRICT, not ON DELETE CASCADE"),
            ("ALTER TABLE sessions DROP CONSTRAINT sessions_project_id_fkey", "sessions.project_id does not reference projects"),
            ("DROP INDEX sessions_account_id_status_index", "no index on sessions (account_id, status)"),
            ("DROP POLICY member_projects ON projects", "projects has no policy member_projects"),
            ("ALTER TABLE interactions DISABLE ROW LEVEL SECURITY", "row-level security is off on interactions"),
            ("ALTER FUNCTION sessions_id_taken(text, bigint) SECURITY INVOKER",
             "sessions_id_taken is missing, or no longer runs as the tables' owner"),
        ]
        for (sql, _) in changes {
            let output = database.psql(sql, as: database.owner)
            #expect(output.status == 0, "\(sql): \(output.stderr)")
        }
        let changed = DatabaseDoctor(conninfo: member, local: "/nonexistent").run()
        #expect(!changed.healthy)
        for (sql, finding) in changes {
            #expect(changed.lines.contains { $0.hasPrefix("schema changed by hand: ") && $0.contains(finding) }, "\(sql)\n\(changed.lines)")
        }
        #expect(changed.lines.count == changes.count + 1, "\(changed.lines)")
    }

    @Test("a failed login names the host, port and database, and never the password")
    func redaction() throws {
        let server = try #require(TestDatabase.server)
        let message = errorText { _ = try PostgresStore(conninfo: server + " dbname=no_such_database password=hunter2secret") }
        #expect(message?.contains("no_such_database") == true, "\(message ?? "")")
        #expect(message?.contains("hunter2secret") == false, "\(message ?? "")")
        let uri = errorText { _ = try PostgresStore(conninfo: "postgresql://someone:hunter2secret@/no_such_database?host=/nonexistent") }
        #expect(uri?.contains("hunter2secret") == false, "\(uri ?? "")")
        #expect(uri?.contains("/nonexistent") == true, "\(uri ?? "")")
    }
}

/// Nothing is lost on the way into PostgreSQL and back: the session read
/// back is the one written, and its JSON the same bytes.
@Suite("PostgreSQL round trip", .enabled(if: TestDatabase.isAvailable, Comment(rawValue: TestDatabase.skipReason)))
struct PostgresRoundTripTests {
    /// Members in an order no sorting gives, numbers as written, text past
    /// ASCII, times written with 0 and 6 digits and in the year 0000, base64
    /// output, members the schema does not model at every level, a pending
    /// interaction, and a conversation.
    static let session = """
        {"id": 7, "type": "ComponentCodingSessions", "agent": "claude_code", "environment": "vscode", "status": "failed",
         "state": {"zeta": 1.50, "alpha": {"b": [1, 2.0, "é"], "a": null}, "empty": {}, "emoji": "🇫🇷 ✓"},
         "account_id": 1, "project_id": 1, "component_id": 1,
         "interactions": [
           {"id": "4e045728-6ee8-4dd2-8c18-77d8545272b9", "step_name": "compile",
            "command": {"module": "Elixir.Mix", "command": "mix compile", "pipe": "tee log", "timestamp": "2026-01-02T03:04:05Z",
                        "metadata": {"z": 1, "a": 2}},
            "result": {"status": "error", "code": 1, "error_message": "failed ✗", "stdout": "AAEC/w==", "stdout_encoding": "base64",
                       "stderr": "line 1\\nline \\"2\\"", "duration_ms": 1500, "timestamp": "2026-01-02T03:04:06.500000Z", "note": true},
            "completed_at": "2026-01-02T03:04:06Z", "inserted_at": "0000-01-01T00:00:00Z", "updated_at": "9999-12-31T23:59:59.999999Z",
            "origin": "hook"},
           {"id": "5e045728-6ee8-4dd2-8c18-77d8545272b9", "command": {"command": "mix test"}, "result": null}
         ],
         "inserted_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-02T03:04:07.123456Z",
         "execution_mode": "agentic", "external_conversation_id": "conv-1",
         "conversation": [{"role": "user", "text": "hello", "at": "2026-01-01T00:00:01Z"}],
         "user_id": 42}
        """

    @Test("a session with everything unusual reads back equal, and its JSON byte for byte")
    func lossless() throws {
        let database = try TestDatabase()
        let owner = try PostgresStore(conninfo: database.owner)
        let original = try Session.decode(try JSONParser.parse(Self.session))
        try owner.write { transaction in
            transaction.registry.addAccount(name: "alice", at: Timestamp(seconds: 0))
            transaction.registry.addProject(name: "web", accountID: 1, at: Timestamp(microseconds: 1, fractionDigits: 6))
            transaction.registry.addComponent(name: "Web.User", accountID: 1, projectID: 1, at: Timestamp(seconds: 5))
            transaction.put(original)
        }
        let member = try PostgresStore(conninfo: database.member("alice", accounts: [1]))
        let read = try #require(try member.session(id: 7))
        #expect(read == original)
        #expect(JSONWriter.string(.object(read.jsonObject)) == JSONWriter.string(.object(original.jsonObject)))
        #expect(JSONWriter.string(.object(read.jsonObject)).contains("\"inserted_at\": \"2026-01-01T00:00:00Z\""))
        #expect(JSONWriter.string(.object(read.jsonObject)).contains("\"inserted_at\": \"0000-01-01T00:00:00Z\""))
        // A list's summary is the one the file store would make.
        let summary = try #require(try member.catalog().summary(id: 7))
        #expect(summary == SessionSummary(original))
        #expect(JSONWriter.string(.object(summary.jsonObject)) == JSONWriter.string(.object(SessionSummary(original).jsonObject)))
        // The registry's times keep their written precision too.
        let registry = try member.registry()
        #expect(registry.projects.first?.insertedAt?.iso8601 == "1970-01-01T00:00:00.000001Z")
        #expect(registry.components.first?.insertedAt?.iso8601 == "1970-01-01T00:00:05Z")
        // The conversation has a column of its own, and the id hooks look up one too.
        let columns = database.psql("SELECT json_array_length(conversation), external_conversation_id FROM sessions", as: database.owner)
        #expect(columns.stdout.trimmingSpaces() == "1|conv-1", "\(columns.stderr)")
        // A session is read for a text only when one of its rows holds it as a JSON string.
        let found = try owner.write { transaction in
            try ["mix compile", "hello", "line 1\nline \"2\"", "mix"].map { try transaction.session(id: 7, mentioning: $0)?.id }
                + [try transaction.session(id: 8, mentioning: "mix compile")?.id]
        }
        // Found in a command, in the conversation, in output as it is escaped; a part of a string is no string.
        #expect(found == [7, 7, 7, nil, nil])
    }
}
