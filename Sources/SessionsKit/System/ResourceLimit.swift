import Glibc

/// One of the process's resource limits (`ulimit`), read when asked: a
/// command that runs out of descriptors or memory says which limit it met
/// and how to raise it, rather than crashing.
public struct ResourceLimit: Sendable {
    let resource: __rlimit_resource_t
    /// What it limits, for messages: "address-space".
    public let name: String
    /// The shell option that sets it: "ulimit -v".
    public let option: String
    /// What `ulimit` counts in: 1024 for the memory limits, which it shows in KiB.
    public let unit: UInt64

    public static let descriptors = ResourceLimit(resource: __rlimit_resource_t(RLIMIT_NOFILE.rawValue),
                                                  name: "open files", option: "ulimit -n", unit: 1)
    public static let addressSpace = ResourceLimit(resource: __rlimit_resource_t(RLIMIT_AS.rawValue),
                                                   name: "address-space", option: "ulimit -v", unit: 1024)
    public static let data = ResourceLimit(resource: __rlimit_resource_t(RLIMIT_DATA.rawValue),
                                           name: "data-size", option: "ulimit -d", unit: 1024)

    /// The soft limit, which is the one enforced, or nil when there is none.
    public var soft: UInt64? { values.map(\.rlim_cur).flatMap(Self.finite) }
    /// The ceiling the soft limit may be raised to without privilege.
    public var hard: UInt64? { values.map(\.rlim_max).flatMap(Self.finite) }
    public var isLimited: Bool { soft != nil }

    /// Raises the soft limit to `value` (not past the hard one); whether it now is at least that.
    public func raiseSoft(to value: UInt64) -> Bool {
        guard var limit = values else { return false }
        if limit.rlim_cur >= value { return true }
        guard limit.rlim_max >= value else { return false }
        limit.rlim_cur = rlim_t(value)
        return setrlimit(resource, &limit) == 0
    }

    /// The limit as `ulimit` shows it: `5`, `102400`.
    public func shown(_ value: UInt64) -> String { String(value / unit) }

    private var values: rlimit? {
        var limit = rlimit()
        return getrlimit(resource, &limit) == 0 ? limit : nil
    }

    private static func finite(_ value: rlim_t) -> UInt64? { value == rlim_t.max ? nil : UInt64(value) }
}

/// What the process holds now, for checks against the limits above.
public enum ProcessUsage {
    /// Bytes of address space mapped (`VmSize`), or nil when /proc is not there.
    public static func addressSpace() -> UInt64? {
        let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard got > 0 else { return nil }
        let pages = buffer[0..<got].prefix { $0 != UInt8(ascii: " ") }
        guard let count = UInt64(String(decoding: pages, as: UTF8.self)) else { return nil }
        return count * UInt64(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Descriptors open below `limit`: the ones that count against it.
    /// Listed from /proc (three system calls), else probed one by one.
    public static func openDescriptors(below limit: Int) -> Int {
        if let names = try? FileIO.list("/proc/self/fd") {
            // The listing's own descriptor was open while it ran, and is closed now.
            return names.compactMap { Int($0) }.filter { $0 < limit }.count - 1
        }
        return (0..<limit).count { fcntl(Int32($0), F_GETFD) >= 0 }
    }
}

extension ResourceLimit {
    /// Descriptors a command may need beyond those open when it starts. The
    /// browser holds the most, 10 (the terminal twice, two pipes, inotify and
    /// three of libdispatch's for its loader), and any command may add the
    /// store's lock, the index and a file being read or written, and an
    /// import one file per thread; the rest is margin for what was not measured.
    public static var descriptorsNeeded: Int { 32 + Parallel.threadCount }
}
