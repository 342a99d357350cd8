/// The tables of a PostgreSQL store, and the versioned migrations that make
/// them. The names are CodeMySpec's (`accounts`, `projects`, `components`,
/// `sessions`, `interactions`, their columns), so its people recognise them;
/// the constraints are the seed's, which CodeMySpec's own migrations do not
/// have, and the server enforces them whoever writes.
///
/// Free-form values (`state`, a command, a result, members the schema does
/// not model, a conversation) are `json`, not `jsonb`: `jsonb` reorders an
/// object's members and keeps one of two with the same name, and an export
/// of a copied store must be byte for byte the export of the original.
/// `json` keeps the text as written and still answers `->` and `->>`.
/// For the same reason each table's `time_digits` says how many fraction
/// digits each of its times was written with (see `DatabaseValues.digits`):
/// a `timestamp` keeps only the instant.
enum DatabaseSchema {
    /// The version this program writes and reads.
    static let version = 2

    /// The text of a row that a search's trigram indexes cover, lower-cased:
    /// the same expressions as the indexes, or the server cannot use them.
    ///
    /// An interaction's is only what a search reads of it (`SessionSearch.parts`),
    /// decoded: ids and times hold every digit trigram, so with them a
    /// number matched a quarter of all rows. The server cannot decode a
    /// `json` value holding `\u0000` (its text type has no NUL), and an
    /// index expression that failed would refuse the row: such a row is
    /// indexed by its whole JSON text instead, which holds every needle too.
    static let interactionText = """
        lower(CASE WHEN strpos(command::text || coalesce(result::text, ''), '\\u0000') > 0 \
        THEN command::text || ' ' || coalesce(result::text, '') \
        ELSE coalesce(command->>'command', '') || ' ' || coalesce(command->>'pipe', '') || ' ' \
        || coalesce(result->>'stdout', '') || ' ' || coalesce(result->>'stderr', '') || ' ' \
        || coalesce(result->>'error_message', '') END)
        """
    static let sessionText = "lower(coalesce(state::text, '') || ' ' || extra::text || ' ' || coalesce(conversation::text, ''))"

    /// An interaction whose output is kept as base64, which no needle can
    /// see into: a search always reads it. The predicate of a partial index;
    /// raw text, since only a member's name ends `_encoding"` unescaped.
    static let encodedOutput = "strpos(result::text, '_encoding\"') > 0"

    /// The text of `column`'s member `key`, or NULL where the value holds
    /// `\u0000`, which the server cannot decode: a query on it must not
    /// fail for one such row.
    static func member(_ key: String, of column: String) -> String {
        "CASE WHEN strpos(\(column)::text, '\\u0000') = 0 THEN \(column)->>'\(key)' END"
    }

    /// The channel every commit is announced on.
    static let changesChannel = "sessions_changed"

    /// The group role every member's login belongs to: what it is granted.
    static let memberRole = "sessions_member"

    /// The SQL that takes the schema from `version - 1` to `version`, by
    /// index: each runs once, in its own transaction with the version row,
    /// so a crash inside one leaves the one before.
    static let migrations: [String] = [version1, version2]

