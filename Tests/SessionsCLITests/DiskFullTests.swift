import Glibc
import Testing
@testable import SessionsKit
import TestSupport

/// A full disk, injected for real: each write path runs against a copy of one
/// home on a small tmpfs filled to leave 0, 4 KiB, 8 KiB, … free, until the
/// command succeeds. The sweep makes the space run out at a different point
/// each time (a temp file, the journal append, the index rewrite of a
/// compaction, the config file). Every run must either complete its change or
/// fail with one clear `error:` line, leaving every file byte-identical and no
/// partial file behind.
///
/// The tmpfs lives in a private user and mount namespace, so no privilege is
/// needed; the mount is only visible inside it, so setup and the command run
/// in one invocation, which then waits while the test reads the home through
/// `/proc/PID/root`. The same sweep also runs under a file size limit, which
/// needs no namespace: where namespaces are not permitted, that is the one
/// that runs.
///
/// Child processes and a fixed mount point: one test at a time.
@Suite("Filesystem faults: a full disk", .serialized)
struct DiskFullTests {
    /// Whether this machine lets an unprivileged process mount a tmpfs in a
    /// namespace of its own.
    static let namespacesWork: Bool = {
        let directory = TemporaryDirectory("sessions-ns-probe")
        let runner = ProcessRunner(executable: "/usr/bin/unshare", environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"])
        guard access("/usr/bin/unshare", X_OK) == 0 else { return false }
        let result = runner.run(["--user", "--map-root-user", "--mount", "sh", "-c",
                                 "mount -t tmpfs -o size=64k tmpfs \"$0\" && touch \"$0/x\"", directory.path])
        return result.status == 0
    }()

    /// Mounts a tmpfs of `$size` bytes on `$fs`, copies the home to
    /// `$fs/home`, fills all but `$level` bytes, and runs the command. Then it
    /// waits on `$out/go` while the test looks at the home in place, through
    /// `/proc/PID/root` (a copy would change inode numbers, which the journal
    /// records), and finally runs a `list` on the still-full disk.
    static let tmpfsScript = """
        set -e
        fs=$1 template=$2 out=$3 level=$4 size=$5 bin=$6
        shift 6
        mount -t tmpfs -o size=$size,mode=0755 tmpfs "$fs"
        cp -a "$template" "$fs/home"
        # The copy stands for the store as prepared (see StoreCopies.adopt).
        if [ -f "$fs/home/store/journal.jsonl" ]; then
            sed -i "1s/\\(directory_inode.:\\)[0-9]*/\\1$(stat -c %i "$fs/home/store")/" "$fs/home/store/journal.jsonl"
        fi
        free=$(( $(stat -f -c %a "$fs") * $(stat -f -c %S "$fs") ))
        if [ $((free - level)) -gt 0 ]; then fallocate -l $((free - level)) "$fs/filler"; fi
        echo $(( $(stat -f -c %a "$fs") * $(stat -f -c %S "$fs") )) > "$out/free"
        set +e
        "$bin" "$@" > "$out/stdout" 2> "$out/stderr"
        echo $? > "$out/status.new"
        mv "$out/status.new" "$out/status"
        read go < "$out/go"
        "$bin" list --json < /dev/null > "$out/list.stdout" 2> "$out/list.stderr"
        echo $? > "$out/list.status"
        """

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Where the home is after the run, as the command left it.
        var after: String
        /// Runs a `list` on the same (still full) disk; its status and stderr.
        /// Called once the home has been looked at: a reader may repair.
        var list: () throws -> (Int32, String)
    }

    /// What the sweep saw, for the printed counts.
    struct Tally {
        var injections = 0
        var clearErrors = 0
        var completed = 0
        var changedStates = 0
        var partialFiles = 0
        var unclearErrors = 0
        var hookUnrecorded = 0
        var failurePoints: [String: Int] = [:]
        var levelsPerPath: [String: Int] = [:]

        var pointsText: String {
            failurePoints.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
    }

    /// The file a failure names, relative to the home, with pids and random
    /// suffixes taken out, so the counts say where in a commit it failed.
    static func failurePoint(_ stderr: String, home: String) -> String {
        guard let cannot = stderr.firstRange(of: "cannot "), let start = stderr.firstRange(of: home + "/") else { return "unnamed" }
        let operation = stderr[cannot.upperBound..<start.lowerBound].trimmingSuffix(" ")
        var path = String(stderr[start.upperBound...].prefix { $0 != ":" && $0 != " " })
        if path.hasPrefix("store/tmp/") {
            let label = path.dropFirst("store/tmp/".count).prefix { $0 != "." }
            path = "store/tmp/" + String(label.filter { !$0.isNumber }) + "…"
        } else {
            var named = ""
            for character in path where !(character.isNumber && named.hasSuffix("<pid>")) {
                named += character.isNumber ? "<pid>" : String(character)
            }
            path = named
        }
        return "\(operation) \(path)"
    }

