import Glibc

/// The user's `config.json`. Hand-editable; members this version does not
/// know are kept when the program writes the file back.
///
/// ```json
/// {
///   "session_types": ["MyReviewSessions"],
///   "theme": "default",
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

    /// The account and project remembered for one store.
    public struct ScopeEntry: Sendable, Equatable {
        public var accountID: Account.ID?
        public var projectID: Project.ID?

        public init(accountID: Account.ID? = nil, projectID: Project.ID? = nil) {
            self.accountID = accountID
            self.projectID = projectID
        }
    }

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

    public mutating func setScope(_ entry: ScopeEntry, forStore store: String) {
        var stores = object["stores"]?.objectValue ?? JSONObject()
        var fields = stores[store]?.objectValue ?? JSONObject()
        fields["account"] = entry.accountID.map { .id($0) }
        fields["project"] = entry.projectID.map { .id($0) }
        stores[store] = .object(fields)
        object["stores"] = .object(stores)
    }

    /// Writes the file atomically with mode 0600 in a 0700 directory. A
    /// config file that is a link (into a dotfiles checkout, say) stays one:
    /// the file it names is replaced, beside itself.
    public func save() throws(StoreError) {
        try FileIO.makeDirectories(FileIO.parentDirectory(path))
        let target = try FileIO.followingLinks(path)
        let bytes = JSONWriter.bytes(.object(object), style: .pretty) + [UInt8(ascii: "\n")]
        try FileIO.replaceAtomically(target, with: bytes, temp: "\(target).\(getpid()).tmp")
    }
}