    static let version1 = """
        CREATE TABLE sessions_schema (
            singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
            version integer NOT NULL,
            migrated_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
        );

        -- What a store keeps outside any account: the default account for
        -- a login with no other choice, spooled events already recorded, and
        -- members this version does not model. One row.
        CREATE TABLE sessions_store (
            singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
            default_account_id bigint,
            delivered_events json NOT NULL DEFAULT '[]',
            extra json NOT NULL DEFAULT '{}',
            -- Raised by every commit: what a live view compares.
            generation bigint NOT NULL DEFAULT 0
        );
        INSERT INTO sessions_store DEFAULT VALUES;

        CREATE TABLE accounts (
            id bigint PRIMARY KEY,
            name varchar(255) NOT NULL,
            extra json NOT NULL DEFAULT '{}',
            inserted_at timestamp,
            time_digits varchar(8)
        );

        -- Which database roles may see which accounts: the policies below
        -- admit a row only when its account is one of the connected role's.
        CREATE TABLE account_members (
            role_name name NOT NULL,
            account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            PRIMARY KEY (role_name, account_id)
        );
        CREATE INDEX account_members_account_id_index ON account_members (account_id);

        CREATE TABLE projects (
            id bigint PRIMARY KEY,
            account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
            name varchar(255) NOT NULL,
            extra json NOT NULL DEFAULT '{}',
            inserted_at timestamp,
            time_digits varchar(8)
        );
        CREATE INDEX projects_account_id_index ON projects (account_id);

        CREATE TABLE components (
            id bigint PRIMARY KEY,
            account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
            project_id bigint REFERENCES projects(id) ON DELETE SET NULL,
            name varchar(255) NOT NULL,
            extra json NOT NULL DEFAULT '{}',
            inserted_at timestamp,
            time_digits varchar(8)
        );
        CREATE INDEX components_account_id_index ON components (account_id);
        CREATE INDEX components_project_id_index ON components (project_id);

        -- The id counters. A member sees only its accounts' rows, so the
        -- next id cannot be read off the rows it sees: writers read and
        -- raise these, one writer at a time.
        CREATE SEQUENCE accounts_id_seq;
        CREATE SEQUENCE projects_id_seq;
        CREATE SEQUENCE components_id_seq;
        CREATE SEQUENCE sessions_id_seq;

        CREATE TABLE sessions (
            id bigint PRIMARY KEY,
            type varchar(255) NOT NULL,
            agent varchar(255) CHECK (agent IN ('claude_code')),
            environment varchar(255) CHECK (environment IN ('local', 'vscode')),
            status varchar(255) NOT NULL CHECK (status IN ('active', 'complete', 'failed')),
            state json,
            external_conversation_id text,
            account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
            project_id bigint REFERENCES projects(id) ON DELETE SET NULL,
            component_id bigint REFERENCES components(id) ON DELETE SET NULL,
            conversation json,
            extra json NOT NULL DEFAULT '{}',
            inserted_at timestamp NOT NULL,
            updated_at timestamp NOT NULL,
            time_digits varchar(8),
            -- What a list row shows, kept with every write so that listing
            -- never reads the interactions.
            interaction_count integer NOT NULL DEFAULT 0,
            last_interaction_at timestamp,
            last_message_at timestamp,
            last_result_status varchar(255) CHECK (last_result_status IN ('pending', 'ok', 'error', 'warning'))
        );
        CREATE INDEX sessions_account_id_index ON sessions (account_id);
        CREATE INDEX sessions_project_id_index ON sessions (project_id);
        CREATE INDEX sessions_component_id_index ON sessions (component_id);
        CREATE INDEX sessions_account_id_status_index ON sessions (account_id, status);
        CREATE INDEX sessions_external_conversation_id_index ON sessions (external_conversation_id text_pattern_ops);

        -- One row per interaction, by its place in the session's timeline.
        -- Its id is a UUID but not the key: the same transcript imported into
        -- two accounts gives two sessions the same interaction ids.
        CREATE TABLE interactions (
            session_id bigint NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            position integer NOT NULL CHECK (position >= 0),
            id uuid NOT NULL,
            step_name text,
            command json NOT NULL,
            result json,
            completed_at timestamp,
            inserted_at timestamp,
            updated_at timestamp,
            time_digits varchar(8),
            extra json NOT NULL DEFAULT '{}',
            PRIMARY KEY (session_id, position)
        );
        CREATE INDEX interactions_session_id_inserted_at_index ON interactions (session_id, inserted_at);
        CREATE INDEX interactions_id_index ON interactions (id);

        -- Every commit raises the generation; this tells listeners so, on
        -- commit. Only the generation: a notification passes row-level
        -- security by, so it names nothing a listener's login could not see.
        CREATE FUNCTION sessions_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('sessions_changed', NEW.generation::text);
            RETURN NULL;
        END $$;
        CREATE TRIGGER sessions_store_changed AFTER UPDATE OF generation ON sessions_store
            FOR EACH ROW EXECUTE FUNCTION sessions_announce_change();

        -- What a search looks in, by trigrams: a rare word is found without
        -- reading every row. (The second expression is `sessionText` in the
        -- program, which must stay the same; version 2 replaces the first.)
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX interactions_text_trgm_index ON interactions
            USING gin (lower(command::text || ' ' || coalesce(result::text, '')) gin_trgm_ops);
        CREATE INDEX sessions_text_trgm_index ON sessions
            USING gin (lower(coalesce(state::text, '') || ' ' || extra::text || ' ' || coalesce(conversation::text, '')) gin_trgm_ops);

        -- Row-level security: a row is seen, written or deleted only by a
        -- role that is a member of its account. The program connects as such
        -- a role, which does not own the tables, so the policies bind it.
        ALTER TABLE account_members ENABLE ROW LEVEL SECURITY;
        CREATE POLICY own_memberships ON account_members USING (role_name = current_user);

        ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
        CREATE POLICY member_accounts ON accounts
            USING (id IN (SELECT account_id FROM account_members WHERE role_name = current_user));

        ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
        CREATE POLICY member_projects ON projects
            USING (account_id IN (SELECT account_id FROM account_members WHERE role_name = current_user));

        ALTER TABLE components ENABLE ROW LEVEL SECURITY;
        CREATE POLICY member_components ON components
            USING (account_id IN (SELECT account_id FROM account_members WHERE role_name = current_user));

        ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
        CREATE POLICY member_sessions ON sessions
            USING (account_id IN (SELECT account_id FROM account_members WHERE role_name = current_user));

        -- An interaction is its session's: seen only where the session is.
        ALTER TABLE interactions ENABLE ROW LEVEL SECURITY;
        CREATE POLICY member_interactions ON interactions
            USING (EXISTS (SELECT 1 FROM sessions WHERE sessions.id = interactions.session_id));

        -- What a member's login may do; the policies above narrow it to its accounts.
        -- Roles belong to the server, not the database: another database's
        -- migration may have made it, even at this moment.
        DO $$ BEGIN
            CREATE ROLE sessions_member NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$;
        GRANT SELECT ON sessions_schema, account_members, accounts TO sessions_member;
        GRANT SELECT, UPDATE ON sessions_store TO sessions_member;
        GRANT SELECT, INSERT, UPDATE, DELETE ON projects, components, sessions, interactions TO sessions_member;
        GRANT SELECT, UPDATE, USAGE ON SEQUENCE accounts_id_seq, projects_id_seq, components_id_seq, sessions_id_seq
            TO sessions_member;
        """