    static func runInNamespace(template: String, scratch: String, level: Int, path: FaultScenarios.WritePath) throws -> Run {
        let fs = scratch + "/fs"
        let out = scratch + "/out"
        removeTree(out)
        mkdir(out, 0o700)
        try #require(mkfifo(out + "/go", 0o600) == 0)
        var runner = ProcessRunner(executable: "/usr/bin/unshare", environment: FaultScenarios.environment(home: fs + "/home"))
        runner.environment["PATH"] = "/usr/bin:/bin:/usr/sbin:/sbin"
        let child = runner.start(["--user", "--map-root-user", "--mount", "sh", "-c", tmpfsScript, "sh", fs, template, out,
                                  String(level), String(8 << 20), ProcessRunner.sessionsBinary()] + path.arguments,
                                 stdin: path.stdin)
        func read(_ name: String) -> String { TestFiles.readText(out + "/" + name) ?? "" }
        // The script renames `status` into place once the command is done.
        var waited = 0
        while !TestFiles.exists(out + "/status") {
            var info = stat()
            if waited > 30_000 || (waited % 100 == 0 && Glibc.kill(child.pid, 0) != 0) || lstat("/proc/\(child.pid)", &info) != 0 {
                let result = child.wait()
                Issue.record("the namespace script stopped: \(result.stderr)")
                throw CancellationError()
            }
            usleep(1_000)
            waited += 1
        }
        let free = Int(read("free").dropLast()) ?? -1
        #expect(free == level, "asked for \(level) bytes free, got \(free)")
        return Run(status: Int32(read("status").dropLast()) ?? -1, stdout: read("stdout"), stderr: read("stderr"),
                   after: "/proc/\(child.pid)/root\(fs)/home") {
            let go = open(out + "/go", O_WRONLY)
            if go >= 0 {
                _ = write(go, "go\n", 3)
                close(go)
            }
            let result = child.wait()
            try #require(result.status == 0, "the namespace script failed: \(result.stderr)")
            return (Int32(read("list.status").dropLast()) ?? -1, read("list.stderr"))
        }
    }

    /// The fallback: the file size limit (RLIMIT_FSIZE) set to `level` bytes,
    /// with SIGXFSZ ignored so a write past it fails with EFBIG instead of
    /// killing the process.
    static func runUnderSizeLimit(template: String, scratch: String, level: Int, path: FaultScenarios.WritePath) throws -> Run {
        let home = scratch + "/home"
        removeTree(home)
        let copy = ProcessRunner(executable: "/bin/cp", environment: [:]).run(["-a", template, home])
        try #require(copy.status == 0, "\(copy.stderr)")
        StoreCopies.adopt(home + "/store")
        let runner = ProcessRunner(executable: "/bin/sh", environment: FaultScenarios.environment(home: home))
        let result = runner.run(["-c", "trap '' XFSZ; exec prlimit --fsize=$0 \"$@\"", String(level),
                                 ProcessRunner.sessionsBinary()] + path.arguments, stdin: path.stdin)
        return Run(status: result.status, stdout: result.stdout, stderr: result.stderr, after: home) {
            let list = ProcessRunner(environment: FaultScenarios.environment(home: home)).run(["list", "--json"])
            return (list.status, list.stderr)
        }
    }

