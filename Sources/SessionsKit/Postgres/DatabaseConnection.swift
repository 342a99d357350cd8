import CPostgres
import Glibc

/// What went wrong with a PostgreSQL store. Messages name the server by its
/// host, port and database only: a connection string may hold a password,
/// and it is never repeated.
public enum DatabaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server could not be reached, or refused the login.
    case unreachable(target: String, message: String)
    /// A statement failed; `code` is its SQLSTATE.
    case failed(target: String, code: String, message: String)
    /// The database has no schema of this program's yet.
    case noSchema(target: String)
    /// The schema was made by a newer version of this program.
    case newerSchema(target: String, found: Int, supported: Int)
    /// The schema is older than this program's: `sessions db migrate` upgrades it.
    case olderSchema(target: String, found: Int, supported: Int)

    public var description: String {
        switch self {
        case .unreachable(let target, let message):
            return "cannot connect to \(target): \(message)"
        case .failed(let target, let code, let message):
            return "\(target): \(message) (SQLSTATE \(code)). Nothing was changed."
        case .noSchema(let target):
            return "\(target) has no sessions schema yet. Run `sessions db migrate` (as the role that owns the tables) to create it."
        case .newerSchema(let target, let found, let supported):
            return "\(target) has schema version \(found), but this version of sessions understands up to \(supported). "
                + "Nothing was changed; upgrade sessions to use this database."
        case .olderSchema(let target, let found, let supported):
            return "\(target) has schema version \(found); this version of sessions needs \(supported). "
                + "Run `sessions db migrate` to upgrade it."
        }
    }

    /// The SQLSTATE of a failed statement.
    public var code: String? {
        if case .failed(_, let code, _) = self { return code }
        return nil
    }
}

/// One connection to a PostgreSQL server through libpq, used by one thread
/// at a time. Every value that comes from outside the program is sent as a
/// parameter, never spliced into the SQL (only the program's own numbers and
/// names are), and times travel as UTC text.
final class DatabaseConnection: @unchecked Sendable {
    private let connection: OpaquePointer
    /// "database sessions on /run/postgresql:5432": what messages name.
    let target: String

    /// Connects with `conninfo`: a URI (`postgresql://…`) or `key=value`
    /// pairs, with libpq's environment (`PGHOST`, `PGUSER`, `PGPASSFILE`)
    /// and files (`~/.pgpass`) for what it leaves out.
    init(_ conninfo: String) throws(DatabaseError) {
        guard let made = PQconnectdb(conninfo) else {
            throw .unreachable(target: Self.target(of: conninfo), message: "out of memory")
        }
        let target = Self.target(of: made)
        guard PQstatus(made) == CONNECTION_OK else {
            let message = Self.message(PQerrorMessage(made))
            PQfinish(made)
            throw .unreachable(target: target, message: message)
        }
        // libpq prints what the server says outside a statement (a notice, or
        // "terminating connection" when it shuts down) on standard error,
        // where it would land in the middle of the browser's screen, unsanitized.
        // What matters reaches the program as a failed statement or a broken connection.
        PQsetNoticeProcessor(made, { _, _ in }, nil)
        connection = made
        self.target = target
        try execute(Self.settings)
    }

    /// Set on every connection, and again after a reconnection: a
    /// `timestamptz` would be read in the session's zone, and every time is UTC text here.
    private static let settings = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'"

    deinit {
        PQfinish(connection)
    }

    /// The role this connection logged in as.
    var user: String { PQuser(connection).map { String(cString: $0) } ?? "" }

    /// The descriptor a `poll` loop waits on for notifications.
    var socket: Int32 { PQsocket(connection) }

    /// Reads whatever the server has sent, without waiting: false when the
    /// connection is lost.
    func consumeInput() -> Bool {
        PQconsumeInput(connection) == 1 && PQstatus(connection) == CONNECTION_OK
    }

    /// How many notifications have arrived since last asked (each is freed).
    func takeNotifications() -> Int {
        var count = 0
        while let notification = PQnotifies(connection) {
            PQfreemem(notification)
            count += 1
        }
        return count
    }

    /// The server process serving this connection.
    var backendPID: Int32 { PQbackendPID(connection) }

    /// Whether the connection to the server is lost (a restart, a terminated backend, the network).
    var isBroken: Bool { PQstatus(connection) != CONNECTION_OK }

    /// Connects again with the same parameters, after the connection was lost.
    func reconnect() throws(DatabaseError) {
        PQreset(connection)
        guard PQstatus(connection) == CONNECTION_OK else {
            throw .unreachable(target: target, message: Self.message(PQerrorMessage(connection)))
        }
        try execute(Self.settings)
    }

