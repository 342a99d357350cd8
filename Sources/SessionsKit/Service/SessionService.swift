/// The model's operations: every read is scoped to one account, every write is
/// validated and committed through the store in one transaction. Front ends
/// (the CLI, the browser) open a store and hand it to this, or to
/// `StoreDirectory` for what belongs to no account, and reach the store
/// through nothing else; importers and hooks are built on it too. Only
/// `doctor` works below it, on the files themselves, through `StoreDoctor`.
public struct SessionService: Sendable {
    public let store: any SessionStore
    public let scope: Scope
    public let types: SessionTypeRegistry
    let clock: @Sendable () -> Timestamp

    public init(store: any SessionStore, scope: Scope, types: SessionTypeRegistry = SessionTypeRegistry(),
                clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.store = store
        self.scope = scope
        self.types = types
        self.clock = clock
    }

    /// The same store and rules, acting within another scope (the browser's account switch).
    public func acting(in scope: Scope) -> SessionService {
        SessionService(store: store, scope: scope, types: types, clock: clock)
    }

    // MARK: - Reading sessions

    /// The registries and every session's summary as of one commit. It holds
    /// every account's summaries, because one read of the index serves them
    /// all; `list(_:in:)` and the browser's rows keep to this scope's.
    public func catalog() throws -> Catalog { try store.catalog() }

    /// The catalog now, given an earlier one: just the commits since, so a
    /// live view stays cheap at any store size.
    public func catalog(refreshing previous: Catalog) throws -> Catalog { try store.catalog(refreshing: previous) }

    /// Changes with every commit; a live view polls it before reading more.
    public func generation() throws -> Int { try store.generation() }

    public func registry() throws -> Registry { try store.registry() }

    /// The active account's sessions matching `query`, without interactions.
    public func list(_ query: SessionQuery = SessionQuery()) throws -> [SessionSummary] {
        try list(query, in: store.catalog())
    }

    /// Same as `list(_:)` over a catalog the caller already holds. Filters
    /// and sorts on the summaries' keys, and decodes only those it returns.
    public func list(_ query: SessionQuery, in catalog: Catalog) -> [SessionSummary] {
        let table = catalog.table
        var order = positions(matching: query, in: table)
        query.sort.sort(&order, of: table.keys, limit: query.limit)
        return order.map { table[$0] }
    }

    /// Where the active account's summaries matching `query` are in `table`,
    /// from their keys alone.
    func positions(matching query: SessionQuery, in table: SummaryTable) -> [Int] {
        var order: [Int] = []
        table.keys.withUnsafeBufferPointer { keys in
            for position in keys.indices {
                if keys[position].accountID == scope.accountID && query.admits(keys[position]) { order.append(position) }
            }
        }
        return order
    }

    /// One session with its interactions. Another account's session is "not
    /// found", exactly like an id that does not exist.
    public func session(id: Session.ID) throws -> Session {
        try scoped(id, read: { try store.session(id: id) }, owner: {
            try store.catalog().summary(id: id)?.accountID
        })
    }

    /// Session `id` as `show --json` prints it, handed to `emit` a piece at
    /// a time: the same bytes as the session written whole, but holding
    /// one interaction at a time, however many the session has.
    public func writeJSON(id: Session.ID, _ emit: ([UInt8]) throws -> Void) throws {
        var writer = SessionJSONStream(indent: 0)
        let found: Bool
        do {
            found = try store.streamSession(id: id, fields: { session, count in
                guard session.accountID == scope.accountID else { throw SessionError.session(id) }
                try emit(writer.opening(session, count: count))
            }, interaction: { try emit(writer.next($0)) })
        } catch let error as StoreError {
            guard try store.catalog().summary(id: id)?.accountID == scope.accountID else { throw SessionError.session(id) }
            throw error
        }
        guard found else { throw SessionError.session(id) }
        try emit(writer.closing() + [UInt8(ascii: "\n")])
    }

    /// Session `id` with only its newest `count` interactions, scoped as
    /// `session(id:)` is.
    public func session(id: Session.ID, newest count: Int) throws -> SessionPage {
        var page: SessionPage?
        let session = try scoped(id, read: {
            page = try store.session(id: id, newest: count)
            return page?.session
        }, owner: { try store.catalog().summary(id: id)?.accountID })
        return SessionPage(session: session, earlier: page?.earlier ?? 0)
    }

