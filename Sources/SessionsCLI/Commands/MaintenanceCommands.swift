import ArgumentParser
import SessionsDisplay
import SessionsKit

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the store's files, or a database's schema; with --repair, fix what can be fixed safely in files.",
        discussion: """
            Repairs never rewrite or delete a session file. They finish an interrupted commit, remove \
            leftover temporary files, rebuild the index from the session files, tighten permissions \
            and recreate a lost registry. A damaged session file is named with what is wrong and what \
            to do, and its session stays listed, marked damaged. Exits 0 when the store is healthy, \
            1 otherwise.

            With --upgrade, every session still kept whole, as format 1 kept them, is split into \
            its head and its interaction log first. Any write does this for the sessions it \
            touches, so this is never needed; it does all of them at once, a batch per commit, \
            and can be interrupted at any instant.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Repair what can be repaired safely.")
    var repair = false

    @Flag(help: "Move every session to the store's current format now (see below).")
    var upgrade = false

    func run() throws {
        let context = CLIContext.current
        let config = try Config.load(directory: context.environment.configDirectory)
        let location = context.environment.storeLocation(flag: global.store, config: config)
        if case .database(let conninfo, let local) = location {
            // The server keeps its own files; what the program checks is its schema and the spool here.
            if upgrade || repair { throw Workspace.filesOnly(upgrade ? "--upgrade" : "--repair") }
            let report = DatabaseDoctor(conninfo: conninfo, local: local).run()
            for line in report.lines { context.stdout.line(Sanitizer.line(line)) }
            if !report.healthy { throw ExitCode.failure }
            return
        }
        let root = location.localDirectory
        if upgrade {
            let done = try global.workspace(config: config).fileStore(for: "--upgrade").upgrade()
            var line = "Upgraded \(Count.of(done.converted, "session")) to format \(FileStore.format)"
            if done.alreadySplit > 0 { line += "; \(done.alreadySplit) already were" }
            if !done.damaged.isEmpty { line += "; \(Count.of(done.damaged.count, "damaged session")) left as found" }
            context.stdout.line(line + ".")
        }
        var doctor = StoreDoctor(root: root)
        doctor.lockWaiting = .said(on: context.stderr)
        let report = doctor.run(repair: repair)
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

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the store into a new directory, as it stands at one commit.",
        discussion: """
            The copy is taken under the store's lock, so it is whole and consistent even while \
            other processes write (they wait while it copies), and it opens as a store of its own: \
            sessions --store DIR. A copy made file by file while the store is in use may hold files \
            from different moments, and the first command on it rebuilds its index from its session \
            files. DIR must not exist yet.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The new directory.", valueName: "DIR"), completion: .directory)
    var directory: String

    func run() throws {
        let context = CLIContext.current
        if lstatExists(directory) {
            throw CLIError("\(directory) exists already: name a directory that does not exist yet")
        }
        let backup = try global.workspace().fileStore(for: "backup").backup(to: directory)
        context.stdout.line("Backed up \(Count.of(backup.sessions, "session")) to \(Sanitizer.line(directory)).")
    }

    /// Whether anything, a dangling link included, is at `path`.
    func lstatExists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Fill the store with realistic generated sessions.",
        discussion: "The same seed gives the same sessions. Used for trying the program and for benchmarks.")

    @OptionGroup var global: GlobalOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("How many sessions to add, 1 to 100,000.", valueName: "N"))
    var sessions = 40

    @Option(parsing: .unconditional, help: ArgumentHelp("Interactions per session, 0 to 100,000.", valueName: "N"))
    var interactions = 12

    @Option(help: ArgumentHelp("The random seed.", valueName: "N"))
    var seed: UInt64 = 1

    @Option(name: .customLong("output-bytes"), parsing: .unconditional, help: ArgumentHelp("Typical stdout size per interaction.", valueName: "N"))
    var outputBytes = 1024

    @Option(help: ArgumentHelp("End the generated history at this ISO 8601 time instead of now (for reproducible stores).",
                               valueName: "TIME", visibility: .hidden))
    var now: String?

    /// Bounds that the largest benchmarks stay within (100,000 sessions; one
    /// session of 100,000 interactions), so a slip of the keyboard cannot fill the disk.
    static let maxSessions = 100_000
    static let maxInteractions = 100_000
    static let maxOutputBytes = 16 << 20
    /// What the generated outputs may add up to, before the store's own overhead.
    static let maxTotalOutput = 8 << 30

    func validate() throws {
        func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws {
            guard range.contains(value) else {
                throw ValidationError("\(name) must be from \(Count.grouped(range.lowerBound)) to \(Count.grouped(range.upperBound)), not \(value)")
            }
        }
        try check("--sessions", sessions, 1...Self.maxSessions)
        try check("--interactions", interactions, 0...Self.maxInteractions)
        try check("--output-bytes", outputBytes, 0...Self.maxOutputBytes)
        let total = sessions.multipliedReportingOverflow(by: interactions).partialValue.multipliedReportingOverflow(by: outputBytes)
        if total.overflow || total.partialValue > Self.maxTotalOutput {
            throw ValidationError("--sessions × --interactions × --output-bytes would write more than 8 GiB of output; ask for less")
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
        guard let first = ids.first, let last = ids.last else { return }
        context.stderr.line(ids.count == 1 ? "Added 1 session (id \(first))." : "Added \(Count.grouped(ids.count)) sessions (ids \(first)–\(last)).")
    }
}

import Glibc