    /// Sweeps `path` from no space upwards until `done` says the run went far
    /// enough, checking every run.
    static func sweep(_ path: FaultScenarios.WritePath, template: String, home: String, step: Int, limit: Int,
                      message: String, tally: inout Tally,
                      done: ((Run) throws -> Bool)? = nil,
                      inject: (Int) throws -> Run) throws {
        let before = TestFiles.snapshot(template)
        var level = 0
        var levels = 0
        while true {
            try #require(level <= limit, "\(path): still not done with \(level) bytes")
            let run = try inject(level)
            levels += 1
            tally.injections += 1
            let after = TestFiles.snapshot(run.after)
            let partial = FaultScenarios.partialFiles(in: run.after)
            tally.partialFiles += partial.count
            #expect(partial.isEmpty, "\(path) at \(level): partial files \(partial)")
            #expect(TestFiles.list(run.after + "/store/tmp").isEmpty, "\(path) at \(level)")
            let problems = FaultScenarios.healthProblems(home: run.after)
            #expect(problems.isEmpty, "\(path) at \(level): \(problems)")
            let landed = try path.landed(run.after, home, run.stdout)
            if path.isHook {
                #expect(run.status == 0 && run.stdout.isEmpty && run.stderr.isEmpty, "the hook must never get in the way")
                if landed {
                    tally.completed += 1
                } else {
                    // Nothing recorded; only its own log may have a line saying why.
                    let changed = FaultScenarios.differences(before, after, ignoring: ["store/hook.log"])
                    tally.changedStates += changed.isEmpty ? 0 : 1
                    #expect(changed.isEmpty, "\(path) at \(level): \(changed) changed")
                    tally.hookUnrecorded += 1
                    if let log = after["store/hook.log"], !log.isEmpty {
                        tally.failurePoints[failurePoint(String(decoding: log, as: UTF8.self), home: home), default: 0] += 1
                    } else {
                        tally.failurePoints["hook (no room even for hook.log)", default: 0] += 1
                    }
                }
            } else if run.status == 0 {
                tally.completed += 1
                #expect(landed, "\(path) at \(level): exit 0 but the change is not there")
            } else {
                let clear = FaultScenarios.isClearError(status: run.status, stderr: run.stderr, naming: home + "/", saying: message)
                #expect(clear, "\(path) at \(level): status \(run.status), \(run.stderr)")
                #expect(!landed, "\(path) at \(level): failed but the change is there")
                let changed = FaultScenarios.differences(before, after)
                #expect(changed.isEmpty, "\(path) at \(level): \(changed) changed")
                tally.changedStates += changed.isEmpty ? 0 : 1
                if clear { tally.clearErrors += 1 } else { tally.unclearErrors += 1 }
                tally.failurePoints[failurePoint(run.stderr, home: home), default: 0] += 1
            }
            // The hook exits 0 either way: it is done when its change is there.
            let finished = try done?(run) ?? (path.isHook ? landed : run.status == 0)
            let (listStatus, listError) = try run.list()
            #expect(listStatus == 0, "\(path) at \(level): list on the full disk failed: \(listError)")
            if finished { break }
            level += step
        }
        tally.levelsPerPath[path.name] = levels
    }

    /// Builds the home at `home` (the path commands will see), then moves it to `template`.
    static func makeTemplate(home: String, template: String, compaction: Bool = false) throws -> String {
        let runner = ProcessRunner(environment: FaultScenarios.environment(home: home))
        let pending = try FaultScenarios.populate(home: home, runner: runner)
        if compaction {
            // A journal just short of the compaction threshold (256 KiB), by
            // sessions whose state is padded to 20 KB: `compactingNew`, twice
            // that, crosses it, so the sweep reaches the index rewrite.
            let journal = home + "/store/journal.jsonl"
            var previous = TestFiles.read(journal)?.count ?? 0
            var record = 0
            repeat {
                let result = runner.run(["new", "--type", "ContextSpecSessions", "--state", Self.paddedState(20_000)])
                try #require(result.status == 0, "\(result.stderr)")
                let size = TestFiles.read(journal)?.count ?? 0
                try #require(size > previous, "compacted while building")
                record = size - previous
                previous = size
            } while previous + record + 64 < 256 << 10
        }
        try #require(rename(home, template) == 0)
        mkdir(home, 0o755)
        #expect(FaultScenarios.healthProblems(home: template).isEmpty)
        return pending
    }

    static func paddedState(_ count: Int) -> String { "{\"padding\": \"\(String(repeating: "x", count: count))\"}" }

    /// A commit that pushes a journal built by `makeTemplate(compaction:)` over the threshold.
    static let compactingNew = FaultScenarios.WritePath(
        name: "new, then compaction", arguments: ["new", "--type", "ContextSpecSessions", "--state", paddedState(40_000)]
    ) { after, _, out in
        guard let id = Int(out.dropLast()).map({ Session.ID($0) }) else { return false }
        return try FaultScenarios.session(after, id) != nil
    }

    /// A scratch directory others can enter (the sweeps run commands that
    /// must reach it), a home at `relative` inside it with its inputs, the
    /// template store every injection starts from, and the write paths.
    static func prepare(_ scratch: TemporaryDirectory, home relative: String)
        throws -> (home: String, template: String, paths: [FaultScenarios.WritePath]) {
        chmod(scratch.path, 0o755)
        var home = scratch.path
        for component in relative.split(separator: "/") {
            home += "/" + component
            mkdir(home, 0o755)
        }
        let inputs = try FaultScenarios.writeInputs(in: scratch.path + "/inputs",
                                                    runner: ProcessRunner(environment: FaultScenarios.environment(home: home)))
        let template = scratch.path + "/template"
        let pending = try makeTemplate(home: home, template: template)
        return (home, template, FaultScenarios.writePaths(home: home, pending: pending, inputs: inputs))
    }