    /// Version 1's interaction index covered the whole JSON of a command and
    /// its result, ids and times included, and a search's `LIKE ALL` could
    /// not use it: a rare word read every row. This one covers only the
    /// text a search reads, and the query asks one `LIKE` per term.
    ///
    /// Row-level security keeps the server from using an index for a
    /// member's `LIKE` at all: the operator is not leakproof, so it may not
    /// run before the policies. A search's candidates are therefore found by
    /// a function that runs as the tables' owner and applies the membership
    /// itself, keyed on the login (`session_user`) as the policies are keyed
    /// on the role; a login the policies do not bind (an owner, a superuser)
    /// is not narrowed. It returns ids and positions only: the sessions and
    /// interactions are then read under the caller's own policies.
    /// `sessions_id_taken` answers, for any account, whether a session,
    /// project or component id is in use (see
    /// `PostgresTransaction.sessionExists` and `isEntryIDTakenElsewhere`).
    static let version2 = """
        DROP INDEX interactions_text_trgm_index;
        CREATE INDEX interactions_search_trgm_index ON interactions USING gin (\(interactionText) gin_trgm_ops);
        CREATE INDEX interactions_encoded_output_index ON interactions (session_id) WHERE \(encodedOutput);

        -- A session matched by its own row comes with a NULL position.
        CREATE FUNCTION sessions_search_candidates(patterns text[])
            RETURNS TABLE (candidate_session bigint, candidate_position integer)
            LANGUAGE plpgsql STABLE SECURITY DEFINER AS $fn$
        DECLARE
            interaction_match text;
            session_match text;
            unbound boolean;
        BEGIN
            SELECT string_agg(format('%s LIKE %L', \(literal(interactionText)), pattern), ' AND '),
                   string_agg(format('%s LIKE %L', \(literal(sessionText)), pattern), ' AND ')
                INTO interaction_match, session_match FROM unnest(patterns) AS pattern;
            IF interaction_match IS NULL THEN
                RETURN;
            END IF;
            SELECT r.rolsuper OR r.rolbypassrls OR pg_has_role(session_user, c.relowner, 'USAGE') INTO unbound
                FROM pg_roles r, pg_class c WHERE r.rolname = session_user AND c.oid = 'sessions'::regclass;
            RETURN QUERY EXECUTE format($q$
                SELECT found.session_id, found.position FROM (
                    SELECT session_id, position FROM interactions WHERE %s
                    UNION SELECT session_id, position FROM interactions WHERE %s
                    UNION SELECT id, NULL::integer FROM sessions WHERE %s) AS found
                JOIN sessions ON sessions.id = found.session_id
                WHERE %L OR sessions.account_id IN (SELECT account_id FROM account_members WHERE role_name = session_user)
                $q$, interaction_match, \(literal(encodedOutput)), session_match, coalesce(unbound, false));
        END $fn$;
        -- A function that runs as its owner names its schema, and reads no temporary one first.
        DO $$ BEGIN
            EXECUTE format('ALTER FUNCTION sessions_search_candidates(text[]) SET search_path = %I, pg_temp', current_schema());
        END $$;
        REVOKE ALL ON FUNCTION sessions_search_candidates(text[]) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION sessions_search_candidates(text[]) TO sessions_member;

        -- Whether any account's session, project or component has this id: a
        -- writer that keeps an imported record's id must not take one another
        -- account holds, which its policies hide from it. Only yes or no; the
        -- sequences a member reads already tell how many ids are in use.
        CREATE FUNCTION sessions_id_taken(kind text, taken_id bigint) RETURNS boolean
            LANGUAGE sql STABLE SECURITY DEFINER AS $fn$
            SELECT CASE kind
                WHEN 'sessions' THEN EXISTS (SELECT 1 FROM sessions WHERE id = taken_id)
                WHEN 'projects' THEN EXISTS (SELECT 1 FROM projects WHERE id = taken_id)
                WHEN 'components' THEN EXISTS (SELECT 1 FROM components WHERE id = taken_id)
            END
            $fn$;
        DO $$ BEGIN
            EXECUTE format('ALTER FUNCTION sessions_id_taken(text, bigint) SET search_path = %I, pg_temp', current_schema());
        END $$;
        REVOKE ALL ON FUNCTION sessions_id_taken(text, bigint) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION sessions_id_taken(text, bigint) TO sessions_member;
        """

