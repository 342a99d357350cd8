import Glibc
import Testing
import TestSupport
@testable import SessionsKit

/// A store copied file by file while a writer runs holds an index, a journal
/// and session files from different moments. A copy is recognised by the
/// directory its journal names, and its index is rebuilt from its session
/// files before anything is read, so nothing it lists is missing or stale.
@Suite("Copies of a store")
struct StoreCopyTests {
    func populated() throws -> (StoreFixture, SessionService) {
        let fixture = try StoreFixture()
        let service = fixture.service()
        for index in 0..<3 {
            let session = try service.create(SessionDraft(type: "ContextSpecSessions", state: .object(JSONObject(["n": .int(index)]))))
            _ = try service.addInteraction(sessionID: session.id, CommandDraft(module: "M", command: "step \(index)"))
        }
        return (fixture, service)
    }

    /// Changes a session, deletes one and creates one.
    func write(_ service: SessionService) throws {
        _ = try service.addInteraction(sessionID: 1, CommandDraft(module: "M", command: "later"))
        try service.delete(id: 2)
        try service.setStatus(id: 3, to: .failed)
        _ = try service.create(SessionDraft(type: "IntegrationSessions"))
    }

    /// What a copy's session files hold, as summaries.
    func filesSummaries(_ root: String) throws -> [SessionSummary] {
        try TestFiles.list(root + "/sessions").compactMap { name -> SessionSummary? in
            guard let id = StoreFormat.sessionID(fromFileName: name) else { return nil }
            return try #require(try StoredSession(root: root, id: id).head()).summary
        }.sorted { $0.id < $1.id }
    }

