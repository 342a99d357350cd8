import Synchronization

/// A store in a PostgreSQL database that a team shares. The server decides
/// which accounts a login sees (row-level security, by `account_members`),
/// and enforces the schema's constraints whoever writes.
///
/// Writes take one transaction-scoped advisory lock, as the file store takes
/// its lock: a writer sees the latest commit and no update is lost between
/// two. Reads see one committed state.
public final class PostgresStore: SessionStore, @unchecked Sendable {
    /// One connection, used by one caller at a time.
    private let connection: Mutex<DatabaseConnection>
    /// "database sessions on /run/postgresql:5432", for messages.
    public let target: String

    /// How long a writer waits for another's lock before giving up with
    /// `StoreError.busy`, as the file store's writers do (the hook, which
    /// spools its event instead); nil waits as long as it takes.
    let lockLimitMS: Int?

    /// Connects and checks the schema: a database without it, or with
    /// another version of it, is refused with what to do.
    public init(conninfo: String, lockLimitMS: Int? = nil) throws {
        let opened = try DatabaseConnection(conninfo)
        try DatabaseMigrator(connection: opened).check()
        target = opened.target
        connection = Mutex(opened)
        self.lockLimitMS = lockLimitMS
    }

    /// Creates or upgrades the schema of the database `conninfo` names:
    /// the versions it went from and to.
    @discardableResult
    public static func migrate(conninfo: String) throws -> (from: Int, to: Int) {
        try DatabaseMigrator(connection: DatabaseConnection(conninfo)).migrate()
    }

    /// Stops at `version`: a test makes an older database to upgrade.
    static func migrate(conninfo: String, upTo version: Int) throws -> (from: Int, to: Int) {
        try DatabaseMigrator(connection: DatabaseConnection(conninfo)).migrate(upTo: version)
    }

    /// Runs `body` on the connection, first connecting again if it was
    /// lost (the server restarted): a long-lived browser outlives a
    /// connection. A read that fails because the connection broke under it
    /// is tried once more on a new one; a write is not, since its commit
    /// may have happened before the break, and is reported.
    private func using<T>(retrying: Bool = true, _ body: (DatabaseConnection) throws -> T) throws -> T {
        try connection.withLock { connection in
            if connection.isBroken { try connection.reconnect() }
            do {
                return try body(connection)
            } catch {
                guard connection.isBroken else { throw error }
                try connection.reconnect()
                guard retrying else { throw error }
                return try body(connection)
            }
        }
    }

    /// The server process of this store's connection (for tests that end it).
    var backendPID: Int32 { connection.withLock { $0.backendPID } }

    // MARK: Reads

    public func registry() throws -> Registry {
        try using { connection in try connection.transaction(.snapshot) { try Self.readRegistry(connection).registry } }
    }

    public func generation() throws -> Int {
        try using { try $0.query("SELECT generation FROM sessions_store", []).int(0, 0) ?? 0 }
    }

    public func catalog() throws -> Catalog {
        try using { connection in
            try connection.transaction(.snapshot) {
                let (registry, generation) = try Self.readRegistry(connection)
                return Catalog(registry: registry, summaries: try Self.readSummaries(connection), generation: generation)
            }
        }
    }

    public func session(id: Session.ID) throws -> Session? {
        try using { connection in
            try connection.transaction(.snapshot) {
                return try Self.readSession(connection, id: id)
            }
        }
    }

    /// Sessions 16 at a time, each group in two statements (their rows,
    /// then all their interactions) in one snapshot: a search that reads many
    /// sessions would otherwise wait on five round trips for each. Sixteen,
    /// not all at once, bounds what one read holds when sessions are large.
    public func sessions(ids: [Session.ID], _ body: (Session.ID, Result<Session?, any Error>) throws -> Void) throws {
        try readInGroups(ids, only: nil) { id, result in try body(id, result.map { $0?.session }) }
    }

