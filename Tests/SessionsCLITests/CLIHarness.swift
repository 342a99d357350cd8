import SessionsCLI
import SessionsKit
import TestSupport

/// Runs the command line in-process against a private store and config, the
/// way a user would type it, and captures what it prints.
final class CLIHarness: @unchecked Sendable {
    let directory = TemporaryDirectory("sessions-cli")
    let clock = TestClock(start: Timestamp(iso8601: "2026-11-25T12:00:00Z")!)
    var variables: [String: String]

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    init() {
        variables = [
            "HOME": directory.path + "/home", "USER": "alice", "SESSIONS_HOME": directory.path + "/store",
            "XDG_CONFIG_HOME": directory.path + "/config", "TZ": "UTC",
        ]
    }

    var storeRoot: String { directory.path + "/store" }

    @discardableResult
    func run(_ arguments: [String], stdin: [UInt8] = [], env extra: [String: String] = [:], terminal: Bool = false,
             columns: Int? = nil) -> Result {
        let out = BufferSink(), err = BufferSink()
        let context = CLIContext(
            environment: SessionsEnvironment(variables: variables.merging(extra) { $1 }), stdout: out, stderr: err,
            readStandardInput: { stdin }, stdoutIsTerminal: terminal, terminalColumns: columns, now: clock.function)
        let status = CLIContext.$current.withValue(context) { SessionsMain.run(arguments: arguments) }
        return Result(status: status, stdout: out.text, stderr: err.text)
    }

    /// Runs and requires success; returns stdout without the trailing newline.
    @discardableResult
    func ok(_ arguments: [String], stdin: [UInt8] = [], env: [String: String] = [:]) throws -> String {
        let result = run(arguments, stdin: stdin, env: env)
        guard result.status == 0 else {
            throw HarnessFailure("sessions \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout.hasSuffix("\n") ? String(result.stdout.dropLast()) : result.stdout
    }

    func json(_ arguments: [String], env: [String: String] = [:]) throws -> JSONValue {
        try JSONParser.parse(try ok(arguments, env: env))
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
