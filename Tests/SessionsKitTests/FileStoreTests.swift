import Glibc
import Testing
import TestSupport
@testable import SessionsKit

@Suite("File store: layout, recovery and bad contents")
struct FileStoreTests {
    func populated(sessions: Int = 3) throws -> (StoreFixture, SessionService) {
        let fixture = try StoreFixture()
        let service = fixture.service()
        for index in 0..<sessions {
            let session = try service.create(SessionDraft(type: "ComponentCodingSessions", agent: "claude_code",
                                                          state: .object(JSONObject(["n": .int(index)]))))
            let interaction = try service.addInteraction(sessionID: session.id, CommandDraft(module: "M", command: "step \(index)"))
            _ = try service.completeInteraction(sessionID: session.id, interactionID: interaction.id,
                                                ResultDraft(status: "ok", stdout: .text("out \(index)\n")))
        }
        return (fixture, service)
    }

    @Test("a new store has account 1 named after the user, and the documented files")
    func layout() throws {
        let fixture = try StoreFixture()
        #expect(TestFiles.list(fixture.root) == ["index.jsonl", "journal.jsonl", "lock", "sessions", "store.json", "tmp"])
        let registry = try fixture.store.registry()
        #expect(registry.accounts.map(\.name) == ["alice"])
        #expect(registry.defaultAccountID == 1)
        let storeJSON = try #require(TestFiles.readText(fixture.root + "/store.json"))
        #expect(storeJSON.hasPrefix("{\n  \"format\": 2,\n  \"default_account_id\": 1,"))
        #expect(TestFiles.readText(fixture.root + "/index.jsonl") == "{\"format\":2,\"generation\":0,\"count\":0}\n")
        #expect(try fixture.store.generation() == 0)
    }

