import ArgumentParser
import SessionsKit
import SessionsTerminal
import SessionsTUI

/// Options of the full-screen browser, shared by bare `sessions` and `sessions tui`.
struct BrowserOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Colour theme: default, light, high-contrast, mono, or a file NAME.theme in the config directory's themes/.",
        valueName: "NAME"))
    var theme: String?

    /// Opens the browser on the store, or fails with a message that points to `list`.
    func run(global: GlobalOptions) throws {
        // Before the store is opened (and perhaps created): output meant for
        // a pipe or a file must never become a screen of escape codes.
        guard CLIContext.current.stdoutIsTerminal else { throw TerminalProblem.notATerminal }
        let stderr = CLIContext.current.stderr
        let waits = StoreWaitBoard(beforeScreen: { stderr.line($0) })
        let workspace = try global.workspace(waiting: waits?.waiting)
        let environment = workspace.context.environment
        let themeName = theme ?? workspace.config.theme ?? "default"
        let loaded = try ThemeLibrary.load(name: themeName, userDirectory: environment.configDirectory + "/themes")
        let service = try workspace.service()
        // A database has no directory to watch: the browser listens for its commits instead.
        let changes: ChangeFeed = switch workspace.location {
        case .directory(let root): .directory(root)
        case .database(let conninfo, _): .database(DatabaseListener(conninfo: conninfo))
        }
        let configuration = TUIConfiguration(service: service, changes: changes,
                                             projectFilter: global.project == nil ? nil : service.scope.projectID, theme: loaded,
                                             environment: environment.variables, storeWaits: waits,
                                             resumeCommand: workspace.config.resumeCommand)
        let status = try TerminalApp.run(configuration)
        if status != 0 { throw ExitCode(status) }
    }
}

/// `sessions tui`: the same browser a bare `sessions` opens.
struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Browse sessions full-screen (what a bare `sessions` does on a terminal).",
        discussion: """
            Lists active, complete and failed sessions beside the selected session's timeline. \
            Press ? inside for every key. Needs a terminal; for scripts use `sessions list`.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var browser: BrowserOptions

    func run() throws {
        try browser.run(global: global)
    }
}

extension TerminalProblem: ReportedError {}

extension ThemeError: ReportedError {}