    /// Only the sessions whose rows may hold every term are read, and of
    /// them only the interactions that may: the server finds both
    /// (`sessions_search_candidates`, see `DatabaseSchema.version2`) with
    /// its trigram indexes on the text a search reads, looking for each
    /// term's needle (`RawNeedle`: the bytes of it no JSON writer escapes)
    /// as the file store's scan does. The rest can match by their title
    /// alone. A pattern, or a term with no needle, reads every session
    /// whole; an interaction with base64 output is always read.
    public func search(_ search: SessionSearch, targets: [SearchTarget], registry: Registry,
                       _ body: (SearchBatch) throws -> Bool) throws {
        let plan = RawSearchPlan(search)
        guard !plan.decodesEverything, !plan.needles.isEmpty, !search.seeksInteractionID else {
            return try searchReadingWhole(search, targets: targets, registry: registry, body)
        }
        // LIKE patterns: LIKE's own escapes around each needle.
        let patterns = plan.needles.map { needle in
            "%" + String(decoding: needle.bytes, as: UTF8.self).lowercased()
                .replacing("\\", with: "\\\\").replacing("%", with: "\\%").replacing("_", with: "\\_") + "%"
        }
        let arguments = patterns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        let rows = try using { connection in
            try connection.query("SELECT candidate_session, candidate_position "
                + "FROM sessions_search_candidates(ARRAY[\(arguments)]::text[]) ORDER BY 1, 2", patterns)
        }
        // A session matched by its own row (state, conversation) comes with no position.
        var positions: [Session.ID: [Int]] = [:]
        for row in 0..<rows.count {
            let id = Session.ID(rows.int(row, 0) ?? 0)
            if let position = rows.int(row, 1) {
                positions[id, default: []].append(position)
            } else if positions[id] == nil {
                positions[id] = []
            }
        }
        try searchReading(search, targets: targets, registry: registry, reads: Set(positions.keys), body) { ids, each in
            try readInGroups(ids, only: positions, each)
        }
    }

    /// `ids` read 16 at a time (see `sessions(ids:)`); with `only`, each
    /// session with just the interactions at its positions there.
    private func readInGroups(_ ids: [Session.ID], only positions: [Session.ID: [Int]]?,
                              _ body: (Session.ID, Result<PartialSession?, any Error>) throws -> Void) throws {
        var start = 0
        while start < ids.count {
            let group = Array(ids[start..<min(ids.count, start + 16)])
            start += group.count
            let read = try readGroup(group, only: positions)
            for id in group { try body(id, read[id] ?? .success(nil)) }
        }
    }

    private func readGroup(_ ids: [Session.ID], only positions: [Session.ID: [Int]]?) throws
        -> [Session.ID: Result<PartialSession?, any Error>] {
        let list = "{" + ids.map { String($0.rawValue) }.joined(separator: ",") + "}"
        let columns = "\(InteractionRow.columns), session_id, position"
        return try using { connection -> [Session.ID: Result<PartialSession?, any Error>] in
            try connection.transaction(.snapshot) {
                let rows = try connection.query("SELECT \(SessionRow.columns) FROM sessions WHERE id = ANY ($1::bigint[])", [list])
                let interactions: DatabaseRows?
                if let positions {
                    let pairs = ids.flatMap { id in (positions[id] ?? []).map { (id, $0) } }
                    interactions = pairs.isEmpty ? nil : try connection.query(
                        "SELECT \(columns) FROM interactions WHERE (session_id, position) IN "
                            + "(SELECT * FROM unnest($1::bigint[], $2::integer[])) ORDER BY session_id, position",
                        ["{" + pairs.map { String($0.0.rawValue) }.joined(separator: ",") + "}",
                         "{" + pairs.map { String($0.1) }.joined(separator: ",") + "}"])
                } else {
                    interactions = try connection.query(
                        "SELECT \(columns) FROM interactions WHERE session_id = ANY ($1::bigint[]) ORDER BY session_id, position", [list])
                }
                var lists: [Session.ID: [Interaction]] = [:]
                var places: [Session.ID: [Int]] = [:]
                var damaged: [Session.ID: any Error] = [:]
                if let interactions {
                    for row in 0..<interactions.count {
                        let id = Session.ID(interactions.int(row, InteractionRow.columnCount) ?? 0)
                        do {
                            lists[id, default: []].append(try InteractionRow.interaction(interactions, row, session: id))
                            places[id, default: []].append(interactions.int(row, InteractionRow.columnCount + 1) ?? 0)
                        } catch {
                            damaged[id] = error
                        }
                    }
                }
                var read: [Session.ID: Result<PartialSession?, any Error>] = [:]
                for row in 0..<rows.count {
                    let id = Session.ID(rows.int(row, 0) ?? 0)
                    read[id] = Result {
                        if let error = damaged[id] { throw error }
                        var session = try SessionRow.session(rows, row, conversation: true)
                        session.interactions = lists.removeValue(forKey: id) ?? []
                        return PartialSession(session: session, positions: positions == nil ? nil : places[id] ?? [])
                    }
                }
                return read
            }
        }
    }

