import Dispatch
import Glibc
import Synchronization

/// Who holds the store's lock to write, as it wrote itself into the lock
/// file: a process waiting for the lock can name what it waits for without
/// taking the lock.
public struct LockHolder: Sendable, Equatable {
    public var pid: Int32
    /// What runs there, as the program names itself: `sessions import`.
    public var command: String

    public init(pid: Int32, command: String) {
        self.pid = pid
        self.command = command
    }

    /// `locked by pid 4242 (sessions import)`, or by another process when
    /// the holder did not say (a reader, or a build that predates the line).
    public static func lockedBy(_ holder: LockHolder?) -> String {
        holder.map { "locked by pid \($0.pid) (\($0.command))" } ?? "locked by another process"
    }

    /// The line the lock file holds: `4242 sessions import`.
    var line: [UInt8] { Array("\(pid) \(command)\n".utf8) }

    /// The holder a lock file names, if it names a process that still runs.
    /// A holder killed with `SIGKILL` never cleared its line.
    init?(line bytes: [UInt8]) {
        let text = String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        guard let space = text.firstIndex(of: " "), let pid = Int32(text[..<space]), pid > 0 else { return nil }
        guard kill(pid, 0) == 0 || errno == EPERM else { return nil }
        self.init(pid: pid, command: String(text[text.index(after: space)...]))
    }
}

/// How long a lock may be waited for, and who hears of a long wait.
public struct LockWaiting: Sendable {
    /// Each wait has a number, for observers that hear of several at once.
    public enum Event: Sendable, Equatable {
        /// The wait has lasted `noticeMS`; the holder, if it said who it is.
        /// Told again if another process takes the lock meanwhile.
        case waiting(LockHolder?, wait: Int)
        /// The lock was taken after a wait that was told of.
        case finished(wait: Int)
    }

    /// Waits shorter than this are not worth a word.
    public static let noticeMS = 1_000

    /// Give up after this many milliseconds with `StoreError.busy`; nil waits
    /// for as long as it takes.
    public var limitMS: Int?
    public var observer: (@Sendable (Event) -> Void)?

    public init(limitMS: Int? = nil, observer: (@Sendable (Event) -> Void)? = nil) {
        self.limitMS = limitMS
        self.observer = observer
    }
}

/// An advisory lock on the store's `lock` file. `flock` locks belong to the open
/// file description, so two handles in one process exclude each other too, and
/// the kernel drops the lock when a killed process's descriptors close.
///
/// The exclusive holder writes its pid and command into the file and empties
/// it again before it lets go, so that a process kept waiting can say whom it
/// waits for; a holder killed meanwhile leaves a line naming a process that no
/// longer runs, which readers ignore.
final class StoreLock {
    enum Mode { case shared, exclusive }

    private let fd: Int32
    private let recorded: Bool
    let path: String

