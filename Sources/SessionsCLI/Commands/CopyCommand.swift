import ArgumentParser
import SessionsDisplay
import SessionsKit

/// Moving a record between stores: files and databases, either way.
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy every account, project, component and session from one store into another.",
        discussion: """
            Each is a directory or a PostgreSQL database's URL. Ids are kept. Sessions are written \
            a batch per commit, and one the destination already holds as it is is not written \
            again: copying again changes nothing, and a copy that was interrupted goes on where it \
            stopped. From or into a database, connect as its owner to copy every account (a \
            member's login sees only its own).
            """)

    @Option(help: ArgumentHelp("The store to copy.", valueName: "DIR|URL"))
    var from: String

    @Option(help: ArgumentHelp("The store to copy into.", valueName: "DIR|URL"))
    var to: String

    func run() throws {
        let context = CLIContext.current
        let environment = context.environment
        let from = environment.storeLocation(flag: from)
        // Opening a directory makes a store there: a mistyped source would be copied as an empty one.
        if case .directory(let root) = from, !FileStore.isStore(at: root) {
            throw UsageError("--from \(root) holds no store: nothing to copy")
        }
        let source = try GlobalOptions.open(from)
        let destination = try GlobalOptions.open(environment.storeLocation(flag: to))
        let outcome = try StoreTransfer(from: source, to: destination).run()
        context.stdout.line("Copied \(Count.of(outcome.written, "session"))"
            + (outcome.unchanged > 0 ? "; \(outcome.unchanged) already there as they are" : "")
            + (outcome.registryChanged ? "; the accounts, projects and components too." : "; the accounts, projects and components were already there."))
    }
}