    @Test("disk full: every write path completes or fails with one clear error, the store byte-identical and healthy")
    func diskFull() throws {
        guard Self.namespacesWork else {
            // No namespaces here: the size-limit sweep below is the fallback and still runs.
            print("disk full: user and mount namespaces are not permitted here; see the file size limit sweep")
            return
        }
        let scratch = TemporaryDirectory("sessions-diskfull")
        // Commands see the home where the tmpfs will hold it; it is built there first.
        let (home, template, paths) = try Self.prepare(scratch, home: "fs/home")
        var tally = Tally()
        for path in paths {
            try Self.sweep(path, template: template, home: home, step: 4096, limit: 4 << 20,
                           message: "No space left on device (the disk is full: free some space and try again)",
                           tally: &tally) { level in
                try Self.runInNamespace(template: template, scratch: scratch.path, level: level, path: path)
            }
        }

        // Compaction: the commit succeeds first; the sweep goes on until the
        // index rewrite that follows it succeeds as well.
        let compactionTemplate = scratch.path + "/template-compaction"
        _ = try Self.makeTemplate(home: home, template: compactionTemplate, compaction: true)
        let indexBefore = try #require(try IndexFile.readGeneration(compactionTemplate + "/store/index.jsonl"))
        let compaction = Self.compactingNew
        var commitsWithoutCompaction = 0
        try Self.sweep(compaction, template: compactionTemplate, home: home, step: 4096, limit: 4 << 20,
                       message: "No space left on device (the disk is full: free some space and try again)", tally: &tally, done: { run in
            guard run.status == 0 else { return false }
            let generation = try IndexFile.readGeneration(run.after + "/store/index.jsonl")
            if generation == indexBefore { commitsWithoutCompaction += 1 }
            return generation != indexBefore
        }) { level in
            try Self.runInNamespace(template: compactionTemplate, scratch: scratch.path, level: level, path: compaction)
        }
        #expect(commitsWithoutCompaction > 0, "the sweep never reached a commit whose compaction ran out of space")

        #expect(tally.completed == paths.count + 1 + commitsWithoutCompaction)
        #expect(tally.clearErrors + tally.completed + tally.hookUnrecorded == tally.injections)
        print("disk full: \(tally.injections) injections over \(paths.count + 1) write paths (tmpfs in a user namespace, "
            + "0 to \(tally.levelsPerPath.values.max().map { ($0 - 1) * 4 } ?? 0) KiB free in 4 KiB steps); "
            + "\(tally.clearErrors) clear errors, \(tally.completed) completed, \(tally.hookUnrecorded) hook runs that "
            + "recorded nothing (exit 0, as always), \(tally.unclearErrors) unclear errors, \(tally.changedStates) changed states, "
            + "\(tally.partialFiles) partial files; \(commitsWithoutCompaction) of the completed commits found no room for "
            + "their compaction, which waits for a later commit")
        print("disk full: levels per path: "
            + paths.map { "\($0.name) \(tally.levelsPerPath[$0.name] ?? 0)" }.joined(separator: ", ")
            + ", \(compaction.name) \(tally.levelsPerPath[compaction.name] ?? 0)")
        print("disk full: failure points: \(tally.pointsText)")
    }