    // MARK: Writes

    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try using(retrying: false) { connection in
            try connection.transaction {
                // The lock, within the limit when there is one, in one round trip: the
                // server stops at the first statement that fails.
                let lock = "SELECT pg_advisory_xact_lock(\(Self.writeLockKey))"
                do {
                    try connection.execute(lockLimitMS.map { "SET LOCAL lock_timeout = '\(max(1, $0))ms'; \(lock); SET LOCAL lock_timeout = 0" }
                                           ?? lock)
                } catch let error as DatabaseError where error.code == "55P03" {
                    throw StoreError.busy(path: target, holder: nil)
                }
                let transaction = try PostgresTransaction(connection: connection, registry: Self.readRegistry(connection).registry)
                let value = try body(transaction)
                try transaction.commit()
                return value
            }
        }
    }

    /// The lock every writer takes for its transaction ("sessionw").
    static let writeLockKey = 0x7365_7373_696F_6E77

    // MARK: Rows

    /// The registry, and the store's generation with it (a catalog's).
    static func readRegistry(_ connection: DatabaseConnection) throws -> (registry: Registry, generation: Int) {
        var registry = Registry()
        // The counters are the sequences': a member cannot see every id in use.
        let store = try connection.query("""
            SELECT default_account_id, delivered_events, extra, generation,
                   (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM sessions_id_seq),
                   (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM accounts_id_seq),
                   (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM projects_id_seq),
                   (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM components_id_seq)
            FROM sessions_store
            """, [])
        registry.defaultAccountID = store.int(0, 0).map { Account.ID($0) }
        registry.deliveredEvents = (try DatabaseValues.value(store.text(0, 1))?.arrayValue ?? []).compactMap(\.stringValue)
        registry.extra = try DatabaseValues.object(store.text(0, 2))
        registry.nextSessionID = store.int(0, 4) ?? 1
        registry.nextAccountID = store.int(0, 5) ?? 1
        registry.nextProjectID = store.int(0, 6) ?? 1
        registry.nextComponentID = store.int(0, 7) ?? 1
        let accounts = try connection.query("SELECT id, name, extra, inserted_at, time_digits FROM accounts ORDER BY id", [])
        for row in 0..<accounts.count {
            registry.accounts.append(Account(
                id: Account.ID(accounts.int(row, 0) ?? 0), name: accounts.text(row, 1) ?? "",
                insertedAt: DatabaseValues.time(accounts.text(row, 3), digits: DatabaseValues.digit(accounts.text(row, 4), 0)),
                extra: try DatabaseValues.object(accounts.text(row, 2))))
        }
        let projects = try connection.query(
            "SELECT id, account_id, name, extra, inserted_at, time_digits FROM projects ORDER BY id", [])
        for row in 0..<projects.count {
            registry.projects.append(Project(
                id: Project.ID(projects.int(row, 0) ?? 0), accountID: Account.ID(projects.int(row, 1) ?? 0),
                name: projects.text(row, 2) ?? "",
                insertedAt: DatabaseValues.time(projects.text(row, 4), digits: DatabaseValues.digit(projects.text(row, 5), 0)),
                extra: try DatabaseValues.object(projects.text(row, 3))))
        }
        let components = try connection.query(
            "SELECT id, account_id, project_id, name, extra, inserted_at, time_digits FROM components ORDER BY id", [])
        for row in 0..<components.count {
            registry.components.append(Component(
                id: Component.ID(components.int(row, 0) ?? 0), accountID: Account.ID(components.int(row, 1) ?? 0),
                projectID: components.int(row, 2).map { Project.ID($0) }, name: components.text(row, 3) ?? "",
                insertedAt: DatabaseValues.time(components.text(row, 5), digits: DatabaseValues.digit(components.text(row, 6), 0)),
                extra: try DatabaseValues.object(components.text(row, 4))))
        }
        // The store's default account is shared by every login; one that
        // cannot see it, and sees one account only, has that one for default.
        if !registry.accounts.contains(where: { $0.id == registry.defaultAccountID }) {
            registry.defaultAccountID = registry.accounts.count == 1 ? registry.accounts[0].id : nil
        }
        return (registry, store.int(0, 3) ?? 0)
    }

    /// Every session the login may see, as a list shows it, without its interactions.
    static func readSummaries(_ connection: DatabaseConnection) throws -> [SessionSummary] {
        let rows = try connection.query("SELECT \(SessionRow.columnsWithoutConversation), interaction_count, last_interaction_at, "
            + "last_message_at, last_result_status FROM sessions ORDER BY id", [])
        var summaries: [SessionSummary] = []
        summaries.reserveCapacity(rows.count)
        let count = SessionRow.columnCount
        for row in 0..<rows.count {
            var header = try SessionRow.session(rows, row, conversation: false)
            header.extra.members.removeAll { SessionSummary.summaryKeys.contains($0.key) }
            let digits = rows.text(row, SessionRow.timeDigitsColumn)
            summaries.append(SessionSummary(
                header: header, interactionCount: rows.int(row, count) ?? 0,
                lastInteractionAt: DatabaseValues.time(rows.text(row, count + 1), digits: DatabaseValues.digit(digits, 2)),
                lastMessageAt: DatabaseValues.time(rows.text(row, count + 2), digits: DatabaseValues.digit(digits, 3)),
                lastResult: rows.text(row, count + 3).flatMap(LastResult.init(rawValue:))))
        }
        return summaries
    }

    static func readSession(_ connection: DatabaseConnection, id: Session.ID) throws -> Session? {
        let rows = try connection.query("SELECT \(SessionRow.columns) FROM sessions WHERE id = $1", [String(id.rawValue)])
        guard rows.count == 1 else { return nil }
        var session = try SessionRow.session(rows, 0, conversation: true)
        let interactions = try connection.query(
            "SELECT \(InteractionRow.columns) FROM interactions WHERE session_id = $1 ORDER BY position", [String(id.rawValue)])
        session.interactions.reserveCapacity(interactions.count)
        for row in 0..<interactions.count {
            session.interactions.append(try InteractionRow.interaction(interactions, row, session: id))
        }
        return session
    }
}

