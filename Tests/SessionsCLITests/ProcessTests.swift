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

    @Test("100 writers killed at random instants: the store always opens and keeps every acknowledged change")
    func killNine() throws {
        let directory = TemporaryDirectory("sessions-kill")
        let runner = Self.runner(directory)
        let root = directory.path + "/store"
        #expect(runner.run(["new", "--type", "ComponentCodingSessions"]).status == 0)
        // How long a write takes here. A writer spends most of its short life
        // starting up and commits at the very end, so the kills are aimed at
        // the second half of its life, where the store is read and written.
        var samples: [Int] = []
        for index in 0..<7 {
            let start = Timestamp.now()
            _ = runner.run(["interaction", "add", "1", "--module", "Probe", "--command", "timing \(index)"])
            samples.append(Int(Timestamp.now().microseconds - start.microseconds))
        }
        let typical = max(5_000, samples.sorted()[samples.count / 2])

        var rng = SplitMix64(seed: UInt64(Timestamp.now().microseconds))
        var acknowledgedInteractions: [String] = []
        var acknowledgedSessions: [Int] = []
        var killedMidway = 0
        var killedMidCommit = 0
        var pending: [String] = []
        for iteration in 0..<100 {
            let operation = rng.int(in: 0...3)
            var arguments: [String]
            var status: SessionStatus?
            switch operation {
            case 0:
                arguments = ["interaction", "add", "1", "--module", "Killed", "--command", "attempt \(iteration)"]
            case 1:
                status = rng.pick(SessionStatus.allCases)
                arguments = ["set-status", "1", status!.rawValue]
            case 2 where !pending.isEmpty:
                // Large outputs make the commit (write, fsync, rename) a bigger target.
                arguments = ["interaction", "complete", "1", pending.removeLast(), "--status", "ok",
                             "--stdout", String(repeating: "output line \(iteration)\n", count: 8_000)]
            default:
                arguments = ["new", "--type", "ContextSpecSessions", "--state", "{\"iteration\": \(iteration)}"]
            }
            let child = runner.start(arguments)
            usleep(UInt32(rng.int(in: (typical / 2)...(typical * 13 / 10))))
            child.kill(SIGKILL)
            let result = child.wait()

            // Whatever happened, the next open works and cleans up after the dead writer.
            let store = try FileStore(root: root)
            if result.status != 0, try store.needsMaintenance() != nil { killedMidCommit += 1 }
            let session = try #require(try store.session(id: 1))
            let catalog = try store.catalog()
            #expect(TestFiles.list(root + "/tmp").isEmpty)
            #expect(try store.needsMaintenance() == nil)

            guard result.status == 0 else {
                killedMidway += 1
                continue
            }
            // Acknowledged: the change must be visible now.
            let printed = result.stdout.split(separator: "\n").first.map(String.init) ?? ""
            switch arguments[0] {
            case "interaction" where arguments[1] == "add":
                acknowledgedInteractions.append(printed)
                pending.append(printed)
                #expect(session.interaction(id: printed) != nil)
            case "set-status":
                #expect(session.status == status)
                #expect(catalog.summaries.first { $0.id == 1 }?.status == status)
            case "interaction":
                #expect(session.interaction(id: arguments[3])?.result?.status == .ok)
            default:
                let id = Int(printed)!
                acknowledgedSessions.append(id)
                #expect(catalog.summaries.contains { $0.id == id })
            }
        }
        // Nothing acknowledged earlier was lost later, and the store is consistent.
        let store = try FileStore(root: root)
        let session = try #require(try store.session(id: 1))
        for id in acknowledgedInteractions { #expect(session.interaction(id: id) != nil) }
        let catalog = try store.catalog()
        for id in acknowledgedSessions { #expect(catalog.summaries.contains { $0.id == id }) }
        #expect(Set(catalog.summaries.map(\.id)).count == catalog.summaries.count)
        #expect(try store.scanSessionFiles() == catalog.summaries)
        let doctor = StoreDoctor(root: root).run(repair: false)
        #expect(doctor.isHealthy, "\(doctor.findings)")
        print("kill -9: \(killedMidway) of 100 writers killed before acknowledging (\(killedMidCommit) of them mid-commit, "
            + "leaving temp files or an unfinished journal record); \(100 - killedMidway) acknowledged and verified")
    }

    @Test("files stay 0600 and directories 0700 when the caller's umask is 000")
    func umaskZero() throws {
        let directory = TemporaryDirectory("sessions-umask")
        let runner = Self.runner(directory)
        let previous = umask(0)
        defer { umask(previous) }
        #expect(runner.run(["new", "--type", "ContextSpecSessions"]).status == 0)
        #expect(runner.run(["account", "use", "1"]).status == 0)
        #expect(runner.run(["demo", "--sessions", "20", "--interactions", "2"]).status == 0)
        let root = directory.path + "/store"
        for (name, _) in TestFiles.snapshot(root) { #expect(TestFiles.mode(root + "/" + name) == 0o600, "\(name)") }
        for directory in [root, root + "/sessions", root + "/tmp"] { #expect(TestFiles.mode(directory) == 0o700) }
        #expect(TestFiles.mode(directory.path + "/config/sessions/config.json") == 0o600)
        #expect(TestFiles.mode(directory.path + "/config/sessions") == 0o700)
    }
}
