import ArgumentParser

/// How this process names itself in the store's lock file while it writes,
/// so that a command kept waiting can say for what: `sessions import claude-code`.
enum CommandName {
    static let current = describe(Array(CommandLine.arguments.dropFirst()))

    /// The program and the subcommands `arguments` name, options left out.
    static func describe(_ arguments: [String]) -> String {
        var words = ["sessions"]
        var command: any ParsableCommand.Type = SessionsCommand.self
        for argument in arguments {
            if argument == "--" { break }
            guard let next = command.configuration.subcommands.first(where: { $0._commandName == argument }) else { continue }
            words.append(argument)
            command = next
        }
        return words.joined(separator: " ")
    }
}
