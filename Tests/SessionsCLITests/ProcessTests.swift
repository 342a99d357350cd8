import Glibc
import Synchronization
import Testing
@testable import SessionsKit
import TestSupport

/// Tests that run the real binary as separate processes: several writers at
/// once, writers killed at random instants, and the process umask. They share
/// global state (the umask, child processes), so they run one at a time.
@Suite("Real processes", .serialized)
struct ProcessTests {
    static func runner(_ directory: TemporaryDirectory) -> ProcessRunner {
        ProcessRunner(environment: [
            "HOME": directory.path + "/home", "USER": "alice", "SESSIONS_HOME": directory.path + "/store",
            "XDG_CONFIG_HOME": directory.path + "/config", "PATH": "/usr/bin:/bin", "TZ": "UTC",
        ])
    }

    @Test("3 processes each appending 200 interactions to one session end with 600")
    func concurrentAppends() throws {
        let directory = TemporaryDirectory("sessions-race")
        let runner = Self.runner(directory)
        #expect(runner.run(["new", "--type", "ComponentCodingSessions"]).stdout == "1\n")
        let ids = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        runOnThreads((0..<3).map { writer in
            {
                for index in 0..<200 {
                    let result = runner.run(["interaction", "add", "1", "--module", "Writer\(writer)", "--command", "step \(index)"])
                    if result.status == 0 {
                        ids.withLock { $0.append(String(result.stdout.dropLast())) }
                    } else {
                        failures.withLock { $0.append(result.stderr) }
                    }
                }
            }
        })
        #expect(failures.withLock { $0 }.isEmpty)
        let session = try #require(try FileStore(root: directory.path + "/store").session(id: 1))
        #expect(session.interactions.count == 600)
        #expect(Set(session.interactions.map(\.id)) == Set(ids.withLock { $0 }))
        // Each writer's own interactions stay in the order it wrote them.
        for writer in 0..<3 {
            let steps = session.interactions.filter { $0.command.module == "Writer\(writer)" }.map(\.command.command)
            #expect(steps == (0..<200).map { "step \($0)" })
        }
        let summary = try #require(try FileStore(root: directory.path + "/store").catalog().summaries.first)
        #expect(summary.interactionCount == 600)
    }

    /// The write paths a killed writer may be in the middle of.
    enum WritePath: String, CaseIterable {
        case append, setStatus = "set-status", complete, create = "new", importTranscript = "import", hook
        /// An append to, and a completion in, a session of 2,000 interactions.
        case longAppend = "append to 2,000", longComplete = "complete in 2,000"
    }

