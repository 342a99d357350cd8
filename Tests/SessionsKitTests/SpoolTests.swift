import Glibc
import Synchronization
import Testing
import TestSupport
@testable import SessionsKit

/// The spool that keeps hook events while the store is locked, its delivery,
/// and the lock's limits and notices, in process.
@Suite("Spool and lock waits")
struct SpoolTests {
    static let conversation = "99999999-9999-4999-8999-999999999999"

    static func payload(_ call: Int, _ name: String = "PreToolUse") -> [UInt8] {
        Array(#"{"session_id":"\#(conversation)","cwd":"/w/app","hook_event_name":"\#(name)","tool_name":"Bash","tool_input":{"command":"echo \#(call)"},"tool_use_id":"toolu_\#(call)"}"#.utf8)
    }

    static func scope(_ fixture: StoreFixture) -> ScopeResolver {
        ScopeResolver(accountFlag: nil, projectFlag: nil, environment: SessionsEnvironment(variables: [:]),
                      config: Config(path: fixture.directory.path + "/config.json"), storeRoot: fixture.root)
    }

    /// Events 1...count, one second apart from `start`, spooled as the hook spools them.
    static func spool(_ fixture: StoreFixture, _ calls: ClosedRange<Int>, start: Timestamp) throws -> EventSpool {
        let spool = EventSpool(storeRoot: fixture.root)
        for call in calls {
            let event = SpooledHookEvent(payload: payload(call), scope: scope(fixture),
                                         receivedAt: start.adding(microseconds: Int64(call) * 1_000_000))
            try spool.append(event.encoded())
        }
        return spool
    }

    static func hookSession(_ fixture: StoreFixture) throws -> Session? {
        let summary = try fixture.store.catalog().summaries.first { $0.externalConversationID == conversation }
        return try summary.flatMap { try fixture.store.session(id: $0.id) }
    }

    @Test("spooled events are kept privately, in order, and delivered in order with the time each came")
    func deliveredInOrder() throws {
        let fixture = try StoreFixture()
        let start = Timestamp(iso8601: "2026-03-01T10:00:00Z")!
        let spool = try Self.spool(fixture, 1...12, start: start)
        #expect(TestFiles.mode(spool.directory) == 0o700)
        let names = TestFiles.list(spool.directory)
        #expect(names.count == 12 && names == names.sorted())
        #expect(names.allSatisfy { TestFiles.mode(spool.directory + "/" + $0) == 0o600 })
        let report = try SpoolDelivery(spool: spool, store: fixture.store, types: SessionTypeRegistry()).deliver()
        #expect(report.delivered == 12 && report.problems.isEmpty)
        let session = try #require(try Self.hookSession(fixture))
        #expect(session.interactions.map(\.command.command) == (1...12).map { "echo \($0)" })
        #expect(session.interactions.map(\.startedAt) == (1...12).map { start.adding(microseconds: Int64($0) * 1_000_000) })
        #expect(session.updatedAt == start.adding(microseconds: 12_000_000))
        #expect(TestFiles.list(spool.directory).isEmpty)
    }

    @Test("a delivery cut short after its commit, before it emptied the spool, is not recorded again")
    func crashBetweenCommitAndRemoval() throws {
        let fixture = try StoreFixture()
        let start = Timestamp(iso8601: "2026-03-01T10:00:00Z")!
        let spool = try Self.spool(fixture, 1...5, start: start)
        // The files as the killed delivery would have left them.
        let left = TestFiles.list(spool.directory).map { ($0, TestFiles.read(spool.directory + "/" + $0)!) }
        let delivery = SpoolDelivery(spool: spool, store: fixture.store, types: SessionTypeRegistry())
        _ = try delivery.deliver()
        let delivered = try #require(try Self.hookSession(fixture))
        #expect(delivered.updatedAt == start.adding(microseconds: 5_000_000))
        for (name, bytes) in left { TestFiles.write(spool.directory + "/" + name, bytes) }
        #expect(try fixture.store.registry().deliveredEvents == left.map(\.0))

        // The next command delivers: it finds them recorded and only removes them.
        // Recorded again, each event would have moved the session's time on.
        #expect(try delivery.deliver().delivered == 5)
        #expect(try Self.hookSession(fixture) == delivered)
        #expect(TestFiles.list(spool.directory).isEmpty)

        // The next hook records its own event, and the keys, their files gone, are forgotten.
        let next = SpooledHookEvent(payload: Self.payload(6), scope: Self.scope(fixture), receivedAt: start.adding(microseconds: 6_000_000))
        #expect(try delivery.deliver(then: next).problems.isEmpty)
        let session = try #require(try Self.hookSession(fixture))
        #expect(session.interactions.map(\.command.command) == (1...6).map { "echo \($0)" })
        #expect(session.updatedAt == start.adding(microseconds: 6_000_000))
        #expect(try fixture.store.registry().deliveredEvents.isEmpty)
        #expect(!(TestFiles.readText(fixture.root + "/store.json") ?? "").contains("delivered_events"))
    }

    @Test("an event that cannot be recorded is reported and removed; the others are recorded")
    func problemsDoNotStopDelivery() throws {
        let fixture = try StoreFixture()
        let spool = EventSpool(storeRoot: fixture.root)
        var elsewhere = Self.scope(fixture)
        elsewhere.accountFlag = EntryReference("42")
        let time = Timestamp(iso8601: "2026-03-01T10:00:00Z")!
        try spool.append(SpooledHookEvent(payload: Self.payload(1), scope: Self.scope(fixture), receivedAt: time).encoded())
        try spool.append(SpooledHookEvent(payload: Self.payload(2), scope: elsewhere, receivedAt: time).encoded())
        try spool.append(Array("not a spooled event".utf8))
        try spool.append(SpooledHookEvent(payload: Self.payload(3), scope: Self.scope(fixture), receivedAt: time).encoded())
        let report = try SpoolDelivery(spool: spool, store: fixture.store, types: SessionTypeRegistry()).deliver()
        #expect(report.delivered == 4)
        #expect(report.problems.count == 2)
        #expect(report.problems.first?.event == "PreToolUse")
        #expect(report.problems.first?.message.contains("account 42") == true)
        #expect(try Self.hookSession(fixture)?.interactions.map(\.command.command) == ["echo 1", "echo 3"])
        #expect(TestFiles.list(spool.directory).isEmpty)
    }

    @Test("the spool is never reached through a link")
    func refusesLinks() throws {
        let fixture = try StoreFixture()
        let elsewhere = fixture.directory.path + "/elsewhere"
        mkdir(elsewhere, 0o700)
        #expect(symlink(elsewhere, fixture.root + "/spool") == 0)
        let spool = EventSpool(storeRoot: fixture.root)
        #expect(throws: StoreError.self) { try spool.append(Self.payload(1)) }
        #expect(throws: StoreError.self) { try spool.entries() }
        #expect(TestFiles.list(elsewhere).isEmpty)
        #expect(TestFiles.linkTarget(fixture.root + "/spool") == elsewhere)

        // A spooled file replaced by a link is not read through it.
        unlink(fixture.root + "/spool")
        let entry = try spool.append(SpooledHookEvent(payload: Self.payload(1), scope: Self.scope(fixture),
                                                      receivedAt: Timestamp.now()).encoded())
        let secret = elsewhere + "/secret"
        TestFiles.write(secret, "not for the store")
        unlink(spool.directory + "/" + entry.name)
        #expect(symlink(secret, spool.directory + "/" + entry.name) == 0)
        #expect(throws: StoreError.self) { try spool.read(entry) }
        let report = try SpoolDelivery(spool: spool, store: fixture.store, types: SessionTypeRegistry()).deliver()
        #expect(report.problems.count == 1)
        #expect(TestFiles.readText(secret) == "not for the store")
    }

    @Test("a write that may not wait gives up after its limit, naming the lock's holder, who leaves the lock file empty")
    func busyNamesTheHolder() throws {
        let fixture = try StoreFixture()
        let lockPath = fixture.root + "/lock"
        var held: StoreLock? = try StoreLock(path: lockPath, mode: .exclusive, holder: "sessions import claude-code")
        #expect(TestFiles.readText(lockPath) == "\(getpid()) sessions import claude-code\n")
        var options = FileStore.Options(initialAccountName: "alice")
        options.lockWaiting = LockWaiting(limitMS: 50)
        let hurried = try fixture.reopen(options: options)
        let started = StoreLock.monotonicMicroseconds()
        #expect(throws: StoreError.busy(path: lockPath, holder: LockHolder(pid: getpid(), command: "sessions import claude-code"))) {
            try hurried.write { _ in }
        }
        let waited = StoreLock.monotonicMicroseconds() - started
        #expect(waited >= 50_000 && waited < 1_000_000)
        _ = held
        held = nil
        #expect(TestFiles.readText(lockPath) == "")
        try hurried.write { _ in }
    }

