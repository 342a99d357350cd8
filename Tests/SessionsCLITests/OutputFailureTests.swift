import Glibc
import Testing
@testable import SessionsKit
import TestSupport

/// Standard output that cannot take what a command prints: a full disk
/// (`/dev/full`, and a full tmpfs), and a reader that went away (a shell
/// pipeline whose reader has exited, and `| head -1`). A command that only
/// reads must say so with one `error:` line and status 2, except when its
/// reader went away, where it ends quietly; a command that changed the store
/// must make its change exactly once and exit 3, naming what it would have
/// printed, so a script that retries on failure does not add it twice.
///
/// Runs the real binary through bash, for real pipelines: one test at a time.
@Suite("Output faults: closed and full standard output", .serialized)
struct OutputFailureTests {
    static let fullDisk = "error: cannot write standard output: No space left on device (the disk is full: free some space and try again)\n"

    /// A home with enough sessions that `list --json` is larger than a pipe holds.
    final class Home: Sendable {
        let directory = TemporaryDirectory("sessions-output")
        var environment: [String: String] { FaultScenarios.environment(home: directory.path + "/home") }

        init() throws {
            mkdir(directory.path + "/home", 0o700)
            let demo = ProcessRunner(environment: environment).run(["demo", "--sessions", "300", "--interactions", "2", "--output-bytes", "50"])
            try #require(demo.status == 0, "\(demo.stderr)")
        }

        /// Runs `script` in bash with the binary as `$0` and `arguments` as `$@`.
        func shell(_ script: String, _ arguments: [String]) -> ProcessRunner.Output {
            ProcessRunner(executable: "/bin/bash", environment: environment)
                .run(["-c", script, ProcessRunner.sessionsBinary()] + arguments)
        }

        func sessions(_ arguments: [String]) -> ProcessRunner.Output { ProcessRunner(environment: environment).run(arguments) }

        var store: [String: [UInt8]] { TestFiles.snapshot(directory.path + "/home/store") }

        func sessionCount() throws -> Int {
            let list = sessions(["list", "--json"])
            return try #require(try JSONParser.parse(list.stdout).arrayValue).count
        }

        func interactionCount(_ id: Int) throws -> Int {
            let session = try JSONParser.parse(sessions(["show", String(id), "--json"]).stdout).objectValue
            return try #require(session?["interactions"]?.arrayValue).count
        }
    }

    static let reads: [[String]] = [
        ["list"], ["list", "--json"], ["show", "1"], ["show", "1", "--json"], ["show", "1", "--full"], ["export"],
        ["export", "--shape", "api"], ["account", "list"], ["project", "list", "--json"], ["doctor"], ["--help"], ["--version"],
    ]

    /// A change, and how to count it: the count must grow by exactly one.
    struct Change: Sendable {
        var arguments: [String]
        var count: @Sendable (Home) throws -> Int
    }

    static let changes: [Change] = [
        Change(arguments: ["new", "--type", "ContextSpecSessions"]) { try $0.sessionCount() },
        Change(arguments: ["interaction", "add", "1", "--module", "M", "--command", "c"]) { try $0.interactionCount(1) },
        Change(arguments: ["account", "add", "ACCOUNT"]) { home in
            home.sessions(["account", "list"]).stdout.split(separator: "\n").count
        },
        Change(arguments: ["project", "add", "ACCOUNT"]) { home in
            home.sessions(["project", "list"]).stdout.split(separator: "\n").count
        },
    ]

    struct Tally {
        var readsFailedClearly = 0
        var readsQuiet = 0
        var changesMadeOnce = 0
        var changesSaid3 = 0
        var storeFilesChangedByReads = 0
    }

