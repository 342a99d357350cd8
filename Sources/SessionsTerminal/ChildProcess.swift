import CSupport
import Glibc

/// A program the browser runs while the screen is left to it: the user's
/// pager, or the command that resumes a conversation.
enum ChildProcess {
    /// Starts `path` with `arguments` (the first is its name) in `directory`,
    /// or this process's directory; returns its process id, or why it could
    /// not start.
    static func start(_ path: String, arguments: [String], directory: String? = nil) -> Result<pid_t, StartFailure> {
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: Int32 = 0
        let result = argv.withUnsafeMutableBufferPointer { argv in
            if let directory {
                return directory.withCString { sessions_spawn(path, argv.baseAddress, $0, &pid) }
            }
            return sessions_spawn(path, argv.baseAddress, nil, &pid)
        }
        guard result == 0 else { return .failure(StartFailure(message: String(cString: strerror(result)))) }
        return .success(pid)
    }

    struct StartFailure: Error {
        var message: String
    }

    /// Waits for `pid` to end and returns its wait status.
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }
}
