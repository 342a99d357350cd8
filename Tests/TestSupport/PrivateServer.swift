import Glibc

/// A PostgreSQL server of one test's own, on a unix socket in a temporary
/// directory with no TCP listener, which the test may stop and start: for
/// what happens while the server is away. It needs the server's programs
/// (`initdb`, `pg_ctl`), which a machine with `SESSIONS_TEST_POSTGRES` has.
public final class PrivateServer: @unchecked Sendable {
    public let directory: TemporaryDirectory
    private let binaries: String
    /// As root, the server runs as the `postgres` user: `initdb` refuses root.
    private let runAs: [String]

    /// The directory of the newest installed server's programs, if any.
    public static let binaries: String? = {
        guard let entries = opendir("/usr/lib/postgresql") else { return nil }
        defer { closedir(entries) }
        var versions: [Int] = []
        while let entry = readdir(entries) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let version = Int(name), access("/usr/lib/postgresql/\(name)/bin/initdb", X_OK) == 0 { versions.append(version) }
        }
        return versions.max().map { "/usr/lib/postgresql/\($0)/bin" }
    }()

    public static var isAvailable: Bool { TestDatabase.isAvailable && binaries != nil }

    public init() throws {
        guard let binaries = Self.binaries else { throw TestDatabaseError.noServer }
        self.binaries = binaries
        directory = TemporaryDirectory("sessions-pg")
        runAs = geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        if geteuid() == 0 {
            chmod(directory.path, 0o755)
            _ = run(["/bin/chown", "postgres", directory.path])
        }
        let made = run(runAs + [binaries + "/initdb", "-D", directory.path + "/data", "--auth=trust", "-U", "postgres"])
        guard made.status == 0 else { throw ServerFailure("initdb: \(made.stderr)") }
        try start()
    }

    deinit {
        _ = try? stop()
    }

    /// Connection parameters for the server's own role.
    public var conninfo: String { "host=\(directory.path) port=5432 user=postgres" }

    public func start() throws {
        let started = run(runAs + [binaries + "/pg_ctl", "-w", "-D", directory.path + "/data", "-l", directory.path + "/log",
                                   "-o", "-k \(directory.path) -c listen_addresses='' -p 5432", "start"])
        guard started.status == 0 else { throw ServerFailure("pg_ctl start: \(started.stderr)") }
    }

    public func stop() throws {
        let stopped = run(runAs + [binaries + "/pg_ctl", "-w", "-D", directory.path + "/data", "-m", "fast", "stop"])
        guard stopped.status == 0 else { throw ServerFailure("pg_ctl stop: \(stopped.stderr)") }
    }

    private func run(_ arguments: [String]) -> ProcessRunner.Output {
        ProcessRunner(executable: arguments[0], environment: ["PATH": "/usr/bin:/bin:/usr/sbin"]).run(Array(arguments.dropFirst()))
    }
}

public struct ServerFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