    /// Runs each change through `script`, checking it landed once and exited 3
    /// with the error that names what it printed.
    static func checkChanges(_ home: Home, script: String, reason: String, round: String, tally: inout Tally) throws {
        for change in changes {
            let arguments = change.arguments.map { $0 == "ACCOUNT" ? "name-\(round)" : $0 }
            let before = try change.count(home)
            let result = home.shell(script, arguments)
            let after = try change.count(home)
            #expect(after == before + 1, "\(arguments) \(round): \(before) → \(after)")
            #expect(result.status == 3, "\(arguments) \(round): status \(result.status), \(result.stderr)")
            let printed = "error: cannot write standard output: \(reason). The change was made; it would have printed: "
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix(printed) && lines[0].count > printed.count,
                    "\(arguments) \(round): \(result.stderr)")
            if after == before + 1 { tally.changesMadeOnce += 1 }
            if result.status == 3 { tally.changesSaid3 += 1 }
        }
    }

    @Test("stdout on a full disk: reads exit 2 with one error line, changes are made once and exit 3")
    func fullOutput() throws {
        let home = try Home()
        var tally = Tally()
        for arguments in Self.reads {
            let before = home.store
            let result = home.shell(#"exec "$0" "$@" > /dev/full"#, arguments)
            #expect(result.status == 2 && result.stderr == Self.fullDisk, "\(arguments): status \(result.status), \(result.stderr)")
            if result.status == 2 && result.stderr == Self.fullDisk { tally.readsFailedClearly += 1 }
            let changed = FaultScenarios.differences(before, home.store)
            #expect(changed.isEmpty, "\(arguments) changed \(changed)")
            tally.storeFilesChangedByReads += changed.count
        }
        try Self.checkChanges(home, script: #"exec "$0" "$@" > /dev/full"#, reason: "No space left on device (the disk is full: free some space and try again)",
                              round: "full", tally: &tally)
        print("full output: \(Self.reads.count) reading commands with stdout on /dev/full, \(tally.readsFailedClearly) exited 2 "
            + "with one error line, \(tally.storeFilesChangedByReads) store files changed; \(Self.changes.count) changing commands, "
            + "\(tally.changesMadeOnce) changes made exactly once, \(tally.changesSaid3) exited 3 naming what they printed")
    }

    @Test("a reader that went away: reads end quietly with status 0, changes are made once and exit 3, under pipefail")
    func closedOutput() throws {
        let home = try Home()
        var tally = Tally()
        // The reader has exited before the command starts to write.
        let pipeline = #"set -o pipefail; (sleep 0.1; exec "$0" "$@") | true"#
        for arguments in Self.reads {
            let before = home.store
            let result = home.shell(pipeline, arguments)
            #expect(result.status == 0 && result.stderr.isEmpty, "\(arguments): status \(result.status), \(result.stderr)")
            if result.status == 0 && result.stderr.isEmpty { tally.readsQuiet += 1 }
            #expect(FaultScenarios.differences(before, home.store).isEmpty, "\(arguments) changed the store")
        }
        // A reader that takes one line and leaves, with more than a pipe holds still to come.
        let head = home.shell(#"set -o pipefail; "$0" "$@" | head -1 > /dev/null"#, ["list", "--json"])
        #expect(head.status == 0 && head.stderr.isEmpty, "list --json | head -1: status \(head.status), \(head.stderr)")
        try Self.checkChanges(home, script: pipeline, reason: "Broken pipe", round: "closed", tally: &tally)
        print("closed output: \(Self.reads.count) reading commands into a pipe whose reader had gone, and `list --json | head -1` "
            + "under pipefail: \(tally.readsQuiet + (head.status == 0 ? 1 : 0)) ended quietly with status 0; "
            + "\(Self.changes.count) changing commands, \(tally.changesMadeOnce) changes made exactly once, "
            + "\(tally.changesSaid3) exited 3 naming what they printed")
    }

    @Test("stderr that cannot be written still shows in the status")
    func stderrFull() throws {
        let home = try Home()
        // `--limit 0` matches nothing, which is said on stderr.
        let read = home.shell(#"exec "$0" "$@" 2> /dev/full"#, ["list", "--limit", "0"])
        #expect(read.status == 2, "status \(read.status)")
        let use = home.shell(#"exec "$0" "$@" 2> /dev/full"#, ["project", "use", "1"])
        #expect(use.status == 3, "status \(use.status)")
        #expect(TestFiles.readText(home.directory.path + "/home/config/sessions/config.json")?.contains("\"project\": 1") == true)
        // A command that failed keeps its own status.
        let failed = home.shell(#"exec "$0" "$@" 2> /dev/full"#, ["show", "99999"])
        #expect(failed.status == 1, "status \(failed.status)")
        print("full output: stderr on /dev/full: a read exited \(read.status), a change \(use.status) (made), "
            + "a command that failed kept its \(failed.status)")
    }

    @Test("export to standard output on a full tmpfs exits 2 and says so",
          .enabled(if: DiskFullTests.namespacesWork, "needs a user and mount namespace for a private tmpfs"))
    func exportOnFullTmpfs() throws {
        let home = try Home()
        let fs = home.directory.path + "/fs"
        mkdir(fs, 0o700)
        var runner = ProcessRunner(executable: "/usr/bin/unshare", environment: home.environment)
        runner.environment["PATH"] = "/usr/bin:/bin:/usr/sbin:/sbin"
        let script = #"mount -t tmpfs -o size=64k tmpfs "$1" && exec "$0" export > "$1/backup.json""#
        let result = runner.run(["--user", "--map-root-user", "--mount", "sh", "-c", script, ProcessRunner.sessionsBinary(), fs])
        #expect(result.status == 2 && result.stderr == Self.fullDisk, "status \(result.status), \(result.stderr)")
        print("full output: export to stdout on a full 64 KiB tmpfs exited \(result.status) with "
            + "\(result.stderr == Self.fullDisk ? "one" : "not one") error line")
    }
}
