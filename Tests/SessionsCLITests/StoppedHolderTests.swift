import Glibc
import Testing
@testable import SessionsKit
import TestSupport

/// A process that holds the store's lock and stops (an import suspended with
/// Ctrl-Z) or keeps it long (doctor on a large store). Claude Code waits for
/// its hooks, so they must not wait for it; what they spool must be recorded
/// once and in order by whoever gets the lock next; a command kept waiting
/// says what for.
@Suite("A stopped lock holder", .serialized)
struct StoppedHolderTests {
    static let conversation = "88888888-8888-4888-8888-888888888888"

    static func event(_ call: Int, _ name: String = "PreToolUse") -> [UInt8] {
        Array(#"{"session_id":"\#(conversation)","transcript_path":"/t/\#(conversation).jsonl","cwd":"/w/app","hook_event_name":"\#(name)","tool_name":"Bash","tool_input":{"command":"echo \#(call)"},"tool_use_id":"toolu_\#(call)"}"#.utf8)
    }

    /// The session the hooks record, read without delivering anything.
    static func hookSession(_ root: String) throws -> Session? {
        let store = try FileStore(root: root)
        let summary = try store.catalog().summaries.first { $0.externalConversationID == conversation }
        return try summary.flatMap { try store.session(id: $0.id) }
    }

    static func milliseconds(since start: Int64) -> Int { Int((StoreLock.monotonicMicroseconds() - start) / 1000) }

    /// Whether some process holds the lock, tried without waiting.
    static func isLocked(_ root: String) -> Bool {
        let fd = open(root + "/lock", O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(fd, LOCK_UN)
        return false
    }

    /// Waits until `pid` is stopped, as `SIGSTOP` leaves it.
    static func waitUntilStopped(_ pid: pid_t) {
        for _ in 0..<2_000 {
            let stat = TestFiles.readText("/proc/\(pid)/stat") ?? ""
            if let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "T" { return }
            usleep(500)
        }
    }

    @Test("an import stopped holding the lock: 50 hooks exit 0 at once, and all 51 events are recorded once, in order")
    func hooksBehindAStoppedImport() throws {
        let directory = TemporaryDirectory("sessions-stopped")
        let runner = ProcessTests.runner(directory)
        let root = directory.path + "/store"
        #expect(runner.run(["new", "--type", "ComponentCodingSessions"]).status == 0)
        // Enough transcripts that the import holds the lock again and again.
        let transcripts = directory.path + "/transcripts"
        for index in 0..<400 {
            let digits = String(index)
            let id = "55555555-5555-4555-8555-" + String(repeating: "0", count: 12 - digits.count) + digits
            TranscriptFixtures.write(TranscriptFixtures.old.replacing(TranscriptFixtures.oldSession, with: id),
                                     to: "\(transcripts)/-w-p\(index % 8)/\(id).jsonl", modified: Timestamp(iso8601: "2026-01-01T00:00:00Z")!)
        }
        let importer = runner.start(["import", "claude-code", transcripts])
        // Stopped while its line is in the lock file, it holds the lock: a
        // writer empties the file before it lets go, and a stopped one cannot.
        var stopped = false
        let deadline = StoreLock.monotonicMicroseconds() + 60_000_000
        while !stopped && StoreLock.monotonicMicroseconds() < deadline {
            guard StoreLock.holder(of: root + "/lock")?.pid == importer.pid else {
                usleep(200)
                continue
            }
            importer.kill(SIGSTOP)
            Self.waitUntilStopped(importer.pid)
            if StoreLock.holder(of: root + "/lock")?.pid == importer.pid && Self.isLocked(root) {
                stopped = true
            } else {
                importer.kill(SIGCONT)
            }
        }
        try #require(stopped, "the import was never stopped holding the lock")
        #expect(StoreLock.holder(of: root + "/lock")?.command == "sessions import claude-code")

        // Each hook beside one on a store nobody holds, for how long a hook takes here at all.
        var control = runner
        control.environment["SESSIONS_HOME"] = directory.path + "/unlocked"
        var times: [Int] = [], unhindered: [Int] = []
        for call in 1...50 {
            var start = StoreLock.monotonicMicroseconds()
            #expect(control.run(["hook", "claude-code"], stdin: Self.event(call)).status == 0)
            unhindered.append(Self.milliseconds(since: start))
            start = StoreLock.monotonicMicroseconds()
            let result = runner.run(["hook", "claude-code"], stdin: Self.event(call))
            times.append(Self.milliseconds(since: start))
            #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty, "hook \(call): \(result)")
        }
        #expect(times.allSatisfy { $0 < 1_000 }, "hooks took \(times) ms, beside \(unhindered) ms")
        let spool = root + "/spool"
        let spooled = TestFiles.list(spool)
        #expect(spooled.count == 50)
        // From the moment each hook had read its event to the moment the event was
        // on disk in the spool: what the lock cost it, whatever a busy machine adds
        // to starting a process.
        let waits = spooled.map { name -> Int in
            let text = TestFiles.readText(spool + "/" + name) ?? ""
            let received = text.split(separator: "\"").drop { $0 != "received_at" }.dropFirst(2).first
                .flatMap { Timestamp(iso8601: String($0)) }
            var info = stat()
            guard let received, lstat(spool + "/" + name, &info) == 0 else { return Int.max }
            let written = Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1000
            return Int((written - received.microseconds) / 1000)
        }
        #expect(waits.allSatisfy { $0 < 100 }, "from reading the event to spooling it: \(waits) ms")
        #expect(TestFiles.mode(spool) == 0o700)
        #expect(spooled.allSatisfy { TestFiles.mode(spool + "/" + $0) == 0o600 })
        #expect(Self.isLocked(root), "the import still held the lock after the 50 hooks")

        importer.kill(SIGCONT)
        let imported = importer.wait()
        #expect(imported.status == 0, "\(imported.stderr)")
        let last = runner.run(["hook", "claude-code"], stdin: Self.event(51))
        #expect(last.status == 0 && last.stdout.isEmpty && last.stderr.isEmpty)
        let commands = try Self.hookSession(root)?.interactions.map(\.command.command) ?? []
        #expect(commands == (1...51).map { "echo \($0)" })
        #expect(TestFiles.list(spool).isEmpty)
        #expect(!TestFiles.exists(root + "/hook.log"), "\(TestFiles.readText(root + "/hook.log") ?? "")")
        let sorted = times.sorted(), alone = unhindered.sorted()
        print("stopped holder: an import stopped with SIGSTOP holding the lock; 50 hooks exited 0 with nothing printed "
              + "(median \(sorted[25]) ms, slowest \(sorted[49]) ms; a hook on a store nobody held, run beside each: median "
              + "\(alone[25]) ms), each spooling its event at most \(waits.max() ?? 0) ms after reading it; \(spooled.count) "
              + "spooled (0600 files, 0700 directory); after it went on, 1 more hook recorded \(commands.count) of 51 events, "
              + "in order, each once")
    }

    @Test("a command kept waiting over a second says so on stderr, naming the holder, and keeps waiting")
    func commandSaysItWaits() throws {
        let directory = TemporaryDirectory("sessions-wait")
        let runner = ProcessTests.runner(directory)
        let root = directory.path + "/store"
        #expect(runner.run(["new", "--type", "ComponentCodingSessions"]).status == 0)
        let line = "waiting for the store, locked by pid \(getpid()) (sessions import claude-code)\n"
        for (holdMS, says) in [(500, false), (1_800, true)] {
            var held: StoreLock? = try StoreLock(path: root + "/lock", mode: .exclusive, holder: "sessions import claude-code")
            let start = StoreLock.monotonicMicroseconds()
            let list = runner.start(["list"])
            usleep(UInt32(holdMS) * 1000)
            _ = held
            held = nil
            let result = list.wait()
            let took = Self.milliseconds(since: start)
            #expect(result.status == 0 && result.stdout.contains("ComponentCodingSessions"), "\(result)")
            #expect(result.stderr == (says ? line : ""), "held \(holdMS) ms")
            #expect(took >= holdMS, "it waited for the lock")
            print("waiting line: list held up \(holdMS) ms (exited after \(took) ms); stderr \(result.stderr.isEmpty ? "empty" : "said \(result.stderr.dropLast())")")
        }
    }

    @Test("deliveries killed at random instants never lose, repeat or reorder a spooled event")
    func deliveryKilled() throws {
        let directory = TemporaryDirectory("sessions-spool-kill")
        let runner = ProcessTests.runner(directory)
        let root = directory.path + "/store"
        #expect(runner.run(["new", "--type", "ComponentCodingSessions"]).status == 0)
        let scope = ScopeResolver(accountFlag: nil, projectFlag: nil, environment: SessionsEnvironment(variables: [:]),
                                  config: Config(path: directory.path + "/config/sessions/config.json"), storeRoot: root)
        let spool = EventSpool(storeRoot: root)
        // Each batch: 20 events of a conversation of its own, so that every delivery
        // costs the same, a millisecond apart. Recorded once each, in order, the
        // session's time is the last one's; an event recorded again would move it on.
        let base = Timestamp.now().adding(microseconds: 10_000_000)
        func time(_ call: Int) -> Timestamp { base.adding(microseconds: Int64(call) * 1000) }
        func conversation(_ batch: Int) -> String {
            let digits = String(batch)
            return "77777777-7777-4777-8777-" + String(repeating: "0", count: 12 - digits.count) + digits
        }
        func event(_ call: Int, batch: Int) -> [UInt8] {
            Array(String(decoding: Self.event(call), as: UTF8.self).replacing(Self.conversation, with: conversation(batch)).utf8)
        }
        var batch = 0
        func spoolBatch() throws {
            batch += 1
            for call in (batch * 20)..<(batch * 20 + 20) {
                try spool.append(SpooledHookEvent(payload: event(call, batch: batch), scope: scope, receivedAt: time(call)).encoded())
            }
        }
        func session(_ batch: Int) throws -> Session? {
            let store = try FileStore(root: root)
            let summary = try store.catalog().summaries.first { $0.externalConversationID == conversation(batch) }
            return try summary.flatMap { try store.session(id: $0.id) }
        }
        // When a delivering command empties the spool here: the end of the span
        // between its commit and its last removal, where a kill is hardest to
        // survive. Kills land around it, and the aim follows where they land.
        var samples: [Int] = []
        for _ in 0..<3 {
            try spoolBatch()
            let start = StoreLock.monotonicMicroseconds()
            let child = runner.start(["list"])
            while try !spool.entries().isEmpty && StoreLock.monotonicMicroseconds() - start < 10_000_000 { usleep(200) }
            samples.append(Int(StoreLock.monotonicMicroseconds() - start))
            #expect(child.wait().status == 0)
        }
        var aim = samples.sorted()[1]
        let seed = UInt64(Timestamp.now().microseconds)
        var rng = SplitMix64(seed: seed)
        var before = 0, between = 0, after = 0, lost = 0, repeated = 0, problems: [String] = []
        let kills = 30
        for _ in 0..<kills {
            try spoolBatch()
            let child = runner.start(["list"])
            usleep(UInt32(rng.int(in: (aim * 7 / 10)...(aim * 12 / 10))))
            child.kill(SIGKILL)
            _ = child.wait()
            // Where the kill landed: opening the store finishes a commit it cut short.
            let keys = Set(try FileStore(root: root).registry().deliveredEvents)
            let left = Set(try spool.entries().map(\.name))
            if left.isEmpty {
                after += 1
            } else if left.isSubset(of: keys) {
                between += 1
            } else if left.isDisjoint(with: keys) {
                before += 1
            } else {
                problems.append("some of the spool recorded, some not: \(left.count) left")
            }
            // The next command delivers what is left.
            #expect(runner.run(["list"]).status == 0)
            let recorded = try session(batch)
            let commands = recorded?.interactions.map(\.command.command) ?? []
            let expected = ((batch * 20)..<(batch * 20 + 20)).map { "echo \($0)" }
            if commands != expected {
                lost += expected.count { !commands.contains($0) }
                problems.append("batch \(batch): recorded \(commands.count) of 20 events, or out of order")
            }
            if recorded?.updatedAt != time(batch * 20 + 19) {
                repeated += 1
                problems.append("batch \(batch): the session's time is \(recorded?.updatedAt.iso8601 ?? "-"), not the last event's")
            }
            #expect(TestFiles.list(spool.directory).isEmpty)
            // Later after a kill before the commit, sooner after one past the removals.
            aim = max(5_000, Int(Double(aim) * (left.isEmpty ? 0.95 : left.isSubset(of: keys) ? 1 : 1.05)))
        }
        // Every batch, the calibration's included, once each.
        let summaries = try FileStore(root: root).catalog().summaries.filter { $0.externalConversationID != nil }
        #expect(summaries.count == batch && summaries.allSatisfy { $0.interactionCount == 20 })
        #expect(problems.isEmpty, "seed \(seed): \(problems)")
        #expect(before + between + after == kills)
        #expect(!TestFiles.exists(root + "/hook.log"), "\(TestFiles.readText(root + "/hook.log") ?? "")")
        print("spool kill -9 (seed \(seed)): \(kills) deliveries of 20 spooled events killed at random instants: \(before) before "
              + "their commit, \(between) after it with the spool not yet emptied, \(after) after both; \(batch * 20) events, "
              + "\(lost) lost, \(repeated) deliveries recorded an event twice, \(problems.count) problems")
    }

    @Test("doctor on a large store holds the lock only briefly: hooks beside it are recorded at once, and its report stays right")
    func doctorBesideHooks() throws {
        let directory = TemporaryDirectory("sessions-doctor-hooks")
        let runner = ProcessTests.runner(directory)
        let root = directory.path + "/store"
        #expect(runner.run(["demo", "--sessions", "3000", "--interactions", "1", "--output-bytes", "16"]).status == 0)
        #expect(runner.run(["hook", "claude-code"], stdin: Self.event(0)).status == 0)
        let doctorStart = StoreLock.monotonicMicroseconds()
        let doctor = runner.start(["doctor"])
        var times: [Int] = []
        var call = 1
        var spooled = 0
        while kill(doctor.pid, 0) == 0, (TestFiles.readText("/proc/\(doctor.pid)/stat") ?? "").contains(") Z") == false {
            let start = StoreLock.monotonicMicroseconds()
            let result = runner.run(["hook", "claude-code"], stdin: Self.event(call))
            times.append(Self.milliseconds(since: start))
            #expect(result.status == 0 && result.stdout.isEmpty)
            spooled = max(spooled, TestFiles.list(root + "/spool").count)
            call += 1
        }
        let report = doctor.wait()
        let doctorMS = Self.milliseconds(since: doctorStart)
        #expect(report.status == 0, "\(report.stdout)")
        #expect(report.stdout.contains("index.jsonl: matches the "))
        #expect(times.count >= 5, "hooks ran while doctor did: \(times.count)")
        #expect(spooled == 0, "\(spooled) hook events waited in the spool for doctor")
        let commands = try Self.hookSession(root)?.interactions.map(\.command.command) ?? []
        #expect(commands == (0..<call).map { "echo \($0)" })
        print("doctor beside hooks: doctor took \(doctorMS) ms over 3,001 sessions; \(times.count) hooks ran meanwhile "
              + "(slowest \(times.max() ?? 0) ms), \(spooled) spooled; doctor healthy: \(report.status == 0)")
    }
}
