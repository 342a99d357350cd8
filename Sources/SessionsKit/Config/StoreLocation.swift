import CPostgres

/// Where the store is: a directory of files on this machine, or a
/// PostgreSQL database that a team shares.
public enum StoreLocation: Sendable, Equatable {
    case directory(String)
    /// A database, by its libpq connection string (a `postgresql://` URI or
    /// `key=value` pairs), and the directory on this machine that keeps what
    /// must stay here: the hook's spool and log, and the remembered scope.
    case database(conninfo: String, local: String)

    /// The directory on this machine that is this store's own.
    public var localDirectory: String {
        switch self {
        case .directory(let root): root
        case .database(_, let local): local
        }
    }

    /// Makes a database's local directory (0700, with its parents) if it
    /// is missing; a directory store makes its own when it is opened.
    public func prepareLocalDirectory() throws {
        if case .database(_, let local) = self { try FileIO.makeDirectories(local) }
    }

    /// Whether `text` names a database rather than a directory: a
    /// `postgresql://` or `postgres://` URI, or libpq's `key=value` pairs.
    public static func isDatabase(_ text: String) -> Bool {
        if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") { return true }
        guard let equals = text.firstIndex(of: "=") else { return false }
        let keyword = String(text[..<equals]).trimmingSpaces()
        return connectionKeywords.contains(keyword)
    }

    /// What a connection string starts with when it is `key=value` pairs:
    /// libpq's own keywords, so that a directory named `a=b` stays a directory.
    static let connectionKeywords: Set<String> = {
        guard let defaults = PQconndefaults() else { return ["host", "hostaddr", "port", "dbname", "user", "service"] }
        defer { PQconninfoFree(defaults) }
        return Set(DatabaseConnection.options(defaults).map(\.keyword))
    }()

    /// A name for a database's local directory, from what the connection
    /// string says of the server, the database and the user, never its
    /// password: `alice@db.example.com_5432_sessions`. What it leaves out,
    /// libpq takes from `PGUSER`, `PGHOST`, `PGPORT` and `PGDATABASE`, and
    /// so does the name: two servers reached through those variables must
    /// not share a spool.
    static func localName(_ conninfo: String, environment: [String: String] = [:]) -> String {
        guard var values = DatabaseConnection.parameters(of: conninfo) else { return "unparsed" }
        for (keyword, variable) in [("user", "PGUSER"), ("host", "PGHOST"), ("port", "PGPORT"), ("dbname", "PGDATABASE")]
        where values[keyword] == nil {
            values[keyword] = environment[variable]
        }
        let raw = "\(values["user"] ?? "")@\(values["host"] ?? "")_\(values["port"] ?? "")_\(values["dbname"] ?? "")"
        return String(raw.map { $0.isASCII && ($0.isLetter || $0.isNumber || "@._-".contains($0)) ? $0 : "_" })
    }
}

extension SessionsEnvironment {
    /// The store: `--store`, else `$SESSIONS_STORE`, else `$SESSIONS_HOME`,
    /// else `store` in the config, else `$XDG_DATA_HOME/sessions`, else
    /// `~/.local/share/sessions`. Each may name a directory or a database.
    public func storeLocation(flag: String? = nil, config: Config? = nil) -> StoreLocation {
        let chosen = [flag, self["SESSIONS_STORE"], self["SESSIONS_HOME"], config?.store]
            .compactMap { $0 }.first { !$0.isEmpty }
        guard let chosen, StoreLocation.isDatabase(chosen) else { return .directory(storeRoot(flag: chosen)) }
        return .database(conninfo: chosen, local: dataHome + "/sessions/databases/" + StoreLocation.localName(chosen, environment: variables))
    }
}

extension Config {
    /// The store this config chooses, when no flag or variable does.
    public var store: String? { object["store"]?.stringValue }
}