    /// `text` as an SQL string literal.
    static func literal(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }
}

/// Creates and upgrades a database's schema, and checks it before use.
struct DatabaseMigrator {
    let connection: DatabaseConnection

    /// The schema's version, or nil when it has none.
    func version() throws(DatabaseError) -> Int? {
        // Read from the catalog table, with this statement's snapshot: a
        // schema another process just committed is seen at once.
        let exists = try connection.query(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'sessions_schema')", [])
        guard exists.text(0, 0) == "t" else { return nil }
        return try connection.query("SELECT version FROM sessions_schema", []).int(0, 0)
    }

    /// Brings the schema to `DatabaseSchema.version`: each missing migration
    /// in a transaction of its own, under a lock, so two at once run each
    /// step once. Returns the versions it went from and to.
    @discardableResult
    func migrate(upTo target: Int = DatabaseSchema.version) throws -> (from: Int, to: Int) {
        let start = try version() ?? 0
        guard start <= DatabaseSchema.version else {
            throw DatabaseError.newerSchema(target: connection.target, found: start, supported: DatabaseSchema.version)
        }
        var current = start
        while current < target {
            try connection.transaction {
                try connection.execute("SELECT pg_advisory_xact_lock(\(Self.lockKey))")
                // Another process may have migrated while this one waited.
                let now = try version() ?? 0
                guard now == current else {
                    current = now
                    return
                }
                try connection.execute(DatabaseSchema.migrations[current])
                if current == 0 {
                    try connection.query("INSERT INTO sessions_schema (version) VALUES ($1)", [String(current + 1)])
                } else {
                    try connection.query("UPDATE sessions_schema SET version = $1, migrated_at = now() AT TIME ZONE 'UTC'",
                                         [String(current + 1)])
                }
                current += 1
            }
        }
        return (start, current)
    }

    /// Refuses a database without the schema, or with another version of it.
    func check() throws(DatabaseError) {
        guard let found = try version() else { throw .noSchema(target: connection.target) }
        if found > DatabaseSchema.version {
            throw .newerSchema(target: connection.target, found: found, supported: DatabaseSchema.version)
        }
        if found < DatabaseSchema.version {
            throw .olderSchema(target: connection.target, found: found, supported: DatabaseSchema.version)
        }
    }

    /// The advisory lock migrations take ("sessions" in ASCII).
    static let lockKey = 0x7365_7373_696F_6E73
}
