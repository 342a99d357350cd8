import Glibc
import Testing
@testable import SessionsKit
import TestSupport

/// Every file this program replaces whole (an export, the config) is written
/// to a temp file beside it and renamed over it. A failure must remove that
/// temp file: a refused export once left a 9 MB `.outdir.PID.tmp` beside a
/// directory it could never replace. The sweep makes each such write fail in
/// each way a user meets (the target is a directory, a read-only file, in a
/// read-only directory) and looks for any new file anywhere it could land.
/// A full disk is swept for the same writes in `DiskFullTests`.
///
/// Runs the real binary, as an unprivileged user when the tests run as root
/// (root ignores permission bits): one test at a time.
@Suite("Filesystem faults: no temp file survives a failed write", .serialized)
struct TemporaryFileTests {
    struct Case: Sendable {
        var name: String
        /// Breaks the target under `home`; returns where it is, for the message.
        var arrange: @Sendable (_ home: String) -> Void
        var arguments: @Sendable (_ home: String) -> [String]
        var message: String
    }

    static let cases: [Case] = {
        let exportTo: @Sendable (String) -> String = { $0 + "/out" }
        let config: @Sendable (String) -> String = { $0 + "/config/sessions" }
        return [
            Case(name: "export -o a directory", arrange: { mkdir(exportTo($0), 0o755) },
                 arguments: { ["export", "-o", exportTo($0)] }, message: "Is a directory (name a file, not a directory)"),
            Case(name: "export -o a directory/", arrange: { mkdir(exportTo($0), 0o755) },
                 arguments: { ["export", "-o", exportTo($0) + "/"] }, message: "Is a directory (name a file, not a directory)"),
            Case(name: "export -o a read-only file", arrange: { TestFiles.write(exportTo($0), Array("old\n".utf8), mode: 0o444) },
                 arguments: { ["export", "-o", exportTo($0)] }, message: "Permission denied"),
            Case(name: "export -o into a read-only directory",
                 arrange: { mkdir(exportTo($0), 0o555) },
                 arguments: { ["export", "-o", exportTo($0) + "/sessions.json"] }, message: "Permission denied"),
            Case(name: "account use, config.json read-only", arrange: { chmod(config($0) + "/config.json", 0o444) },
                 arguments: { _ in ["account", "use", "2"] }, message: "Permission denied"),
            Case(name: "project use, config directory read-only", arrange: { chmod(config($0), 0o555) },
                 arguments: { _ in ["project", "use", "1"] }, message: "Permission denied"),
        ]
    }()

    @Test("a failed export or config save, to a directory or a read-only target, leaves no file behind")
    func noTempFileSurvives() throws {
        let scratch = TemporaryDirectory("sessions-tempfile")
        chmod(scratch.path, 0o755)
        let runner = PermissionTests.Runner(home: scratch.path + "/home")
        var refused = 0
        var leftBehind = 0
        for testCase in Self.cases {
            let home = scratch.path + "/home"
            removeTree(home)
            mkdir(home, 0o700)
            if PermissionTests.asRoot { chown(home, PermissionTests.user, PermissionTests.user) }
            _ = try FaultScenarios.populate { runner.run($0, stdin: $1) }
            testCase.arrange(home)
            if PermissionTests.asRoot { Self.chownTree(home) }
            let before = TestFiles.snapshot(home)
            let result = runner.run(testCase.arguments(home))
            #expect(result.status == 2, "\(testCase.name): status \(result.status)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.hasPrefix("error: cannot ") == true
                    && result.stderr.contains(home) && result.stderr.contains(testCase.message),
                    "\(testCase.name): \(result.stderr)")
            let added = Set(TestFiles.snapshot(home).keys).subtracting(before.keys).sorted()
            #expect(added.isEmpty, "\(testCase.name) left \(added)")
            leftBehind += added.count
            #expect(FaultScenarios.differences(before, TestFiles.snapshot(home)).isEmpty, "\(testCase.name) changed a file")
            if result.status == 2 && added.isEmpty { refused += 1 }
            // Whatever the case broke, the next one starts from a home it can remove.
            chmod(home + "/out", 0o755)
            chmod(home + "/config/sessions", 0o700)
        }
        #expect(refused == Self.cases.count)
        print("temp files: \(Self.cases.count) failing exports and config saves (a directory target, a read-only file, "
            + "a read-only directory), \(refused) refused with one clear error, \(leftBehind) files left behind")
    }

    /// The old bug's worst form: a directory whose parent is `/` put the temp
    /// file at `//.tmp.PID.tmp`. Run in-process: nothing reaches the disk now.
    @Test("export -o a top-level directory is refused before anything is written")
    func topLevelDirectory() throws {
        let cli = CLIHarness()
        try cli.ok(["new", "--type", "ContextSpecSessions"])
        let result = cli.run(["export", "-o", "/tmp"])
        #expect(result.status == 2)
        #expect(result.stderr == "error: cannot write to /tmp: Is a directory (name a file, not a directory)\n")
        let left = TestFiles.list("/").filter { $0.hasPrefix(".tmp.") && $0.hasSuffix(".tmp") }
        #expect(left.isEmpty, "left \(left) in /")
    }

    static func chownTree(_ path: String) {
        _ = ProcessRunner(executable: "/bin/chown", environment: [:]).run(["-R", "\(PermissionTests.user):\(PermissionTests.user)", path])
    }
}
