import Glibc
import Testing
import TestSupport
@testable import SessionsKit

/// A damaged session is not a missing one: the store keeps it visible,
/// marked, with its last known summary, until its file is restored or the
/// session deleted; and another account never sees it.
@Suite("Damaged sessions")
struct DamagedSessionTests {
    /// Five demo sessions of account 1, and two of account 2 (ids 6 and 7).
    func populated() throws -> StoreFixture {
        let fixture = try StoreFixture()
        var options = DemoGenerator.Options()
        options.sessions = 5
        options.interactions = 3
        options.outputBytes = 100
        options.now = Timestamp(iso8601: "2026-03-01T12:00:00Z")!
        try DemoGenerator(options: options).populate(fixture.service())
        let bob = try fixture.service().directory.addAccount(name: "bob")
        for _ in 0..<2 { _ = try fixture.service(account: bob.id).create(SessionDraft(type: "ContextSpecSessions")) }
        return fixture
    }

    func file(_ fixture: StoreFixture, _ id: Int) -> String { fixture.root + "/sessions/\(id).json" }

    /// Ways a session file gets damaged, each leaving its account readable
    /// or not from what parses before the damage.
    enum Damage: String, CaseIterable {
        /// A byte that is not JSON, in the status line, before the account.
        case byteBeforeAccount
        /// The file cut off inside its interactions, after the account.
        case cutAfterAccount
        /// JSON that parses but breaks the schema.
        case schema

        func apply(to path: String) {
            let text = TestFiles.readText(path)!
            switch self {
            case .byteBeforeAccount: TestFiles.write(path, text.replacing("\"status\":", with: "\u{1}status\":"))
            case .cutAfterAccount:
                // Inside a head's counts, after its session's fields.
                let cut = text.firstRange(of: "\"interactions\": {")!.upperBound
                TestFiles.write(path, String(text[..<cut]) + "\n    ")
            case .schema: TestFiles.write(path, text.replacing(#""status": "complete""#, with: #""status": "paused""#)
                .replacing(#""status": "active""#, with: #""status": "paused""#).replacing(#""status": "failed""#, with: #""status": "paused""#))
            }
        }

        var detail: String {
            switch self {
            case .byteBeforeAccount: return "line 8, column 5: unexpected byte 0x1, expected a member name in quotes"
            case .cutAfterAccount: return "unexpected end of input inside an object"
            case .schema: return #"session.status: "paused" is not one of active, complete, failed"#
            }
        }
    }

    @Test("doctor names the damaged file, the problem, the session and the remedy; repair keeps it, marked", arguments: Damage.allCases)
    func repairKeepsDamaged(damage: Damage) throws {
        let fixture = try populated()
        let before = try #require(try fixture.store.catalog().summary(id: 3))
        damage.apply(to: file(fixture, 3))
        let bytes = TestFiles.read(file(fixture, 3))
        let examined = StoreDoctor(root: fixture.root).run(repair: false)
        #expect(!examined.isHealthy)
        #expect(examined.damagedSessions == [3])
        let finding = try #require(examined.findings.first { $0.subject == "sessions/3.json" })
        #expect(finding.severity == .problem)
        #expect(finding.message.contains(damage.detail), "\(finding.message)")
        #expect(finding.message.contains("Session 3 is damaged: restore the file from a backup, or drop the session with `sessions delete 3`"))

        let repaired = StoreDoctor(root: fixture.root).run(repair: true)
        #expect(!repaired.isHealthy, "a damaged file still needs its owner")
        let index = try #require(repaired.findings.first { $0.subject == "index.jsonl" })
        #expect(index.repaired)
        #expect(index.message == "it was out of date: 1 damaged session not marked damaged; rebuilt it from 6 session files, "
            + "keeping damaged session 3 with the last known summary, marked damaged")
        let summaries = try fixture.store.catalog().summaries
        #expect(summaries.map(\.id) == [1, 2, 3, 4, 5, 6, 7])
        var marked = before
        marked.damaged = "sessions/3.json: " + (try #require(repaired.findings.first { $0.subject == "sessions/3.json" })).message
            .components(separatedBy: ". Session 3 is damaged")[0]
        #expect(summaries[2] == marked, "the last known summary, marked")
        #expect(summaries[2].damaged?.contains(damage.detail) == true)
        #expect(TestFiles.read(file(fixture, 3)) == bytes, "the file is never rewritten")
        // Repairing again changes nothing, and says the index marks it.
        let again = StoreDoctor(root: fixture.root).run(repair: true)
        #expect(again.findings.contains { $0.description == "ok     index.jsonl: matches the 6 session files, and marks the 1 damaged" },
                "\(again.findings)")
        #expect(try fixture.store.catalog().summaries == summaries)
    }

    @Test("with the index lost too, the session is listed if its file still names its account, and doctor always names it",
          arguments: Damage.allCases)
    func indexLostToo(damage: Damage) throws {
        let fixture = try populated()
        let before = try #require(try fixture.store.catalog().summary(id: 3))
        damage.apply(to: file(fixture, 3))
        unlink(fixture.root + "/index.jsonl")
        // Any command rebuilds the index, and a damaged file no longer stops it.
        let listed = try fixture.service().list()
        let salvaged = listed.first { $0.id == 3 }
        switch damage {
        case .byteBeforeAccount:
            #expect(salvaged == nil, "its account cannot be read: no list shows it")
            let report = StoreDoctor(root: fixture.root).run(repair: false)
            let finding = try #require(report.findings.first { $0.subject == "sessions/3.json" })
            #expect(finding.message.contains("Session 3 is damaged, and no list shows it, because its account cannot be read: "
                + "restore the file from a backup, or remove it."))
        case .cutAfterAccount, .schema:
            let summary = try #require(salvaged)
            #expect(summary.damaged?.hasPrefix("sessions/3.json: ") == true)
            #expect(summary.type == before.type && summary.accountID == before.accountID && summary.projectID == before.projectID)
            #expect(summary.agent == before.agent && summary.environment == before.environment)
            if damage == .schema {
                #expect(summary.interactionCount == before.interactionCount)
                #expect(summary.updatedAt == before.updatedAt)
            } else {
                #expect(summary.interactionCount == 0, "the cut came inside the counts: what the log holds is not guessed")
            }
        }
        #expect(listed.map(\.id).filter { $0 != 3 }.sorted() == [1, 2, 4, 5])
        #expect(try fixture.service(account: 2).list().map(\.id).sorted() == [6, 7], "never shown to another account")
        #expect(StoreDoctor(root: fixture.root).run(repair: false).damagedSessions == [3])
    }