/// What a write stages against the database, inside the writer's transaction:
/// reads see the database as the transaction does, plus what it staged.
final class PostgresTransaction: StoreTransaction {
    let connection: DatabaseConnection
    var registry: Registry
    private let original: Registry
    private var staged: [Session.ID: Session?] = [:]
    /// Heads read in this transaction, as its own edits left them: a write
    /// asks for a session's head before its edit, while staging it and
    /// after, and each read would fetch and decode the whole conversation.
    private var heads: [Session.ID: SessionHead] = [:]

    init(connection: DatabaseConnection, registry: Registry) {
        self.connection = connection
        self.registry = registry
        original = registry
    }

    func summaries() throws -> [Session.ID: SessionSummary] {
        var summaries: [Session.ID: SessionSummary] = [:]
        for summary in try PostgresStore.readSummaries(connection) { summaries[summary.id] = summary }
        for (id, session) in staged {
            summaries[id] = session.map(SessionSummary.init)
        }
        return summaries
    }

    func session(id: Session.ID) throws -> Session? {
        if let staged = staged[id] { return staged }
        return try PostgresStore.readSession(connection, id: id)
    }

    /// Whether the id is taken, by this login's accounts or any other's:
    /// what a writer asks before it keeps an id, and the policies would
    /// hide another account's session from it.
    func sessionExists(id: Session.ID) throws -> Bool {
        if let staged = staged[id] { return staged != nil }
        return try connection.query("SELECT sessions_id_taken('sessions', $1)", [String(id.rawValue)]).text(0, 0) == "t"
    }

