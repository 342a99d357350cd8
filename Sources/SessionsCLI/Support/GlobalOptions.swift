import ArgumentParser
import SessionsDisplay
import SessionsKit

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Use the store in DIR, or the PostgreSQL database URL names.", discussion:
        "A URL is postgresql://… or libpq's key=value pairs. Default: $SESSIONS_STORE, else $SESSIONS_HOME, "
            + "else `store` in the config file, else $XDG_DATA_HOME/sessions, else ~/.local/share/sessions.",
        valueName: "DIR|URL"),
        completion: .directory)
    var store: String?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Act as account ID or NAME (else $SESSIONS_ACCOUNT, else the config file).", valueName: "ID|NAME"))
    var account: EntryReference?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Use project ID or NAME (else $SESSIONS_PROJECT, else the config file).", valueName: "ID|NAME"))
    var project: EntryReference?

    /// Opens the store and resolves the scope, in the order the README documents.
    /// Hook events the spool holds are recorded first. A wait of more than a
    /// second for another process's lock is said on stderr, unless `waiting`
    /// says otherwise.
    func workspace(waiting: LockWaiting? = nil, config: Config? = nil, deliveringSpool: Bool = true) throws -> Workspace {
        let context = CLIContext.current
        let config = try config ?? Config.load(directory: context.environment.configDirectory)
        let location = context.environment.storeLocation(flag: store, config: config)
        let store = try Self.open(location, waiting: waiting)
        let workspace = Workspace(context: context, location: location, config: config, store: store, global: self)
        if deliveringSpool { workspace.deliverSpool() }
        return workspace
    }

    /// The store at `location`: a new directory is made a store, a database must have the schema.
    static func open(_ location: StoreLocation, waiting: LockWaiting? = nil) throws -> any SessionStore {
        let context = CLIContext.current
        switch location {
        case .directory(let root):
            var options = FileStore.Options(initialAccountName: UserIdentity.name(context.environment))
            options.commandName = CommandName.current
            options.lockWaiting = waiting ?? .said(on: context.stderr)
            return try FileStore(root: root, options: options)
        case .database(let conninfo, _):
            // What stays on this machine (the hook's spool and log) needs its directory.
            try location.prepareLocalDirectory()
            return try PostgresStore(conninfo: conninfo, lockLimitMS: waiting?.limitMS)
        }
    }

    func service() throws -> SessionService {
        try workspace().service()
    }
}

extension LockWaiting {
    /// Waits as long as it takes, and says so on `sink` once it has waited a second.
    static func said(on sink: any OutputSink) -> LockWaiting {
        LockWaiting(observer: { event in
            if case .waiting(let holder, _) = event { sink.line(StoreWaitText.line(holder)) }
        })
    }
}

/// An opened store with its configuration: what commands work with.
struct Workspace {
    let context: CLIContext
    let location: StoreLocation
    let config: Config
    let store: any SessionStore
    let global: GlobalOptions

    /// The store's own directory on this machine: the store itself, or for
    /// a database the directory of its hook spool and log.
    var root: String { location.localDirectory }

    /// The file store, for what only files have (their format, a copy of
    /// the directory); a database is refused with what to use instead.
    func fileStore(for action: String) throws -> FileStore {
        guard let files = store as? FileStore else { throw Self.filesOnly(action) }
        return files
    }

    /// The refusal of `action` on a database.
    static func filesOnly(_ action: String) -> UsageError {
        UsageError("\(action) is for a store of files; a PostgreSQL database keeps its own format and backups "
            + "(`sessions db migrate`, `pg_dump`)")
    }

    /// What the store holds outside any account's scope.
    var directory: StoreDirectory { StoreDirectory(store: store, clock: context.now) }

    var resolver: ScopeResolver {
        ScopeResolver(accountFlag: global.account, projectFlag: global.project, environment: context.environment,
                      config: config, storeRoot: root)
    }

    func scope(registry: Registry? = nil) throws -> Scope {
        try resolver.resolve(registry ?? directory.registry())
    }

    func service(registry: Registry? = nil) throws -> SessionService {
        SessionService(store: store, scope: try scope(registry: registry), types: types, clock: context.now)
    }

    var types: SessionTypeRegistry { SessionTypeRegistry(custom: config.sessionTypes) }

    var spoolDelivery: SpoolDelivery { SpoolDelivery(spool: EventSpool(storeRoot: root), store: store, types: types) }

    /// Records the hook events that waited in the spool, if any: whichever
    /// command gets the lock next does it. The command itself goes on
    /// whatever happens: its own work reports a store it cannot use.
    func deliverSpool() {
        guard let report = try? spoolDelivery.deliver() else { return }
        HookLog.append(report.problems, root: root, at: context.now())
    }
}

/// Any text: whether it names an entry is known once the registry is read,
/// and the message then says what is wrong with it.
extension EntryReference: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// A session id as typed: the store's id, or a Claude Code session id or
/// its start (see `SessionReference`). Taken as text and checked by the
/// command, so that `0` and `abc` are refused with the same words as `-1`,
/// which the parser sees as an option before any command does.
enum SessionIDArgument {
    static func parse(_ word: String) throws -> SessionReference {
        guard let reference = SessionReference(word) else { throw UsageError(notAnID(word)) }
        return reference
    }

    /// The sessions `words` name in the service's account; every word is
    /// checked before any is looked up.
    static func resolve(_ words: [String], in service: SessionService) throws -> [Session.ID] {
        try service.sessionIDs(for: words.map(parse))
    }

    static func resolve(_ word: String, in service: SessionService) throws -> Session.ID {
        try resolve([word], in: service)[0]
    }

    static func notAnID(_ word: String) -> String {
        "\(word) is not an id: ids are whole numbers from 1, or \(SessionReference.shortestPrefix) or more characters of a Claude Code session id"
    }
}

extension Identifier: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = Int(argument) else { return nil }
        self.init(value)
    }
}

extension SessionStatus: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension SessionSort: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension SessionService {
    /// A `--type` filter: the type named, or nil for none. A type that can
    /// never match is a mistake, as an unknown status is.
    func typeFilter(_ name: String?) throws -> SessionType? {
        guard let name else { return nil }
        let type = SessionType(normalizing: name)
        if let error = types.validate(type, field: "--type") { throw SessionError.invalid(SchemaError([error])) }
        return type
    }
}
