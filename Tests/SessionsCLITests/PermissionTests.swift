import Glibc
import Testing
@testable import SessionsKit
import TestSupport

/// A store or config directory the caller may not write: read-only
/// directories and files, a directory owned by someone else, a read-only
/// mount. Root ignores permission bits, so as root the commands run as
/// uid 65534 (setpriv); as anyone else they run as themselves, and the case
/// that needs another owner is left out. Reads work or fail clearly; every
/// write fails with one `error:` line naming the path and the reason, and no
/// byte (and no file mode) changes.
///
/// Child processes and file ownership: one test at a time.
@Suite("Filesystem faults: permissions", .serialized)
struct PermissionTests {
    static let user: uid_t = 65_534
    static let asRoot = geteuid() == 0

    /// Runs the binary as the unprivileged user (or as ourselves when not root).
    struct Runner {
        var home: String

        func run(_ arguments: [String], stdin: [UInt8] = []) -> ProcessRunner.Output {
            let environment = FaultScenarios.environment(home: home)
            guard PermissionTests.asRoot else { return ProcessRunner(environment: environment).run(arguments, stdin: stdin) }
            let runner = ProcessRunner(executable: "/usr/bin/setpriv", environment: environment)
            return runner.run(["--reuid=\(PermissionTests.user)", "--regid=\(PermissionTests.user)", "--clear-groups",
                               ProcessRunner.sessionsBinary()] + arguments, stdin: stdin)
        }
    }

    final class Setup {
        let scratch = TemporaryDirectory("sessions-perm")
        let home: String
        let template: String
        let paths: [FaultScenarios.WritePath]
        let runner: Runner

        init() throws {
            // Every directory down to the home must be searchable by the user.
            chmod(scratch.path, 0o755)
            home = scratch.path + "/home"
            template = scratch.path + "/template"
            runner = Runner(home: home)
            let inputs = try FaultScenarios.writeInputs(in: scratch.path + "/inputs",
                                                        runner: ProcessRunner(environment: FaultScenarios.environment(home: home)))
            mkdir(home, 0o700)
            if PermissionTests.asRoot { chown(home, PermissionTests.user, PermissionTests.user) }
            let version = runner.run(["--version"])
            try #require(version.status == 0, "the binary cannot run as uid \(PermissionTests.user): \(version.stderr)")
            let runner = runner
            let pending = try FaultScenarios.populate { runner.run($0, stdin: $1) }
            paths = FaultScenarios.writePaths(home: home, pending: pending, inputs: inputs)
            try #require(rename(home, template) == 0)
        }

        /// A fresh copy of the template at `home`, made to look moved there
        /// unless `asCopy` (see `StoreCopies.adopt`).
        func reset(asCopy: Bool = false) throws {
            removeTree(home)
            let copy = ProcessRunner(executable: "/bin/cp", environment: [:]).run(["-a", template, home])
            try #require(copy.status == 0, "\(copy.stderr)")
            if !asCopy { StoreCopies.adopt(home + "/store") }
        }
    }

    /// Every file's bytes and every entry's mode, for "nothing changed".
    static func state(_ home: String) -> [String: [UInt8]] {
        var result = TestFiles.snapshot(home)
        func modes(_ directory: String, _ prefix: String) {
            for name in TestFiles.list(directory) {
                let full = directory + "/" + name
                result["mode of " + prefix + name] = Array(String(TestFiles.mode(full) ?? 0, radix: 8).utf8)
                var info = stat()
                if lstat(full, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { modes(full, prefix + name + "/") }
            }
        }
        modes(home, "")
        return result
    }

    struct Tally {
        var runs = 0
        var refused = 0
        var readsOK = 0
        var unaffected = 0
        var changed = 0
    }

    static let reads: [[String]] = [["list"], ["list", "--json"], ["show", "1"], ["show", "1", "--json"], ["export"]]

    /// Runs every read and write path against the home as `prepare` leaves it.
    /// `writesStore` paths must fail with `reason` naming a path under `named`;
    /// the others must succeed (they write only outside what was made read-only).
    static func sweep(_ setup: Setup, _ name: String, reason: String, named: String, readsWork: Bool = true,
                      unaffected: Set<String> = [], tally: inout Tally, prepare: () throws -> Void) throws {
        for path in setup.paths {
            try setup.reset()
            try prepare()
            let before = state(setup.home)
            let result = setup.runner.run(path.arguments, stdin: path.stdin)
            tally.runs += 1
            if unaffected.contains(path.name) {
                #expect(result.status == 0, "\(name), \(path): \(result.stderr)")
                tally.unaffected += 1
                continue
            }
            let after = state(setup.home)
            // The hook's own log is where it says what went wrong, when it can.
            let log = path.isHook ? ["store/hook.log", "mode of store/hook.log"] : Set<String>()
            let changed = FaultScenarios.differences(before, after, ignoring: log)
            #expect(changed.isEmpty, "\(name), \(path): \(changed) changed")
            if !changed.isEmpty { tally.changed += 1 }
            if path.isHook {
                #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty)
                if let text = TestFiles.readText(setup.home + "/store/hook.log") {
                    #expect(text.contains(reason) && text.contains(named), "\(name): \(text)")
                }
                tally.refused += 1
                continue
            }
            let clear = FaultScenarios.isClearError(status: result.status, stderr: result.stderr, naming: named, saying: reason)
            #expect(clear, "\(name), \(path): status \(result.status): \(result.stderr)")
            if clear { tally.refused += 1 }
        }
        for arguments in reads {
            try setup.reset()
            try prepare()
            let before = state(setup.home)
            let result = setup.runner.run(arguments)
            tally.runs += 1
            if readsWork {
                #expect(result.status == 0 && result.stderr.isEmpty, "\(name), \(arguments): \(result.stderr)")
                if result.status == 0 { tally.readsOK += 1 }
            } else {
                #expect(result.status == 2 && result.stderr.hasPrefix("error: ") && result.stderr.contains(reason),
                        "\(name), \(arguments): \(result.stderr)")
                tally.refused += 1
            }
            #expect(FaultScenarios.differences(before, state(setup.home)).isEmpty, "\(name), \(arguments)")
        }
    }

