import Glibc
import Testing
import TestSupport
@testable import SessionsKit

/// Regressions for defects found in review, each reproduced first.
@Suite("Store regressions")
struct ReviewRegressionTests {
    @Test("a registry restored from a backup never makes `new` overwrite a session")
    func staleRegistry() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        _ = try service.create(SessionDraft(type: "ContextSpecSessions"))
        let backup = try #require(TestFiles.read(fixture.root + "/store.json"))
        let precious = try service.create(SessionDraft(type: "ContextSpecSessions", state: .object(JSONObject(["precious": .bool(true)]))))
        _ = try service.addProject(name: "later")
        TestFiles.write(fixture.root + "/store.json", backup)

        let report = StoreDoctor(root: fixture.root).run(repair: false)
        #expect(report.findings.contains { $0.message.contains("next session id is 2 but session 2 exists") })

        let created = try service.create(SessionDraft(type: "IntegrationSessions"))
        #expect(created.id == 3)
        #expect(try service.session(id: precious.id).state?["precious"] == .bool(true))
        #expect(StoreDoctor(root: fixture.root).run(repair: true).isHealthy)
        #expect(try fixture.store.registry().nextSessionID == 4)
    }

    @Test("new registry ids always lie above the ids in use")
    func registryCounters() {
        var registry = Registry()
        registry.projects = [Project(id: 7, accountID: 1, name: "restored")]
        registry.nextProjectID = 3
        #expect(registry.addProject(name: "new", accountID: 1, at: Timestamp(seconds: 0)).id == 8)
    }

    @Test("doctor --repair finishes an interrupted commit before it rebuilds the index from the files")
    func doctorAfterInterruptedCommit() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        for _ in 0..<3 { _ = try service.create(SessionDraft(type: "ContextSpecSessions")) }
        var options = FileStore.Options(initialAccountName: "alice")
        options.crashAfterStep = 3
        let crashing = try fixture.reopen(options: options)
        #expect(throws: (any Error).self) {
            _ = try SessionService(store: crashing, scope: Scope(accountID: 1)).create(SessionDraft(type: "ContextSpecSessions"))
        }
        TestFiles.write(fixture.root + "/index.jsonl", "damaged\n")
        let report = StoreDoctor(root: fixture.root).run(repair: true)
        #expect(report.isHealthy, "\(report.findings)")
        #expect(try service.list().map(\.id).sorted() == [1, 2, 3, 4])
        #expect(StoreDoctor(root: fixture.root).run(repair: false).isHealthy)
    }

    @Test("doctor --repair recovers a store whose journal is missing or corrupt", arguments: ["missing", "garbage"])
    func unusableJournal(damage: String) throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        for _ in 0..<3 { _ = try service.create(SessionDraft(type: "ContextSpecSessions")) }
        try service.setStatus(id: 2, to: .failed)
        let journal = fixture.root + "/journal.jsonl"
        if damage == "missing" {
            unlink(journal)
        } else {
            TestFiles.write(journal, (TestFiles.read(journal) ?? []) + Array("not json\n{\"applied\":1}\n".utf8))
        }
        #expect(throws: StoreError.self) { try service.list() }
        let report = StoreDoctor(root: fixture.root).run(repair: true)
        #expect(report.isHealthy, "\(report.findings)")
        #expect(try service.list().map(\.id).sorted() == [1, 2, 3])
        #expect(try service.list(SessionQuery(status: .failed)).map(\.id) == [2])
        _ = try service.create(SessionDraft(type: "ContextSpecSessions"))
        #expect(try service.list().count == 4)
    }

    @Test("an index header claiming an absurd count is an error, not a crash")
    func hugeCount() throws {
        let fixture = try StoreFixture()
        _ = try fixture.service().create(SessionDraft(type: "ContextSpecSessions"))
        try fixture.store.compact()
        let path = fixture.root + "/index.jsonl"
        let text = try #require(TestFiles.readText(path))
        TestFiles.write(path, text.replacing("\"count\":1", with: "\"count\":9223372036854775807"))
        let message = errorText { _ = try fixture.store.catalog() }
        #expect(message?.contains("the header says 9223372036854775807 sessions but 1 follow") == true, "\(message ?? "")")
    }

    @Test("inodes with the top bit set survive the journal")
    func largeInodes() throws {
        let record = JournalRecord(generation: 3, files: [.init(path: "sessions/1.json", temp: "tmp/x", inode: 1 << 63 | 5)])
        let decoded = try JournalRecord.decode(try JSONParser.parse(Journal.recordLine(record)))
        #expect(decoded == record)
    }

    @Test("another account's unreadable session is 'not found', like any other id")
    func corruptForeignSession() throws {
        let fixture = try StoreFixture()
        let bob = try fixture.service().directory.addAccount(name: "bob")
        let bobs = try fixture.service(account: bob.id).create(SessionDraft(type: "ContextSpecSessions"))
        TestFiles.write(fixture.root + "/sessions/\(bobs.id).json", "{ broken")
        let alice = fixture.service(account: 1)
        #expect(errorText { _ = try alice.session(id: bobs.id) } == "session \(bobs.id) not found")
        #expect(errorText { try alice.setStatus(id: bobs.id, to: .failed) } == "session \(bobs.id) not found")
        #expect(errorText { try alice.delete(id: bobs.id) } == "session \(bobs.id) not found")
        // Its owner is told the truth.
        #expect(errorText { _ = try fixture.service(account: bob.id).session(id: bobs.id) }?.contains("line 1, column 3") == true)
    }

    @Test("an index ahead of the journal (an interrupted rebuild) is rebuilt, so new commits stay visible")
    func indexAheadOfJournal() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        _ = try service.create(SessionDraft(type: "ContextSpecSessions"))
        let summaries = try fixture.store.catalog().summaries
        // What a killed rebuild leaves: an index at a generation the journal never reached.
        TestFiles.write(fixture.root + "/index.jsonl", IndexFile.encode(summaries: summaries, generation: 50))
        #expect(try fixture.store.needsMaintenance() == .staleIndex)
        let next = try service.create(SessionDraft(type: "ContextSpecSessions"))
        #expect(try service.list().map(\.id).sorted() == [1, next.id])
        #expect(try fixture.reopen().catalog().generation > 50)
    }
}
