/// What `doctor` compares a database with: the constraints and policies the
/// migrations make. A database administrator may drop or change any of
/// them by hand, and then the server no longer refuses what the program
/// promises it refuses, or no longer keeps one account's rows from another's
/// members. This reads the catalogs only; it changes nothing.
struct DatabaseSchemaCheck {
    let connection: DatabaseConnection

    /// A column whose values the server must limit to the model's own.
    struct ValueCheck {
        let table: String, column: String, values: [String]
    }

    /// A reference and what deleting its target does (`pg_constraint.confdeltype`).
    struct Reference {
        let table: String, column: String, target: String, onDelete: Character

        /// The clause a `confdeltype` code stands for.
        static func action(_ code: Character) -> String {
            switch code {
            case "r": "ON DELETE RESTRICT"
            case "n": "ON DELETE SET NULL"
            case "c": "ON DELETE CASCADE"
            case "a": "ON DELETE NO ACTION"
            case "d": "ON DELETE SET DEFAULT"
            default: "ON DELETE (\(code))"
            }
        }
    }

    static let valueChecks = [
        ValueCheck(table: "sessions", column: "status", values: SessionStatus.allCases.map(\.rawValue)),
        ValueCheck(table: "sessions", column: "agent", values: Agent.allCases.map(\.rawValue)),
        ValueCheck(table: "sessions", column: "environment", values: SessionEnvironment.allCases.map(\.rawValue)),
    ]

    static let references = [
        Reference(table: "sessions", column: "account_id", target: "accounts", onDelete: "r"),
        Reference(table: "sessions", column: "project_id", target: "projects", onDelete: "n"),
        Reference(table: "sessions", column: "component_id", target: "components", onDelete: "n"),
        Reference(table: "projects", column: "account_id", target: "accounts", onDelete: "r"),
        Reference(table: "components", column: "account_id", target: "accounts", onDelete: "r"),
        Reference(table: "components", column: "project_id", target: "projects", onDelete: "n"),
        Reference(table: "interactions", column: "session_id", target: "sessions", onDelete: "c"),
    ]

    /// Columns that must be `NOT NULL`, as `table.column`.
    static let required = ["sessions.account_id", "sessions.status", "sessions.type", "projects.account_id",
                           "components.account_id", "interactions.session_id", "interactions.command"]

    /// Indexes by the columns they cover, as `table (columns)`.
    static let indexes = ["sessions (account_id)", "sessions (project_id)", "sessions (component_id)",
                          "sessions (account_id, status)", "interactions (session_id, inserted_at)"]

    /// The tables row-level security guards, each with its policy.
    static let policies = [("account_members", "own_memberships"), ("accounts", "member_accounts"),
                           ("projects", "member_projects"), ("components", "member_components"),
                           ("sessions", "member_sessions"), ("interactions", "member_interactions")]

    /// The functions that run as the tables' owner (`DatabaseSchema.version2`):
    /// each applies the membership itself, so each must be the schema's.
    static let ownersFunctions = ["sessions_search_candidates", "sessions_id_taken"]

    /// What differs from the schema, a line each; empty when nothing does.
    func problems() throws(DatabaseError) -> [String] {
        var problems: [String] = []

        let checks = try connection.query("""
            SELECT c.conrelid::regclass::text, a.attname, pg_get_constraintdef(c.oid) FROM pg_constraint c
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
                WHERE c.contype = 'c' AND c.connamespace = current_schema()::regnamespace
            """, [])
        for check in Self.valueChecks {
            let definitions = (0..<checks.count).filter { checks.text($0, 0) == check.table && checks.text($0, 1) == check.column }
                .compactMap { checks.text($0, 2) }
            // The values are the definition's quoted strings: `'active'::character varying`.
            let allowed = definitions.map { Set($0.split(separator: "'", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }) }
            if !allowed.contains(Set(check.values)) {
                problems.append("\(check.table).\(check.column) is not checked to be one of \(check.values.joined(separator: ", "))"
                    + (definitions.isEmpty ? " (it has no check constraint)" : " (it has \(definitions.joined(separator: "; ")))"))
            }
        }

        let references = try connection.query("""
            SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, c.confdeltype FROM pg_constraint c
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
            """, [])
        for reference in Self.references {
            let found = (0..<references.count).first { row in
                references.text(row, 0) == reference.table && references.text(row, 1) == reference.column
                    && references.text(row, 2) == reference.target
            }
            guard let found else {
                problems.append("\(reference.table).\(reference.column) does not reference \(reference.target)")
                continue
            }
            let action = references.text(found, 3)?.first ?? " "
            if action != reference.onDelete {
                problems.append("\(reference.table).\(reference.column) references \(reference.target) \(Reference.action(action)), "
                    + "not \(Reference.action(reference.onDelete))")
            }
        }

        let nullable = try connection.query("""
            SELECT c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                WHERE c.relnamespace = current_schema()::regnamespace AND a.attnum > 0 AND NOT a.attisdropped AND NOT a.attnotnull
            """, []).texts
        for column in Self.required where nullable.contains(column) {
            problems.append("\(column) may be null")
        }

        let covered = Set(try connection.query("""
            SELECT t.relname || ' (' || string_agg(a.attname, ', ' ORDER BY k.ordinality) || ')' FROM pg_index i
                JOIN pg_class t ON t.oid = i.indrelid
                CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ordinality)
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                WHERE t.relnamespace = current_schema()::regnamespace
                GROUP BY i.indexrelid, t.relname
            """, []).texts)
        for index in Self.indexes where !covered.contains(index) {
            problems.append("no index on \(index)")
        }

        let guarded = try connection.query("""
            SELECT c.relname, c.relrowsecurity, p.polname FROM pg_class c
                LEFT JOIN pg_policy p ON p.polrelid = c.oid
                WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
            """, [])
        for (table, policy) in Self.policies {
            let rows = (0..<guarded.count).filter { guarded.text($0, 0) == table }
            if !rows.contains(where: { guarded.text($0, 1) == "t" }) {
                problems.append("row-level security is off on \(table): every login with access sees all of its rows")
            } else if !rows.contains(where: { guarded.text($0, 2) == policy }) {
                problems.append("\(table) has no policy \(policy)")
            }
        }
        let functions = try connection.query("""
            SELECT proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace AND prosecdef
                AND 'search_path=' || current_schema() || ', pg_temp' = ANY (proconfig)
            """, []).texts
        for function in Self.ownersFunctions where !functions.contains(function) {
            problems.append("\(function) is missing, or no longer runs as the tables' owner with its own search path")
        }
        return problems
    }

    /// Whether the policies bind the connected login: an owner, a superuser
    /// or a role that bypasses row-level security sees every account.
    func loginIsBound() throws(DatabaseError) -> Bool {
        let rows = try connection.query("""
            SELECT NOT (r.rolsuper OR r.rolbypassrls OR pg_has_role(current_user, c.relowner, 'USAGE'))
                FROM pg_roles r, pg_class c WHERE r.rolname = current_user AND c.oid = 'sessions'::regclass
            """, [])
        return rows.text(0, 0) == "t"
    }
}
