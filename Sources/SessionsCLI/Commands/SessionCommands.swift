import ArgumentParser
import SessionsKit

struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new", abstract: "Create a session in the active account and project; prints its id.")

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The session type, e.g. ComponentCodingSessions.", valueName: "TYPE"),
            completion: .list(SessionType.builtIn.map(\.name)))
    var type: String

    @Option(help: ArgumentHelp("The agent: claude_code.", valueName: "AGENT"),
            completion: .list(Agent.allCases.map(\.rawValue)))
    var agent: String?

    @Option(help: ArgumentHelp("Where it runs: local or vscode.", valueName: "ENV"),
            completion: .list(SessionEnvironment.allCases.map(\.rawValue)))
    var environment: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The component it works on (its id or name).", valueName: "ID|NAME"))
    var component: EntryReference?

    @Option(help: ArgumentHelp("Initial state, a JSON object.", valueName: "JSON"))
    var state: String?

    func run() throws {
        let stateValue = try state.map { try parseJSONArgument($0, option: "--state") }
        let service = try global.service()
        let draft = SessionDraft(type: type, agent: agent, environment: environment,
                                 componentID: try component.map { try service.component($0) }, state: stateValue)
        let session = try service.create(draft)
        CLIContext.current.stdout.line(session.id.description)
    }
}

struct SetStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-status", abstract: "Mark sessions active, complete or failed.",
        usage: "sessions set-status ID... active|complete|failed [--store DIR] [--account ID] [--project ID]",
        discussion: """
            Several ids change in one commit: all of them, or none if any id is not a session of the \
            active account, which is reported as not found.
            """)

    @OptionGroup var global: GlobalOptions

    /// The ids, then the status: an array must come last among positional
    /// arguments, so the two are taken apart here.
    @Argument(help: ArgumentHelp("The session ids, then active, complete or failed.", valueName: "id-or-status"),
              completion: .list(SessionStatus.allCases.map(\.rawValue)))
    var words: [String] = []

    func validate() throws {
        guard words.count >= 2 else { throw ValidationError("give one or more session ids, then active, complete or failed") }
    }

    func run() throws {
        let status = try SessionStatus(validating: words.last ?? "")
        let service = try global.service()
        try service.setStatuses(try SessionIDArgument.resolve(Array(words.dropLast()), in: service).map { ($0, status) })
    }
}

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete sessions and their interactions.",
        discussion: "Several ids go in one commit: all of them, or none if any id is not found.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The session ids.", valueName: "id"))
    var ids: [String]

    func run() throws {
        let service = try global.service()
        try service.delete(ids: SessionIDArgument.resolve(ids, in: service))
    }
}

/// Parses a JSON option value, naming the option and position when it is not JSON.
func parseJSONArgument(_ text: String, option: String) throws -> JSONValue {
    do {
        return try JSONParser.parse(text)
    } catch {
        throw CLIError("\(option) is not valid JSON: \(error)")
    }
}