    /// Lists exactly what the files hold, and every session listed opens.
    func expectAgrees(_ root: String, _ comment: Comment) throws {
        let copy = SessionService(store: try FileStore(root: root), scope: Scope(accountID: 1))
        let listed = try copy.list(SessionQuery(sort: .id))
        #expect(listed == (try filesSummaries(root)), comment)
        for summary in listed { #expect(try copy.session(id: summary.id).id == summary.id, comment) }
        #expect(TestFiles.list(root + "/tmp").isEmpty, comment)
        #expect(StoreDoctor(root: root).run(repair: false).isHealthy, comment)
    }

    @Test("a copy whose index and journal were taken before a writer changed the files lists what the files hold")
    func indexCopiedFirst() throws {
        let (fixture, service) = try populated()
        let copy = fixture.directory.path + "/copy"
        StoreCopies.copy(["store.json", "index.jsonl", "journal.jsonl", "lock"], from: fixture.root, to: copy)
        try write(service)
        StoreCopies.copy(["sessions", "tmp"], from: fixture.root, to: copy)
        try expectAgrees(copy, "index first")
        #expect(try FileStore(root: copy).catalog().summaries.map(\.id) == [1, 3, 4])
    }

    @Test("a copy whose session files were taken before a writer changed them lists what the files hold")
    func sessionsCopiedFirst() throws {
        let (fixture, service) = try populated()
        let copy = fixture.directory.path + "/copy"
        StoreCopies.copy(["sessions", "tmp", "lock"], from: fixture.root, to: copy)
        try write(service)
        StoreCopies.copy(["store.json", "index.jsonl", "journal.jsonl"], from: fixture.root, to: copy)
        try expectAgrees(copy, "sessions first")
        #expect(try FileStore(root: copy).catalog().summaries.map(\.id) == [1, 2, 3])
    }

    @Test("a copy taken in the middle of a commit puts each new file in place only when it is the newer one")
    func copiedMidCommit() throws {
        let (fixture, _) = try populated()
        var options = FileStore.Options(initialAccountName: "alice")
        options.crashAfterStep = 3  // the journal holds the commit; no file is in place yet
        let crashing = SessionService(store: try fixture.reopen(options: options), scope: Scope(accountID: 1), clock: fixture.clock.function)
        #expect(throws: (any Error).self) { _ = try crashing.setStatuses([(1, .failed), (3, .failed)]) }
        let newer = fixture.directory.path + "/newer"
        StoreCopies.copyTree(from: fixture.root, to: newer)
        try expectAgrees(newer, "the copy's temporary files are the newer")
        #expect(try FileStore(root: newer).catalog().summaries.map(\.status) == [.failed, .active, .failed])

        // Session 3's file was taken after a later commit wrote it: it stays.
        let older = fixture.directory.path + "/older"
        StoreCopies.copyTree(from: fixture.root, to: older)
        var later = timespec()
        later.tv_sec = time(nil) + 60
        var times = [later, later]
        #expect(utimensat(AT_FDCWD, older + "/sessions/3.json", &times, 0) == 0)
        try expectAgrees(older, "session 3's file is the newer")
        #expect(try FileStore(root: older).catalog().summaries.map(\.status) == [.failed, .active, .active])
    }

    @Test("a copy that caught a commit's temporary file half written keeps the whole, older file it holds")
    func tornTemporaryFile() throws {
        let (fixture, _) = try populated()
        var options = FileStore.Options(initialAccountName: "alice")
        options.crashAfterStep = 3  // the journal holds the commit; no file is in place yet
        let crashing = SessionService(store: try fixture.reopen(options: options), scope: Scope(accountID: 1), clock: fixture.clock.function)
        #expect(throws: (any Error).self) { _ = try crashing.setStatuses([(1, .failed), (3, .failed)]) }
        for cut in [0, 1, 2] {
            let copy = fixture.directory.path + "/copy-\(cut)"
            StoreCopies.copyTree(from: fixture.root, to: copy)
            // Session 1's new head, as a copy would take it while it was written:
            // empty, half of it, or all but its closing brace and line end. Its time is the copy's, the newer.
            let temp = try #require(TestFiles.list(copy + "/tmp").first { $0.hasPrefix("session-1.") })
            let whole = try #require(TestFiles.read(copy + "/tmp/" + temp))
            TestFiles.write(copy + "/tmp/" + temp, Array(whole.prefix([0, whole.count / 2, whole.count - 2][cut])))
            try expectAgrees(copy, "session 1's temporary file cut to \(cut)")
            #expect(try FileStore(root: copy).catalog().summaries.map(\.status) == [.active, .active, .failed], "cut \(cut)")
        }
    }

    @Test("doctor names a copy, says whether its index matches, and --repair rebuilds it so")
    func doctorOnACopy() throws {
        let (fixture, service) = try populated()
        let clean = fixture.directory.path + "/clean"
        StoreCopies.copyTree(from: fixture.root, to: clean)
        let report = StoreDoctor(root: clean).run(repair: false)
        #expect(!report.isHealthy)
        #expect(report.findings.contains {
            $0.subject == "journal.jsonl" && $0.message.contains("this store is a copy of one in another directory")
                && $0.message.contains("`sessions doctor --repair`")
        }, "\(report.findings)")
        #expect(report.findings.contains { $0.subject == "index.jsonl" && $0.severity == .ok }, "a copy taken at rest matches")

