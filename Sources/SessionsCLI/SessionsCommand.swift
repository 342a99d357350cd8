import ArgumentParser
import Glibc
import SessionsDisplay
import SessionsKit

/// `sessions`: browse and record AI-assisted development sessions.
public struct SessionsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "Track, browse and review AI-assisted development sessions.",
        discussion: """
            Without a subcommand, opens the full-screen browser (press ? inside for keys).

            Sessions live in a local store (default ~/.local/share/sessions). Every command acts \
            within one account: --account, else $SESSIONS_ACCOUNT, else the config file, else \
            the store's first account.

            Exit status: 0 success, 1 the request failed (not found, invalid, refused), \
            2 the store cannot be used (corrupt, newer format, unsafe permissions, I/O) or output \
            cannot be written, 3 the change was made but its output could not be written, \
            64 usage error. A command that only reads ends quietly with its own status when its \
            reader goes away (sessions list | head -1).
            """,
        version: "0.1.0",
        subcommands: [
            ListCommand.self, ShowCommand.self, SearchCommand.self, ResumeSessionCommand.self, NewCommand.self, SetStatusCommand.self, DeleteCommand.self,
            InteractionCommand.self, AccountCommand.self, ProjectCommand.self, ComponentCommand.self,
            ImportCommand.self, ExportCommand.self, HookCommand.self, DoctorCommand.self, BackupCommand.self, DemoCommand.self, TUICommand.self,
            DatabaseCommand.self, CopyCommand.self,
        ]
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var browser: BrowserOptions

    public init() {}

    /// A bare `sessions` opens the browser; without a terminal it explains
    /// itself and points to `sessions list`.
    public func run() throws {
        try browser.run(global: global)
    }
}

/// Runs the command line and turns every failure into `error: …` on stderr
/// with a meaningful exit status.
public enum SessionsMain {
    public static func run(arguments: [String]) -> Int32 {
        let context = CLIContext.current
        var changes = false
        let status = run(arguments: arguments, context: context, changes: &changes)
        return OutputCheck.finish(status, changed: changes, context: context)
    }

    /// The real process: checks its limits first (`ProcessGuard`), then runs.
    public static func runProcess() -> Never {
        ProcessGuard.prepare()
        exit(run(arguments: Array(CommandLine.arguments.dropFirst())))
    }

    private static func run(arguments: [String], context: CLIContext, changes: inout Bool) -> Int32 {
        do {
            var command = try SessionsCommand.parseAsRoot(arguments)
            changes = (command as? any ChangesState)?.changesState ?? false
            try command.run()
            return 0
        } catch is OutputStopped {
            // Writing stopped part way; `OutputCheck` says why.
            return 0
        } catch let error as ReportedError {
            // Messages quote paths and values from the store and the command
            // line; they pass the sanitizer like everything else shown.
            for line in error.messages { context.stderr.line("error: \(Sanitizer.line(line))") }
            return error.exitStatus
        } catch {
            if let negative = negativeNumber(in: arguments) {
                context.stderr.line("error: " + SessionIDArgument.notAnID(negative))
                return ExitCode.validationFailure.rawValue
            }
            let code = SessionsCommand.exitCode(for: error)
            var message = Sanitizer.lines(SessionsCommand.fullMessage(for: error)).joined(separator: "\n")
            if message.hasPrefix("Error: ") { message = "error: " + message.dropFirst("Error: ".count) }
            if code == .success {
                if !message.isEmpty { context.stdout.line(message) }
            } else if !message.isEmpty {
                context.stderr.line(message)
            }
            return code.rawValue
        }
    }
}

extension SessionsMain {
    /// Options that take a number take a negative one too (`--code -1`), but
    /// the parser reads a lone `-1` where an id belongs as an option it does
    /// not know, and says an argument is missing. No option of this program
    /// is a digit, so such a token can only be a number: the one mistake
    /// worth naming, once parsing has failed.
    static func negativeNumber(in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == "--" { return nil }
            guard argument.count > 1, argument.hasPrefix("-"), argument.dropFirst().allSatisfy(\.isNumber) else { continue }
            // The value of the option before it, which the parser takes as it is.
            if index > 0, arguments[index - 1].hasPrefix("--"), !arguments[index - 1].contains("=") { continue }
            return argument
        }
        return nil
    }
}

/// Failures the command line reports itself: one `error:` line per message.
protocol ReportedError: Error {
    var messages: [String] { get }
    /// 1: the request failed; 2: the store cannot be used.
    var exitStatus: Int32 { get }
}

extension ReportedError where Self: CustomStringConvertible {
    /// Most errors say what went wrong in one line.
    var messages: [String] { [description] }
    /// Most errors are a request that failed, not a store that cannot be used.
    var exitStatus: Int32 { 1 }
}

extension SessionError: ReportedError {
    var messages: [String] {
        if case .invalid(let schema) = self { return schema.messages }
        return [description]
    }
}

extension SchemaError: ReportedError {
    /// Each broken rule on its own line.
    var messages: [String] { errors.map(\.description) }
}

extension CLIError: ReportedError {}

extension UsageError: ReportedError {
    var exitStatus: Int32 { ExitCode.validationFailure.rawValue }
}

extension StoreError: ReportedError {
    var exitStatus: Int32 { 2 }
}
