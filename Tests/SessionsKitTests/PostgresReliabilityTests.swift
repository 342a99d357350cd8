import Glibc
import Synchronization
import Testing
import TestSupport
@testable import SessionsKit

/// What a PostgreSQL store promises when its connection is cut: a write is
/// all or nothing, and a store outlives a server restart.
@Suite("PostgreSQL under failure", .enabled(if: TestDatabase.isAvailable, Comment(rawValue: TestDatabase.skipReason)))
struct PostgresReliabilityTests {
    static func session(_ id: Int, interactions: Int) -> Session {
        let start = Timestamp(seconds: 1_767_225_600)
        return Session(id: Session.ID(id), type: SessionType("ContextSpecSessions"), accountID: 1,
                       interactions: (0..<interactions).map { Interaction(command: Command(module: "Mix", command: "step \($0)")) },
                       insertedAt: start, updatedAt: start)
    }

    @Test("a bulk write whose backend is terminated part way, 50 times at random instants, leaves all of it or none")
    func terminatedWrites() throws {
        let database = try TestDatabase()
        try PostgresStore(conninfo: database.owner).write { transaction in
            _ = transaction.registry.addAccount(name: "alice", at: Timestamp(seconds: 0))
        }
        let member = try database.member("alice", accounts: [1])
        let admin = try DatabaseConnection(database.owner)
        // How long one such write takes uncut: the kills fall across it, and a little after.
        let timed = try PostgresStore(conninfo: member)
        let began = Timestamp.now()
        try timed.write { transaction in
            for id in 10_001...10_040 { transaction.put(Self.session(id, interactions: 20)) }
        }
        let span = UInt32(max(1000, (Timestamp.now().microseconds - began.microseconds) * 13 / 10))
        var whole = 0, none = 0, failed = 0
        for round in 0..<50 {
            let store = try PostgresStore(conninfo: member)
            let pid = store.backendPID
            let first = round * 100 + 1
            let delay = UInt32.random(in: 0...span)
            let killer = startThreads([{
                usleep(delay)
                let ended = try? DatabaseConnection(database.owner).query("SELECT pg_terminate_backend($1)", [String(pid)])
                _ = ended
            }])
            do {
                try store.write { transaction in
                    for id in first..<(first + 40) { transaction.put(Self.session(id, interactions: 20)) }
                }
            } catch {
                failed += 1
            }
            killer.join()
            let sessions = try admin.query("SELECT count(*) FROM sessions WHERE id BETWEEN $1 AND $2",
                                           [String(first), String(first + 99)]).int(0, 0)
            let interactions = try admin.query("SELECT count(*) FROM interactions WHERE session_id BETWEEN $1 AND $2",
                                               [String(first), String(first + 99)]).int(0, 0)
            #expect((sessions, interactions) == (40, 800) || (sessions, interactions) == (0, 0),
                    "round \(round): \(sessions ?? -1) sessions, \(interactions ?? -1) interactions")
            if sessions == 40 { whole += 1 } else { none += 1 }
        }
        print("terminated writes: 50 rounds of 40 sessions × 20 interactions, kills within \(span / 1000) ms: "
            + "\(failed) cut off, \(whole) whole, \(none) none, 0 partial")
        #expect(failed > 0, "no write was cut off: the test proved nothing")
        #expect(whole + none == 50)
    }

    @Test("a store outlives a server restart: the next read connects again; a write cut by it is reported, never half done",
          .enabled(if: PrivateServer.isAvailable, "needs PostgreSQL's server programs to restart a server of its own"))
    func restart() throws {
        let server = try PrivateServer()
        let conninfo = server.conninfo + " dbname=postgres"
        try PostgresStore.migrate(conninfo: conninfo)
        let store = try PostgresStore(conninfo: conninfo)
        try store.write { transaction in
            _ = transaction.registry.addAccount(name: "alice", at: Timestamp(seconds: 0))
            transaction.put(Self.session(1, interactions: 3))
        }
        try server.stop()
        #expect(throws: (any Error).self) { try store.catalog() }
        try server.start()
        #expect(try store.catalog().summaries.map(\.id) == [1])
        #expect(try store.session(id: 1)?.interactions.count == 3)
        try store.write { transaction in transaction.put(Self.session(2, interactions: 1)) }
        #expect(try store.catalog().summaries.map(\.id) == [1, 2])
    }
}
