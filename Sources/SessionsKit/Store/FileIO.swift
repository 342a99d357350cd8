import CSupport
import Glibc
import SystemPackage

/// The few file operations the store is built from, each with the durability
/// rule it needs spelled out, and every failure turned into a `StoreError` that
/// names the path.
enum FileIO {
    static let fileMode: mode_t = 0o600
    static let directoryMode: mode_t = 0o700

    static func fail(_ operation: String, _ path: String, _ code: Int32 = errno) -> StoreError {
        .io(operation: operation, path: path, errno: Errno(rawValue: code))
    }

    /// The whole file, or nil when it does not exist. Store files are never
    /// read through a symbolic link; the user's own files (config, `--stdout-file`) may be.
    static func read(_ path: String, followLinks: Bool = false) throws(StoreError) -> [UInt8]? {
        guard let fd = try openForReading(path, followLinks: followLinks) else { return nil }
        defer { close(fd) }
        return try readAll(fd, path: path)
    }

    /// A read-only descriptor, or nil when the file does not exist.
    static func openForReading(_ path: String, followLinks: Bool = false) throws(StoreError) -> Int32? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | (followLinks ? 0 : O_NOFOLLOW))
        if fd < 0 { try openFailed(path, followLinks: followLinks) }
        return fd < 0 ? nil : fd
    }

    /// What an open for reading that failed with `code` means: nothing when
    /// there is no such file, else the error it throws.
    static func openFailed(_ path: String, followLinks: Bool = false, _ code: Int32 = errno) throws(StoreError) {
        if code == ENOENT { return }
        if code == ELOOP && !followLinks {
            throw StoreError.unsafeStore(path: path, reason: "it is a symbolic link, and the store only uses regular files")
        }
        throw fail("read", path, code)
    }

    static func readAll(_ fd: Int32, path: String) throws(StoreError) -> [UInt8] {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fail("read", path) }
        // Read the size fstat reported straight into uninitialised storage, then
        // keep reading in case the file grew meanwhile.
        var buffer = try readFully(fd, offset: 0, count: Int(info.st_size), path: path)
        guard lseek(fd, off_t(buffer.count), SEEK_SET) >= 0 else { throw fail("read", path) }
        // Almost always the first read finds the end: the chunk is scratch
        // space, neither zeroed nor kept, since every read of a store file comes here.
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16_384) { (chunk) throws(StoreError) -> [UInt8] in
            while true {
                let got = Glibc.read(fd, chunk.baseAddress!, chunk.count)
                if got < 0 {
                    if errno == EINTR { continue }
                    throw fail("read", path)
                }
                if got == 0 { return buffer }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[0..<got]))
            }
        }
    }

    /// Up to `count` bytes from `offset` (fewer only at the end of the file),
    /// retrying short reads and EINTR.
    static func readFully(_ fd: Int32, offset: Int, count: Int, path: String) throws(StoreError) -> [UInt8] {
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { raw, initialized in
            var filled = 0
            while filled < count {
                let got = Glibc.pread(fd, raw.baseAddress! + filled, count - filled, off_t(offset + filled))
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if got == 0 { break }
                filled += got
            }
            initialized = filled
        }
        if failure != 0 { throw fail("read", path, failure) }
        return bytes
    }

    /// Writes every byte, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(StoreError) {
        do {
            _ = try FileDescriptor(rawValue: fd).writeAll(bytes)
        } catch {
            throw fail("write", path, (error as? Errno)?.rawValue ?? EIO)
        }
    }

    static func fsync(_ fd: Int32, path: String) throws(StoreError) {
        if Glibc.fsync(fd) != 0 { throw fail("sync", path) }
    }

    /// Makes a directory's entries (creations, renames, removals) durable.
    static func syncDirectory(_ path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw fail("open directory", path) }
        defer { close(fd) }
        if Glibc.fsync(fd) != 0 { throw fail("sync directory", path) }
    }

    /// Flushes everything written to the filesystem holding `path`: one call
    /// instead of an fsync per file when a transaction writes hundreds.
    static func syncFilesystem(of path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw fail("open directory", path) }
        defer { close(fd) }
        if sessions_syncfs(fd) != 0 { throw fail("sync filesystem of", path) }
    }

    /// A new private file that must not exist yet. The mode is set with fchmod
    /// as well, so the process umask can never widen it.
    static func createExclusive(_ path: String) throws(StoreError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, fileMode)
        guard fd >= 0 else { throw fail("create", path) }
        if fchmod(fd, fileMode) != 0 {
            let code = errno
            close(fd)
            unlink(path)
            throw fail("set permissions of", path, code)
        }
        return fd
    }

    /// Creates a directory with mode 0700 whatever the umask; an existing
    /// directory is left as it is. A link is not a directory here: the store's
    /// own directories are never followed anywhere else.
    static func makeDirectory(_ path: String) throws(StoreError) {
        if mkdir(path, directoryMode) == 0 {
            if chmod(path, directoryMode) != 0 { throw fail("set permissions of", path) }
            return
        }
        if errno == EEXIST {
            var info = stat()
            if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { return }
            try StoreSafety.checkNotLink(path)
            throw StoreError.unsafeStore(path: path, reason: "it exists and is not a directory")
        }
        throw fail("create directory", path)
    }

    /// Creates `path` and any missing parents (parents we create are 0700 too).
    /// A link to a directory is followed; a link to nothing is refused rather
    /// than having its target created, which would put the store somewhere
    /// the path does not say.
    static func makeDirectories(_ path: String) throws(StoreError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                let reason = linkTarget(path).map { "it is a symbolic link to \($0), which is not a directory" }
                throw StoreError.unsafeStore(path: path, reason: reason ?? "it exists and is not a directory")
            }
            return
        }
        let code = errno
        if let target = linkTarget(path) {
            throw StoreError.unsafeStore(
                path: path,
                reason: code == ELOOP ? "it is a symbolic link that loops (\(target))"
                    : "it is a symbolic link to \(target), which does not exist")
        }
        if code != ENOENT && code != ENOTDIR { throw fail("inspect", path, code) }
        let parent = parentDirectory(path)
        if parent != path && !parent.isEmpty { try makeDirectories(parent) }
        try makeDirectory(path)
    }

    /// What the link at `path` points to, or nil when `path` is not a link.
    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The file a chain of links at `path` ends at (which may not exist yet),
    /// for the user's own files, which may be links: replacing the link by a
    /// rename would cut it, so the file it names is replaced instead.
    static func followingLinks(_ path: String) throws(StoreError) -> String {
        var current = path
        for _ in 0..<40 {
            guard let target = linkTarget(current) else { return current }
            current = target.hasPrefix("/") ? target : parentDirectory(current) + "/" + target
        }
        throw fail("follow the links at", path, ELOOP)
    }

    /// Where `path` leads, as the kernel resolves it: absolute, with every
    /// link followed and `.` and `..` gone; nil when nothing is there.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func parentDirectory(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// Temp file (created exclusively, 0600), write, fsync, rename over
    /// `target`, fsync the target's directory: afterwards `target` holds
    /// `bytes` completely, or still holds what it held before.
    /// A link at `target` is refused: the rename would replace the link itself.
    /// So is a file the caller may not write: a rename would replace it all
    /// the same, though someone made it read-only.
    static func replaceAtomically(_ target: String, with bytes: [UInt8], temp: String) throws(StoreError) {
        try StoreSafety.checkNotLink(target)
        do {
            try replace(target, temp: temp) { fd throws(StoreError) in try writeAll(fd, bytes, path: temp) }
        } catch let error as StoreError {
            throw error
        } catch {
            preconditionFailure("a typed-throws body threw \(error)")
        }
    }

    /// The one way a whole file is replaced. Everything that can be refused
    /// is refused before the temp file exists: a target that is a directory
    /// (a rename could only fail there, after all the writing) and one the
    /// caller may not write. After that, any failure, the rename's included,
    /// removes the temp file: no failure leaves one behind.
    static func replace(_ target: String, temp: String, _ body: (_ fd: Int32) throws -> Void) throws {
        if let info = try status(target), info.st_mode & S_IFMT == S_IFDIR {
            throw fail("write to", target, EISDIR)
        }
        try checkAccess(target, W_OK, "replace")
        // Named as the directory, not as a temp file the user never asked for.
        for directory in Set([parentDirectory(temp), parentDirectory(target)]) { try checkAccess(directory, W_OK | X_OK, "write to") }
        unlink(temp)
        let fd = try createExclusive(temp)
        do {
            defer { close(fd) }
            try body(fd)
            try fsync(fd, path: temp)
            try rename(temp, target)
        } catch {
            unlink(temp)
            throw error
        }
        try syncDirectory(parentDirectory(target))
    }

    /// Whether this process may do `mode` (W_OK, X_OK) to `path`, judged by
    /// its effective ids; a path that does not exist passes.
    static func checkAccess(_ path: String, _ mode: Int32, _ operation: String) throws(StoreError) {
        if faccessat(AT_FDCWD, path, mode, AT_EACCESS) != 0 && errno != ENOENT { throw fail(operation, path) }
    }

    static func rename(_ from: String, _ to: String) throws(StoreError) {
        if Glibc.rename(from, to) != 0 { throw fail("rename \(from) to", to) }
    }

    /// Removes a file; a file that is already gone is not an error.
    static func remove(_ path: String) throws(StoreError) {
        if unlink(path) != 0 && errno != ENOENT { throw fail("remove", path) }
    }

    /// `lstat`, or nil when nothing is there.
    static func status(_ path: String, followLinks: Bool = true) throws(StoreError) -> stat? {
        var info = stat()
        let result = followLinks ? stat(path, &info) : lstat(path, &info)
        if result != 0 {
            if errno == ENOENT { return nil }
            throw fail("inspect", path)
        }
        return info
    }

    /// Names in a directory, without `.` and `..`; nil when it does not exist.
    static func list(_ path: String) throws(StoreError) -> [String]? {
        guard let dir = opendir(path) else {
            if errno == ENOENT { return nil }
            throw fail("list", path)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// What tells one state of a file from another without reading it: a write
/// moves its size or times, and a replacement changes its inode.
struct FileStamp: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: timespec
    var changed: timespec

    init(device: UInt64, inode: UInt64, size: Int64, modified: timespec, changed: timespec) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modified = modified
        self.changed = changed
    }

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = info.st_mtim
        changed = info.st_ctim
    }

    static func == (lhs: FileStamp, rhs: FileStamp) -> Bool {
        lhs.device == rhs.device && lhs.inode == rhs.inode && lhs.size == rhs.size
            && lhs.modified.tv_sec == rhs.modified.tv_sec && lhs.modified.tv_nsec == rhs.modified.tv_nsec
            && lhs.changed.tv_sec == rhs.changed.tv_sec && lhs.changed.tv_nsec == rhs.changed.tv_nsec
    }
}

