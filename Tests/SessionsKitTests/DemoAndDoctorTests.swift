import Glibc
import Testing
import TestSupport
@testable import SessionsKit

@Suite("Demo generator")
struct DemoTests {
    func options(sessions: Int, interactions: Int = 6, seed: UInt64 = 9) -> DemoGenerator.Options {
        var options = DemoGenerator.Options()
        options.sessions = sessions
        options.interactions = interactions
        options.seed = seed
        options.outputBytes = 300
        options.now = Timestamp(iso8601: "2026-03-01T12:00:00Z")!
        options.batchSize = 7
        return options
    }

    @Test("covers every type and status, pending and failed steps, and UTF-8")
    func coverage() throws {
        let fixture = try StoreFixture()
        let ids = try DemoGenerator(options: options(sessions: 60)).populate(fixture.service())
        #expect(ids == (1...60).map { Session.ID($0) })
        let sessions = try ids.map { try #require(try fixture.store.session(id: $0)) }
        #expect(Set(sessions.map(\.type)) == Set(SessionType.builtIn))
        #expect(Set(sessions.map(\.status)) == Set(SessionStatus.allCases))
        let interactions = sessions.flatMap(\.interactions)
        #expect(interactions.count == 60 * 6)
        #expect(interactions.contains { $0.isPending })
        #expect(Set(interactions.compactMap { $0.result?.status }) == Set(ResultStatus.allCases))
        #expect(interactions.contains { $0.result?.stdout?.lossyText.contains("\n") == true })
        #expect(interactions.contains { $0.result?.stdout?.lossyText.unicodeScalars.contains { !$0.isASCII } == true })
        #expect(sessions.filter { $0.status == .failed }.allSatisfy { $0.interactions.last?.result?.status == .error })
        #expect(sessions.allSatisfy { $0.updatedAt >= $0.insertedAt && $0.accountID == 1 })
        #expect(try fixture.store.registry().projects.count == DemoGenerator.projectNames.count)
    }

    @Test("the same seed gives the same store, byte for byte")
    func deterministic() throws {
        var snapshots: [[String: [UInt8]]] = []
        for _ in 0..<2 {
            let fixture = try StoreFixture()
            try DemoGenerator(options: options(sessions: 15, seed: 123)).populate(fixture.service())
            snapshots.append(TestFiles.snapshot(fixture.root + "/sessions"))
        }
        #expect(snapshots[0].count == 30, "each session's file and its interaction log")
        #expect(snapshots[0] == snapshots[1])
        let other = try StoreFixture()
        try DemoGenerator(options: options(sessions: 15, seed: 124)).populate(other.service())
        #expect(TestFiles.snapshot(other.root + "/sessions") != snapshots[0])
    }
}

@Suite("Doctor")
struct DoctorTests {
    func populated() throws -> StoreFixture {
        let fixture = try StoreFixture()
        var options = DemoGenerator.Options()
        options.sessions = 5
        options.interactions = 2
        options.outputBytes = 100
        try DemoGenerator(options: options).populate(fixture.service())
        return fixture
    }

    @Test("a healthy store is reported healthy")
    func healthy() throws {
        let fixture = try populated()
        let report = StoreDoctor(root: fixture.root).run(repair: false)
        #expect(report.isHealthy, "\(report.findings)")
        #expect(report.sessionCount == 5)
        #expect(report.interactionCount == 10)
    }

    @Test("a corrupt session file is reported with its position and never rewritten")
    func corruptSession() throws {
        let fixture = try populated()
        let path = fixture.root + "/sessions/3.json"
        TestFiles.write(path, "{\"id\": 3,")
        for repair in [false, true] {
            let report = StoreDoctor(root: fixture.root).run(repair: repair)
            #expect(!report.isHealthy)
            #expect(report.findings.contains { $0.subject == "sessions/3.json" && $0.message.contains("line 1, column 10") })
        }
        #expect(TestFiles.readText(path) == "{\"id\": 3,")
        // The repaired index keeps the damaged session, marked, until it is fixed or deleted.
        let summaries = try fixture.store.catalog().summaries
        #expect(summaries.map(\.id) == [1, 2, 3, 4, 5])
        #expect(summaries.map { $0.damaged != nil } == [false, false, true, false, false])
    }

    @Test("repair rebuilds a corrupt index, removes temp files and tightens modes")
    func repairs() throws {
        let fixture = try populated()
        let expected = try fixture.store.catalog().summaries
        TestFiles.write(fixture.root + "/index.jsonl", "garbage\n")
        TestFiles.write(fixture.root + "/tmp/session-9.123.abc", "partial")
        chmod(fixture.root + "/sessions/2.json", 0o644)
        let examined = StoreDoctor(root: fixture.root).run(repair: false)
        #expect(!examined.isHealthy)
        #expect(TestFiles.readText(fixture.root + "/index.jsonl") == "garbage\n")
        let repaired = StoreDoctor(root: fixture.root).run(repair: true)
        #expect(repaired.isHealthy, "\(repaired.findings)")
        #expect(repaired.findings.contains { $0.repaired && $0.subject == "index.jsonl" })
        #expect(try fixture.store.catalog().summaries == expected)
        #expect(TestFiles.list(fixture.root + "/tmp").isEmpty)
        #expect(TestFiles.mode(fixture.root + "/sessions/2.json") == 0o600)
        #expect(StoreDoctor(root: fixture.root).run(repair: false).isHealthy)
    }

    @Test("a store directory others can write is refused, and repair removes their write bits")
    func writableRoot() throws {
        let fixture = try populated()
        chmod(fixture.root, 0o770)
        #expect(throws: StoreError.self) { try FileStore(root: fixture.root) }
        #expect(!StoreDoctor(root: fixture.root).run(repair: false).isHealthy)
        #expect(TestFiles.mode(fixture.root) == 0o770)
        let report = StoreDoctor(root: fixture.root).run(repair: true)
        #expect(report.isHealthy, "\(report.findings)")
        #expect(TestFiles.mode(fixture.root) == 0o750)
        #expect(try FileStore(root: fixture.root).catalog().summaries.count == 5)
    }

    @Test("a lost registry is recreated from the session files")
    func lostRegistry() throws {
        let fixture = try populated()
        unlink(fixture.root + "/store.json")
        #expect(throws: StoreError.self) { try FileStore(root: fixture.root) }
        let report = StoreDoctor(root: fixture.root).run(repair: true)
        #expect(report.isHealthy, "\(report.findings)")
        let store = try FileStore(root: fixture.root)
        let registry = try store.registry()
        #expect(registry.account(1) != nil)
        #expect(registry.nextSessionID == 6)
        #expect(try store.catalog().summaries.count == 5)
    }
}

@Suite("Demo generator: time")
struct DemoTimeTests {
    @Test("no generated time lies in the future, even for long histories")
    func nothingInTheFuture() throws {
        let fixture = try StoreFixture()
        var options = DemoGenerator.Options()
        options.sessions = 40
        options.interactions = 30
        options.outputBytes = 50
        options.now = Timestamp(iso8601: "2026-03-01T12:00:00Z")!
        try DemoGenerator(options: options).populate(fixture.service())
        for summary in try fixture.store.catalog().summaries {
            let session = try #require(try fixture.store.session(id: summary.id))
            let times = [session.insertedAt, session.updatedAt] + session.interactions.flatMap {
                [$0.insertedAt, $0.completedAt, $0.command.timestamp, $0.result?.timestamp].compactMap { $0 }
            }
            #expect(times.allSatisfy { $0 < options.now }, "session \(session.id)")
            #expect(session.insertedAt <= session.updatedAt)
        }
    }
}
