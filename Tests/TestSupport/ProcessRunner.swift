import Glibc
import Synchronization

/// Runs the real `sessions` binary as a child process, for tests that need
/// separate processes: concurrency, SIGKILL, exit codes, umask.
public struct ProcessRunner: Sendable {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// The child died from this signal, if it did.
        public var signal: Int32?
    }

    public let executable: String
    public var environment: [String: String]

    public init(executable: String = ProcessRunner.sessionsBinary(), environment: [String: String]) {
        self.executable = executable
        self.environment = environment
    }

    /// The `sessions` binary built next to the test bundle, or the one
    /// `SESSIONS_TEST_BINARY` names: a long run can use a release build.
    public static func sessionsBinary(file: String = #filePath) -> String {
        if let chosen = getenv("SESSIONS_TEST_BINARY").map({ String(cString: $0) }), !chosen.isEmpty { return chosen }
        let argument0 = CommandLine.arguments.first ?? ""
        var candidates: [String] = []
        if let slash = argument0.lastIndex(of: "/") {
            var directory = String(argument0[..<slash])
            if directory.hasSuffix(".xctest/Contents/MacOS") { directory = String(directory.dropLast(".xctest/Contents/MacOS".count)) }
            candidates.append(directory + "/sessions")
            // Bundles sit in the build directory; the runner may be inside it.
            candidates.append(String(directory.split(separator: "/").dropLast().joined(separator: "/").prefixedSlash) + "/sessions")
        }
        // Tests/TestSupport/ProcessRunner.swift -> package root.
        let root = file.split(separator: "/").dropLast(3).joined(separator: "/").prefixedSlash
        candidates.append(root + "/.build/debug/sessions")
        for candidate in candidates where access(candidate, X_OK) == 0 { return candidate }
        return candidates.last!
    }

    /// Runs to completion.
    public func run(_ arguments: [String], stdin: [UInt8] = []) -> Output {
        start(arguments, stdin: stdin).wait()
    }

    /// Starts without waiting, so a test can signal it.
    /// Pipes are created and made close-on-exec under this lock, so a child
    /// started concurrently never inherits another child's pipe ends.
    static let spawnLock = Mutex<Void>(())

    public func start(_ arguments: [String], stdin: [UInt8] = []) -> Child {
        Self.spawnLock.withLock { _ in spawn(arguments, stdin: stdin) }
    }

    private func spawn(_ arguments: [String], stdin: [UInt8]) -> Child {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        precondition(pipe(&inPipe) == 0 && pipe(&outPipe) == 0 && pipe(&errPipe) == 0)
        // Close-on-exec, so concurrently started children do not hold each other's pipes open.
        for fd in inPipe + outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        // The signals tests send reach the child with their default action,
        // whatever the test thread had: test threads block most signals, and
        // a job started in the background ignores SIGINT.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        posix_spawnattr_destroy(&attributes)
        posix_spawn_file_actions_destroy(&actions)
        for pointer in argv { free(pointer) }
        for pointer in envp { free(pointer) }
        precondition(result == 0, "cannot start \(executable): \(result)")
        close(inPipe[0])
        close(outPipe[1])
        close(errPipe[1])
        if !stdin.isEmpty { _ = stdin.withUnsafeBytes { write(inPipe[1], $0.baseAddress, $0.count) } }
        close(inPipe[1])
        return Child(pid: pid, stdoutFD: outPipe[0], stderrFD: errPipe[0])
    }

    public final class Child: @unchecked Sendable {
        public let pid: pid_t
        let stdoutFD: Int32
        let stderrFD: Int32

        init(pid: pid_t, stdoutFD: Int32, stderrFD: Int32) {
            self.pid = pid
            self.stdoutFD = stdoutFD
            self.stderrFD = stderrFD
        }

        public func kill(_ signal: Int32 = SIGKILL) { Glibc.kill(pid, signal) }

        /// Reads both pipes to the end and reaps the child.
        public func wait() -> Output {
            var out: [UInt8] = [], err: [UInt8] = []
            var fds = [pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0), pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)]
            var open = 2
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while open > 0 {
                guard poll(&fds, 2, -1) >= 0 else { if errno == EINTR { continue }; break }
                for index in 0..<2 where fds[index].fd >= 0 && fds[index].revents != 0 {
                    let got = buffer.withUnsafeMutableBytes { read(fds[index].fd, $0.baseAddress, $0.count) }
                    if got > 0 {
                        if index == 0 { out += buffer[0..<got] } else { err += buffer[0..<got] }
                    } else {
                        close(fds[index].fd)
                        fds[index].fd = -1
                        open -= 1
                    }
                }
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let signaled = (status & 0x7F) != 0 && (status & 0x7F) != 0x7F
            return Output(status: signaled ? -1 : (status >> 8) & 0xFF,
                          stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
                          signal: signaled ? status & 0x7F : nil)
        }
    }
}

extension String {
    var prefixedSlash: String { hasPrefix("/") ? self : "/" + self }
}