    /// Another account's entry, hidden by the policies, may hold the id.
    func isEntryIDTakenElsewhere(_ table: RegistryTable, _ id: Int) throws -> Bool {
        try connection.query("SELECT sessions_id_taken($1, $2)", [table.rawValue, String(id)]).text(0, 0) == "t"
    }

    func put(_ session: Session) {
        staged[session.id] = .some(session)
    }

    /// A session's fields, its figures and its pending interactions, from
    /// its row and an index lookup: an append or a status change reads this
    /// and not the interactions, so it costs the same however long the session.
    func head(id: Session.ID) throws -> SessionHead? {
        if let staged = staged[id] { return staged.map { SessionHead($0) } }
        if let head = heads[id] { return head }
        let rows = try connection.query("SELECT \(SessionRow.columns), interaction_count, last_interaction_at, last_result_status "
            + "FROM sessions WHERE id = $1", [String(id.rawValue)])
        guard rows.count == 1 else { return nil }
        let session = try SessionRow.session(rows, 0, conversation: true)
        let count = SessionRow.columnCount
        let waiting = try connection.query("SELECT position, id, \(DatabaseSchema.member(ClaudeCodeTools.toolUseKey, of: "extra")) FROM interactions "
            + "WHERE session_id = $1 AND result IS NULL ORDER BY position", [String(id.rawValue)])
        let pending = (0..<waiting.count).map { row in
            SessionHead.Pending(position: waiting.int(row, 0) ?? 0, id: waiting.text(row, 1) ?? "", toolUseID: waiting.text(row, 2),
                                line: 0..<0)
        }
        let digits = rows.text(0, SessionRow.timeDigitsColumn)
        let head = SessionHead(session: session, interactionCount: rows.int(0, count) ?? 0,
                               lastInteractionAt: DatabaseValues.time(rows.text(0, count + 1), digits: DatabaseValues.digit(digits, 2)),
                               lastResult: rows.text(0, count + 2).flatMap { LastResult(rawValue: $0) },
                               logLength: 0, pending: pending, toolCalls: nil)
        heads[id] = head
        return head
    }

    func interactions(of head: SessionHead, at positions: [Int]) throws -> [Interaction] {
        if staged[head.id] != nil {
            guard let session = try session(id: head.id) else { return [] }
            return positions.compactMap { session.interactions.indices.contains($0) ? session.interactions[$0] : nil }
        }
        guard !positions.isEmpty else { return [] }
        let rows = try connection.query("SELECT \(InteractionRow.columns), position FROM interactions "
            + "WHERE session_id = $1 AND position = ANY ($2::integer[])",
            [String(head.id.rawValue), "{" + positions.map(String.init).joined(separator: ",") + "}"])
        var found: [Int: Interaction] = [:]
        for row in 0..<rows.count {
            found[rows.int(row, InteractionRow.columnCount) ?? -1] = try InteractionRow.interaction(rows, row, session: head.id)
        }
        return positions.compactMap { found[$0] }
    }

    func position(of key: InteractionKey, in head: SessionHead) throws -> Int? {
        if let pending = head.pendingPosition(key) { return pending }
        if staged[head.id] != nil { return try session(id: head.id)?.interactions.lastIndex { key.matches($0) } }
        let rows: DatabaseRows
        switch key {
        case .id(let id):
            rows = try connection.query("SELECT max(position) FROM interactions WHERE session_id = $1 AND id::text = $2",
                                        [String(head.id.rawValue), id])
        case .toolUse(let tool):
            rows = try connection.query("SELECT max(position) FROM interactions WHERE session_id = $1 "
                + "AND \(DatabaseSchema.member(ClaudeCodeTools.toolUseKey, of: "extra")) = $2", [String(head.id.rawValue), tool])
        }
        return rows.int(0, 0)
    }