    static func chmodFiles(_ directory: String, _ mode: mode_t, except: Set<String> = []) {
        for name in TestFiles.list(directory) where !except.contains(name) {
            let full = directory + "/" + name
            var info = stat()
            guard lstat(full, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR { chmodFiles(full, mode, except: except) } else { chmod(full, mode) }
        }
    }

    @Test("a read-only store directory, read-only store files, a store owned by another user and a read-only config directory")
    func permissions() throws {
        let setup = try Setup()
        let store = setup.home + "/store"
        let config = setup.home + "/config/sessions"
        let outsideStore: Set<String> = ["account use", "export -o"]
        var tally = Tally()
        try Self.sweep(setup, "store directory 0500", reason: "Permission denied", named: store,
                       unaffected: outsideStore, tally: &tally) {
            chmod(store, 0o500)
        }
        // The lock is left writable: opening it for a lock is a read, and it holds nothing.
        try Self.sweep(setup, "store files 0400", reason: "Permission denied", named: store,
                       unaffected: outsideStore, tally: &tally) {
            Self.chmodFiles(store, 0o400, except: ["lock"])
        }
        try Self.sweep(setup, "config directory 0500", reason: "cannot write to \(config): Permission denied", named: config,
                       unaffected: Set(setup.paths.map(\.name)).subtracting(["account use"]), tally: &tally) {
            chmod(config, 0o500)
        }
        try Self.sweep(setup, "config file 0400", reason: "cannot replace \(config)/config.json: Permission denied", named: config,
                       unaffected: Set(setup.paths.map(\.name)).subtracting(["account use"]), tally: &tally) {
            chmod(config + "/config.json", 0o400)
        }
        var cases = 4
        if Self.asRoot {
            cases += 1
            try Self.sweep(setup, "store owned by root", reason: "it is owned by uid 0, not by you (uid \(Self.user))",
                           named: store, readsWork: false, tally: &tally) {
                chown(store, 0, 0)
                chmod(store, 0o700)
            }
        } else {
            print("permissions: not root, so a store owned by another user cannot be arranged; that case is skipped")
        }
        print("permissions: \(tally.runs) runs over \(cases) cases (\(setup.paths.count) write paths and \(Self.reads.count) reads each, "
            + "as uid \(Self.asRoot ? Self.user : geteuid())); \(tally.refused) refused with a clear error (hook: silent), "
            + "\(tally.readsOK) reads worked, \(tally.unaffected) writes outside the read-only part worked, "
            + "\(tally.changed) changed states")
    }

    /// Copies the home into a tmpfs in a private namespace, remounts it
    /// read-only, and runs one command; nothing can change there, so only
    /// the result matters.
    static let readOnlyScript = """
        set -e
        fs=$1 template=$2 bin=$3
        shift 3
        mount -t tmpfs -o size=8m,mode=0755 tmpfs "$fs"
        cp -r --preserve=mode,timestamps "$template" "$fs/home"
        mount -o remount,ro "$fs"
        exec "$bin" "$@"
        """

    @Test("an export onto a read-only file or into a read-only directory names what is read-only")
    func exportTarget() throws {
        let setup = try Setup()
        try setup.reset()
        let output = setup.home + "/out"
        mkdir(output, 0o700)
        if Self.asRoot { chown(output, Self.user, Self.user) }
        TestFiles.write(output + "/export.json", "old\n")
        if Self.asRoot { chown(output + "/export.json", Self.user, Self.user) }
        chmod(output + "/export.json", 0o400)
        var result = setup.runner.run(["export", "-o", output + "/export.json"])
        #expect(result.status == 2 && result.stderr == "error: cannot replace \(output)/export.json: Permission denied\n")
        chmod(output + "/export.json", 0o600)
        chmod(output, 0o500)
        result = setup.runner.run(["export", "-o", output + "/export.json"])
        #expect(result.status == 2 && result.stderr == "error: cannot write to \(output): Permission denied\n")
        chmod(output, 0o700)
        #expect(TestFiles.list(output) == ["export.json"] && TestFiles.readText(output + "/export.json") == "old\n")
    }

    @Test("a read-only copy of a store is read as it is when its index matches its files, and refused as a copy when not")
    func readOnlyCopy() throws {
        let setup = try Setup()
        let store = setup.home + "/store"
        var readsOK = 0, refused = 0, changedStates = 0
        for matching in [true, false] {
            for arguments in Self.reads {
                try setup.reset(asCopy: true)
                if !matching {
                    // A session file newer than the index the copy took.
                    let file = store + "/sessions/1.json"
                    var head = try #require(try StoredSession(root: store, id: 1).head())
                    head.session.status = head.session.status == .failed ? .complete : .failed
                    TestFiles.write(file, SessionHeadFile.encode(head))
                }
                Self.chmodFiles(store, 0o400, except: ["lock"])
                chmod(store, 0o500)
                let before = Self.state(setup.home)
                let result = setup.runner.run(arguments)
                if matching {
                    #expect(result.status == 0 && result.stderr.isEmpty, "\(arguments): \(result.stderr)")
                    if result.status == 0 { readsOK += 1 }
                } else {
                    let clear = result.status == 2 && result.stderr.hasPrefix("error: \(store): this store is a copy of one in another directory")
                        && result.stderr.contains("its index does not match its session files (1 that differs)")
                    #expect(clear, "\(arguments): \(result.stderr)")
                    if clear { refused += 1 }
                }
                let changed = FaultScenarios.differences(before, Self.state(setup.home))
                #expect(changed.isEmpty, "\(arguments): \(changed)")
                if !changed.isEmpty { changedStates += 1 }
            }
        }
        print("read-only copies: \(Self.reads.count * 2) reads of a read-only copy, as uid \(Self.asRoot ? Self.user : geteuid()); "
            + "\(readsOK) of \(Self.reads.count) worked where its index matched its files, \(refused) of \(Self.reads.count) "
            + "refused as a copy where it did not; \(changedStates) changed states")
    }

    @Test("a store on a read-only mount: reads work, every write fails with one clear error")
    func readOnlyMount() throws {
        guard DiskFullTests.namespacesWork else {
            print("read-only mount: user and mount namespaces are not permitted here; skipped")
            return
        }
        let scratch = TemporaryDirectory("sessions-rofs")
        chmod(scratch.path, 0o755)
        mkdir(scratch.path + "/fs", 0o755)
        let home = scratch.path + "/fs/home"
        mkdir(home, 0o700)
        let runner = ProcessRunner(environment: FaultScenarios.environment(home: home))
        let inputs = try FaultScenarios.writeInputs(in: scratch.path + "/inputs", runner: runner)
        let pending = try FaultScenarios.populate(home: home, runner: runner)
        let template = scratch.path + "/template"
        try #require(rename(home, template) == 0)
        var namespace = ProcessRunner(executable: "/usr/bin/unshare", environment: FaultScenarios.environment(home: home))
        namespace.environment["PATH"] = "/usr/bin:/bin:/usr/sbin:/sbin"
        func run(_ arguments: [String], stdin: [UInt8] = []) -> ProcessRunner.Output {
            namespace.run(["--user", "--map-root-user", "--mount", "sh", "-c", Self.readOnlyScript, "sh", scratch.path + "/fs",
                           template, ProcessRunner.sessionsBinary()] + arguments, stdin: stdin)
        }
        var refused = 0, readsOK = 0
        let paths = FaultScenarios.writePaths(home: home, pending: pending, inputs: inputs)
        for path in paths {
            let result = run(path.arguments, stdin: path.stdin)
            if path.isHook {
                #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty)
                refused += 1
                continue
            }
            let clear = FaultScenarios.isClearError(status: result.status, stderr: result.stderr, naming: home,
                                                    saying: "Read-only file system")
            #expect(clear, "\(path): status \(result.status): \(result.stderr)")
            if clear { refused += 1 }
        }
        for arguments in Self.reads {
            let result = run(arguments)
            #expect(result.status == 0 && result.stderr.isEmpty, "\(arguments): \(result.stderr)")
            if result.status == 0 { readsOK += 1 }
        }
        print("read-only mount: \(paths.count + Self.reads.count) runs on a tmpfs remounted read-only; \(refused) of "
            + "\(paths.count) write paths refused with a clear error (hook: silent), \(readsOK) of \(Self.reads.count) reads worked")
    }
}
