/// The persistence boundary. The model layer (`SessionService`) needs only
/// this; the JSON directory store and the PostgreSQL store implement it for
/// real, and the in-memory store for tests.
///
/// Reads see one committed state. Writes run a closure with exclusive access
/// to the latest committed state and commit what it staged atomically: all of
/// it or none of it, across processes.
public protocol SessionStore: AnyObject, Sendable {
    /// The registries and every session's summary, as of one commit.
    func catalog() throws -> Catalog
    /// The catalog as of now, given an earlier one from this store: backends
    /// that know what changed since apply just that, so a live view stays
    /// cheap however large the store is.
    func catalog(refreshing previous: Catalog) throws -> Catalog
    /// Only the registries; cheap.
    func registry() throws -> Registry
    /// One full session, or nil when no session has that id.
    func session(id: Session.ID) throws -> Session?
    /// One session with only its newest `count` interactions: backends
    /// that keep interactions apart read just those.
    func session(id: Session.ID, newest count: Int) throws -> SessionPage?
    /// Session `id` read piece by piece: `fields` gets the session without
    /// its interactions, and how many it has; then `interaction` gets each,
    /// in order. Backends that keep interactions apart hold one at a time.
    /// False when there is no such session.
    func streamSession(id: Session.ID, fields: (Session, Int) throws -> Void, interaction: (Interaction) throws -> Void) throws -> Bool
    /// Full sessions, handed to `body` one at a time in the order of `ids`,
    /// each as `session(id:)` reads it: for an export, which reads them all.
    /// Whatever a read must check about the store first is checked once for
    /// the batch (again only if another process commits meanwhile), so each
    /// read costs the same whatever the store's last commit was.
    func sessions(ids: [Session.ID], _ body: (Session.ID, Result<Session?, any Error>) throws -> Void) throws
    /// Searches `targets` in order, handing `body` each step's sessions with
    /// hits, as `SessionSearch` finds them in the decoded sessions, until it
    /// returns false. What the store cannot read is an outcome, never a stop.
    func search(_ search: SessionSearch, targets: [SearchTarget], registry: Registry,
                _ body: (SearchBatch) throws -> Bool) throws
    /// A number that changes with every commit, for live views to poll cheaply.
    func generation() throws -> Int
    /// Runs `body` with exclusive access and commits what it stages.
    func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
}

extension SessionStore {
    public func streamSession(id: Session.ID, fields: (Session, Int) throws -> Void,
                              interaction: (Interaction) throws -> Void) throws -> Bool {
        guard let session = try session(id: id) else { return false }
        try session.stream(fields: fields, interaction: interaction)
        return true
    }

    public func session(id: Session.ID, newest count: Int) throws -> SessionPage? {
        try session(id: id).map { SessionPage(whole: $0, newest: count) }
    }

    public func catalog(refreshing previous: Catalog) throws -> Catalog { try catalog() }

    public func sessions(ids: [Session.ID], _ body: (Session.ID, Result<Session?, any Error>) throws -> Void) throws {
        for id in ids { try body(id, Result { try session(id: id) }) }
    }
}