    @Test("another account's damaged file, with the index lost, stops none of this account's commands and is never shown to it")
    func othersDamageWithIndexLost() throws {
        let fixture = try populated()
        for damage in [Damage.cutAfterAccount, .byteBeforeAccount] {
            damage.apply(to: file(fixture, damage == .cutAfterAccount ? 6 : 7))
        }
        unlink(fixture.root + "/index.jsonl")
        let alice = fixture.service(account: 1)
        #expect(try alice.list().map(\.id).sorted() == [1, 2, 3, 4, 5])
        for id in [6, 7] {
            #expect(errorText { _ = try alice.session(id: Session.ID(id)) } == "session \(id) not found")
            #expect(errorText { try alice.delete(id: Session.ID(id)) } == "session \(id) not found")
        }
        _ = try alice.create(SessionDraft(type: "ContextSpecSessions"))
        // Its owner sees what can be known: 6 names its account, 7 does not.
        let bobs = try fixture.service(account: 2).list()
        #expect(bobs.map(\.id) == [6])
        #expect(bobs.allSatisfy { $0.damaged != nil })
    }

    @Test("delete drops a damaged session of one's own, and refuses another account's as not found")
    func deleteDamaged() throws {
        let fixture = try populated()
        Damage.byteBeforeAccount.apply(to: file(fixture, 3))
        Damage.byteBeforeAccount.apply(to: file(fixture, 6))
        #expect(StoreDoctor(root: fixture.root).run(repair: true).damagedSessions == [3, 6])
        #expect(errorText { try fixture.service(account: 2).delete(id: 3) } == "session 3 not found")
        try fixture.service().delete(ids: [3, 4])
        #expect(!TestFiles.exists(file(fixture, 3)))
        #expect(try fixture.store.catalog().summaries.map(\.id) == [1, 2, 5, 6, 7])
        let report = StoreDoctor(root: fixture.root).run(repair: false)
        #expect(report.damagedSessions == [6])
        try fixture.service(account: 2).delete(id: 6)
        #expect(StoreDoctor(root: fixture.root).run(repair: false).isHealthy)
    }

