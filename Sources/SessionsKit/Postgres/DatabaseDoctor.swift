/// What `doctor` says of a PostgreSQL store: whether its schema is the one
/// this program needs, with its constraints and policies as the migrations
/// made them, whether the login is one the policies bind, and whether hook
/// events wait on this machine for the server to be reachable again.
public struct DatabaseDoctor {
    public let conninfo: String
    /// The database's directory on this machine, where the spool is.
    public let local: String

    public init(conninfo: String, local: String) {
        self.conninfo = conninfo
        self.local = local
    }

    /// A line per finding, and whether all is well.
    public func run() -> (lines: [String], healthy: Bool) {
        var lines: [String] = []
        var healthy = true
        do {
            let connection = try DatabaseConnection(conninfo)
            try DatabaseMigrator(connection: connection).check()
            lines.append("\(connection.target): schema version \(DatabaseSchema.version), as this version of sessions needs")
            let check = DatabaseSchemaCheck(connection: connection)
            let problems = try check.problems()
            if problems.isEmpty {
                lines.append("the constraints, indexes and row-level security policies are the schema's own")
            } else {
                lines += problems.map { "schema changed by hand: \($0)" }
                healthy = false
            }
            if try !check.loginIsBound() {
                lines.append("connected as \(connection.user), which row-level security does not bind "
                    + "(an owner or superuser): it sees every account. Members should each connect as their own role")
            }
        } catch {
            lines.append(error.description)
            healthy = false
        }
        if let status = try? EventSpool(storeRoot: local).status() {
            let events = status.count == 1 ? "1 hook event is" : "\(status.count) hook events are"
            lines.append("\(events) waiting in \(local)/\(EventSpool.directoryName) since \(status.oldest.iso8601); "
                + "the next hook or command that reaches the database records them")
        }
        return (lines, healthy)
    }
}
