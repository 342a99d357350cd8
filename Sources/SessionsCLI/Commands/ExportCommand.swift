import ArgumentParser
import SessionsDisplay
import SessionsKit

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the active account's sessions as CodeMySpec API JSON.",
        discussion: """
            The output is {"data": [...]}, one session per line, interactions newest first, each \
            with its project and component by name, as CodeMySpec's API writes them; `sessions \
            import` reads it back. --shape store (the default) writes every session as `show \
            --json` does; --shape api writes the shape CodeMySpec's API renders today (uuid ids \
            where sessions came with them, environment_type). The file is written atomically with \
            mode 0600: it holds command output, which may be secret.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only sessions with this status.", completion: .list(SessionStatus.allCases.map(\.rawValue)))
    var status: SessionStatus?

    @Option(name: [.short, .long], help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"),
            completion: .file())
    var output: String?

    @Option(help: "store: as the store keeps sessions (integer ids); api: as CodeMySpec's API renders them today.")
    var shape: CodeMySpecExport.Shape = .store

    func run() throws {
        let context = CLIContext.current
        let service = try global.service()
        var outcome = CodeMySpecExport.Outcome()
        if let output, output != "-" {
            try FileBytes.writeAtomically(output) { emit in
                outcome = try CodeMySpecExport.write(service, status: status, shape: shape, to: emit)
            }
        } else {
            outcome = try CodeMySpecExport.write(service, status: status, shape: shape) { chunk in
                context.stdout.write(chunk)
                // A full disk or a reader gone: no more of the export can arrive.
                if context.stdout.failure != nil { throw OutputStopped() }
            }
        }
        // Every readable session is written; a damaged one is named, and the
        // exit status says the export is not whole.
        for (_, error) in outcome.damaged { context.stderr.line("error: left out of the export: \(Sanitizer.line(error.description))") }
        if !outcome.damaged.isEmpty { throw ExitCode.failure }
    }
}

extension CodeMySpecExport.Shape: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