    @Test("a restored file reads at once, and is ordinary again after a repair or a change")
    func restored() throws {
        let fixture = try populated()
        let original = try #require(TestFiles.read(file(fixture, 3)))
        let before = try #require(try fixture.store.catalog().summary(id: 3))
        for restoreBy in ["repair", "change"] {
            Damage.schema.apply(to: file(fixture, 3))
            _ = StoreDoctor(root: fixture.root).run(repair: true)
            let service = fixture.service()
            let message = errorText { _ = try service.session(id: 3) }
            #expect(message?.contains("Session 3 is damaged: restore the file from a backup, or drop the session with `sessions delete 3`.") == true)
            #expect(try fixture.store.catalog().summary(id: 3)?.damaged != nil)
            TestFiles.write(file(fixture, 3), original)
            #expect(try service.session(id: 3).id == 3)
            if restoreBy == "repair" {
                let report = StoreDoctor(root: fixture.root).run(repair: true)
                #expect(report.findings.contains {
                    $0.description.hasPrefix("fixed  index.jsonl: it was out of date: 1 marked damaged whose file reads again;")
                }, "\(report.findings)")
                #expect(try fixture.store.catalog().summary(id: 3) == before)
            } else {
                try service.setStatus(id: 3, to: before.status == .failed ? .active : .failed)
                try service.setStatus(id: 3, to: before.status)
                #expect(try fixture.store.catalog().summary(id: 3)?.damaged == nil)
                TestFiles.write(file(fixture, 3), original)
                _ = StoreDoctor(root: fixture.root).run(repair: true)
            }
            #expect(StoreDoctor(root: fixture.root).run(repair: false).isHealthy)
        }
    }

    @Test("a damaged summary survives compaction and journal refreshes")
    func survivesCompaction() throws {
        let fixture = try populated()
        Damage.cutAfterAccount.apply(to: file(fixture, 2))
        _ = StoreDoctor(root: fixture.root).run(repair: true)
        let first = try fixture.store.catalog()
        _ = try fixture.service().create(SessionDraft(type: "ContextSpecSessions"))
        let refreshed = try fixture.store.catalog(refreshing: first)
        try fixture.store.compact()
        let compacted = try fixture.reopen().catalog()
        for catalog in [refreshed, compacted] {
            #expect(catalog.summary(id: 2)?.damaged == first.summary(id: 2)?.damaged)
            #expect(catalog.summary(id: 2)?.damaged != nil)
        }
    }

    @Test("an index of readable sessions carries no damaged member, so builds before the mark read it as ever")
    func indexUnchangedWithoutDamage() throws {
        let fixture = try populated()
        try fixture.store.compact()
        let index = try #require(TestFiles.readText(fixture.root + "/index.jsonl"))
        #expect(!index.contains("damaged"))
        // A build that predates the mark reads a marked line as a session
        // with one member it does not know, kept as the session's own.
        Damage.schema.apply(to: file(fixture, 3))
        _ = StoreDoctor(root: fixture.root).run(repair: true)
        let marked = try #require(TestFiles.readText(fixture.root + "/index.jsonl")?.split(separator: "\n").first { $0.contains("damaged") })
        let old = try Session.decode(try JSONParser.parse(String(marked)), skipping: ["interaction_count", "last_interaction_at", "last_result_status"])
        #expect(old.extra["damaged"]?.stringValue?.hasPrefix("sessions/3.json: session.status: ") == true)
    }

    @Test("every fixed line says what was wrong and what was done, never the advice for an unrepaired problem",
          arguments: ["index missing", "index corrupt", "index stale", "journal torn", "journal missing", "journal corrupt",
                      "temporary files", "registry missing", "counters behind", "loose permissions", "writable store directory",
                      "damaged session"])
    func fixedLinesSayWhatWasDone(fault: String) throws {
        let fixture = try populated()
        let root = fixture.root
        switch fault {
        case "index missing": unlink(root + "/index.jsonl")
        case "index corrupt": TestFiles.write(root + "/index.jsonl", "garbage\n")
        case "index stale":
            TestFiles.write(root + "/index.jsonl", IndexFile.encode(summaries: try fixture.store.catalog().summaries, generation: 50))
        case "journal torn": TestFiles.write(root + "/journal.jsonl", TestFiles.read(root + "/journal.jsonl")! + Array("{\"generation\":".utf8))
        case "journal missing": unlink(root + "/journal.jsonl")
        case "journal corrupt": TestFiles.write(root + "/journal.jsonl", TestFiles.read(root + "/journal.jsonl")! + Array("not json\n".utf8))
        case "temporary files": TestFiles.write(root + "/tmp/session-9.1.abc", "partial")
        case "registry missing": unlink(root + "/store.json")
        case "counters behind":
            let text = try #require(TestFiles.readText(root + "/store.json"))
            #expect(text.contains(#""session": 8"#))
            TestFiles.write(root + "/store.json", text.replacing(#""session": 8"#, with: #""session": 2"#))
        case "loose permissions": chmod(root + "/sessions/2.json", 0o644)
        case "writable store directory": chmod(root, 0o770)
        default: Damage.schema.apply(to: file(fixture, 3))
        }
        let report = StoreDoctor(root: root).run(repair: true)
        let fixed = report.findings.filter(\.repaired)
        #expect(!fixed.isEmpty, "\(fault): nothing was fixed: \(report.findings)")
        for finding in fixed {
            let line = finding.description
            #expect(line.hasPrefix("fixed  "))
            for advice in ["doctor", "Nothing was changed", "refusing", "should be", "run `", "Run `"] {
                #expect(!line.contains(advice), "\(fault): \(line)")
            }
            #expect(line.contains("; "), "\(fault): says what was wrong, then what was done: \(line)")
        }
        #expect(report.isHealthy == (fault != "damaged session"), "\(report.findings)")
    }
}

@Suite("Damaged sessions: what their files still say")
struct SessionSalvageTests {
    static let modified = Timestamp(iso8601: "2026-05-01T10:00:00Z")!
    static let head = #"{"id": 4, "type": "ContextSpecSessions", "status": "failed", "state": {"account_id": 9}, "account_id": 2"#

    @Test("members count only once they parsed whole; a number at the cut is not trusted")
    func membersBeforeTheDamage() {
        #expect(SessionSalvage.members(Array((Self.head + ", \"project_id\": 1").utf8)).members.map(\.key)
            == ["id", "type", "status", "state", "account_id"])
        let cutNumber = SessionSalvage.members(Array(#"{"id": 4, "account_id": 2"#.utf8))
        #expect(cutNumber.members.map(\.key) == ["id"], "2 may be the start of 21")
        #expect(SessionSalvage.members(Array("not json".utf8)).isEmpty)
    }

    @Test("the session it gives: nested look-alikes ignored, unreadable times from the file, bad members left out")
    func salvagedSession() throws {
        let first = "00000000-0000-4000-8000-000000000001", second = "00000000-0000-4000-8000-000000000002"
        let text = Self.head + #", "agent": "robot", "interactions": [{"id": "\#(first)", "command": {"module": "M", "command": "c"}}, "#
            + #"{"id": "not a uuid", "command": {"command": "d"}}, {"id": "\#(second)", "comm"#
        let session = try #require(SessionSalvage.session(Array(text.utf8), id: 4, modified: Self.modified))
        #expect(session.accountID == 2, "the top-level account, not the one inside state")
        #expect(session.status == .failed && session.agent == nil)
        #expect(session.interactions.map(\.id) == [first], "the bad one left out, the cut one not read")
        #expect(session.insertedAt == Self.modified && session.updatedAt == Self.modified)
    }

    @Test("no session unless the file names its own id, a type and an account, each once", arguments: [
        #"{"id": 5, "type": "T", "account_id": 2, "x": 1"#,
        #"{"id": 4, "type": "T", "x": 1"#,
        #"{"id": 4, "account_id": 2, "x": 1"#,
        #"{"id": 4, "type": "T", "account_id": 2, "account_id": 3, "x": 1"#,
        #"{"type": "T", "account_id": 2, "x": 1"#,
        #"{"id": 4, "type": "T", "account_id": "2", "x": 1"#,
    ])
    func refused(text: String) {
        #expect(SessionSalvage.session(Array(text.utf8), id: 4, modified: Self.modified) == nil)
    }
}