    @Test("500 writers killed at random instants: the store always opens and keeps every acknowledged change")
    func killNine() throws {
        let directory = TemporaryDirectory("sessions-kill")
        let runner = Self.runner(directory)
        let root = directory.path + "/store"
        let targets = 1...4
        for _ in targets { #expect(runner.run(["new", "--type", "ComponentCodingSessions"]).status == 0) }
        let long = targets.upperBound + 1
        #expect(runner.run(["demo", "--sessions", "1", "--interactions", "2000", "--output-bytes", "8192"]).status == 0)
        var longPending: [String] = []
        let conversation = "44444444-4444-4444-8444-444444444444"
        var pending: [(session: Int, id: String)] = []
        struct Writer {
            var arguments: [String]
            /// The session an append or status change writes to.
            var target = 0
            var stdin: [UInt8] = []
            var status: SessionStatus?
            var conversationID = ""
        }
        func writer(_ path: WritePath, _ iteration: Int, rng: inout SplitMix64) -> Writer {
            let target = rng.int(in: targets)
            switch path {
            case .append:
                return Writer(arguments: ["interaction", "add", "\(target)", "--module", "Killed", "--command", "attempt \(iteration)"],
                              target: target)
            case .setStatus:
                let status = rng.pick(SessionStatus.allCases)
                return Writer(arguments: ["set-status", "\(target)", status.rawValue], target: target, status: status)
            case .complete where !pending.isEmpty:
                // Large outputs make the commit (write, fsync, rename) a bigger target.
                let interaction = pending.removeLast()
                return Writer(arguments: ["interaction", "complete", "\(interaction.session)", interaction.id, "--status", "ok",
                                          "--stdout", String(repeating: "output line \(iteration)\n", count: 4_000)])
            case .longComplete where !longPending.isEmpty:
                return Writer(arguments: ["interaction", "complete", "\(long)", longPending.removeLast(), "--status", "ok",
                                          "--stdout", String(repeating: "output line \(iteration)\n", count: 500)])
            case .complete, .create, .longComplete:
                return Writer(arguments: ["new", "--type", "ContextSpecSessions", "--state", "{\"iteration\": \(iteration)}"])
            case .longAppend:
                return Writer(arguments: ["interaction", "add", "\(long)", "--module", "Killed", "--command", "attempt \(iteration)"],
                              target: long)
            case .importTranscript:
                let digits = String(iteration)
                let conversationID = "55555555-5555-4555-8555-" + String(repeating: "0", count: 12 - digits.count) + digits
                let transcript = TranscriptFixtures.old.replacing(TranscriptFixtures.oldSession, with: conversationID)
                let folder = directory.path + "/transcripts/\(iteration)"
                TranscriptFixtures.write(transcript, to: folder + "/-w-todo/\(conversationID).jsonl",
                                         modified: Timestamp(iso8601: "2026-01-01T00:00:00Z")!)
                return Writer(arguments: ["import", "claude-code", folder], conversationID: conversationID)
            case .hook:
                let event = #"{"session_id":"\#(conversation)","transcript_path":"/t/\#(conversation).jsonl","cwd":"/w/app","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"echo hook \#(iteration)"},"tool_use_id":"toolu_\#(iteration)"}"#
                return Writer(arguments: ["hook", "claude-code"], stdin: Array(event.utf8))
            }
        }

        // How long each kind of write takes here, to start with. A writer
        // spends most of its short life starting up and commits at the very
        // end, so each kill comes between half and 1.3 times that long after
        // the start, where the store is read and written.
        let seed = UInt64(Timestamp.now().microseconds)
        var rng = SplitMix64(seed: seed)
        var typical: [WritePath: Int] = [:]
        for (number, path) in WritePath.allCases.enumerated() {
            var samples: [Int] = []
            for index in 0..<5 {
                let calibration = writer(path, 100_000 + 10 * number + index, rng: &rng)
                let start = Timestamp.now()
                let result = runner.run(calibration.arguments, stdin: calibration.stdin)
                samples.append(Int(Timestamp.now().microseconds - start.microseconds))
                if path == .append { pending.append((calibration.target, String(result.stdout.dropLast()))) }
                if path == .longAppend { longPending.append(String(result.stdout.dropLast())) }
            }
            typical[path] = max(5_000, samples.sorted()[samples.count / 2])
        }

        // Pending interactions for the completing writers to finish: killed
        // appends rarely leave one, and completion is a path of its own.
        for index in 0..<80 {
            let append = writer(.append, 200_000 + index, rng: &rng)
            let result = runner.run(append.arguments)
            if result.status == 0 { pending.append((append.target, result.stdout.trimmingCharacters())) }
            let longAppend = writer(.longAppend, 300_000 + index, rng: &rng)
            let longResult = runner.run(longAppend.arguments)
            if longResult.status == 0 { longPending.append(longResult.stdout.trimmingCharacters()) }
        }

        var attempts: [WritePath: Int] = [:], acknowledged: [WritePath: Int] = [:]
        var acknowledgedInteractions: [(session: Int, id: String)] = []
        var acknowledgedSessions: [Int] = []
        var acknowledgedImports: [String] = []
        var acknowledgedHookCommands: [String] = []
        var killedMidCommit = 0
        let writers = 500
        for iteration in 0..<writers {
            var path = rng.pick(WritePath.allCases)
            if path == .complete && pending.isEmpty || path == .longComplete && longPending.isEmpty { path = .create }
            let planned = writer(path, iteration, rng: &rng)
            let arguments = planned.arguments, status = planned.status, conversationID = planned.conversationID
            let target = planned.target
            let span = typical[path]!
            let logBefore = TestFiles.read(root + "/hook.log")?.count ?? 0
            attempts[path, default: 0] += 1
            let child = runner.start(arguments, stdin: planned.stdin)
            usleep(UInt32(rng.int(in: (span / 2)...(span * 13 / 10))))
            child.kill(SIGKILL)
            let result = child.wait()

            // Whatever happened, the next open works and cleans up after the dead writer.
            let store = try FileStore(root: root)
            if result.status != 0, try store.needsMaintenance() != nil { killedMidCommit += 1 }
            let catalog = try store.catalog()
            #expect(TestFiles.list(root + "/tmp").isEmpty, "a temp file survived the open after writer \(iteration)")
            #expect(try store.needsMaintenance() == nil)

            // The hook exits 0 even when it could not record; its log says so.
            let hookFailed = (TestFiles.read(root + "/hook.log")?.count ?? 0) != logBefore
            // Writes slow down as the sessions grow and the machine's load
            // changes, so each path's aim follows what happens: about a third
            // of its writers live to acknowledge, the rest die near the end.
            let lived = result.status == 0 && !hookFailed
            typical[path] = max(5_000, Int(Double(span) * (lived ? 0.95 : 1.027)))
            guard lived else { continue }
            // Acknowledged: the change must be visible now.
            acknowledged[path, default: 0] += 1
            let printed = result.stdout.split(separator: "\n").first.map(String.init) ?? ""
            switch path {
            case .append, .longAppend:
                acknowledgedInteractions.append((target, printed))
                if path == .append { pending.append((target, printed)) } else { longPending.append(printed) }
                #expect(try store.session(id: Session.ID(target))?.interaction(id: printed) != nil)
            case .setStatus:
                #expect(try store.session(id: Session.ID(target))?.status == status)
                #expect(catalog.summaries.first { $0.id.rawValue == target }?.status == status)
            case .complete, .longComplete:
                #expect(try store.session(id: Session.ID(Int(arguments[2])!))?.interaction(id: arguments[3])?.result?.status == .ok)
            case .create:
                let id = Int(printed)!
                acknowledgedSessions.append(id)
                #expect(catalog.summaries.contains { $0.id.rawValue == id })
            case .importTranscript:
                acknowledgedImports.append(conversationID)
                #expect(catalog.summaries.contains { $0.externalConversationID == conversationID && $0.interactionCount == 2 })
            case .hook:
                acknowledgedHookCommands.append("echo hook \(iteration)")
                let session = try catalog.summaries.first { $0.externalConversationID == conversation }
                    .flatMap { try store.session(id: $0.id) }
                #expect(session?.interactions.contains { $0.command.command == "echo hook \(iteration)" } == true)
            }
        }
        // Nothing acknowledged earlier was lost later, and the store is consistent.
        let store = try FileStore(root: root)
        var lost = 0
        for (session, id) in acknowledgedInteractions where try store.session(id: Session.ID(session))?.interaction(id: id) == nil { lost += 1 }
        let catalog = try store.catalog()
        lost += acknowledgedSessions.filter { id in !catalog.summaries.contains { $0.id.rawValue == id } }.count
        lost += acknowledgedImports.filter { id in !catalog.summaries.contains { $0.externalConversationID == id } }.count
        let hookSession = try catalog.summaries.first { $0.externalConversationID == conversation }.flatMap { try store.session(id: $0.id) }
        let hookCommands = Set(hookSession?.interactions.map(\.command.command) ?? [])
        lost += acknowledgedHookCommands.filter { !hookCommands.contains($0) }.count
        #expect(lost == 0)
        #expect(Set(catalog.summaries.map(\.id)).count == catalog.summaries.count)
        #expect(try SessionScan.read(root: store.root).sessions == catalog.summaries)
        let doctor = StoreDoctor(root: root).run(repair: false)
        #expect(doctor.isHealthy, "\(doctor.findings)")
        let total = acknowledged.values.reduce(0, +)
        let perPath = WritePath.allCases.map {
            "\($0.rawValue) \(acknowledged[$0, default: 0])/\(attempts[$0, default: 0]) (aim at the end \(typical[$0]! / 1000) ms)"
        }
        print("kill -9 (seed \(seed)): \(writers) writers; \(total) acknowledged and verified, \(writers - total) killed first "
            + "(\(killedMidCommit) of them mid-commit, leaving temp files or an unfinished journal record); "
            + "acknowledged/attempted by path: \(perPath.joined(separator: ", ")); \(lost) lost; doctor healthy: \(doctor.isHealthy)")
    }

    @Test("50 writers killed while setting 500 sessions' status in one command: each time all changed or none")
    func killBulkStatusChange() throws {
        let directory = TemporaryDirectory("sessions-kill-bulk")
        let runner = Self.runner(directory)
        let root = directory.path + "/store"
        let count = 500
        #expect(runner.run(["demo", "--sessions", "\(count)", "--interactions", "1", "--output-bytes", "64"]).status == 0)
        let ids = (1...count).map(String.init)
        #expect(runner.run(["set-status"] + ids + ["active"]).status == 0)
        func statuses() throws -> [SessionStatus] {
            let store = try FileStore(root: root)
            let summaries = try store.catalog().summaries
            #expect(try store.needsMaintenance() == nil, "the open finished what the killed writer left")
            #expect(TestFiles.list(root + "/tmp").isEmpty, "no temp file survives the open")
            return summaries.map(\.status)
        }
        // How long one such command takes here; kills land from a third of
        // that to a little past it, where the 500 files and the commit are written.
        let seed = UInt64(Timestamp.now().microseconds)
        var rng = SplitMix64(seed: seed)
        var samples: [Int] = []
        var current = SessionStatus.active
        for _ in 0..<3 {
            current = current == .active ? .failed : .active
            let start = Timestamp.now()
            #expect(runner.run(["set-status"] + ids + [current.rawValue]).status == 0)
            samples.append(Int(Timestamp.now().microseconds - start.microseconds))
        }
        var span = samples.sorted()[1]
        #expect(try statuses() == Array(repeating: current, count: count))
        var changed = 0, unchanged = 0, mixed = 0, midCommit = 0
        let kills = 50
        for _ in 0..<kills {
            let target: SessionStatus = current == .active ? .failed : .active
            let child = runner.start(["set-status"] + ids + [target.rawValue])
            usleep(UInt32(rng.int(in: (span / 3)...(span * 11 / 10))))
            child.kill(SIGKILL)
            let result = child.wait()
            if result.status != 0, try FileStore(root: root).needsMaintenance() != nil { midCommit += 1 }
            let after = try statuses()
            if after.allSatisfy({ $0 == target }) {
                changed += 1
                current = target
            } else if after.allSatisfy({ $0 == current }) {
                unchanged += 1
            } else {
                mixed += 1
                Issue.record("killed after \(after.count { $0 == target }) of \(count) changed (seed \(seed))")
                break
            }
            // Aim so that about half of the kills land before the commit and half after it.
            span = max(5_000, Int(Double(span) * (result.status == 0 ? 0.93 : 1.03)))
        }
        print("bulk set-status kill -9 (seed \(seed)): \(kills) writers killed over \(count) sessions; "
              + "\(changed) left all \(count) changed, \(unchanged) none, \(mixed) a mix; \(midCommit) killed mid-commit")
        #expect(mixed == 0)
        #expect(changed + unchanged == kills)
        #expect(unchanged > 0, "some kills landed before the commit point")
    }

    @Test("files stay 0600 and directories 0700 when the caller's umask is 000, on every write path")
    func umaskZero() throws {
        let directory = TemporaryDirectory("sessions-umask")
        let runner = Self.runner(directory)
        let callerMask = umask(0)
        defer { umask(callerMask) }
        let root = directory.path + "/store"
        let transcripts = directory.path + "/transcripts"
        TranscriptFixtures.write(TranscriptFixtures.old, to: transcripts + "/-w-todo/\(TranscriptFixtures.oldSession).jsonl",
                                 modified: Timestamp(iso8601: "2026-01-01T00:00:00Z")!)
        let exported = directory.path + "/out/export.json"
        mkdir(directory.path + "/out", 0o755)
        let hook = #"{"session_id":"77777777-7777-4777-8777-777777777777","transcript_path":"/t/x.jsonl","cwd":"/w","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"tool_use_id":"toolu_1"}"#
        // Every command that writes a file, each checked right after it ran.
        // `previous` is what the command before printed, such as an interaction's id.
        let writes: [(arguments: (_ previous: String) -> [String], stdin: String)] = [
            ({ _ in ["new", "--type", "ContextSpecSessions"] }, ""),
            ({ _ in ["account", "use", "1"] }, ""),
            ({ _ in ["account", "add", "second"] }, ""),
            ({ _ in ["project", "add", "p"] }, ""),
            ({ _ in ["project", "use", "1"] }, ""),
            ({ _ in ["component", "add", "Accounts.User"] }, ""),
            ({ _ in ["set-status", "1", "failed"] }, ""),
            ({ _ in ["interaction", "add", "1", "--module", "Bash", "--command", "ls"] }, ""),
            ({ ["interaction", "complete", "1", $0, "--status", "ok", "--stdout-file", "-"] }, "output"),
            ({ _ in ["demo", "--sessions", "20", "--interactions", "2"] }, ""),
            ({ _ in ["import", "claude-code", transcripts] }, ""),
            ({ _ in ["export", "--output", exported] }, ""),
            ({ _ in ["import", exported] }, ""),
            ({ _ in ["hook", "claude-code"] }, hook),
            ({ _ in ["hook", "claude-code"] }, "not json: the hook logs it"),
            ({ _ in ["delete", "2"] }, ""),
            ({ _ in ["doctor", "--repair"] }, ""),
        ]
        var checked = 0, wrong = 0
        var previous = ""
        for write in writes {
            let arguments = write.arguments(previous)
            let result = runner.run(arguments, stdin: Array(write.stdin.utf8))
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            previous = result.stdout.trimmingCharacters()
            for (name, _) in TestFiles.snapshot(root) {
                let mode = TestFiles.mode(root + "/" + name)
                #expect(mode == 0o600, "\(name) after \(arguments)")
                checked += 1
                if mode != 0o600 { wrong += 1 }
            }
            for directory in [root, root + "/sessions", root + "/tmp"] {
                #expect(TestFiles.mode(directory) == 0o700, "\(directory) after \(arguments)")
            }
        }
        // A hook that finds the store held spools its event, privately too.
        var held: StoreLock? = try StoreLock(path: root + "/lock", mode: .exclusive)
        #expect(runner.run(["hook", "claude-code"], stdin: Array(hook.replacing("toolu_1", with: "toolu_2").utf8)).status == 0)
        let spooled = TestFiles.list(root + "/spool")
        #expect(spooled.count == 1)
        for name in spooled {
            let mode = TestFiles.mode(root + "/spool/" + name)
            #expect(mode == 0o600)
            checked += 1
            if mode != 0o600 { wrong += 1 }
        }
        #expect(TestFiles.mode(root + "/spool") == 0o700)
        _ = held
        held = nil
        #expect(TestFiles.exists(root + "/hook.log"), "the bad hook payload was logged")
        #expect(TestFiles.mode(exported) == 0o600)
        #expect(TestFiles.mode(directory.path + "/config/sessions/config.json") == 0o600)
        #expect(TestFiles.mode(directory.path + "/config/sessions") == 0o700)
        print("umask 000: \(writes.count + 1) write commands (one hook spooled), \(checked) file modes checked after them, \(wrong) not 0600")
    }
}