    /// Writes what the edit changes, in this transaction, at once: the
    /// session's row, the interactions it replaces, those it appends.
    func stage(_ edit: SessionEdit) throws {
        if let staged = staged[edit.id] {
            guard let full = staged else { throw SessionError.session(edit.id) }
            put(edit.applied(to: full))
            return
        }
        guard let head = try head(id: edit.id) else { throw SessionError.session(edit.id) }
        let positions = edit.replaced.keys.sorted()
        let old = Dictionary(uniqueKeysWithValues: zip(positions, try interactions(of: head, at: positions)))
        let (next, exact) = head.applying(edit, replacedWere: old, lines: [:], logLength: 0)
        let id = String(edit.id.rawValue)
        if !positions.isEmpty {
            try connection.query("DELETE FROM interactions WHERE session_id = $1 AND position = ANY ($2::integer[])",
                                 [id, "{" + positions.map(String.init).joined(separator: ",") + "}"])
            for position in positions {
                try InteractionRow.insert([edit.replaced[position]!], at: position, of: edit.id, connection)
            }
        }
        try InteractionRow.insert(edit.appended, at: head.interactionCount, of: edit.id, connection)
        var lastInteractionAt = next.lastInteractionAt
        if !exact, let full = try PostgresStore.readSession(connection, id: edit.id) {
            // A replaced interaction was the latest and no longer is: the latest is found among them all.
            lastInteractionAt = SessionSummary(full).lastInteractionAt
        }
        let conversationUnchanged = next.session.extra[Session.conversationKey] == head.session.extra[Session.conversationKey]
        try SessionRow.writeRow(next.session, count: next.interactionCount, lastInteractionAt: lastInteractionAt,
                                lastMessageAt: next.session.lastMessageAt, lastResult: next.lastResult,
                                conversationUnchanged: conversationUnchanged, connection)
        // The head as written, as the file store's transaction gives it; read again only where the edit's was not exact.
        heads[edit.id] = exact ? next : nil
    }

    func delete(sessionID: Session.ID) {
        staged[sessionID] = .some(nil)
    }

    func sessionIDs(externalConversationID key: String) throws -> [Session.ID] {
        try sessionIDs(where: "external_conversation_id = $1", key) { $0 == key }
    }

    func sessionIDs(externalConversationIDPrefix prefix: String) throws -> [Session.ID] {
        try sessionIDs(where: "starts_with(external_conversation_id, $1)", prefix) { $0.hasPrefix(prefix) }
    }

    /// The sessions whose conversation id `condition` admits, as the rows
    /// say and as this transaction staged them (`holds` decides those).
    private func sessionIDs(where condition: String, _ value: String, holds: (String) -> Bool) throws -> [Session.ID] {
        var ids = Set(try connection.query("SELECT id FROM sessions WHERE \(condition)", [value]).column { Session.ID($0) })
        for (id, session) in staged {
            if session?.externalConversationID.map(holds) == true { ids.insert(id) } else { ids.remove(id) }
        }
        return ids.sorted()
    }

    /// Read only when one of its rows holds the JSON string: a hook that
    /// looks for one tool call among a conversation's subagents would
    /// otherwise read each of them whole, holding the write lock.
    func session(id: Session.ID, mentioning text: String) throws -> Session? {
        if staged[id] != nil { return try session(id: id) }
        var needle: [UInt8] = []
        JSONWriter.writeString(text, into: &needle)
        let found = try connection.query("""
            SELECT EXISTS (SELECT 1 FROM interactions WHERE session_id = $1
                               AND strpos(command::text || coalesce(result::text, '') || extra::text, $2) > 0)
                OR EXISTS (SELECT 1 FROM sessions WHERE id = $1
                               AND strpos(coalesce(state::text, '') || extra::text || coalesce(conversation::text, ''), $2) > 0)
            """, [String(id.rawValue), String(decoding: needle, as: UTF8.self)])
        return found.text(0, 0) == "t" ? try session(id: id) : nil
    }

    /// Writes what was staged, and raises the generation live views compare.
    func commit() throws {
        try commitRegistry()
        for (id, session) in staged.sorted(by: { $0.key < $1.key }) {
            if let session {
                try SessionRow.write(session, connection)
            } else {
                try connection.query("DELETE FROM sessions WHERE id = $1", [String(id.rawValue)])
            }
        }
        try connection.query("UPDATE sessions_store SET generation = generation + 1", [])
    }

