import ArgumentParser
import SessionsDisplay
import SessionsKit

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the active account's sessions, the most recently active first.",
        discussion: "--project narrows the list to one project. With --json, prints an array of sessions without their interactions, each with interaction_count, last_interaction_at and last_result_status, and damaged (what is wrong) for a session whose file cannot be read.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only sessions with this status.")
    var status: SessionStatus?

    @Option(help: ArgumentHelp("Only sessions of this type.", valueName: "TYPE"),
            completion: .list(SessionType.builtIn.map(\.name)))
    var type: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Only sessions of this component (its id or name).", valueName: "ID|NAME"))
    var component: EntryReference?

    @Option(help: "Sort order; time orders put the newest first. Activity is the last interaction, else the last update.")
    var sort: SessionSort = .activity

    @Option(parsing: .unconditional, help: ArgumentHelp("Show at most N sessions.", valueName: "N"))
    var limit: Int?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more, not \(limit)") }
    }

    func run() throws {
        let workspace = try global.workspace()
        let service = try workspace.service()
        let catalog = try service.catalog()
        let sessionType = try service.typeFilter(type)
        let query = SessionQuery(status: status, type: sessionType, projectID: global.project == nil ? nil : service.scope.projectID,
                                 componentID: try component.map { try service.component($0) }, sort: sort, limit: limit)
        let summaries = service.list(query, in: catalog)
        let context = CLIContext.current
        if json {
            var output: [UInt8] = []
            output.reserveCapacity(summaries.count * 700)
            // Each summary as the index keeps it, and its title (`SessionTitle`), which the index does not.
            let registry = catalog.registry
            JSONWriter.write(.array(summaries.map { summary in
                var object = summary.jsonObject
                object["title"] = SessionTitle.of(summary.session, registry: registry).map(JSONValue.string) ?? .null
                return .object(object)
            }), style: .pretty, into: &output)
            output.append(UInt8(ascii: "\n"))
            context.stdout.write(output)
            return
        }
        if summaries.isEmpty {
            context.stderr.line("No sessions match. Create one with `sessions new --type TYPE`, or try `sessions demo`.")
            return
        }
        let format = HumanFormat(registry: catalog.registry, now: context.now(), style: Style(enabled: context.useColor),
                                 columns: context.terminalColumns)
        context.stdout.write(format.list(summaries, sort: sort))
        let damaged = summaries.filter { $0.damaged != nil }.map(\.id.description)
        if let first = damaged.first {
            let subject = damaged.count == 1 ? "Session \(first) is" : "Sessions \(damaged.joined(separator: ", ")) are"
            let example = damaged.count == 1 ? first : "ID"
            context.stderr.line("\(subject) damaged: `sessions show \(example)` says what is wrong and what to do.")
        }
    }
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one session and its timeline of interactions.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The session id, or a Claude Code session id (8 or more of its characters).")
    var id: String

    @Flag(help: "Print the session as JSON, in the schema's shape.")
    var json = false

    @Flag(help: "Include every interaction's pipe, result data, stdout and stderr.")
    var full = false

    func run() throws {
        let workspace = try global.workspace()
        let service = try workspace.service()
        let context = CLIContext.current
        let sessionID = try SessionIDArgument.resolve(id, in: service)
        if json {
            // Streamed: a session of any size prints holding one interaction at a time.
            var pending: [UInt8] = []
            try service.writeJSON(id: sessionID) { bytes in
                // Small pieces are gathered into one write; a large one (a
                // huge output) goes out as it is, never copied.
                if pending.count + bytes.count >= 1 << 18 {
                    context.stdout.write(pending)
                    pending.removeAll(keepingCapacity: true)
                    if bytes.count >= 1 << 18 { context.stdout.write(bytes) } else { pending += bytes }
                    // A full disk or a reader gone: the rest of the log need not be read.
                    if context.stdout.failure != nil { throw OutputStopped() }
                    return
                }
                pending += bytes
            }
            context.stdout.write(pending)
            return
        }
        let registry = try service.registry()
        let session = try service.session(id: sessionID)
        var format = HumanFormat(registry: registry, now: context.now(), style: Style(enabled: context.useColor),
                                 columns: context.terminalColumns)
        // Only sessions that name a parent, or came from CodeMySpec with an
        // id children may name, pay for reading every summary.
        if SessionLinks.hasParent(session) || session.extra[CodeMySpecImporter.sourceIDKey] != nil {
            let summaries = try service.catalog().table
            format.links = (SessionLinks.parent(of: session, among: summaries), SessionLinks.children(of: session, among: summaries))
        }
        context.stdout.write(format.show(session, full: full))
    }
}