    @Test("the store is byte-stable: reading everything and writing it back changes no byte")
    func byteStableStore() throws {
        let (fixture, _) = try populated()
        // Rewrite every session and the registry unchanged through the store
        // itself. The first rewrite writes each interaction log whole, one line
        // per interaction, where appends and completions had added lines;
        // from then on the files are what writing the sessions gives.
        let catalog = try fixture.store.catalog()
        let sessions = try catalog.summaries.map { try #require(try fixture.store.session(id: $0.id)) }
        func rewrite() throws {
            try fixture.store.write { transaction in
                for summary in catalog.summaries { transaction.put(try #require(try transaction.session(id: summary.id))) }
            }
        }
        try rewrite()
        #expect(try catalog.summaries.map { try fixture.store.session(id: $0.id) } == sessions)
        let before = TestFiles.snapshot(fixture.root)
        try rewrite()
        let after = TestFiles.snapshot(fixture.root)
        for (name, bytes) in before where name.hasPrefix("sessions/") || name == "store.json" {
            #expect(after[name] == bytes, "\(name) changed")
        }
        #expect(try fixture.reopen().catalog().summaries == catalog.summaries)
    }

    @Test("listing reads only the index and journal, never a session file")
    func listDoesNotReadInteractions() throws {
        let (fixture, service) = try populated()
        // Make every session file unreadable as JSON: lists must not notice.
        for id in 1...3 { TestFiles.write(fixture.root + "/sessions/\(id).json", "{ this is not json") }
        let summaries = try service.list()
        #expect(summaries.count == 3)
        #expect(summaries.allSatisfy { $0.interactionCount == 1 && $0.lastResult == .ok })
        #expect(throws: StoreError.self) { try service.session(id: 1) }
    }

    @Test("a corrupt session file is an error naming file, line and column, and nothing is written")
    func corruptSessionFile() throws {
        let (fixture, service) = try populated()
        let path = fixture.root + "/sessions/2.json"
        var text = try #require(TestFiles.readText(path))
        text = text.replacingOccurrences(of: "\"status\": \"active\",", with: "\"status\": \"active\"")
        TestFiles.write(path, text)
        let before = TestFiles.snapshot(fixture.root)
        let message = errorText { try service.setStatus(id: 2, to: .complete) }
        #expect(message?.contains("\(path): line 9, column 5: unexpected '\"', expected ',' or '}'") == true, "\(message ?? "nil")")
        #expect(message?.contains("Nothing was changed") == true)
        #expect(TestFiles.snapshot(fixture.root) == before)
        #expect(try service.list().count == 3)  // the rest of the store still works
    }

    enum IndexDamage: String, CaseIterable {
        case truncated, garbageLine, wrongCount

        func apply(_ text: String) -> String {
            switch self {
            case .truncated: return String(text.dropLast(40))
            case .garbageLine: return text + "{\"id\": 4,\n"
            case .wrongCount: return text.replacingOccurrences(of: "\"count\":3", with: "\"count\":4")
            }
        }
    }

    @Test("a truncated or corrupt index is an error, never an empty store", arguments: IndexDamage.allCases)
    func corruptIndex(damage: IndexDamage) throws {
        let (fixture, service) = try populated()
        try fixture.store.compact()
        let path = fixture.root + "/index.jsonl"
        TestFiles.write(path, damage.apply(try #require(TestFiles.readText(path))))
        let before = TestFiles.snapshot(fixture.root)
        let message = errorText { _ = try service.list() }
        #expect(message?.hasPrefix(path) == true, "\(damage): \(message ?? "listed")")
        #expect(message?.contains("sessions doctor --repair") == true)
        #expect(TestFiles.snapshot(fixture.root)["index.jsonl"] == before["index.jsonl"])
    }

    @Test("a store written by a newer version is refused and left untouched", arguments: ["store.json", "index.jsonl", "journal.jsonl"])
    func newerFormat(file: String) throws {
        let (fixture, service) = try populated()
        let path = fixture.root + "/" + file
        let text = try #require(TestFiles.readText(path))
        let newer = StoreFormat.version + 1
        TestFiles.write(path, text.replacingOccurrences(of: "\"format\": \(StoreFormat.version)", with: "\"format\": \(newer)")
            .replacingOccurrences(of: "\"format\":\(StoreFormat.version)", with: "\"format\":\(newer)"))
        let before = TestFiles.snapshot(fixture.root)
        let listMessage = errorText { _ = try service.list() }
        let writeMessage = errorText { try service.setStatus(id: 1, to: .failed) }
        #expect(listMessage?.contains("format version \(newer)") == true, "\(listMessage ?? "")")
        #expect(writeMessage?.contains("format version \(newer)") == true, "\(writeMessage ?? "")")
        #expect(TestFiles.snapshot(fixture.root) == before)
    }

    @Test("a corrupt registry names its position and blocks every command")
    func corruptRegistry() throws {
        let (fixture, service) = try populated()
        TestFiles.write(fixture.root + "/store.json", "{\n  \"format\": 1,\n  \"accounts\": [\n")
        let message = errorText { _ = try fixture.store.registry() }
        #expect(message?.contains("store.json: line 4, column 1: unexpected end of input") == true, "\(message ?? "")")
        #expect(throws: StoreError.self) { try service.create(SessionDraft(type: "ContextSpecSessions")) }
    }

    @Test("a crash at any step of a commit leaves the old state or the new one", arguments: 1...4)
    func crashDuringCommit(step: Int) throws {
        let (fixture, service) = try populated()
        var options = FileStore.Options(initialAccountName: "alice")
        options.crashAfterStep = step
        let crashing = try fixture.reopen(options: options)
        let crashingService = SessionService(store: crashing, scope: Scope(accountID: 1), clock: fixture.clock.function)
        #expect(throws: (any Error).self) { try crashingService.setStatus(id: 2, to: .failed) }
        #expect(throws: (any Error).self) { _ = try crashingService.create(SessionDraft(type: "ContextSpecSessions")) }

        // The next process to open the store sees a consistent state...
        let status = try service.session(id: 2).status
        let committed = step >= 3
        #expect(status == (committed ? .failed : .active))
        let summaries = try service.list()
        #expect(summaries.first { $0.id == 2 }?.status == status)
        // ...and no temporary file survives that open.
        #expect(TestFiles.list(fixture.root + "/tmp").isEmpty)
        // The crashed create exists exactly when its commit point was reached,
        // the store keeps working, and ids stay unique.
        #expect((try fixture.store.session(id: 4) != nil) == committed)
        let created = try service.create(SessionDraft(type: "ContextSpecSessions"))
        #expect(created.id == (committed ? 5 : 4))
        #expect(try service.list().count == (committed ? 5 : 4))
    }

    @Test("a commit interrupted between renames is finished by the next open")
    func rollForward() throws {
        let (fixture, service) = try populated()
        // Stage a two-file commit (session and registry), then apply only its journal record.
        var options = FileStore.Options(initialAccountName: "alice")
        options.crashAfterStep = 3
        let crashing = try fixture.reopen(options: options)
        #expect(throws: (any Error).self) {
            _ = try SessionService(store: crashing, scope: Scope(accountID: 1), clock: fixture.clock.function)
                .create(SessionDraft(type: "ContextSpecSessions"))
        }
        // Half the renames happened before the "crash".
        let tail = try #require(try Journal(path: fixture.root + "/journal.jsonl").readTail()?.last)
        #expect(tail.files.count == 2)
        let first = tail.files[0]
        #expect(Glibc.rename(fixture.root + "/" + first.temp, fixture.root + "/" + first.path) == 0)
        #expect(try fixture.store.needsMaintenance() == .unappliedCommit)
        #expect(try service.session(id: 4).type.name == "ContextSpecSessions")
        #expect(try fixture.store.registry().nextSessionID == 5)
        #expect(try fixture.store.needsMaintenance() == nil)
    }

    @Test("a torn journal record from a crash is cut off and never counts")
    func tornJournal() throws {
        let (fixture, service) = try populated()
        let journal = fixture.root + "/journal.jsonl"
        var bytes = try #require(TestFiles.read(journal))
        let validLength = bytes.count
        bytes += Array("{\"generation\":99,\"put\":[{\"id\":1,\"ty".utf8)
        TestFiles.write(journal, bytes)
        #expect(try fixture.store.needsMaintenance() == .tornJournal)
        #expect(try service.list().count == 3)
        #expect(TestFiles.read(journal)?.count == validLength)
        try service.setStatus(id: 1, to: .complete)
        #expect(try fixture.reopen().catalog().summaries.first { $0.id == 1 }?.status == .complete)
    }

    @Test("a missing or stale index is rebuilt from the session files")
    func rebuildsIndex() throws {
        let (fixture, service) = try populated()
        let expected = try service.list()
        unlink(fixture.root + "/index.jsonl")
        #expect(try service.list() == expected)
        #expect(TestFiles.exists(fixture.root + "/index.jsonl"))
        // An index older than the journal's base (e.g. restored from a backup) is stale.
        try fixture.store.compact()
        let old = try #require(TestFiles.read(fixture.root + "/index.jsonl"))
        try service.setStatus(id: 3, to: .failed)
        try fixture.store.compact()
        TestFiles.write(fixture.root + "/index.jsonl", old)
        #expect(try fixture.store.needsMaintenance() == .staleIndex)
        #expect(try service.list().first { $0.id == 3 }?.status == .failed)
    }

    @Test("compaction folds the journal into the index without changing what lists see")
    func compaction() throws {
        var options = FileStore.Options(initialAccountName: "alice")
        options.compactionThreshold = 2_000
        let fixture = try StoreFixture(options: options)
        let service = fixture.service()
        for index in 0..<40 {
            let session = try service.create(SessionDraft(type: "ContextSpecSessions"))
            if index % 3 == 0 { try service.setStatus(id: session.id, to: .failed) }
            if index % 7 == 0 { try service.delete(id: session.id) }
        }
        let journalSize = TestFiles.read(fixture.root + "/journal.jsonl")?.count ?? 0
        #expect(journalSize < 4_000)
        let catalog = try fixture.store.catalog()
        #expect(catalog.summaries.count == 40 - 6)
        #expect(catalog.summaries.filter { $0.status == .failed }.count == 14 - 2)
        #expect(try SessionScan.read(root: fixture.root).sessions == catalog.summaries)
        #expect(catalog.generation > 40)
    }

    @Test("a store directory writable by others or owned by someone else is refused")
    func unsafeDirectory() throws {
        let directory = TemporaryDirectory()
        let root = directory.path + "/shared"
        mkdir(root, 0o700)
        chmod(root, 0o777)
        #expect(errorText { _ = try FileStore(root: root) }?.contains("writable by its group") == true)
        chmod(root, 0o703)
        #expect(errorText { _ = try FileStore(root: root) }?.contains("writable by others") == true)
        chmod(root, 0o755)
        #expect(errorText { _ = try FileStore(root: root, options: .init(initialAccountName: "a")) } == nil)
        if geteuid() == 0 {
            // Only root can hand a directory to another user; the check applies to it as well.
            let foreign = directory.path + "/foreign"
            mkdir(foreign, 0o700)
            chown(foreign, 65_534, 65_534)
            #expect(errorText { _ = try FileStore(root: foreign) }?.contains("owned by uid 65534") == true)
            #expect(!TestFiles.exists(foreign + "/store.json"))
        }
        let file = directory.path + "/file"
        TestFiles.write(file, "x")
        #expect(errorText { _ = try FileStore(root: file) }?.contains("not a directory") == true)
    }

    @Test("a journal naming paths outside the store is refused, not followed")
    func tamperedJournal() throws {
        let (fixture, service) = try populated()
        let record = "{\"generation\":100,\"put\":[],\"delete\":[],\"files\":[{\"path\":\"../../etc/x\",\"temp\":\"tmp/a\",\"inode\":1}],\"remove\":[]}\n"
        let journal = fixture.root + "/journal.jsonl"
        TestFiles.write(journal, (TestFiles.read(journal) ?? []) + Array(record.utf8))
        let message = errorText { try service.setStatus(id: 1, to: .failed) }
        #expect(message?.contains("not a store file") == true, "\(message ?? "")")
    }
}

/// The process umask is global, so this suite runs its tests one at a time.
@Suite("File store: permissions", .serialized)
struct FileStorePermissionTests {
    @Test("files are 0600 and directories 0700 even under umask 000")
    func permissionsUnderOpenUmask() throws {
        let previous = umask(0)
        defer { umask(previous) }
        let fixture = try StoreFixture()
        let service = fixture.service()
        _ = try service.create(SessionDraft(type: "ContextSpecSessions"))
        try service.setStatus(id: 1, to: .failed)
        _ = try service.addProject(name: "p")
        try fixture.store.compact()
        for (name, _) in TestFiles.snapshot(fixture.root) {
            #expect(TestFiles.mode(fixture.root + "/" + name) == 0o600, "\(name)")
        }
        for directory in ["", "/sessions", "/tmp"] {
            #expect(TestFiles.mode(fixture.root + directory) == 0o700, "\(directory)")
        }
        // Parents the store had to create are private too.
        #expect(TestFiles.mode(fixture.directory.path) != nil)
    }

}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        replacing(target, with: replacement)
    }
}

@Suite("File store: symbolic links")
struct FileStoreLinkTests {
    @Test("a store path that is a link to a directory is followed; links inside the store are refused")
    func links() throws {
        let directory = TemporaryDirectory()
        let real = directory.path + "/real"
        mkdir(real, 0o700)
        #expect(symlink(real, directory.path + "/link") == 0)
        let store = try FileStore(root: directory.path + "/link", options: .init(initialAccountName: "a"))
        let service = SessionService(store: store, scope: Scope(accountID: 1))
        _ = try service.create(SessionDraft(type: "ContextSpecSessions"))
        #expect(TestFiles.exists(real + "/sessions/1.json"))
        #expect(TestFiles.mode(directory.path + "/link") != nil)

        // A session file replaced by a link to a secret is not read through it.
        let secret = directory.path + "/secret"
        TestFiles.write(secret, "{\"id\": 1}")
        unlink(real + "/sessions/1.json")
        #expect(symlink(secret, real + "/sessions/1.json") == 0)
        let message = errorText { _ = try service.session(id: 1) }
        #expect(message?.contains("is a symbolic link") == true, "\(message ?? "read")")
        #expect(TestFiles.readText(secret) == "{\"id\": 1}")
    }
}
