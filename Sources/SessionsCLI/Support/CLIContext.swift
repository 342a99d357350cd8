import CSupport
import Glibc
import SystemPackage
import SessionsKit
import Synchronization

/// Where a command reads and writes, and what it believes the time is. The
/// real process gets stdio and the clock; tests run commands in-process with
/// buffers and a fixed environment.
public struct CLIContext: Sendable {
    public var environment: SessionsEnvironment
    public var stdout: any OutputSink
    public var stderr: any OutputSink
    public var readStandardInput: @Sendable () throws -> [UInt8]
    /// Styled output (colour) only for a terminal, and never with `NO_COLOR`.
    public var stdoutIsTerminal: Bool
    /// The terminal's width, so tables fit it; nil when output goes to a pipe
    /// or file, which get every character.
    public var terminalColumns: Int?
    public var now: @Sendable () -> Timestamp
    /// The arguments as the process received them, before they became
    /// `String`s (which turns bytes that are not UTF-8 into U+FFFD); empty
    /// when a test runs a command in-process.
    public var argumentBytes: [[UInt8]]

    public init(environment: SessionsEnvironment, stdout: any OutputSink, stderr: any OutputSink,
                readStandardInput: @escaping @Sendable () throws -> [UInt8], stdoutIsTerminal: Bool,
                terminalColumns: Int? = nil, now: @escaping @Sendable () -> Timestamp = { Timestamp.now() },
                argumentBytes: [[UInt8]] = []) {
        self.environment = environment
        self.stdout = stdout
        self.stderr = stderr
        self.readStandardInput = readStandardInput
        self.stdoutIsTerminal = stdoutIsTerminal
        self.terminalColumns = terminalColumns
        self.now = now
        self.argumentBytes = argumentBytes
    }

    public static func process() -> CLIContext {
        let environment = SessionsEnvironment.current()
        let terminal = isatty(1) == 1
        var columns: Int?
        if terminal {
            let measured = Int(sessions_terminal_columns(1))
            columns = measured > 0 ? measured : environment["COLUMNS"].flatMap { Int($0) }
        }
        return CLIContext(
            environment: environment, stdout: FileSink(fd: 1), stderr: FileSink(fd: 2),
            readStandardInput: { try FileSink.readAll(fd: 0) }, stdoutIsTerminal: terminal, terminalColumns: columns,
            argumentBytes: (1..<Int(CommandLine.argc)).map { index in
                CommandLine.unsafeArgv[index].map { Array(UnsafeBufferPointer(start: $0, count: strlen($0))).map(UInt8.init(bitPattern:)) } ?? []
            })
    }

    @TaskLocal public static var current: CLIContext = .process()

    var useColor: Bool { stdoutIsTerminal && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb" }

    /// The bytes of `--name VALUE` or `--name=VALUE` as the process received
    /// them, for a value the parser gave as `parsed` (the last one, as the
    /// parser keeps the last); nil in-process, where only `parsed` exists.
    func rawValue(ofOption name: String, parsed: String) -> [UInt8]? {
        let flag = Array(name.utf8)
        let prefix = flag + [UInt8(ascii: "=")]
        var found: [UInt8]?
        var index = 0
        while index < argumentBytes.count, argumentBytes[index] != Array("--".utf8) {
            var value: [UInt8]?
            if argumentBytes[index] == flag, index + 1 < argumentBytes.count {
                value = argumentBytes[index + 1]
                index += 1
            } else if argumentBytes[index].starts(with: prefix) {
                value = Array(argumentBytes[index].dropFirst(prefix.count))
            }
            if let value, String(decoding: value, as: UTF8.self).utf8.elementsEqual(parsed.utf8) { found = value }
            index += 1
        }
        return found
    }
}

/// Where a command's output goes. Writing never throws, so a command's own
/// logic stays plain; instead the first failure is kept, every later write is
/// dropped, and `SessionsMain` turns the failure into an error and an exit
/// status once the command is done (see `OutputCheck`).
public protocol OutputSink: Sendable {
    func write(_ bytes: [UInt8])
    /// Why writing stopped, if it did.
    var failure: Errno? { get }
    /// The start of what could not be written (a few hundred bytes at most):
    /// a command that changed the store names what it would have printed.
    var undelivered: [UInt8] { get }
}

extension OutputSink {
    public var failure: Errno? { nil }
    public var undelivered: [UInt8] { [] }
    func write(_ text: String) { write(Array(text.utf8)) }
    func line(_ text: String = "") { write(Array((text + "\n").utf8)) }
}

/// A file descriptor, written in full (short writes and EINTR retried).
/// SIGPIPE is ignored (`ProcessGuard`), so a reader that went away is the
/// error EPIPE here rather than the end of the process.
public final class FileSink: OutputSink {
    public let fd: Int32
    private let state = Mutex<(failure: Errno?, undelivered: [UInt8])>((nil, []))
    public init(fd: Int32) { self.fd = fd }

    public func write(_ bytes: [UInt8]) {
        state.withLock { state in
            guard state.failure == nil else { return }
            var written = 0
            while written < bytes.count {
                let got = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
                if got >= 0 {
                    written += got
                } else if errno != EINTR {
                    state.failure = Errno(rawValue: errno)
                    state.undelivered = Array(bytes[written...].prefix(Self.undeliveredKept))
                    return
                }
            }
        }
    }

    public var failure: Errno? { state.withLock { $0.failure } }
    public var undelivered: [UInt8] { state.withLock { $0.undelivered } }

    static let undeliveredKept = 512

    static func readAll(fd: Int32) throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw CLIError("cannot read standard input: \(String(cString: strerror(errno)))")
            }
            if got == 0 { return result }
            result.append(contentsOf: chunk[0..<got])
        }
    }
}

/// Collects output in memory, for tests.
public final class BufferSink: OutputSink {
    private let storage = Mutex<[UInt8]>([])
    public init() {}
    public func write(_ bytes: [UInt8]) { storage.withLock { $0.append(contentsOf: bytes) } }
    public var text: String { storage.withLock { String(decoding: $0, as: UTF8.self) } }
}

/// A command line that cannot mean anything, worded by the command itself
/// rather than by the parser: exit status 64, as for any usage error.
struct UsageError: Error, CustomStringConvertible, Sendable {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A usage problem found by a command itself (bad file, conflicting flags).
public struct CLIError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