/// Reading a whole file for callers outside the store (e.g. `--stdout-file`).
public enum FileBytes {
    /// The file's bytes, or nil when it does not exist.
    public static func read(_ path: String) throws(StoreError) -> [UInt8]? { try FileIO.read(path, followLinks: true) }
}

extension FileBytes {
    public struct Status: Sendable {
        public var isDirectory: Bool
    }

    /// What is at `path` (following links), or nil when nothing is.
    public static func status(_ path: String) throws(StoreError) -> Status? {
        guard let info = try FileIO.status(path) else { return nil }
        return Status(isDirectory: info.st_mode & S_IFMT == S_IFDIR)
    }
}

extension FileBytes {
    /// Writes `path` from the chunks `body` emits, atomically: a private temp
    /// file beside it, synced, then renamed over it. A failure part way leaves
    /// the old file (or none) and no partial one.
    /// A link at `path` is followed, as the shell's `>` would: the file it
    /// names is replaced and the link stays. SIGINT, SIGTERM and SIGHUP
    /// remove the temp file before the process dies of them; what a SIGKILL
    /// left is removed by the next write to the same path (`ExportTempFiles`).
    public static func writeAtomically(_ path: String, _ body: (_ emit: ([UInt8]) throws -> Void) throws -> Void) throws {
        let path = try FileIO.followingLinks(path)
        let temp = ExportTempFiles.path(for: path)
        ExportTempFiles.removeAbandoned(of: path)
        _ = sessions_cleanup_arm(temp)
        defer { sessions_cleanup_disarm() }
        try FileIO.replace(path, temp: temp) { fd in
            ExportTempFiles.markLive(fd)
            try body { chunk throws(StoreError) in try FileIO.writeAll(fd, chunk, path: temp) }
        }
    }
}
