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

    @Option(help: ArgumentHelp("The component it works on.", valueName: "ID"))
    var component: Component.ID?

    @Option(help: ArgumentHelp("Initial state, a JSON object.", valueName: "JSON"))
    var state: String?

    func run() throws {
        let stateValue = try state.map { try parseJSONArgument($0, option: "--state") }
        let draft = SessionDraft(type: type, agent: agent, environment: environment, componentID: component, state: stateValue)
        let session = try global.service().create(draft)
        CLIContext.current.stdout.line(session.id.description)
    }
}

struct SetStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-status", abstract: "Mark a session active, complete or failed.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The session id.")
    var id: Session.ID

    @Argument(help: "active, complete or failed.", completion: .list(SessionStatus.allCases.map(\.rawValue)))
    var status: String

    func run() throws {
        let status = try SessionStatus(validating: status)
        try global.service().setStatus(id: id, to: status)
    }
}

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a session and its interactions.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The session id.")
    var id: Session.ID

    func run() throws {
        try global.service().delete(id: id)
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
