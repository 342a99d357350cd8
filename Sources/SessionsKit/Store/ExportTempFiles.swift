import Glibc

/// The temp file an export writes beside its target, `.NAME.PID.tmp`, before
/// renaming it over the target. It holds command output, so it must not
/// outlive the export: a failure removes it (`FileIO.replace`), a signal that
/// asks the process to stop removes it from the signal handler, and a
/// SIGKILL, which gives no chance, leaves it for the next export to the same
/// target, which removes it when its writer is gone.
enum ExportTempFiles {
    static func path(for target: String, pid: pid_t = getpid()) -> String {
        let (directory, name) = parts(of: target)
        return (directory == "/" ? "" : directory) + "/.\(name).\(pid).tmp"
    }

    /// Marks `fd` as a live writer's for as long as the process lives: the
    /// kernel drops the lock when a killed writer's descriptors close.
    static func markLive(_ fd: Int32) {
        _ = flock(fd, LOCK_EX | LOCK_NB)
    }

    /// Removes the temp files earlier exports to `target` left behind: those
    /// whose writer process no longer exists and whose lock nobody holds.
    /// A live export's file fails both tests; one whose pid was taken by an
    /// unrelated process fails the first and is left for a later run.
    /// Returns the names removed.
    @discardableResult
    static func removeAbandoned(of target: String) -> [String] {
        let (directory, name) = parts(of: target)
        let prefix = ".\(name)."
        guard let names = try? FileIO.list(directory) else { return [] }
        var removed: [String] = []
        for entry in names where entry.hasPrefix(prefix) && entry.hasSuffix(".tmp") {
            let digits = entry.dropFirst(prefix.count).dropLast(".tmp".count)
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let pid = pid_t(digits), pid > 0, pid != getpid() else { continue }
            guard kill(pid, 0) != 0 && errno == ESRCH else { continue }
            let path = (directory == "/" ? "" : directory) + "/" + entry
            let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid(),
                  flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            if unlink(path) == 0 { removed.append(entry) }
        }
        return removed
    }

    private static func parts(of target: String) -> (directory: String, name: String) {
        (FileIO.parentDirectory(target), target.split(separator: "/").last.map(String.init) ?? "export")
    }
}