    private func commitRegistry() throws {
        if registry.defaultAccountID != original.defaultAccountID || registry.deliveredEvents != original.deliveredEvents
            || registry.extra != original.extra {
            try connection.query("UPDATE sessions_store SET default_account_id = $1, delivered_events = $2, extra = $3", [
                registry.defaultAccountID.map { String($0.rawValue) },
                DatabaseValues.json(.array(registry.deliveredEvents.map(JSONValue.string))), DatabaseValues.json(registry.extra),
            ])
        }
        // Upserts parents first, and deletes children first: the foreign keys hold at every statement.
        try upsert(original.accounts, registry.accounts) { account in
            ("INSERT INTO accounts (id, name, extra, inserted_at, time_digits) VALUES ($1, $2, $3, $4, $5) "
                + "ON CONFLICT (id) DO UPDATE SET name = $2, extra = $3, inserted_at = $4, time_digits = $5",
             [String(account.id.rawValue), account.name, DatabaseValues.json(account.extra),
              account.insertedAt.map(DatabaseValues.time), DatabaseValues.digits([account.insertedAt])])
        }
        try upsert(original.projects, registry.projects) { project in
            ("INSERT INTO projects (id, account_id, name, extra, inserted_at, time_digits) VALUES ($1, $2, $3, $4, $5, $6) "
                + "ON CONFLICT (id) DO UPDATE SET account_id = $2, name = $3, extra = $4, inserted_at = $5, time_digits = $6",
             [String(project.id.rawValue), String(project.accountID.rawValue), project.name, DatabaseValues.json(project.extra),
              project.insertedAt.map(DatabaseValues.time), DatabaseValues.digits([project.insertedAt])])
        }
        try upsert(original.components, registry.components) { component in
            ("INSERT INTO components (id, account_id, project_id, name, extra, inserted_at, time_digits) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET account_id = $2, project_id = $3, "
                + "name = $4, extra = $5, inserted_at = $6, time_digits = $7",
             [String(component.id.rawValue), String(component.accountID.rawValue), component.projectID.map { String($0.rawValue) },
              component.name, DatabaseValues.json(component.extra), component.insertedAt.map(DatabaseValues.time),
              DatabaseValues.digits([component.insertedAt])])
        }
        try deleteGone(original.components, registry.components, table: "components")
        try deleteGone(original.projects, registry.projects, table: "projects")
        try deleteGone(original.accounts, registry.accounts, table: "accounts")
        for (counter, sequence) in [(\Registry.nextSessionID, "sessions_id_seq"), (\.nextAccountID, "accounts_id_seq"),
                                    (\.nextProjectID, "projects_id_seq"), (\.nextComponentID, "components_id_seq")]
        where registry[keyPath: counter] > original[keyPath: counter] {
            try connection.query("SELECT setval('\(sequence)', $1, true)", [String(registry[keyPath: counter] - 1)])
        }
    }

    /// Writes the entries of a registry list that are new or changed.
    private func upsert<Entry: Equatable & NamedEntry>(_ before: [Entry], _ after: [Entry],
                                                      _ statement: (Entry) -> (String, [String?])) throws {
        let old = Dictionary(before.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for entry in after where old[entry.id] != entry {
            let (sql, parameters) = statement(entry)
            try connection.query(sql, parameters)
        }
    }

    /// Deletes the entries that are gone (which the foreign keys may refuse).
    private func deleteGone<Entry: NamedEntry>(_ before: [Entry], _ after: [Entry], table: String) throws {
        let kept = Set(after.map(\.id))
        for entry in before where !kept.contains(entry.id) {
            try connection.query("DELETE FROM \(table) WHERE id = $1", [String(entry.id.rawValue)])
        }
    }
}

extension DatabaseRows {
    /// The first column of every row, as numbers.
    func column<T>(_ make: (Int) -> T) -> [T] {
        (0..<count).compactMap { int($0, 0).map(make) }
    }

    /// The first column of every row, as text.
    var texts: [String] { (0..<count).compactMap { text($0, 0) } }
}
