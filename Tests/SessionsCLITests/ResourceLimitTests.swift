import Glibc
import Testing
@testable import SessionsKit
import TestSupport

/// Resource limits set with `ulimit` in a child shell: too few descriptors,
/// too little address space, no threads. Each must end in one `error:` line
/// naming the limit and how to raise it, status 2, and a store whose files
/// are byte for byte what they were; never a crash, a crash report or a hang.
///
/// The store has 1,500 sessions, so its index (540 KB) is decoded on several
/// threads, the path that once died of SIGILL inside libdispatch with 5
/// descriptors and hung with no threads to be had.
@Suite("Process faults: resource limits", .serialized)
struct ResourceLimitTests {
    final class Home: Sendable {
        let directory = TemporaryDirectory("sessions-limits")
        var home: String { directory.path + "/home" }
        var environment: [String: String] { FaultScenarios.environment(home: home) }

        init(sessions: Int = 1_500) throws {
            chmod(directory.path, 0o755)
            mkdir(home, 0o700)
            let demo = ProcessRunner(environment: environment).run(["demo", "--sessions", String(sessions), "--interactions", "1",
                                                                    "--output-bytes", "10"])
            try #require(demo.status == 0, "\(demo.stderr)")
        }

        /// Runs the binary under `limits` (`ulimit` options), with a time limit, so a hang fails the test.
        func run(limits: String, _ arguments: [String]) -> ProcessRunner.Output {
            ProcessRunner(executable: "/bin/bash", environment: environment)
                .run(["-c", "ulimit \(limits) || exit 99; exec timeout -s KILL 60 \"$0\" \"$@\"", ProcessRunner.sessionsBinary()] + arguments)
        }

        var files: [String: [UInt8]] { TestFiles.snapshot(home) }
    }

    static let commands: [[String]] = [
        ["doctor"], ["doctor", "--repair"], ["list", "--json"], ["list"], ["show", "7"], ["export"],
        ["new", "--type", "ContextSpecSessions"], ["interaction", "add", "7", "--module", "M", "--command", "c"],
        ["set-status", "7", "8", "failed"],
    ]

    /// The one way these runs may end: status 2 and one line naming the limit.
    static func isClearRefusal(_ result: ProcessRunner.Output, naming option: String) -> Bool {
        let lines = result.stderr.split(separator: "\n")
        return result.status == 2 && result.signal == nil && lines.count == 1 && lines[0].hasPrefix("error: ")
            && lines[0].contains(option) && lines[0].contains("try again")
    }

    @Test("5 descriptors: every command refuses at once, naming ulimit -n; a soft limit is raised instead")
    func descriptors() throws {
        let home = try Home()
        var refused = 0
        for arguments in Self.commands {
            let before = home.files
            let result = home.run(limits: "-n 5", arguments)
            #expect(Self.isClearRefusal(result, naming: "ulimit -n"), "\(arguments): \(result.status) \(result.signal.map(String.init) ?? "") \(result.stderr)")
            #expect(FaultScenarios.differences(before, home.files).isEmpty, "\(arguments) changed the store")
            if Self.isClearRefusal(result, naming: "ulimit -n") { refused += 1 }
        }
        // A soft limit below what is needed, under a hard one above it: raised, and the command runs.
        let soft = home.run(limits: "-Sn 6", ["doctor"])
        #expect(soft.status == 0, "soft limit: \(soft.status) \(soft.stderr)")
        print("resource limits: ulimit -n 5 under \(Self.commands.count) commands on 1,500 sessions, \(refused) refused with one "
            + "error line and status 2, store unchanged; a soft limit of 6 was raised and doctor ran (status \(soft.status))")
    }