    /// Sessions of the active account, handed to `body` one at a time in the
    /// order of `ids`, each as `session(id:)` gives it; the store is checked
    /// once for the whole batch, so exporting every session costs the same
    /// whatever the last commit was.
    public func sessions(ids: [Session.ID], _ body: (Session.ID, Result<Session, any Error>) throws -> Void) throws {
        var owners: Catalog?
        try store.sessions(ids: ids) { id, read in
            let session = Result { () throws -> Session in
                try scoped(id, read: { try read.get() }, owner: {
                    if owners == nil { owners = try store.catalog() }
                    return owners?.summary(id: id)?.accountID
                })
            }
            try body(id, session)
        }
    }

    /// The session if it belongs to the active account, else "not found". A
    /// session file that cannot be read is reported as such only to its own
    /// account: to anyone else it is as absent as a missing id.
    private func scoped(_ id: Session.ID, read: () throws -> Session?, owner: () throws -> Account.ID?) throws -> Session {
        let session: Session?
        do {
            session = try read()
        } catch let error as StoreError {
            guard try owner() == scope.accountID else { throw SessionError.session(id) }
            throw error
        }
        guard let session, session.accountID == scope.accountID else { throw SessionError.session(id) }
        return session
    }

    private func scoped(_ id: Session.ID, in transaction: any StoreTransaction) throws -> Session {
        guard let session = try transaction.session(id: id, ofAccount: scope.accountID) else { throw SessionError.session(id) }
        return session
    }

    // MARK: - Changing sessions

    public func create(_ draft: SessionDraft) throws -> Session {
        try store.write { transaction in
            var errors: [FieldError] = []
            let type = SessionType(normalizing: draft.type)
            if draft.type.isEmpty {
                errors.append(FieldError("type", "is required"))
            } else if let error = types.validate(type) {
                errors.append(error)
            }
            let agent = draft.agent.flatMap { collect(Field.parse($0, Agent.self, field: "agent"), into: &errors) }
            let environment = draft.environment.flatMap {
                collect(Field.parse($0, SessionEnvironment.self, field: "environment"), into: &errors)
            }
            let status = draft.status.flatMap { collect(Field.parse($0, SessionStatus.self, field: "status"), into: &errors) }
            var state: JSONObject?
            switch draft.state {
            case nil, .null?: state = nil
            case .object(let object)?: state = object
            case let other?: errors.append(FieldError("state", "must be a JSON object, not \(other.kindName)"))
            }
            if let state, JSONValue.object(state).nests(deeperThan: Session.maximumNesting) {
                errors.append(FieldError("state", "nests deeper than \(Session.maximumNesting) levels"))
            }
            let registry = transaction.registry
            try checkScope(registry)
            if let componentID = draft.componentID, !isVisible(componentID: componentID, in: registry) {
                errors.append(FieldError("component_id", "component \(componentID) does not exist"))
            }
            guard errors.isEmpty else { throw SessionError.invalid(SchemaError(errors)) }

            let now = clock()
            let session = Session(
                id: try transaction.newSessionID(), type: type, agent: agent, environment: environment,
                status: status ?? .active, state: state, accountID: scope.accountID, projectID: scope.projectID,
                componentID: draft.componentID, insertedAt: now, updatedAt: now)
            transaction.put(session)
            return session
        }
    }

    /// Moves a session to another status. Returns the session before and after,
    /// so a front end can offer to undo.
    @discardableResult
    public func setStatus(id: Session.ID, to status: SessionStatus) throws -> (previous: SessionStatus, summary: SessionSummary) {
        let update = try setStatuses([(id, status)])[0]
        return (update.previous, update.summary)
    }

    /// Moves several sessions, each to its own status, in one commit: a crash
    /// leaves all of them changed or none. An id that is not this account's
    /// fails the whole request as "not found", with nothing changed. An id
    /// given twice counts once, at its first status.
    @discardableResult
    public func setStatuses(_ targets: [(id: Session.ID, status: SessionStatus)]) throws -> [StatusUpdate] {
        try setStatuses(targets, onlyFrom: nil)
    }