    /// Creates the lock file when it is missing. `holder` is written into it
    /// once an exclusive lock is held, where the file can be written.
    init(path: String, mode: Mode, waiting: LockWaiting = LockWaiting(), holder: String? = nil) throws(StoreError) {
        self.path = path
        let records = mode == .exclusive && holder != nil
        // A store someone made read-only can still be locked to be read.
        var fd = records ? open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, FileIO.fileMode) : -1
        let writable = fd >= 0
        if fd < 0 { fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, FileIO.fileMode) }
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { try StoreSafety.checkNotLink(path) }
            throw FileIO.fail("open lock file", path, code)
        }
        // Only when it differs: a chmod moves ctime, and readers should not
        // write metadata on every lock.
        var info = stat()
        if fstat(fd, &info) == 0 && info.st_mode & 0o7777 != FileIO.fileMode { _ = fchmod(fd, FileIO.fileMode) }
        do {
            try Self.acquire(fd, mode == .exclusive ? LOCK_EX : LOCK_SH, path: path, waiting: waiting)
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
        // Best effort: the line only helps others word their wait, so a full
        // disk or a size limit must not fail the lock.
        if writable, let holder {
            let line = LockHolder(pid: getpid(), command: holder).line
            recorded = line.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } == line.count
                && ftruncate(fd, off_t(line.count)) == 0
        } else {
            recorded = false
        }
    }

    deinit {
        if recorded { _ = ftruncate(fd, 0) }
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// The holder the lock file names now, read without taking the lock.
    static func holder(of path: String) -> LockHolder? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return LockHolder(line: Array(buffer[0..<count]))
    }

    /// Takes the lock at once when it is free, which is nearly always. A
    /// wait for ever blocks in the kernel, which hands the lock over the
    /// moment it is let go, while a watch on another thread tells the
    /// observer once the wait has lasted a second; a wait with a limit polls.
    private static func acquire(_ fd: Int32, _ operation: Int32, path: String, waiting: LockWaiting) throws(StoreError) {
        while flock(fd, operation | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            guard errno == EWOULDBLOCK else { throw FileIO.fail("lock", path) }
            if let limit = waiting.limitMS {
                try poll(fd, operation, path: path, limitMS: limit, observer: waiting.observer)
                return
            }
            let watch = waiting.observer.map { WaitWatch(path: path, observer: $0) }
            watch?.start()
            defer { watch?.finish() }
            while flock(fd, operation) != 0 {
                if errno == EINTR { continue }
                throw FileIO.fail("lock", path)
            }
            return
        }
    }

    private static func poll(_ fd: Int32, _ operation: Int32, path: String, limitMS: Int,
                             observer: (@Sendable (LockWaiting.Event) -> Void)?) throws(StoreError) {
        let start = monotonicMicroseconds()
        let wait = nextWait()
        var pause: Int64 = 250
        var told: LockHolder?? = nil
        defer { if told != nil { observer?(.finished(wait: wait)) } }
        while true {
            let elapsed = monotonicMicroseconds() - start
            if elapsed >= Int64(limitMS) * 1000 { throw StoreError.busy(path: path, holder: holder(of: path)) }
            if let observer, elapsed >= Int64(LockWaiting.noticeMS) * 1000 {
                let now = holder(of: path)
                if told != .some(now) {
                    observer(.waiting(now, wait: wait))
                    told = .some(now)
                }
            }
            usleep(UInt32(min(pause, Int64(limitMS) * 1000 - elapsed)))
            pause = min(pause * 2, 2_000)
            if flock(fd, operation | LOCK_NB) == 0 { return }
            if errno != EWOULDBLOCK && errno != EINTR { throw FileIO.fail("lock", path) }
        }
    }

    private static let waits = Atomic<Int>(0)

    static func nextWait() -> Int { waits.add(1, ordering: .relaxed).newValue }

    static func monotonicMicroseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }
}

/// Tells an observer of a blocking wait that has lasted a second, and of each
/// new holder after that, from another thread; then of its end. Every call
/// to the observer happens under one lock, so `finished` is always the last.
private final class WaitWatch: Sendable {
    private struct State {
        var done = false
        /// The holder last told of; nil until the first notice.
        var told: LockHolder??
    }

    private let path: String
    private let observer: @Sendable (LockWaiting.Event) -> Void
    private let state = Mutex(State())
    private let wait = StoreLock.nextWait()

    init(path: String, observer: @escaping @Sendable (LockWaiting.Event) -> Void) {
        self.path = path
        self.observer = observer
    }

    func start() { schedule(afterMS: LockWaiting.noticeMS) }

    private func schedule(afterMS milliseconds: Int) {
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { [self] in
            let holder = StoreLock.holder(of: path)
            let more = state.withLock { state -> Bool in
                guard !state.done else { return false }
                if state.told != .some(holder) {
                    observer(.waiting(holder, wait: wait))
                    state.told = .some(holder)
                }
                return true
            }
            if more { schedule(afterMS: 250) }
        }
    }

    func finish() {
        state.withLock { state in
            state.done = true
            if state.told != nil { observer(.finished(wait: wait)) }
        }
    }
}