    @Test("a wait past a second is told to the observer with the holder, and its end too")
    func waitIsTold() throws {
        let fixture = try StoreFixture()
        let heard = EventLog()
        var options = FileStore.Options(initialAccountName: "alice")
        options.lockWaiting = LockWaiting(observer: { heard.add($0) })
        let patient = try fixture.reopen(options: options)
        var held: StoreLock? = try StoreLock(path: fixture.root + "/lock", mode: .exclusive, holder: "sessions import")
        let started = StoreLock.monotonicMicroseconds()
        let reader = startThreads([{ _ = try? patient.catalog() }])
        usleep(400_000)
        #expect(heard.events.isEmpty, "no word for a short wait")
        while heard.events.isEmpty && StoreLock.monotonicMicroseconds() - started < 10_000_000 { usleep(10_000) }
        #expect(StoreLock.monotonicMicroseconds() - started >= 1_000_000)
        let holder = LockHolder(pid: getpid(), command: "sessions import")
        #expect(heard.events.count == 1)
        guard case .waiting(holder, let wait)? = heard.events.first else {
            Issue.record("heard \(heard.events)")
            return
        }
        _ = held
        held = nil
        reader.join()
        #expect(heard.events == [.waiting(holder, wait: wait), .finished(wait: wait)])
    }