    /// Puts sessions back to the statuses they had before a change to
    /// `changedTo`, in one commit, but only those still at `changedTo` when
    /// the write holds the store: a session someone changed since keeps
    /// that change, even one this process has not heard of yet. Those left
    /// alone come back with their status unchanged (`previous` is theirs).
    public func undoStatuses(_ targets: [(id: Session.ID, status: SessionStatus)],
                             changedTo: SessionStatus) throws -> [StatusUpdate] {
        try setStatuses(targets, onlyFrom: changedTo)
    }

    private func setStatuses(_ targets: [(id: Session.ID, status: SessionStatus)], onlyFrom expected: SessionStatus?) throws -> [StatusUpdate] {
        var seen = Set<Session.ID>()
        let targets = targets.filter { seen.insert($0.id).inserted }
        return try store.write { transaction in
            try targets.map { target in
                let (previous, head) = try edit(target.id, in: transaction) { edit, head in
                    if target.status != head.session.status && (expected == nil || expected == head.session.status) {
                        edit.session.status = target.status
                        // The person's choice: no import or hook reverts it (see `Session.propose`).
                        edit.session.statusSetAt = edit.session.updatedAt
                    }
                    return head.session.status
                }
                return StatusUpdate(previous: previous, summary: head.summary)
            }
        }
    }

    /// Deletes sessions with their interactions, in one commit; an id that is
    /// not this account's deletes none of them. A damaged session goes too:
    /// deleting is how its owner drops it.
    public func delete(ids: [Session.ID]) throws {
        try store.write { transaction in
            for id in ids where try !transaction.isSession(id, ofAccount: scope.accountID) { throw SessionError.session(id) }
            for id in ids { transaction.delete(sessionID: id) }
        }
    }

    public func delete(id: Session.ID) throws { try delete(ids: [id]) }

    /// Appends a pending interaction and returns it.
    public func addInteraction(sessionID: Session.ID, _ draft: CommandDraft) throws -> Interaction {
        var errors: [FieldError] = []
        if draft.module.isEmpty { errors.append(FieldError("command.module", "is required")) }
        if draft.command.isEmpty { errors.append(FieldError("command.command", "is required")) }
        guard errors.isEmpty else { throw SessionError.invalid(SchemaError(errors)) }
        return try store.write { transaction in
            try edit(sessionID, in: transaction) { edit, _ in
                let now = edit.session.updatedAt
                let interaction = Interaction(
                    stepName: draft.stepName,
                    command: Command(module: draft.module, command: draft.command, pipe: draft.pipe, timestamp: now),
                    insertedAt: now, updatedAt: now)
                edit.appended.append(interaction)
                return interaction
            }.value
        }
    }

    /// Records the result of a pending interaction.
    public func completeInteraction(sessionID: Session.ID, interactionID: String, _ draft: ResultDraft) throws -> Interaction {
        var errors: [FieldError] = []
        let status = collect(Field.parse(draft.status, ResultStatus.self, field: "result.status"), into: &errors)
        if let duration = draft.durationMS, duration < 0 {
            errors.append(FieldError("result.duration_ms", "must be at least 0, not \(duration)"))
        }
        var data: JSONObject? = JSONObject()
        switch draft.data {
        case nil: break
        case .null?: data = nil
        case .object(let object)?: data = object
        case let other?: errors.append(FieldError("result.data", "must be a JSON object, not \(other.kindName)"))
        }
        if let data, JSONValue.object(data).nests(deeperThan: Session.maximumNesting) {
            errors.append(FieldError("result.data", "nests deeper than \(Session.maximumNesting) levels"))
        }
        guard errors.isEmpty, let status else { throw SessionError.invalid(SchemaError(errors)) }
        return try store.write { transaction in
            try edit(sessionID, in: transaction) { edit, head in
                guard let position = try transaction.position(of: .id(interactionID), in: head),
                      var interaction = try transaction.interactions(of: head, at: [position]).first else {
                    throw SessionError.notFound("interaction \(interactionID) in session \(sessionID)")
                }
                if let existing = interaction.result {
                    throw SessionError.conflict(
                        "interaction \(interactionID) already has a result (\(existing.status.rawValue)); results are not overwritten")
                }
                let now = edit.session.updatedAt
                interaction.result = CommandResult(
                    status: status, data: data, code: draft.code, errorMessage: draft.errorMessage, stdout: draft.stdout,
                    stderr: draft.stderr, durationMS: draft.durationMS, timestamp: now)
                interaction.completedAt = now
                interaction.updatedAt = now
                edit.replaced[position] = interaction
                return interaction
            }.value
        }
    }