    @Test("address space too small for a 20 MB output: one error line naming ulimit -v, no crash report, store unchanged")
    func addressSpace() throws {
        let home = try Home(sessions: 1)
        let output = home.directory.path + "/output"
        TestFiles.write(output, [UInt8](repeating: UInt8(ascii: "x"), count: 20 << 20))
        let runner = ProcessRunner(environment: home.environment)
        let pending = runner.run(["interaction", "add", "1", "--module", "M", "--command", "c"])
        try #require(pending.status == 0)
        let id = String(pending.stdout.dropLast())
        let complete = runner.run(["interaction", "complete", "1", id, "--status", "ok", "--stdout-file", output])
        try #require(complete.status == 0, "\(complete.stderr)")
        var clear = 0
        var runs = 0
        // Reads of the 20 MB session, and a write of another 20 MB output, under 60 MB of address space.
        let pending2 = String(runner.run(["interaction", "add", "1", "--module", "M", "--command", "c"]).stdout.dropLast())
        let cases: [[String]] = [["show", "1", "--json"], ["show", "1", "--full"], ["export"],
                                 ["interaction", "complete", "1", pending2, "--status", "ok", "--stdout-file", output]]
        for arguments in cases {
            let before = home.files
            let result = home.run(limits: "-v 61440", arguments)
            runs += 1
            // The runtime may say what it failed to allocate first; the last line is ours.
            let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
            let ok = result.status == 2 && result.signal == nil && last.hasPrefix("error: ") && last.contains("ulimit -v 61440")
                && last.contains("try again") && !result.stderr.contains("Backtracing") && !result.stderr.contains("crashed")
            #expect(ok, "\(arguments): \(result.status) \(result.signal.map(String.init) ?? "") \(result.stderr.prefix(600))")
            #expect(FaultScenarios.differences(before, home.files).isEmpty, "\(arguments) changed the store")
            if ok { clear += 1 }
        }
        print("resource limits: ulimit -v 61440 (60 MB) under \(runs) commands on a 20 MB output, \(clear) ended with one error "
            + "line naming the limit and status 2, no crash report, store unchanged")
    }

    @Test("no threads to be had: the index is decoded on the calling thread, without a hang",
          .enabled(if: (ProcessTestUser.canRunAsAnother && ProcessTestUser.binaryReachable) || geteuid() != 0,
                   "root ignores ulimit -u; needs setpriv, and the binary where another user can run it"))
    func noThreads() throws {
        let home = try Home()
        let expected = try #require(try JSONParser.parse(ProcessRunner(environment: home.environment).run(["list", "--json"]).stdout).arrayValue).count
        // A user of its own: the process limit counts every process of the
        // user, and other tests run as the usual unprivileged one at the same
        // time, which would make even this process's exec fail (status 126).
        let user = ProcessTestUser.threadless
        if geteuid() == 0 { _ = ProcessRunner(executable: "/bin/chown", environment: [:]).run(["-R", "\(user):\(user)", home.home]) }
        // As an unprivileged user with a process limit of 1, every new thread
        // is refused. The time limit is set first: it needs a process of its own.
        let script = "ulimit -u 1 || exit 99; exec \"$0\" \"$@\""
        let runner = geteuid() == 0
            ? ProcessRunner(executable: "/usr/bin/setpriv", environment: home.environment)
            : ProcessRunner(executable: "/usr/bin/timeout", environment: home.environment)
        let prefix = geteuid() == 0 ? ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", "timeout"] : []
        let started = Timestamp.now()
        let result = runner.run(prefix + ["-s", "KILL", "60", "/bin/bash", "-c", script, ProcessRunner.sessionsBinary(), "list", "--json"])
        let milliseconds = (Timestamp.now().microseconds - started.microseconds) / 1_000
        #expect(result.status == 0, "\(result.status) \(result.signal.map(String.init) ?? "") \(result.stderr)")
        let listed = try JSONParser.parse(result.stdout).arrayValue?.count
        #expect(listed == expected)
        print("resource limits: ulimit -u 1 (no threads), list --json of 1,500 sessions: status \(result.status), "
            + "\(listed ?? 0) of \(expected) listed in \(milliseconds) ms")
    }
}

/// Whether tests running as root can run the binary as another user.
enum ProcessTestUser {
    static let canRunAsAnother = access("/usr/bin/setpriv", X_OK) == 0
    /// Whether another user may reach the binary through a shell: every
    /// directory above it searchable by others (a checkout under a 0700
    /// directory is not, and the shell's exec fails with status 126).
    static let binaryReachable: Bool = {
        var path = ProcessRunner.sessionsBinary()
        while let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            path = String(path[..<slash])
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IXOTH != 0 else { return false }
        }
        return true
    }()
    /// An unprivileged user no other test runs as.
    static let threadless: uid_t = 65_533
}
