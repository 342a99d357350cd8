/// What `doctor` says of a PostgreSQL store: whether its schema is the one
/// this program needs, and whether hook events wait on this machine for the
/// server to be reachable again.
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
            do {
                try DatabaseMigrator(connection: connection).check()
                lines.append("\(connection.target): schema version \(DatabaseSchema.version), as this version of sessions needs")
            } catch {
                lines.append(error.description)
                healthy = false
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
