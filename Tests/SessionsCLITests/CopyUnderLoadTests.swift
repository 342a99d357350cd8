import Glibc
import Synchronization
import Testing
@testable import SessionsKit
import TestSupport

/// Copies of a store taken while it is written: file by file, as a copy of a
/// whole tree is made, while three writer processes commit. Each copy must
/// open clean, rebuilt or refused with an error that says it is a copy, and
/// never list what its session files do not hold. `sessions backup`, taken
/// meanwhile, must need nothing rebuilt.
@Suite("Copies of a store taken while it is written", .serialized)
struct CopyUnderLoadTests {
    /// Summaries of the session files a store directory holds.
    static func filesSummaries(_ root: String) throws -> [SessionSummary] {
        try TestFiles.list(root + "/sessions").compactMap { name -> SessionSummary? in
            guard let id = StoreFormat.sessionID(fromFileName: name) else { return nil }
            return try StoredSession(root: root, id: id).head()?.summary
        }.sorted { $0.id < $1.id }
    }

    /// What the copy's index and journal list, before anything repairs them;
    /// nil when they cannot even be read together.
    static func indexedSummaries(_ root: String) -> [SessionSummary]? {
        guard let store = try? FileStore(root: root), let registry = try? store.readRegistry() else { return nil }
        return try? store.loadCatalog(registry: registry).summaries
    }

    /// Whether the copy holds a commit in progress: a torn or unmarked last record, or temporary files.
    static func caughtMidCommit(_ root: String) -> Bool {
        guard let tail = try? Journal(path: root + "/journal.jsonl").readTail() else { return true }
        return tail.isTorn || (tail.last != nil && !tail.lastIsMarkedApplied) || !TestFiles.list(root + "/tmp").isEmpty
    }

    @Test("30 copies taken while 3 writers run: each clean, rebuilt or refused clearly, never silently wrong; backups need nothing")
    func copiesUnderLoad() throws {
        let directory = TemporaryDirectory("sessions-copies")
        let runner = ProcessTests.runner(directory)
        let store = directory.path + "/store"
        #expect(runner.run(["demo", "--sessions", "40", "--interactions", "3", "--seed", "3"]).status == 0)

        let stop = Mutex(false)
        let commits = Mutex(0)
        let writers = startThreads((0..<3).map { writer in
            {
                var generator = SplitMix64(seed: UInt64(writer + 1))
                var round = 0
                while !stop.withLock({ $0 }) {
                    round += 1
                    let arguments: [String]
                    switch writer {
                    case 0:
                        arguments = ["interaction", "add", String(generator.int(in: 1...40)), "--module", "Writer", "--command", "step \(round)"]
                    case 1:
                        // Sessions come and go, so copies can list files that are gone or miss new ones.
                        arguments = round % 2 == 1 ? ["new", "--type", "ContextSpecSessions"] : ["delete", String(40 + round / 2)]
                    default:
                        // Twenty sessions in one commit: many files renamed after one journal record.
                        arguments = ["set-status"] + (1...20).map(String.init) + [round % 2 == 0 ? "failed" : "complete"]
                    }
                    if runner.run(arguments).status == 0 { commits.withLock { $0 += 1 } }
                }
            }
        })

        var generator = SplitMix64(seed: 15)
        var copies: [String] = []
        var backups: [String] = []
        while commits.withLock({ $0 }) < 5 { usleep(10_000) }
        for index in 0..<30 {
            let copy = directory.path + "/copy-\(index)"
            if index % 3 == 0 {
                _ = ProcessRunner(executable: "/bin/cp", environment: [:]).run(["-a", store, copy])
            } else {
                // In a random order, letting the writers move on between entries.
                StoreCopies.copyTree(from: store, to: copy, order: { $0.shuffled(using: &generator) },
                                     between: { usleep(UInt32(generator.int(in: 0...15_000))) })
            }
            copies.append(copy)
            if index % 6 == 5 {
                let backup = directory.path + "/backup-\(index)"
                let result = runner.run(["backup", backup])
                #expect(result.status == 0 && result.stdout.hasPrefix("Backed up "), "\(result.stderr)")
                backups.append(backup)
            }
        }
        stop.withLock { $0 = true }
        writers.join()

        var clean = 0, rebuilt = 0, refused = 0, wrong = 0, midCommit = 0
        for copy in copies {
            var environment = runner
            environment.environment["SESSIONS_HOME"] = copy
            let filesBefore = try Self.filesSummaries(copy)
            let agreed = !Self.caughtMidCommit(copy) && Self.indexedSummaries(copy) == filesBefore
            if Self.caughtMidCommit(copy) { midCommit += 1 }
            let list = environment.run(["list", "--json", "--sort", "id"])
            guard list.status == 0 else {
                let clear = list.status == 2 && list.stderr.contains("this store is a copy of one in another directory")
                #expect(clear, "\(copy): \(list.stderr)")
                refused += 1
                continue
            }
            // Never silently wrong: what is listed is what the files hold, and every listed session opens.
            let listed = try #require(try JSONParser.parse(list.stdout).arrayValue).compactMap { $0.objectValue?["id"]?.intValue }
            let files = try Self.filesSummaries(copy)
            let summaries = try FileStore(root: copy).catalog().summaries
            let right = listed == files.map(\.id.rawValue) && summaries == files
            if !right { wrong += 1 }
            #expect(right, "\(copy): listed \(listed), files \(files.map(\.id.rawValue))")
            // What `show` reads, for every listed session.
            let opened = SessionService(store: try FileStore(root: copy), scope: Scope(accountID: 1))
            for id in listed { #expect(try opened.session(id: Session.ID(id)).id.rawValue == id, "\(copy): \(id)") }
            #expect(TestFiles.list(copy + "/tmp").isEmpty)
            let report = StoreDoctor(root: copy).run(repair: false)
            #expect(report.isHealthy, "\(copy): \(report.findings)")
            if agreed { clean += 1 } else { rebuilt += 1 }
        }
        var backupsClean = 0
        for backup in backups {
            let opened = try FileStore(root: backup)
            let needs = try opened.needsMaintenance()
            let agrees = try opened.catalog().summaries == (try Self.filesSummaries(backup))
            #expect(needs == nil && agrees, "\(backup): \(String(describing: needs))")
            if needs == nil && agrees { backupsClean += 1 }
        }
        #expect(wrong == 0)
        #expect(clean + rebuilt + refused == copies.count)
        print("copies under load: \(copies.count) copies (\(copies.count / 3) whole-tree, \(copies.count - copies.count / 3) file by file "
            + "in random order) while 3 writers made \(commits.withLock { $0 }) commits; \(clean) clean, \(rebuilt) rebuilt, "
            + "\(refused) refused with a clear error, \(wrong) silently wrong; \(midCommit) caught mid-commit; "
            + "\(backupsClean) of \(backups.count) backups taken meanwhile needed nothing rebuilt")
    }
}