        let stale = fixture.directory.path + "/stale"
        StoreCopies.copy(["store.json", "index.jsonl", "journal.jsonl", "lock"], from: fixture.root, to: stale)
        try write(service)
        StoreCopies.copy(["sessions", "tmp"], from: fixture.root, to: stale)
        let before = StoreDoctor(root: stale).run(repair: false)
        #expect(before.findings.contains { $0.subject == "index.jsonl" && $0.message.contains("out of date") }, "\(before.findings)")
        let repaired = StoreDoctor(root: stale).run(repair: true)
        #expect(repaired.isHealthy, "\(repaired.findings)")
        for finding in repaired.findings where finding.repaired {
            #expect(!finding.message.contains("doctor --repair"), "a fixed line gives no advice: \(finding)")
        }
        #expect(repaired.findings.contains { $0.subject == "index.jsonl" && $0.repaired && $0.message.contains("rebuilt it from 3 session files") })
        #expect(StoreDoctor(root: stale).run(repair: false).isHealthy)
        try expectAgrees(stale, "after doctor --repair")
    }

    @Test("doctor --repair settles a commit whose temporary file is not the one it wrote, and says so without calling it gone")
    func foreignTemporaryFile() throws {
        let (fixture, _) = try populated()
        // The adversarial reproduction: a copy of session 1 in tmp/, and the
        // last record appended again, one generation on, naming it with a wrong inode.
        let temp = "tmp/session-1.999.abc"
        TestFiles.write(fixture.root + "/" + temp, try #require(TestFiles.read(fixture.root + "/sessions/1.json")))
        let journal = fixture.root + "/journal.jsonl"
        var record = try #require(try Journal(path: journal).readTail()?.last)
        record.generation += 1
        record.files = [.init(path: "sessions/1.json", temp: temp, inode: 12_345)]
        TestFiles.write(journal, try #require(TestFiles.read(journal)) + Journal.recordLine(record))

        let report = StoreDoctor(root: fixture.root).run(repair: true)
        let fixed = report.findings.filter(\.repaired).map(\.description)
        #expect(report.isHealthy, "\(report.findings)")
        #expect(fixed.contains { $0.contains("\(temp) is not the file it wrote (inode") && $0.contains("put 1 of its 1 new file in place") },
                "\(fixed)")
        #expect(fixed.allSatisfy { !$0.contains("is gone") && !$0.contains("doctor --repair") }, "\(fixed)")
        #expect(!TestFiles.exists(fixture.root + "/" + temp))
        #expect(StoreDoctor(root: fixture.root).run(repair: false).isHealthy, "the repair left nothing behind")
        try expectAgrees(fixture.root, "after the repair")
    }

    @Test("a copy that cannot be adopted is read as it is only when its index matches its files")
    func copyReadAsItIs() throws {
        let (fixture, service) = try populated()
        let clean = fixture.directory.path + "/clean"
        StoreCopies.copyTree(from: fixture.root, to: clean)
        let store = try FileStore(root: clean)
        let tail = try #require(try store.journal.readTail())
        #expect(try store.needsMaintenance() == .copiedStore)
        try store.checkCopyAsItIs(tail)
        #expect(try store.needsMaintenance() == nil, "found matching, it is read as it is")
        #expect(try FileStore(root: clean).needsMaintenance() == .copiedStore, "another process checks for itself")

        let stale = fixture.directory.path + "/stale"
        StoreCopies.copy(["store.json", "index.jsonl", "journal.jsonl", "lock"], from: fixture.root, to: stale)
        try write(service)
        StoreCopies.copy(["sessions", "tmp"], from: fixture.root, to: stale)
        let staleStore = try FileStore(root: stale)
        let message = errorText { try staleStore.checkCopyAsItIs(try #require(try staleStore.journal.readTail())) }
        #expect(message?.hasPrefix("\(stale): this store is a copy of one in another directory, perhaps taken while it was being written, "
                                  + "and its index does not match its session files (") == true, "\(message ?? "")")
        #expect(message?.contains("`sessions backup`") == true)
    }

    @Test("a journal from before directories were recorded is read as before, and the first write records this one")
    func journalWithoutDirectory() throws {
        let (fixture, service) = try populated()
        let journal = fixture.root + "/journal.jsonl"
        let text = try #require(TestFiles.readText(journal))
        TestFiles.write(journal, text.replacing(/,"directory_inode":\d+/, with: ""))
        #expect(try fixture.store.needsMaintenance() == nil)
        #expect(try service.list().count == 3)
        try service.setStatus(id: 1, to: .failed)
        #expect(try fixture.store.journal.readTail()?.directoryInode != nil)
        #expect(try service.list().first?.status == .failed)
    }
}
