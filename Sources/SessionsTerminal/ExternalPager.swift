import Glibc
import SystemPackage

/// `o` in the detail view: the text goes to the user's `$PAGER` through a
/// private temporary file, so their own search and bindings work on it.
enum ExternalPager {
    /// How the pager run went.
    struct Outcome: Equatable {
        /// A problem to report, if any.
        var problem: String?
        /// Whether to ask for a key before the browser comes back.
        var waitsForKey: Bool
    }

    /// What the user is asked when the pager came back at once.
    static let prompt = "press any key to return to sessions"

    /// A pager that held the screen ran at least this long.
    static let heldMicroseconds: Int64 = 1_000_000

    /// Whether the pager's text would vanish under the browser before it
    /// could be read. A pager that shows a page and waits reads keys one at
    /// a time, so it takes the terminal out of line mode, and it stays until
    /// the user quits it. One that only printed the text, one told to quit
    /// when the text fits one screen, or one that failed did neither, or
    /// returned within a second. Only the first kind is not
    /// waited for: a fast reader who quits within the second pays one key.
    /// A pager not found is reported by the browser instead.
    static func waitsForKey(ranMicroseconds: Int64, tookKeys: Bool, notFound: Bool) -> Bool {
        !notFound && !(tookKeys && ranMicroseconds >= heldMicroseconds)
    }

    /// Shows `text` and waits for the pager to exit.
    static func show(_ text: String, environment: [String: String]) -> Outcome {
        let pager = environment["PAGER"].flatMap { $0.isEmpty ? nil : $0 } ?? "less"
        let directory = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/sessions-pager-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return Outcome(problem: "cannot create a temporary file in \(directory)", waitsForKey: false) }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(path) }
        let written = (try? FileDescriptor(rawValue: fd).writeAll(text.utf8)) != nil
        close(fd)
        guard written else { return Outcome(problem: "cannot write the temporary file", waitsForKey: false) }
        // The pager string may carry options ("less -S"), so the shell splits
        // it; the file name travels as a positional argument, never as code.
        let arguments = ["/bin/sh", "-c", pager + " \"$1\"", "sh", path]
        let started = TimingTrace.now()
        let pid: pid_t
        switch ChildProcess.start("/bin/sh", arguments: arguments) {
        case .success(let child): pid = child
        case .failure(let failure): return Outcome(problem: "cannot start the pager: \(failure.message)", waitsForKey: false)
        }
        // Until the pager is seen reading keys one at a time, look every
        // 20 ms; after, simply wait for it.
        var tookKeys = false
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, tookKeys ? 0 : WNOHANG)
            if result == pid { break }
            if result < 0 {
                if errno == EINTR { continue }
                break
            }
            tookKeys = !inLineMode()
            if !tookKeys { usleep(20_000) }
        }
        let ran = TimingTrace.now() - started
        let exited = status & 0x7f == 0
        let notFound = exited && (status >> 8) & 0xff == 127
        let problem = notFound ? "pager \"\(pager)\" not found; set $PAGER" : nil
        return Outcome(problem: problem, waitsForKey: waitsForKey(ranMicroseconds: ran, tookKeys: tookKeys, notFound: notFound))
    }

    /// Whether the terminal reads whole lines, as it does for a shell and
    /// as the browser leaves it while suspended.
    static func inLineMode() -> Bool {
        var settings = termios()
        guard tcgetattr(0, &settings) == 0 else { return true }
        return settings.c_lflag & tcflag_t(ICANON) != 0
    }

    /// Says `prompt` below what the pager printed and waits for one key,
    /// which is then dropped, whole: an arrow sends several bytes. A signal
    /// ends the wait too; the loop reads it from `signalFD` after.
    static func waitForKey(signalFD: Int32) {
        let line = "\r\n" + prompt
        _ = line.utf8CString.withUnsafeBufferPointer { write(1, $0.baseAddress, $0.count - 1) }
        var saved = termios()
        let canRestore = tcgetattr(0, &saved) == 0
        if canRestore {
            var keys = saved
            keys.c_lflag &= ~tcflag_t(ICANON | ECHO)
            withUnsafeMutableBytes(of: &keys.c_cc) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
            tcsetattr(0, TCSANOW, &keys)
        }
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0)]
        while poll(&fds, nfds_t(fds.count), -1) < 0 && errno == EINTR {}
        if fds[0].revents & Int16(POLLIN) != 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            _ = read(0, &buffer, buffer.count)
        }
        tcflush(0, TCIFLUSH)
        if canRestore { tcsetattr(0, TCSANOW, &saved) }
        _ = "\r\n".utf8CString.withUnsafeBufferPointer { write(1, $0.baseAddress, $0.count - 1) }
    }
}
