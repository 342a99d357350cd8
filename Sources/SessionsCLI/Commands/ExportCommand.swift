import ArgumentParser
import SessionsKit

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the active account's sessions as CodeMySpec API JSON.",
        discussion: """
            The output is {"data": [...]}, one session per line, interactions newest first, as \
            CodeMySpec's API writes them; `sessions import` reads it back. The file is written \
            atomically with mode 0600: it holds command output, which may be secret.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only sessions with this status.", completion: .list(SessionStatus.allCases.map(\.rawValue)))
    var status: SessionStatus?

    @Option(name: [.short, .long], help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"),
            completion: .file())
    var output: String?

    func run() throws {
        let context = CLIContext.current
        let service = try global.service()
        if let output, output != "-" {
            try FileBytes.writeAtomically(output) { emit in
                try CodeMySpecExport.write(service, status: status, to: emit)
            }
        } else {
            try CodeMySpecExport.write(service, status: status) { context.stdout.write($0) }
        }
    }
}
