import ArgumentParser
import SessionsKit

struct InteractionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interaction", abstract: "Record the commands a session runs and their results.",
        subcommands: [AddInteraction.self, CompleteInteraction.self])
}

struct AddInteraction: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Append a pending interaction to a session; prints its id.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The session id.", valueName: "session-id"))
    var sessionID: String

    @Option(help: ArgumentHelp("The step module, e.g. Elixir.CodeMySpec.ComponentCodingSessions.Steps.RunTests.", valueName: "M"))
    var module: String

    @Option(help: ArgumentHelp("The command line that runs.", valueName: "C"))
    var command: String

    @Option(help: ArgumentHelp("Input piped to the command.", valueName: "P"))
    var pipe: String?

    @Option(help: ArgumentHelp("The step's name.", valueName: "NAME"))
    var step: String?

    func run() throws {
        let service = try global.service()
        let interaction = try service.addInteraction(
            sessionID: try SessionIDArgument.resolve(sessionID, in: service), CommandDraft(module: module, command: command, pipe: pipe, stepName: step))
        CLIContext.current.stdout.line(interaction.id)
    }
}

struct CompleteInteraction: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete", abstract: "Record the result of a pending interaction.",
        discussion: """
            Output that is not valid UTF-8, given as text or as a file, is stored exactly, as base64, \
            and shown with invalid bytes as \\xNN.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The session id.", valueName: "session-id"))
    var sessionID: String

    @Argument(help: "The interaction id that `interaction add` printed.")
    var interactionID: String

    @Option(help: "ok, error or warning.", completion: .list(ResultStatus.allCases.map(\.rawValue)))
    var status: String

    /// Unconditional: exit codes may be negative (a signal, on some systems).
    @Option(parsing: .unconditional, help: ArgumentHelp("The exit code; may be negative.", valueName: "N"))
    var code: Int?

    @Option(help: ArgumentHelp("Standard output, as text.", valueName: "TEXT"))
    var stdout: String?

    @Option(name: .customLong("stdout-file"), help: ArgumentHelp("Read standard output from PATH (- for stdin).", valueName: "PATH"),
            completion: .file())
    var stdoutFile: String?

    @Option(help: ArgumentHelp("Standard error, as text.", valueName: "TEXT"))
    var stderr: String?

    @Option(name: .customLong("stderr-file"), help: ArgumentHelp("Read standard error from PATH (- for stdin).", valueName: "PATH"),
            completion: .file())
    var stderrFile: String?

    @Option(name: .customLong("error-message"), help: ArgumentHelp("What went wrong, in one line.", valueName: "M"))
    var errorMessage: String?

    @Option(name: .customLong("duration-ms"), parsing: .unconditional, help: ArgumentHelp("How long it ran, in milliseconds.", valueName: "N"))
    var durationMS: Int?

    @Option(help: ArgumentHelp("Result data, a JSON object.", valueName: "JSON"))
    var data: String?

    func validate() throws {
        if stdout != nil && stdoutFile != nil { throw ValidationError("use either --stdout or --stdout-file, not both") }
        if stderr != nil && stderrFile != nil { throw ValidationError("use either --stderr or --stderr-file, not both") }
        if stdoutFile == "-" && stderrFile == "-" { throw ValidationError("only one of --stdout-file and --stderr-file can read stdin") }
        if let durationMS, durationMS < 0 { throw ValidationError("--duration-ms must be 0 or more, not \(durationMS)") }
    }

    func run() throws {
        let draft = ResultDraft(
            status: status, code: code, errorMessage: errorMessage,
            stdout: try capture(text: stdout, option: "--stdout", file: stdoutFile),
            stderr: try capture(text: stderr, option: "--stderr", file: stderrFile),
            durationMS: durationMS, data: try data.map { try parseJSONArgument($0, option: "--data") })
        let service = try global.service()
        _ = try service.completeInteraction(sessionID: try SessionIDArgument.resolve(sessionID, in: service), interactionID: interactionID, draft)
    }

    /// Text options keep their bytes as a file's are kept: the argument
    /// vector holds bytes, and only its `String` form lost the invalid ones.
    func capture(text: String?, option: String, file: String?) throws -> CapturedOutput? {
        if let text {
            return CLIContext.current.rawValue(ofOption: option, parsed: text).map(CapturedOutput.init(bytes:)) ?? .text(text)
        }
        guard let file else { return nil }
        if file == "-" { return CapturedOutput(bytes: try CLIContext.current.readStandardInput()) }
        do {
            guard let bytes = try FileBytes.read(file) else { throw CLIError("cannot read \(file): no such file") }
            return CapturedOutput(bytes: bytes)
        } catch let error as StoreError {
            throw CLIError(error.description)
        }
    }
}
