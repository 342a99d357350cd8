import Testing
@testable import SessionsKit

/// Which store a command opens: a directory, or a database by its URL.
@Suite("Store location")
struct StoreLocationTests {
    @Test("a URL or libpq's key=value pairs name a database; a path, even one holding =, names a directory")
    func databaseOrDirectory() {
        for text in ["postgresql://alice@db.example.com/team", "postgres:///team", "host=/tmp/pg port=5499 dbname=team",
                     "dbname = team", "service=sessions"] {
            #expect(StoreLocation.isDatabase(text), "\(text)")
        }
        for text in ["/home/me/.local/share/sessions", "~/store", "stores/a=b", "a=b", "./host=x/store"] {
            #expect(!StoreLocation.isDatabase(text), "\(text)")
        }
    }

    @Test("--store, then SESSIONS_STORE, then SESSIONS_HOME, then the config's store, then the data directory")
    func precedence() {
        let config = Config(object: JSONObject(["store": .string("postgresql://me@config/db")]), path: "/c")
        let all = SessionsEnvironment(variables: ["HOME": "/home/me", "SESSIONS_STORE": "host=/run/pg dbname=env",
                                                  "SESSIONS_HOME": "/home/me/home-store", "XDG_DATA_HOME": "/data"])
        #expect(all.storeLocation(flag: "/flag", config: config) == .directory("/flag"))
        #expect(all.storeLocation(config: config)
            == .database(conninfo: "host=/run/pg dbname=env", local: "/data/sessions/databases/@_run_pg__env"))
        let home = SessionsEnvironment(variables: ["HOME": "/home/me", "SESSIONS_HOME": "/home/me/home-store"])
        #expect(home.storeLocation(config: config) == .directory("/home/me/home-store"))
        let plain = SessionsEnvironment(variables: ["HOME": "/home/me"])
        #expect(plain.storeLocation(config: config)
            == .database(conninfo: "postgresql://me@config/db", local: "/home/me/.local/share/sessions/databases/me@config__db"))
        #expect(plain.storeLocation(config: Config(path: "/c")) == .directory("/home/me/.local/share/sessions"))
    }

    @Test("a database's local directory is named by its user, host, port and database, never its password")
    func localName() {
        #expect(StoreLocation.localName("postgresql://alice:hunter2secret@db.example.com:5433/team?sslmode=require")
            == "alice@db.example.com_5433_team")
        #expect(StoreLocation.localName("host=/tmp/pg port=5499 user=bob password=hunter2secret dbname=x") == "bob@_tmp_pg_5499_x")
        #expect(StoreLocation.localName("postgresql://[broken") == "unparsed")
        // What the string leaves out, libpq's variables say, for the name as for the connection.
        let variables = ["PGHOST": "/run/a", "PGPORT": "5444", "PGUSER": "carol", "PGDATABASE": "team"]
        #expect(StoreLocation.localName("postgresql://", environment: variables) == "carol@_run_a_5444_team")
        #expect(StoreLocation.localName("postgresql:///other", environment: variables) == "carol@_run_a_5444_other")
        #expect(StoreLocation.localName("postgresql://", environment: ["PGHOST": "/run/b"]) != StoreLocation.localName("postgresql://"))
    }
}

/// Copying into a store that holds entries of its own keeps them.
@Suite("Store transfer")
struct StoreTransferTests {
    @Test("the source's entries win by id, the destination's others stay, and each counter is the larger")
    func mergedRegistry() {
        var source = Registry()
        source.addAccount(name: "alice", at: Timestamp(seconds: 1))
        source.addAccount(name: "bob", at: Timestamp(seconds: 2))
        source.addProject(name: "web", accountID: 1, at: Timestamp(seconds: 3))
        source.defaultAccountID = 1
        var destination = Registry()
        destination.addAccount(name: "alice-here", at: Timestamp(seconds: 9))
        destination.addAccount(name: "unused", at: Timestamp(seconds: 9))
        destination.addAccount(name: "carol", at: Timestamp(seconds: 9))
        destination.accounts.remove(at: 1)
        destination.defaultAccountID = 3
        destination.nextSessionID = 50
        let merged = StoreTransfer.merged(source, into: destination)
        #expect(merged.accounts.map(\.name) == ["alice", "bob", "carol"])
        #expect(merged.accounts.map(\.id) == [1, 2, 3])
        #expect(merged.projects.map(\.name) == ["web"])
        #expect(merged.defaultAccountID == 3, "the destination's own default stays")
        #expect(merged.nextSessionID == 50 && merged.nextAccountID == 4)
        var empty = Registry()
        empty.nextSessionID = 1
        #expect(StoreTransfer.merged(source, into: empty).defaultAccountID == 1)
    }
}