    @Test("doctor scans without the lock and catches up with what commits changed meanwhile")
    func doctorCatchesUp() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        for _ in 0..<5 { _ = try service.create(SessionDraft(type: "ComponentCodingSessions")) }
        // A writer that commits between the scan and the checks; it gives up
        // rather than wait for ever on a doctor that kept the lock.
        var options = FileStore.Options(initialAccountName: "alice")
        options.lockWaiting = LockWaiting(limitMS: 2_000)
        let writer = SessionService(store: try fixture.reopen(options: options), scope: service.scope, clock: fixture.clock.function)
        var wrote = false
        var doctor = StoreDoctor(root: fixture.root)
        doctor.afterScan = {
            do {
                _ = try writer.create(SessionDraft(type: "ContextSpecSessions"))
                try writer.delete(ids: [2])
                _ = try writer.addInteraction(sessionID: 3, CommandDraft(module: "M", command: "late"))
                wrote = true
            } catch {
                Issue.record("the writer could not commit while doctor ran: \(error)")
            }
        }
        let report = doctor.run(repair: false)
        #expect(wrote)
        #expect(report.isHealthy, "\(report.findings)")
        #expect(report.sessionCount == 5)
        #expect(report.interactionCount == 1)
        #expect(report.findings.contains { $0.description.contains("matches the 5 session files") })
    }

    @Test("doctor reports events waiting in the spool, how many and since when, without calling the store unhealthy")
    func doctorReportsSpool() throws {
        let fixture = try StoreFixture()
        _ = try Self.spool(fixture, 1...3, start: Timestamp.now())
        let report = StoreDoctor(root: fixture.root).run(repair: false)
        #expect(report.isHealthy)
        let finding = try #require(report.findings.first { $0.subject == "spool" })
        #expect(finding.severity == .warning)
        #expect(finding.message.hasPrefix("3 hook events are waiting to be recorded, the oldest for less than a minute (since 20"))

        // Its files' modes are checked with the rest, and repaired.
        let spooled = try #require(TestFiles.list(fixture.root + "/spool").first)
        chmod(fixture.root + "/spool/" + spooled, 0o644)
        let loose = StoreDoctor(root: fixture.root).run(repair: false).findings.first { $0.subject == "permissions" }
        #expect(loose?.message.contains("spool/\(spooled) (644)") == true, "\(String(describing: loose))")
        _ = StoreDoctor(root: fixture.root).run(repair: true)
        #expect(TestFiles.mode(fixture.root + "/spool/" + spooled) == 0o600)
    }
}

/// What an observer heard, from whichever thread told it.
final class EventLog: Sendable {
    private let storage = Mutex<[LockWaiting.Event]>([])
    func add(_ event: LockWaiting.Event) { storage.withLock { $0.append(event) } }
    var events: [LockWaiting.Event] { storage.withLock { $0 } }
}