    /// Runs `sql`, whose `$1`, `$2`… are `parameters` (nil is NULL): the rows it returns.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?]) throws(DatabaseError) -> DatabaseRows {
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { for copy in copies { free(copy) } }
        let result = copies.withUnsafeBufferPointer { values in
            values.withMemoryRebound(to: UnsafePointer<CChar>?.self) { values in
                PQexecParams(connection, sql, Int32(parameters.count), nil, values.baseAddress, nil, nil, 0)
            }
        }
        return try checked(result)
    }

    /// Runs one or more statements that take no parameters (a migration, a `SET`).
    @discardableResult
    func execute(_ sql: String) throws(DatabaseError) -> DatabaseRows {
        try checked(PQexec(connection, sql))
    }

    /// How a transaction begins.
    enum Kind {
        case readWrite
        /// One snapshot for every statement, and no writes: what a reader sees
        /// is the store as of one commit.
        case snapshot
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ kind: Kind = .readWrite, _ body: () throws -> T) throws -> T {
        try execute(kind == .snapshot ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    private func checked(_ result: OpaquePointer?) throws(DatabaseError) -> DatabaseRows {
        guard let result else {
            throw .failed(target: target, code: "08000", message: Self.message(PQerrorMessage(connection)))
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return DatabaseRows(result)
        default:
            let code = PQresultErrorField(result, sessions_pg_diag_sqlstate()).map { String(cString: $0) } ?? "XX000"
            let message = Self.message(PQresultErrorMessage(result))
            PQclear(result)
            throw .failed(target: target, code: code, message: message)
        }
    }

    /// libpq's message, on one line, without its "ERROR:" prefix.
    private static func message(_ text: UnsafePointer<CChar>?) -> String {
        let whole = text.map { String(cString: $0) } ?? ""
        var lines = whole.split(separator: "\n").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        if let first = lines.first, first.hasPrefix("ERROR:") { lines[0] = String(first.dropFirst(6)).trimmingSpaces() }
        return lines.joined(separator: "; ")
    }

    /// "database D on HOST:PORT", from a connection libpq has parsed.
    private static func target(of connection: OpaquePointer) -> String {
        func text(_ value: UnsafeMutablePointer<CChar>?) -> String { value.map { String(cString: $0) } ?? "" }
        return describe(host: text(PQhost(connection)), port: text(PQport(connection)), database: text(PQdb(connection)))
    }

    /// The same for a connection string libpq could not even start with.
    private static func target(of conninfo: String) -> String {
        guard let values = parameters(of: conninfo) else { return "the database (its connection string does not parse)" }
        return describe(host: values["host"] ?? "", port: values["port"] ?? "", database: values["dbname"] ?? "")
    }

    /// What a connection string (a URI or `key=value` pairs) says, as libpq
    /// reads it, by keyword; nil when it does not parse.
    static func parameters(of conninfo: String) -> [String: String]? {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            PQfreemem(error)
            return nil
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        for (keyword, value) in Self.options(options) { values[keyword] = value }
        return values
    }

    /// Each keyword of a libpq option list, with its value where it has one.
    static func options(_ list: UnsafeMutablePointer<PQconninfoOption>) -> [(keyword: String, value: String?)] {
        var options: [(keyword: String, value: String?)] = []
        var option = list
        while let keyword = option.pointee.keyword {
            options.append((String(cString: keyword), option.pointee.val.map { String(cString: $0) }))
            option += 1
        }
        return options
    }

    private static func describe(host: String, port: String, database: String) -> String {
        let place = host.isEmpty ? "the default server" : host + (port.isEmpty ? "" : ":" + port)
        return "database \(database.isEmpty ? "(default)" : database) on \(place)"
    }
}

/// The rows a statement returned, as text.
final class DatabaseRows {
    private let result: OpaquePointer

    init(_ result: OpaquePointer) {
        self.result = result
    }

    deinit {
        PQclear(result)
    }

    var count: Int { Int(PQntuples(result)) }

    /// The value at `row`, `column` as text; nil when it is NULL.
    func text(_ row: Int, _ column: Int) -> String? {
        guard PQgetisnull(result, Int32(row), Int32(column)) == 0 else { return nil }
        return String(cString: PQgetvalue(result, Int32(row), Int32(column)))
    }

    func int(_ row: Int, _ column: Int) -> Int? {
        text(row, column).flatMap { Int($0) }
    }
}
