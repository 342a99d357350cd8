import Glibc

/// `SESSIONS_TRACE=FILE` appends one line per loop step with how long each
/// part took, so responsiveness can be measured on a real terminal without a
/// profiler. Off, it costs one branch.
final class TimingTrace {
    private let fd: Int32

    init?(environment: [String: String]) {
        guard let path = environment["SESSIONS_TRACE"], !path.isEmpty else { return nil }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        self.fd = fd
    }

    deinit { close(fd) }

    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }

    /// Writes `event count=N ... key=ms ...`, times in milliseconds to three decimals.
    func log(_ event: String, counts: [(String, Int)] = [], _ parts: [(String, Int64)]) {
        var line = event
        for (name, count) in counts { line += " \(name)=\(count)" }
        for (name, micros) in parts {
            let millis = micros / 1000, fraction = micros % 1000
            line += " \(name)=\(millis).\(String(repeating: "0", count: 3 - String(fraction).count))\(fraction)"
        }
        line += "\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
    }
}