/// What a write sees and stages. Reads inside it include its own staged changes.
public protocol StoreTransaction: AnyObject {
    var registry: Registry { get set }
    /// Every session's summary, keyed by id. Backends may load these lazily, so
    /// writes that do not ask for them stay independent of the store's size.
    func summaries() throws -> [Session.ID: SessionSummary]
    func session(id: Session.ID) throws -> Session?
    /// Whether a session with this id exists, without reading it.
    func sessionExists(id: Session.ID) throws -> Bool
    /// Whether a project or component id is in use by an entry `registry`
    /// does not show: another account's, which a database's policies hide.
    /// What an import asks before it keeps a record's id.
    func isEntryIDTakenElsewhere(_ table: RegistryTable, _ id: Int) throws -> Bool
    func put(_ session: Session)
    func delete(sessionID: Session.ID)
    /// Session `id`'s fields and counts, and where its pending interactions
    /// are, without reading its interactions where the backend keeps them
    /// apart: what a status change, an append or a completion needs.
    func head(id: Session.ID) throws -> SessionHead?
    /// The interactions at `positions` of the session `head` describes.
    func interactions(of head: SessionHead, at positions: [Int]) throws -> [Interaction]
    /// The position of the newest interaction of that session `key` names.
    func position(of key: InteractionKey, in head: SessionHead) throws -> Int?
    /// Stages a change that names only what changes (see `SessionEdit`).
    func stage(_ edit: SessionEdit) throws
    /// Every session (of any account) whose `external_conversation_id` is
    /// `key`, ascending, plus any the index says so of whose file cannot be
    /// read. Hooks call this on every event, so backends should answer
    /// without decoding every summary.
    func sessionIDs(externalConversationID key: String) throws -> [Session.ID]
    /// The sessions (of any account) whose `external_conversation_id` starts
    /// with `prefix`, by what their summaries say, ascending: candidates
    /// only, which the caller reads and checks. A hook asks for a
    /// conversation's subagents on every call it cannot place, so backends
    /// should answer as cheaply as the above.
    func sessionIDs(externalConversationIDPrefix prefix: String) throws -> [Session.ID]
    /// Session `id` if its file mentions `text` as a JSON string, else nil: a
    /// test that spares decoding each session a hook looks through for one call.
    func session(id: Session.ID, mentioning text: String) throws -> Session?
}

extension StoreTransaction {
    public func sessionIDs(externalConversationID key: String) throws -> [Session.ID] {
        try summaries().values.filter { $0.session.externalConversationID == key }.map(\.id).sorted()
    }

    public func sessionIDs(externalConversationIDPrefix prefix: String) throws -> [Session.ID] {
        try summaries().values.filter { $0.session.externalConversationID?.hasPrefix(prefix) == true }.map(\.id).sorted()
    }

    public func session(id: Session.ID, mentioning text: String) throws -> Session? { try session(id: id) }
}

/// The registry's tables whose ids a record may bring.
public enum RegistryTable: String, Sendable {
    case projects, components
}

extension StoreTransaction {
    /// A store whose registry holds every account's entries hides none.
    public func isEntryIDTakenElsewhere(_ table: RegistryTable, _ id: Int) throws -> Bool { false }

    /// A session id no session has: the registry's next id, skipping any that
    /// exist already. Without the check, a registry restored from a backup
    /// would hand out an id in use and `new` would overwrite that session.
    public func newSessionID() throws -> Session.ID {
        while true {
            let id = registry.allocateSessionID()
            if try !sessionExists(id: id) { return id }
        }
    }
}

/// A consistent picture of the store without interactions.
public struct Catalog: Sendable, Equatable {
    public var registry: Registry
    /// Every account's sessions, ascending by id, each decoded when read.
    /// Scoping is the service's job.
    public var table: SummaryTable
    public var generation: Int

    /// Every summary, decoded: for callers that read them all more than once.
    public var summaries: [SessionSummary] { Array(table) }

    public init(registry: Registry, summaries: [SessionSummary], generation: Int) {
        self.init(registry: registry, table: SummaryTable(summaries), generation: generation)
    }

    public init(registry: Registry, table: SummaryTable, generation: Int) {
        self.registry = registry
        self.table = table
        self.generation = generation
    }

    /// The summary of session `id`, found by binary search.
    public func summary(id: Session.ID) -> SessionSummary? {
        table.index(of: id).map { table[$0] }
    }

    /// Applies changes on top of this catalog, keeping it in ascending id
    /// order: `deletes` go, `puts` replace or join.
    public mutating func apply(deletes: [Session.ID], puts: [SessionSummary]) {
        for id in deletes { table.remove(id) }
        for summary in puts { table.put(summary) }
    }
}

extension Session {
    /// This session as `streamSession` hands a session over: its fields and
    /// count, then each interaction.
    func stream(fields: (Session, Int) throws -> Void, interaction: (Interaction) throws -> Void) rethrows {
        var header = self
        header.interactions = []
        try fields(header, interactions.count)
        for each in interactions { try interaction(each) }
    }
}
