import ArgumentParser
import SessionsDisplay
import SessionsKit

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the store's files; with --repair, fix what can be fixed safely.",
        discussion: """
            Repairs never rewrite or delete a session file. They finish an interrupted commit, remove \
            leftover temporary files, rebuild the index from the session files, tighten permissions \
            and recreate a lost registry. Exits 0 when the store is healthy, 1 otherwise.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Repair what can be repaired safely.")
    var repair = false

    func run() throws {
        let context = CLIContext.current
        let root = context.environment.storeRoot(flag: global.store)
        let report = StoreDoctor(root: root).run(repair: repair)
        context.stdout.line("store \(Sanitizer.line(root))")
        // Findings quote file names and contents found in the store.
        for finding in report.findings { context.stdout.line(Sanitizer.line(finding.description)) }
        if !report.isHealthy {
            let hint = repair ? "Some problems need a manual fix; see above." : "Run `sessions doctor --repair` to fix what can be fixed."
            context.stdout.line(hint)
            throw ExitCode.failure
        }
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Fill the store with realistic generated sessions.",
        discussion: "The same seed gives the same sessions. Used for trying the program and for benchmarks.")

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("How many sessions to add.", valueName: "N"))
    var sessions = 40

    @Option(help: ArgumentHelp("Interactions per session.", valueName: "N"))
    var interactions = 12

    @Option(help: ArgumentHelp("The random seed.", valueName: "N"))
    var seed: UInt64 = 1

    @Option(name: .customLong("output-bytes"), help: ArgumentHelp("Typical stdout size per interaction.", valueName: "N"))
    var outputBytes = 1024

    @Option(help: ArgumentHelp("End the generated history at this ISO 8601 time instead of now (for reproducible stores).",
                               valueName: "TIME", visibility: .hidden))
    var now: String?

    func validate() throws {
        if sessions < 0 || interactions < 0 || outputBytes < 0 {
            throw ValidationError("--sessions, --interactions and --output-bytes must be at least 0")
        }
    }

    func run() throws {
        let context = CLIContext.current
        var options = DemoGenerator.Options()
        options.sessions = sessions
        options.interactions = interactions
        options.seed = seed
        options.outputBytes = outputBytes
        if let now {
            guard let time = Timestamp(iso8601: now) else { throw CLIError("--now: \(now) is not an ISO 8601 time") }
            options.now = time
        } else {
            options.now = context.now()
        }
        let service = try global.service()
        let showProgress = isatty(2) == 1 && context.stdoutIsTerminal
        let ids = try DemoGenerator(options: options).populate(service) { done, total in
            if showProgress { context.stderr.write("\rgenerating \(done)/\(total) sessions") }
        }
        if showProgress { context.stderr.write("\r\u{1B}[K") }
        let first = ids.first?.description ?? "-", last = ids.last?.description ?? "-"
        context.stderr.line(ids.count == 1 ? "Added 1 session (id \(first))." : "Added \(ids.count) sessions (ids \(first)–\(last)).")
    }
}

import Glibc
