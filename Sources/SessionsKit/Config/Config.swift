import Glibc

/// The user's `config.json`. Hand-editable; members this version does not
/// know are kept when the program writes the file back.
///
/// ```json
/// {
///   "session_types": ["MyReviewSessions"],
///   "theme": "default",
///   "resume_command": "claude --resume {id}",
///   "stores": { "/home/me/.local/share/sessions": { "account": 2, "project": 5 } }
/// }
/// ```
public struct Config: Sendable, Equatable {
    public var object: JSONObject
    public let path: String

    public init(object: JSONObject = JSONObject(), path: String) {
        self.object = object
        self.path = path
    }

    public static func load(directory: String) throws(StoreError) -> Config {
        let path = directory + "/config.json"
        guard let bytes = try FileIO.read(path, followLinks: true) else { return Config(path: path) }
        let hint = "Fix or remove the config file."
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw StoreError.corrupt(path, error, hint: hint)
        }
        guard case .object(let object) = value else {
            throw StoreError.corrupt(path: path, detail: "must be a JSON object", hint: hint)
        }
        let config = Config(object: object, path: path)
        do throws(SchemaError) {
            _ = try config.validatedSessionTypes()
            for store in config.object["stores"]?.objectValue?.members ?? [] {
                _ = try config.scopeEntry(store.key)
            }
            if let stores = config.object["stores"], stores.objectValue == nil {
                throw SchemaError("stores", "must be a JSON object")
            }
            if let theme = config.object["theme"], theme.stringValue == nil {
                throw SchemaError("theme", "must be a string")
            }
            _ = try config.validatedResumeCommand()
        } catch {
            throw StoreError.corrupt(path: path, detail: error.description, hint: hint)
        }
        return config
    }

    /// Session types the user registered.
    public var sessionTypes: [SessionType] { (try? validatedSessionTypes()) ?? [] }

    func validatedSessionTypes() throws(SchemaError) -> [SessionType] {
        guard let value = object["session_types"], !value.isNull else { return [] }
        guard let list = value.arrayValue else { throw SchemaError("session_types", "must be an array of names") }
        var types: [SessionType] = []
        for (index, element) in list.enumerated() {
            guard let name = element.stringValue, SessionType.isWellFormed(name) else {
                throw SchemaError("session_types[\(index)]", "must be a module-like name such as \"MyReviewSessions\"")
            }
            types.append(SessionType(name))
        }
        return types
    }

    public var theme: String? { object["theme"]?.stringValue }

    /// The command that resumes a conversation (`R`, `sessions resume`).
    public var resumeCommand: ResumeCommand { (try? validatedResumeCommand()) ?? .standard }

    func validatedResumeCommand() throws(SchemaError) -> ResumeCommand {
        guard let value = object[ResumeCommand.configKey], !value.isNull else { return .standard }
        guard let template = value.stringValue else {
            throw SchemaError(ResumeCommand.configKey, "must be a string, as in \"\(ResumeCommand.standardTemplate)\"")
        }
        return try ResumeCommand(template: template)
    }

    /// The account and project remembered for one store.
    public struct ScopeEntry: Sendable, Equatable {
        public var accountID: Account.ID?
        public var projectID: Project.ID?

        public init(accountID: Account.ID? = nil, projectID: Project.ID? = nil) {
            self.accountID = accountID
            self.projectID = projectID
        }
    }

    /// How the config file names a store: by the directory it is, so that
    /// every spelling of its path (through a link, with `..`) finds the one
    /// entry, and no other store's.
    public struct StoreKey: Sendable, Equatable {
        /// The store directory's real path: no links, `.` or `..`.
        public var resolved: String
        /// The absolute path the command was given. Entries written before
        /// stores were keyed by their real path sit under this spelling.
        public var spelled: String

        public init(resolved: String, spelled: String) {
            self.resolved = resolved
            self.spelled = spelled
        }

        /// The key of the store at `root`, resolved as the kernel resolves it
        /// (`root` as given while nothing is there yet).
        public init(root: String) {
            self.init(resolved: FileIO.realPath(root) ?? root, spelled: root)
        }
    }

    /// The entry for a store: under its real path, else under the spelling
    /// an older version wrote it with.
    public func scope(for store: StoreKey) -> ScopeEntry {
        let stores = object["stores"]?.objectValue
        if stores?[store.resolved] != nil || stores?[store.spelled] == nil { return scope(forStore: store.resolved) }
        return scope(forStore: store.spelled)
    }

    /// Writes the entry under the store's real path. One an older version
    /// wrote under another spelling of the same store moves there, with any
    /// members this version does not know.
    public mutating func setScope(_ entry: ScopeEntry, for store: StoreKey) {
        if store.spelled != store.resolved, var stores = object["stores"]?.objectValue, let old = stores[store.spelled] {
            stores[store.spelled] = nil
            if stores[store.resolved] == nil { stores[store.resolved] = old }
            object["stores"] = .object(stores)
        }
        setScope(entry, forStore: store.resolved)
    }

    /// The entry under exactly this key.
    public func scope(forStore store: String) -> ScopeEntry { (try? scopeEntry(store)) ?? ScopeEntry() }

    func scopeEntry(_ store: String) throws(SchemaError) -> ScopeEntry {
        guard let entry = object["stores"]?.objectValue?[store] else { return ScopeEntry() }
        guard let fields = entry.objectValue else { throw SchemaError("stores.\(store)", "must be a JSON object") }
        var reader = ObjectReader(fields, path: "stores.\(store)")
        let account: Account.ID? = reader.id("account")
        let project: Project.ID? = reader.id("project")
        guard reader.errors.isEmpty else { throw SchemaError(reader.errors) }
        return ScopeEntry(accountID: account, projectID: project)
    }

    /// Sets the entry under exactly this key.
    public mutating func setScope(_ entry: ScopeEntry, forStore store: String) {
        var stores = object["stores"]?.objectValue ?? JSONObject()
        var fields = stores[store]?.objectValue ?? JSONObject()
        fields["account"] = entry.accountID.map { .id($0) }
        fields["project"] = entry.projectID.map { .id($0) }
        stores[store] = .object(fields)
        object["stores"] = .object(stores)
    }

    /// The lock every change to the config file holds, in the config
    /// directory: beside the file, and never in a dotfiles checkout the file
    /// may link into.
    static let lockFile = "config.lock"

    /// Changes the config file as it is on disk now: under an exclusive lock,
    /// it is read again, `change` is applied to what was read, and the result
    /// replaces the file atomically (only if it differs). Two processes that
    /// each read the file, changed it and wrote it back would keep only the
    /// later change; under the lock each applies its change to the other's.
    /// Returns the config as written.
    @discardableResult
    public static func update(directory: String, _ change: (inout Config) throws -> Void) throws -> Config {
        try FileIO.makeDirectories(directory)
        let lock = try StoreLock(path: directory + "/" + lockFile, mode: .exclusive)
        return try withExtendedLifetime(lock) {
            var config = try load(directory: directory)
            let before = config.object
            try change(&config)
            if config.object != before { try config.write() }
            return config
        }
    }

    /// Writes the file atomically with mode 0600 in a 0700 directory. A
    /// config file that is a link (into a dotfiles checkout, say) stays one:
    /// the file it names is replaced, beside itself. Only under the lock
    /// `update` holds.
    func write() throws(StoreError) {
        try FileIO.makeDirectories(FileIO.parentDirectory(path))
        let target = try FileIO.followingLinks(path)
        let bytes = JSONWriter.bytes(.object(object), style: .pretty) + [UInt8(ascii: "\n")]
        Self.removeAbandonedTemps(of: target)
        try FileIO.replaceAtomically(target, with: bytes, temp: "\(target).\(getpid()).tmp")
    }

    /// Temp files of earlier saves a SIGKILL left beside the config file.
    /// Every save holds the config lock, and this one holds it now, so any
    /// such file is abandoned.
    static func removeAbandonedTemps(of target: String) {
        let directory = FileIO.parentDirectory(target)
        let prefix = (target.split(separator: "/").last.map(String.init) ?? "config.json") + "."
        for name in (try? FileIO.list(directory)) ?? [] where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let pid = name.dropFirst(prefix.count).dropLast(".tmp".count)
            guard !pid.isEmpty, pid.allSatisfy({ $0.isASCII && $0.isNumber }) else { continue }
            var info = stat()
            let path = directory + "/" + name
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid() else { continue }
            unlink(path)
        }
    }
}