    /// Reads one session of the active account without its interactions,
    /// lets `change` say what changes (its fields, interactions added or
    /// replaced), and stages that, moving `updated_at` forward when anything
    /// changed (strictly, even within one clock tick, short of the last
    /// instant the store can write). The edit passed to `change` already
    /// carries the new time. A store that keeps interactions apart writes only
    /// what changed, so the cost does not grow with the session. Returns what
    /// `change` returned and the session's head afterwards.
    func edit<T>(_ id: Session.ID, in transaction: any StoreTransaction,
                 _ change: (inout SessionEdit, SessionHead) throws -> T) throws -> (value: T, head: SessionHead) {
        guard let head = try transaction.head(id: id, ofAccount: scope.accountID) else { throw SessionError.session(id) }
        var edit = SessionEdit(session: head.session)
        edit.session.updatedAt = nextUpdateTime(after: head.session.updatedAt)
        let value = try change(&edit, head)
        var fields = edit.session
        fields.updatedAt = head.session.updatedAt
        if edit.appended.isEmpty && edit.replaced.isEmpty && fields == head.session { return (value, head) }
        try transaction.stage(edit)
        return (value, try transaction.head(id: id) ?? head)
    }

    /// A stored time never moves backwards: the next one is now, or, when
    /// `previous` is not yet past (a clock set back, a record from a clock
    /// set ahead), just after it. At the last instant the store can write,
    /// it stays there.
    func nextUpdateTime(after previous: Timestamp) -> Timestamp {
        let now = clock()
        if now > previous { return now }
        return previous < .latest ? Timestamp(microseconds: previous.microseconds + 1) : previous
    }

    // MARK: - Registries

    /// The store's accounts, which belong to no account's scope.
    public var directory: StoreDirectory { StoreDirectory(store: store, clock: clock) }

    /// Refused for the active account, and while the account has sessions.
    public func deleteAccount(id: Account.ID) throws {
        try directory.deleteAccount(id: id, active: scope.accountID)
    }

    /// The active account's projects.
    public func projects() throws -> [Project] { try owned(\.projects) }

    public func addProject(name: String) throws -> Project {
        try addEntry(named: name, among: { registry in registry.projects.filter { $0.accountID == scope.accountID } }) {
            $0.addProject(name: name, accountID: scope.accountID, at: clock())
        }
    }

    /// Sessions and components of the project keep existing with no project
    /// (nilify). Returns how many sessions were changed.
    @discardableResult
    public func deleteProject(id: Project.ID) throws -> Int {
        try deleteEntry(id, in: \.projects, naming: \.projectID) { registry in
            for index in registry.components.indices where registry.components[index].projectID == id {
                registry.components[index].projectID = nil
            }
        }
    }

    /// The active account's components.
    public func components() throws -> [Component] { try owned(\.components) }

    /// The active account's component that `reference` names, by id or name.
    public func component(_ reference: EntryReference, field: String = "--component") throws -> Component.ID {
        try ScopeResolver.lookup(reference, among: components(), field: field)
    }

    /// A component of the active account, in the active project if any. Its
    /// name is unique there: two projects may each have an `Accounts.User`.
    public func addComponent(name: String) throws -> Component {
        try addEntry(named: name, among: { registry in
            registry.components.filter { $0.accountID == scope.accountID && $0.projectID == scope.projectID }
        }) { $0.addComponent(name: name, accountID: scope.accountID, projectID: scope.projectID, at: clock()) }
    }

    private func owned<Entry: AccountEntry>(_ entries: KeyPath<Registry, [Entry]>) throws -> [Entry] {
        try store.registry()[keyPath: entries].filter { $0.accountID == scope.accountID }
    }

    /// Adds a project or component to the registry in one commit, once the
    /// name and the scope are known to be good, and no entry `among` its
    /// neighbours has the name.
    private func addEntry<Entry: NamedEntry>(named name: String, among neighbours: (Registry) -> [Entry],
                                             _ add: (inout Registry) -> Entry) throws -> Entry {
        try checkName(name)
        return try store.write { transaction in
            try checkScope(transaction.registry)
            if let problem = Registry.nameProblem(name, among: neighbours(transaction.registry)) { throw problem }
            return add(&transaction.registry)
        }
    }

