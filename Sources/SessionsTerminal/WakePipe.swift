import Glibc

/// How work done off the loop's thread wakes the loop: a byte written to a
/// pipe whose read end the loop polls. Both ends are non-blocking, so a
/// full pipe (a wake nobody has read yet) never stops the writer, and a
/// drain with nothing in it never stops the loop.
final class WakePipe: Sendable {
    /// The end the loop polls.
    let readFD: Int32
    private let writeFD: Int32

    init?() {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Wakes the loop; safe on any thread.
    func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Empties the pipe, so the next poll waits for the next wake.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buffer, buffer.count) == buffer.count {}
    }
}