    @Test("a limit that cuts the journal's applied marker short leaves a complete journal: the change is committed")
    func markerCutShort() throws {
        guard access("/usr/bin/prlimit", X_OK) == 0 else { return }
        let scratch = TemporaryDirectory("sessions-marker")
        chmod(scratch.path, 0o755)
        let home = scratch.path + "/home"
        mkdir(home, 0o755)
        let template = scratch.path + "/template"
        let pending = try Self.makeTemplate(home: home, template: template)
        let inputs = FaultScenarios.Inputs(transcript: "", codeMySpec: "")
        let path = FaultScenarios.writePaths(home: home, pending: pending, inputs: inputs)[1]
        // How much one set-status adds to the journal: its record and its marker.
        let journal = "/store/journal.jsonl"
        let before = try #require(TestFiles.read(template + journal)).count
        let dry = try Self.runUnderSizeLimit(template: template, scratch: scratch.path, level: 1 << 30, path: path)
        try #require(dry.status == 0, "\(dry.stderr)")
        let grown = try #require(TestFiles.read(dry.after + journal)).count - before
        // Limits from inside the record's last bytes to past the marker, byte by byte.
        var tally = Tally()
        var committed = 0
        for level in (before + grown - 30)...(before + grown + 2) {
            let run = try Self.runUnderSizeLimit(template: template, scratch: scratch.path, level: level, path: path)
            tally.injections += 1
            let problems = FaultScenarios.healthProblems(home: run.after)
            #expect(problems.isEmpty, "at \(level): \(problems)")
            #expect(FaultScenarios.partialFiles(in: run.after).isEmpty, "at \(level)")
            let landed = try path.landed(run.after, home, run.stdout)
            #expect((run.status == 0) == landed, "at \(level): status \(run.status), \(run.stderr)")
            if run.status == 0 { committed += 1 }
        }
        #expect(committed > 0 && committed < tally.injections)
        print("journal end: \(tally.injections) file size limits, byte by byte across the last record and its marker; "
            + "\(committed) committed, \(tally.injections - committed) refused; every journal ended on a complete line")
    }

    @Test("a hook.log line the disk has no room for is cut off whole: the log never ends mid-line")
    func hookLogCutShort() throws {
        guard access("/usr/bin/prlimit", X_OK) == 0 else { return }
        let scratch = TemporaryDirectory("sessions-hooklog")
        let home = scratch.path + "/home"
        let runner = ProcessRunner(environment: FaultScenarios.environment(home: home))
        #expect(runner.run(["new", "--type", "ContextSpecSessions"]).status == 0)
        // A log larger than every store file, so the limit stops only the log.
        let log = home + "/store/hook.log"
        let previous = Array(String(repeating: "2026-01-01T00:00:00Z earlier: problem\n", count: 2_000).utf8)
        TestFiles.write(log, previous)
        var cutOff = 0
        for room in [0, 1, 10, 30, 60, 1_000] {
            TestFiles.write(log, previous)
            let shell = ProcessRunner(executable: "/bin/sh", environment: runner.environment)
            let result = shell.run(["-c", "trap '' XFSZ; exec prlimit --fsize=$0 \"$@\"", String(previous.count + room),
                                    ProcessRunner.sessionsBinary(), "hook", "claude-code"], stdin: Array("not json".utf8))
            #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty)
            let bytes = try #require(TestFiles.read(log))
            #expect(bytes.starts(with: previous) && bytes.last == UInt8(ascii: "\n"), "with \(room) bytes of room")
            let added = String(decoding: bytes[previous.count...], as: UTF8.self)
            #expect(added.isEmpty || (added.contains("payload: is not JSON") && added.split(separator: "\n").count == 1))
            if added.isEmpty { cutOff += 1 }
        }
        #expect(cutOff == 5, "only 1,000 bytes of room fit the line")
        print("hook.log: 6 file size limits from 0 to 1,000 bytes past its end; \(cutOff) lines cut off whole, "
            + "\(6 - cutOff) written whole, none left partial")
    }

    @Test("file size limit: every write path completes or fails with one clear error, the store byte-identical and healthy")
    func fileSizeLimit() throws {
        guard access("/usr/bin/prlimit", X_OK) == 0 else {
            print("file size limit: prlimit is not installed; skipped")
            return
        }
        let scratch = TemporaryDirectory("sessions-fsize")
        let (home, template, paths) = try Self.prepare(scratch, home: "home")
        var tally = Tally()
        for path in paths {
            try Self.sweep(path, template: template, home: home, step: 2048, limit: 1 << 20, message: "File too large",
                           tally: &tally) { level in
                try Self.runUnderSizeLimit(template: template, scratch: scratch.path, level: level, path: path)
            }
        }
        #expect(tally.completed == paths.count)
        #expect(tally.clearErrors + tally.completed + tally.hookUnrecorded == tally.injections)
        print("file size limit: \(tally.injections) injections over \(paths.count) write paths (RLIMIT_FSIZE from 0 in "
            + "2 KiB steps, SIGXFSZ ignored); \(tally.clearErrors) clear errors, \(tally.completed) completed, "
            + "\(tally.hookUnrecorded) hook runs that recorded nothing, "
            + "\(tally.unclearErrors) unclear errors, \(tally.changedStates) changed states, \(tally.partialFiles) partial files")
        print("file size limit: failure points: \(tally.pointsText)")
    }
}

extension Substring {
    func trimmingSuffix(_ character: Character) -> String {
        var text = self
        while text.last == character { text = text.dropLast() }
        return String(text)
    }
}
