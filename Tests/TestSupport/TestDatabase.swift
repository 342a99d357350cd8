import Glibc
@testable import SessionsKit

/// A fresh PostgreSQL database for one test, with the store's schema, on
/// the server `SESSIONS_TEST_POSTGRES` names: `key=value` connection
/// parameters (`host=/tmp/pg port=5499 user=postgres`) for a role that may
/// create databases and roles. `.ci/run` starts such a server and names it.
/// Without one, the tests that need it are reported as skipped.
public final class TestDatabase: @unchecked Sendable {
    /// The server's connection parameters, when the environment names one.
    public static let server: String? = getenv("SESSIONS_TEST_POSTGRES").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }

    public static var isAvailable: Bool { server != nil }

    /// What the tests that need a server say when there is none.
    public static let skipReason = "no PostgreSQL server: set SESSIONS_TEST_POSTGRES (`.ci/run` does)"

    public let name: String
    private let server: String
    private var roles: [String] = []

    /// Creates the database, and its schema unless `migrated` is false.
    public init(migrated: Bool = true) throws {
        guard let server = Self.server else { throw TestDatabaseError.noServer }
        self.server = server
        var bytes = [UInt8](repeating: 0, count: 6)
        _ = getentropy(&bytes, bytes.count)
        name = "sessions_test_" + bytes.map { String($0, radix: 16) }.joined()
        let admin = try DatabaseConnection(server + " dbname=postgres")
        try admin.execute("CREATE DATABASE \(name)")
        if migrated { try PostgresStore.migrate(conninfo: owner) }
    }

    /// A new database made from `template`'s rows and schema (`CREATE
    /// DATABASE … TEMPLATE`), for a test that needs a fresh copy per run.
    /// Its logins stay `template`'s.
    public init(copying template: TestDatabase) throws {
        server = template.server
        var bytes = [UInt8](repeating: 0, count: 6)
        _ = getentropy(&bytes, bytes.count)
        name = "sessions_test_" + bytes.map { String($0, radix: 16) }.joined()
        let admin = try DatabaseConnection(server + " dbname=postgres")
        try admin.execute("CREATE DATABASE \(name) TEMPLATE \(template.name)")
    }

    deinit {
        guard let admin = try? DatabaseConnection(server + " dbname=postgres") else { return }
        _ = try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        for role in roles { _ = try? admin.execute("DROP ROLE IF EXISTS \(role)") }
    }

    /// The connection parameters of the tables' owner (the server's role),
    /// whom row-level security does not bind.
    public var owner: String { server + " dbname=\(name)" }

    /// The connection parameters of login `user` on this database.
    public func conninfo(user: String) -> String { owner + " user=\(user)" }

    /// A login role of this database's own, a member of `sessions_member`
    /// and of `accounts` (which must exist): the parameters to connect as it.
    public func member(_ label: String, accounts: [Int]) throws -> String {
        conninfo(user: try memberRole(label, accounts: accounts))
    }

    /// The same login, by its role's name: for databases copied from this one, which keep its members.
    public func memberRole(_ label: String, accounts: [Int]) throws -> String {
        let role = "\(name)_\(label)"
        let admin = try DatabaseConnection(owner)
        try admin.execute("CREATE ROLE \(role) LOGIN IN ROLE \(DatabaseSchema.memberRole)")
        roles.append(role)
        for account in accounts {
            try admin.query("INSERT INTO account_members (role_name, account_id) VALUES ($1, $2)", [role, String(account)])
        }
        return role
    }

    /// Runs `sql` through `psql` with `conninfo`, stopping at the first
    /// error: its exit status and what it printed.
    public func psql(_ sql: String, as conninfo: String) -> ProcessRunner.Output {
        ProcessRunner(executable: Self.psqlPath, environment: ["PATH": "/usr/bin:/bin"])
            .run(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql])
    }

    /// `psql`, wherever the server's packages put it.
    public static let psqlPath: String = {
        for candidate in ["/usr/bin/psql", "/usr/local/bin/psql"] where access(candidate, X_OK) == 0 { return candidate }
        return "psql"
    }()
}

public enum TestDatabaseError: Error {
    case noServer
}
