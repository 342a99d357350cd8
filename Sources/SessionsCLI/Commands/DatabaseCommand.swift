import ArgumentParser
import SessionsDisplay
import SessionsKit

/// What only a PostgreSQL store has: its schema.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage a PostgreSQL store's schema.",
        subcommands: [DatabaseMigrateCommand.self]
    )
}

struct DatabaseMigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the database's schema.",
        discussion: """
            Run it as the role that is to own the tables, once when the database is new and again \
            after upgrading sessions. Each step runs in a transaction of its own with the version \
            it brings, so an interrupted migration leaves the version before it, and running it \
            again goes on from there; when there is nothing to do it changes nothing. A database \
            whose schema is newer than this program is refused. The tables' owner bypasses \
            row-level security: members connect as roles of their own (see the README's "For a team").
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let context = CLIContext.current
        let config = try Config.load(directory: context.environment.configDirectory)
        guard case .database(let conninfo, _) = context.environment.storeLocation(flag: global.store, config: config) else {
            throw UsageError("`db migrate` is for a PostgreSQL store: give --store postgresql://… (or set SESSIONS_STORE)")
        }
        let (from, to) = try PostgresStore.migrate(conninfo: conninfo)
        if from == to {
            context.stdout.line("The schema is at version \(to); nothing to do.")
        } else {
            context.stdout.line(from == 0 ? "Created the schema, version \(to)." : "Upgraded the schema from version \(from) to \(to).")
        }
    }
}