    /// Sessions that named the component keep existing without one (nilify).
    @discardableResult
    public func deleteComponent(id: Component.ID) throws -> Int {
        try deleteEntry(id, in: \.components, naming: \.componentID)
    }

    /// Removes the active account's project or component, and sets it to
    /// null on every session that names it (as a foreign key `ON DELETE SET
    /// NULL` would), in one commit. Returns how many sessions changed.
    private func deleteEntry<Entry: AccountEntry>(_ id: Identifier<Entry.Entity>, in entries: WritableKeyPath<Registry, [Entry]>,
                                                  naming field: WritableKeyPath<Session, Identifier<Entry.Entity>?>,
                                                  also unlink: (inout Registry) -> Void = { _ in }) throws -> Int {
        try store.write { transaction in
            guard transaction.registry[keyPath: entries].contains(where: { $0.id == id && $0.accountID == scope.accountID }) else {
                throw SessionError.notFound("\(Entry.noun) \(id)")
            }
            transaction.registry[keyPath: entries].removeAll { $0.id == id }
            unlink(&transaction.registry)
            return try nilify(in: transaction, where: { $0.session[keyPath: field] == id }, change: { $0[keyPath: field] = nil })
        }
    }

    private func nilify(in transaction: any StoreTransaction, where matches: (SessionSummary) -> Bool,
                        change: (inout Session) -> Void) throws -> Int {
        let affected = try transaction.summaries().values.filter(matches).map(\.id).sorted()
        for id in affected {
            guard var session = try transaction.session(id: id) else { continue }
            change(&session)
            session.updatedAt = nextUpdateTime(after: session.updatedAt)
            transaction.put(session)
        }
        return affected.count
    }

    // MARK: - Rules

    /// The scope must name an existing account, and a project of that account.
    func checkScope(_ registry: Registry) throws {
        guard registry.account(scope.accountID) != nil else { throw SessionError.notFound("account \(scope.accountID)") }
        if let projectID = scope.projectID {
            guard let project = registry.project(projectID), project.accountID == scope.accountID else {
                throw SessionError.notFound("project \(projectID)")
            }
        }
    }

    func isVisible(componentID: Component.ID, in registry: Registry) -> Bool {
        registry.component(componentID)?.accountID == scope.accountID
    }

}

extension StoreTransaction {
    /// Session `id` if it is `account`'s, else nil. Another account's session
    /// is nil even when its file cannot be read: that is its own account's
    /// trouble, and failing on it would stop this account's work and tell it
    /// the id exists. Importers and hooks look sessions up through this, as
    /// the service does.
    /// Session `id`'s head if it is `account`'s, else nil, by the same rule as `session(id:ofAccount:)`.
    func head(id: Session.ID, ofAccount account: Account.ID) throws -> SessionHead? {
        do {
            guard let head = try head(id: id), head.session.accountID == account else { return nil }
            return head
        } catch let error as StoreError {
            guard try summaries()[id]?.accountID == account else { return nil }
            throw error
        }
    }

    func session(id: Session.ID, ofAccount account: Account.ID) throws -> Session? {
        do {
            guard let session = try session(id: id), session.accountID == account else { return nil }
            return session
        } catch let error as StoreError {
            guard try summaries()[id]?.accountID == account else { return nil }
            throw error
        }
    }

    /// Whether session `id` is `account`'s, by its file, or when the file
    /// cannot be read, by the summary the index keeps of it: the same owner
    /// `session(id:ofAccount:)` reports a damaged file to.
    func isSession(_ id: Session.ID, ofAccount account: Account.ID) throws -> Bool {
        do {
            return try session(id: id)?.accountID == account
        } catch is StoreError {
            return try summaries()[id]?.accountID == account
        }
    }
}

private func collect<T>(_ result: Result<T, FieldError>, into errors: inout [FieldError]) -> T? {
    switch result {
    case .success(let value): return value
    case .failure(let error):
        errors.append(error)
        return nil
    }
}

/// One session's status change: where it was, and the session as written.
public struct StatusUpdate: Sendable, Equatable {
    public var previous: SessionStatus
    /// The session as the change left it, without its interactions.
    public var summary: SessionSummary

    public init(previous: SessionStatus, summary: SessionSummary) {
        self.previous = previous
        self.summary = summary
    }
}
