import Glibc
import Synchronization

/// The local JSON store: one file per session, a summaries index, and a
/// journal that makes every change atomic and cheap. See `JournalRecord` for
/// the commit protocol and the README for the layout.
///
/// Every operation re-reads what it needs under a `flock` on `lock`, so any
/// number of processes (the TUI, scripts, hooks) can share one store without
/// losing an update. Nothing is cached between operations.
public final class FileStore: SessionStore {
    public struct Options: Sendable {
        /// Name of account 1, created when the store is first used.
        public var initialAccountName: String
        /// Compact the journal into the index once it is this large (bytes), or
        /// a sixteenth of the index's size, whichever is larger.
        public var compactionThreshold: Int = 256 << 10
        /// How long to wait for another process's lock, and who hears of a long wait.
        public var lockWaiting = LockWaiting()
        /// What this process is, as a writer names itself in the lock file
        /// for those kept waiting: `sessions import`.
        public var commandName = "sessions"
        /// Test-only: stop a commit after this many steps, as a crash would.
        var crashAfterStep: Int?

        public init(initialAccountName: String = UserIdentity.name()) {
            self.initialAccountName = initialAccountName
        }
    }

    /// The store format this build writes.
    public static var format: Int { StoreFormat.version }

    public let root: String
    let options: Options
    let journal: Journal
    /// A copy this process found matching its session files but cannot
    /// adopt, because it cannot be written: the journal as it was then.
    /// It is read as it is while the journal stays so.
    let checkedCopy = Mutex<FileStamp?>(nil)

    /// Opens the store at `root`, creating it (and account 1) on first use.
    public init(root: String, options: Options = Options()) throws(StoreError) {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed
        self.options = options
        self.journal = Journal(path: trimmed + "/" + StoreFormat.journalFile)
        try FileIO.makeDirectories(trimmed)
        try StoreSafety.checkDirectory(trimmed)
        // Files in a directory reached through a link are outside the store:
        // temp files there would be renamed in from elsewhere, and cleaning up
        // after a crash would delete whatever the link points at.
        for directory in [StoreFormat.sessionsDirectory, StoreFormat.tempDirectory] {
            try StoreSafety.checkNotLink(path(directory))
        }
        // A link where the registry should be is not a missing registry:
        // creating the store would rename a new one over it.
        if try FileIO.status(path(StoreFormat.registryFile), followLinks: false) == nil {
            try initialize()
        }
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    /// The store's lock, waited for as the options say; a writer names itself in it.
    func takeLock(_ mode: StoreLock.Mode) throws(StoreError) -> StoreLock {
        try StoreLock(path: path(StoreFormat.lockFile), mode: mode, waiting: options.lockWaiting, holder: options.commandName)
    }

    // MARK: - Creating a store

    private func initialize() throws(StoreError) {
        let lock = try takeLock(.exclusive)
        defer { withExtendedLifetime(lock) {} }
        // Another process may have initialised it while we waited for the lock.
        if try FileIO.status(path(StoreFormat.registryFile)) != nil { return }
        let existing = (try FileIO.list(path(StoreFormat.sessionsDirectory)) ?? []).filter {
            StoreFormat.sessionID(fromFileName: $0) != nil
        }
        if !existing.isEmpty {
            throw StoreError.needsRepair(
                path: path(StoreFormat.registryFile),
                reason: "the registry file is missing but \(existing.count) session files exist")
        }
        try FileIO.makeDirectory(path(StoreFormat.sessionsDirectory))
        try FileIO.makeDirectory(path(StoreFormat.tempDirectory))
        var registry = Registry()
        let account = registry.addAccount(name: options.initialAccountName, at: Timestamp.now())
        registry.defaultAccountID = account.id
        // An empty index needs no keys file: the first write adds one.
        try writeAtomically(StoreFormat.indexFile, IndexFile.encode(summaries: [], generation: 0))
        try writeAtomically(StoreFormat.journalFile, Journal.headerLine(baseGeneration: 0, directoryInode: try directoryInode()))
        // The registry goes last: its presence is what marks the store as created.
        try writeAtomically(StoreFormat.registryFile, RegistryFile.encode(registry))
    }

    /// Temp file, fsync, rename, fsync the directory: the file is complete on
    /// disk under its name, or the old one still is.
    func writeAtomically(_ relative: String, _ bytes: [UInt8]) throws(StoreError) {
        let temp = "\(StoreFormat.tempDirectory)/\(relative.replacingSlashes()).\(getpid())"
        try FileIO.replaceAtomically(path(relative), with: bytes, temp: path(temp))
    }

    struct TempFile {
        var path: String
        var inode: UInt64
    }

    func writeTemp(_ bytes: [UInt8], label: String, sync: Bool) throws(StoreError) -> TempFile {
        var generator = SystemRandomNumberGenerator()
        let name = "\(StoreFormat.tempDirectory)/\(label).\(getpid()).\(String(generator.next() & 0xFFFF_FFFF, radix: 16))"
        let fullPath = path(name)
        let fd = try FileIO.createExclusive(fullPath)
        do throws(StoreError) {
            defer { close(fd) }
            try FileIO.writeAll(fd, bytes, path: fullPath)
            if sync { try FileIO.fsync(fd, path: fullPath) }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw FileIO.fail("inspect", fullPath) }
            return TempFile(path: name, inode: UInt64(info.st_ino))
        } catch {
            unlink(fullPath)
            throw error
        }
    }

    // MARK: - Reading

    /// Whether `root` holds a store (its registry, or its sessions when a
    /// repair has yet to make the registry again), without making one there.
    public static func isStore(at root: String) -> Bool {
        access(root + "/" + StoreFormat.registryFile, F_OK) == 0 || access(root + "/" + StoreFormat.sessionsDirectory, F_OK) == 0
    }

    public func registry() throws -> Registry {
        try consistentRead { () throws(StoreError) -> Registry in try readRegistry() }
    }

    public func session(id: Session.ID) throws -> Session? {
        let stored = StoredSession(root: root, id: id)
        let raw = try consistentRead { () throws(StoreError) -> StoredSession.Raw? in try stored.readRaw() }
        return try raw.map { (raw) throws(StoreError) -> Session in try stored.decode(raw) }
    }

    public func streamSession(id: Session.ID, fields: (Session, Int) throws -> Void,
                              interaction: (Interaction) throws -> Void) throws -> Bool {
        let stored = StoredSession(root: root, id: id)
        switch try consistentRead({ () throws(StoreError) -> StoredSession.Opened? in try stored.open() }) {
        case nil:
            return false
        case .whole(let bytes)?:
            try SessionFile.decode(bytes, path: stored.filePath, expectedID: id).stream(fields: fields, interaction: interaction)
        case .split(let head, let log)?:
            defer { if let log { close(log) } }
            try fields(head.session, head.interactionCount)
            if let log { try stored.forEachInteraction(head, log: log, interaction) }
        }
        return true
    }

    public func session(id: Session.ID, newest count: Int) throws -> SessionPage? {
        let stored = StoredSession(root: root, id: id)
        return try consistentRead { () throws(StoreError) -> SessionPage? in try stored.newest(count) }
    }

    public func sessions(ids: [Session.ID], _ body: (Session.ID, Result<Session?, any Error>) throws -> Void) throws {
        var checked: FileStamp?
        for id in ids {
            let stored = StoredSession(root: root, id: id)
            let session = Result { () throws(StoreError) -> Session? in
                let raw = try consistentRead(checked: &checked) { () throws(StoreError) -> StoredSession.Raw? in try stored.readRaw() }
                return try raw.map { (raw) throws(StoreError) -> Session in try stored.decode(raw) }
            }
            try body(id, session.mapError { $0 as any Error })
        }
    }

    public func generation() throws -> Int {
        try consistentRead { () throws(StoreError) -> Int in
            guard let tail = try journal.readTail() else { throw missingJournal() }
            return tail.generation
        }
    }

    public func catalog() throws -> Catalog {
        let (registryBytes, index, journalBytes, keysBytes) = try consistentRead {
            () throws(StoreError) -> ([UInt8]?, LazyFileBytes?, [UInt8]?, MappedFile?) in
            (try FileIO.read(path(StoreFormat.registryFile)), try LazyFileBytes.open(path(StoreFormat.indexFile)),
             try FileIO.read(journal.path), try readKeys())
        }
        // Parsing happens after the lock is released; the bytes are one
        // commit's. The index is held open rather than read: its keys file
        // usually spares reading it at all, and the descriptor keeps this
        // commit's index for as long as the catalog lives (a browser keeps
        // it for as long as it runs), since the store replaces it only by rename.
        guard let registryBytes else { throw missingRegistry() }
        guard let index else { throw missingIndex() }
        guard let journalBytes else { throw missingJournal() }
        let registry = try RegistryFile.decode(registryBytes, path: path(StoreFormat.registryFile))
        return try assembleCatalog(registry: registry, index: index, journalBytes: journalBytes, keysBytes: keysBytes)
    }

    /// Reads only the registry and the journal: every commit since `previous`
    /// is a journal record carrying its summaries, unless a compaction or a
    /// repair folded the journal away, in which case it reads everything.
    public func catalog(refreshing previous: Catalog) throws -> Catalog {
        let (registryBytes, journalBytes) = try consistentRead { () throws(StoreError) -> ([UInt8]?, [UInt8]?) in
            (try FileIO.read(path(StoreFormat.registryFile)), try FileIO.read(journal.path))
        }
        guard let registryBytes else { throw missingRegistry() }
        guard let journalBytes else { throw missingJournal() }
        let contents = try journal.parse(journalBytes)
        let latest = contents.records.last?.generation ?? contents.baseGeneration
        guard contents.baseGeneration <= previous.generation, latest >= previous.generation else { return try catalog() }
        var next = previous
        next.registry = try RegistryFile.decode(registryBytes, path: path(StoreFormat.registryFile))
        for record in contents.records where record.generation > previous.generation {
            next.apply(deletes: record.deletes, puts: record.puts)
        }
        next.generation = latest
        return next
    }

    /// The catalog from the files as they are now; the caller holds a lock.
    func loadCatalog(registry: Registry) throws(StoreError) -> Catalog {
        guard let index = try LazyFileBytes.open(path(StoreFormat.indexFile)) else { throw missingIndex() }
        guard let journalBytes = try FileIO.read(journal.path) else { throw missingJournal() }
        return try assembleCatalog(registry: registry, index: index, journalBytes: journalBytes, keysBytes: try readKeys())
    }

    /// The keys file, mapped (its 8 MB at 100,000 sessions are read once, to
    /// build the catalog), nil when there is none. Like every store file it
    /// must not be a link; any other trouble reading it only means the
    /// index's text is read instead.
    func readKeys() throws(StoreError) -> MappedFile? {
        do {
            return try MappedFile.open(path(StoreFormat.keysFile))
        } catch {
            if case .unsafeStore = error { throw error }
            return nil
        }
    }

    /// Replaces the index, then its keys file. The keys are written second
    /// and only ever trusted when they name the index's file, which the
    /// rename has just made new, so a crash or a full disk between the two
    /// leaves keys that are ignored, never keys that are believed; the keys
    /// can always be left for later.
    func writeIndex(_ bytes: [UInt8], keys: IndexKeys.Draft? = nil) throws(StoreError) {
        try writeAtomically(StoreFormat.indexFile, bytes)
        guard let info = try? FileIO.status(path(StoreFormat.indexFile), followLinks: false),
              Int(info.st_size) == bytes.count else { return }
        try? writeKeys(keys ?? IndexKeys.draft(index: bytes), stamp: FileStamp(info))
    }

    /// The keys file for the index whose file is `stamp`; none for an index that does not read.
    func writeKeys(_ keys: IndexKeys.Draft?, stamp: FileStamp) throws(StoreError) {
        guard let keys else { return }
        try writeAtomically(StoreFormat.keysFile, keys.file(stamp: stamp))
    }

    /// Writes the keys file again if it names another index than the one in
    /// place (lost, or left behind by a crash, a full disk, a copy, a restore
    /// or a build that did not write it). The stamp is compared, not the
    /// entries: a file damaged inside is ignored by readers until a
    /// compaction or `doctor --repair` rewrites it. Must hold the exclusive lock.
    func refreshKeysIfStale() throws(StoreError) {
        guard let index = try LazyFileBytes.open(path(StoreFormat.indexFile)),
              let generation = try IndexFile.readGeneration(path(StoreFormat.indexFile)) else { return }
        if let fd = try FileIO.openForReading(path(StoreFormat.keysFile)) {
            defer { close(fd) }
            let header = try FileIO.readFully(fd, offset: 0, count: IndexKeys.headerSize, path: path(StoreFormat.keysFile))
            if IndexKeys.stampMatches(header, stamp: index.stamp, generation: generation) { return }
        }
        try writeKeys(IndexKeys.draft(index: try index.whole()), stamp: index.stamp)
    }

    /// Runs `body` under a shared lock once the store is known to be consistent:
    /// no half-applied commit, no stray temp files, an index that exists. If it
    /// is not, the repair runs first under the exclusive lock.
    func consistentRead<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        var checked: FileStamp?
        return try consistentRead(checked: &checked, body)
    }

    /// `consistentRead` for one of many reads: `checked` is the journal as
    /// it was when the store was last found consistent, and while the journal
    /// is unchanged the check is not made again. Every commit, repair and
    /// compaction changes the journal, so nothing that check would find can
    /// have appeared meanwhile without changing it.
    func consistentRead<T>(checked: inout FileStamp?, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        for _ in 0..<3 {
            do {
                let lock = try takeLock(.shared)
                defer { withExtendedLifetime(lock) {} }
                if try isConsistent(since: &checked) { return try body() }
            }
            let lock = try takeLock(.exclusive)
            defer { withExtendedLifetime(lock) {} }
            _ = try performMaintenance()
        }
        // Maintenance keeps being needed: some other process keeps crashing mid-commit.
        let lock = try takeLock(.shared)
        defer { withExtendedLifetime(lock) {} }
        return try body()
    }

    /// Whether the store needs no maintenance before a read. Must hold a lock.
    func isConsistent(since checked: inout FileStamp?) throws(StoreError) -> Bool {
        let stamp = try FileIO.status(journal.path, followLinks: false).map(FileStamp.init)
        if let stamp, stamp == checked { return true }
        guard try needsMaintenance() == nil else { return false }
        checked = stamp
        return true
    }

    // MARK: - Recovery

    enum Maintenance: Equatable {
        case copiedStore, tornJournal, unappliedCommit, strayTempFiles, missingIndex, staleIndex
    }

    /// What, if anything, must be repaired before the store can be read. Cheap:
    /// two short reads of the journal, a stat of the store directory, a stat
    /// per file of the last commit only when it lacks its applied marker, and
    /// a listing of the (normally empty) temp directory.
    func needsMaintenance() throws(StoreError) -> Maintenance? {
        guard let tail = try journal.readTail() else { throw missingJournal() }
        if let problem = try journalMaintenance(tail, checkedCopy: isCheckedCopy()) { return problem }
        guard let indexGeneration = try IndexFile.readGeneration(path(StoreFormat.indexFile)) else { return .missingIndex }
        if !tail.continues(indexGeneration: indexGeneration) { return .staleIndex }
        return nil
    }

    /// The journal's part of `needsMaintenance`, which `doctor` checks apart from the index.
    func journalMaintenance(_ tail: Journal.Tail, checkedCopy: Bool = false) throws(StoreError) -> Maintenance? {
        if !checkedCopy, try isCopy(tail) { return .copiedStore }
        if tail.isTorn { return .tornJournal }
        if let last = tail.last, !tail.lastIsMarkedApplied, try !isApplied(last) { return .unappliedCommit }
        if let temps = try FileIO.list(path(StoreFormat.tempDirectory)), !temps.isEmpty { return .strayTempFiles }
        return nil
    }

    func isApplied(_ record: JournalRecord) throws(StoreError) -> Bool {
        for file in record.files {
            guard let info = try FileIO.status(path(file.path), followLinks: false), UInt64(info.st_ino) == file.inode else {
                return false
            }
        }
        for removed in record.removes where try FileIO.status(path(removed), followLinks: false) != nil {
            return false
        }
        return true
    }

    /// What maintenance did (for `doctor`) and the journal's tail afterwards,
    /// so that a write does not read the tail again.
    struct MaintenanceResult {
        var actions: [String]
        var tail: Journal.Tail
        /// The summaries the index and journal hold cannot be trusted to be
        /// what the session files hold: the store is a copy, or its last
        /// commit could not be completed as written. The index must be
        /// rebuilt from the files, which also starts a journal of this directory.
        var indexNeedsRebuild = false
    }

    /// Brings the store to a consistent state. Must hold the exclusive lock.
    /// A copy is adopted: its index is rebuilt from its session files, and
    /// its journal starts anew in this directory; one that cannot be
    /// written is checked instead (see `checkCopyAsItIs`).
    @discardableResult
    func performMaintenance() throws(StoreError) -> MaintenanceResult {
        if let tail = try journal.readTail(), try isCopy(tail), (try? checkWritable()) == nil {
            try checkCopyAsItIs(tail)
            return MaintenanceResult(actions: [], tail: tail)
        }
        do throws(StoreError) {
            var result = try repairJournal()
            let indexGeneration = try IndexFile.readGeneration(path(StoreFormat.indexFile))
            if result.indexNeedsRebuild {
                let settled = try settleCopiedLogs()
                if !settled.isEmpty {
                    result.actions.append("read \(settled.count == 1 ? "session" : "sessions") "
                        + settled.map { "\($0)" }.joined(separator: ", ") + " as far as the interaction log copied with it goes")
                }
            }
            if result.indexNeedsRebuild || indexGeneration.map(result.tail.continues) != true {
                // A new generation, so that live views notice the rebuilt index.
                let plan = try rebuildIndex(generation: max(result.tail.generation, indexGeneration ?? 0) + 1)
                let why = result.indexNeedsRebuild ? "its summaries could not be trusted" : indexGeneration == nil ? "missing" : "stale"
                result.actions.append("rebuilt the index from \(plan.summaries.count) sessions (it was \(why))")
                if result.indexNeedsRebuild {
                    // A registry copied before a session was created would hand its id out again.
                    var registry = try readRegistry()
                    let doctor = StoreDoctor(root: root)
                    if !doctor.counterProblems(registry, summaries: plan.summaries).isEmpty {
                        doctor.raiseCounters(&registry, summaries: plan.summaries)
                        try writeAtomically(StoreFormat.registryFile, RegistryFile.encode(registry))
                        result.actions.append("raised the id counters past the ids in use")
                    }
                }
                guard let tail = try journal.readTail() else { throw missingJournal() }
                result.tail = tail
            }
            return result
        } catch {
            // A copy that could not be adopted (a full disk) is not to be read
            // as it is: say what it is, not only what failed.
            if case .io = error, let tail = try? journal.readTail(), (try? isCopy(tail)) == true {
                throw StoreError.copiedStore(path: root, detail: "rebuilding its index from its session files failed: \(error.detail)")
            }
            throw error
        }
    }

    /// Cuts off a torn record, finishes an interrupted commit and removes temp
    /// files. A commit that cannot be finished as written (its temporary
    /// files are gone or are not the ones it wrote), or any unfinished commit
    /// in a copy, is settled file by file instead (see `settle`), and the
    /// result asks for the index to be rebuilt. Must hold the exclusive lock.
    func repairJournal() throws(StoreError) -> MaintenanceResult {
        var actions: [String] = []
        guard var tail = try journal.readTail() else { throw missingJournal() }
        let copied = try isCopy(tail)
        var rebuild = copied
        var rewritten = false
        if tail.isTorn {
            try journal.truncate(to: tail.validLength)
            actions.append("cut off an incomplete journal record (\(tail.fileLength - tail.validLength) bytes)")
            rewritten = true
        }
        if let last = tail.last, !tail.lastIsMarkedApplied {
            let obstacle = copied ? nil : try unfinishable(last)
            if copied || obstacle != nil {
                // Not marked applied: the rebuild that follows starts a fresh
                // journal, and if it never happens, the next open settles again.
                let what = obstacle.map { "could not be completed as written (\($0))" } ?? "was in progress when the store was copied"
                actions.append("commit \(last.generation) \(what); \(try settle(last))")
                rebuild = true
            } else {
                let wasApplied = try isApplied(last)
                try finish(last)
                if !wasApplied {
                    actions.append("completed commit \(last.generation), interrupted before all its files were in place")
                }
                try journal.markApplied(generation: last.generation, at: tail.validLength)
                rewritten = true
            }
        }
        let temps = try FileIO.list(path(StoreFormat.tempDirectory)) ?? []
        for name in temps {
            try FileIO.remove(path("\(StoreFormat.tempDirectory)/\(name)"))
        }
        if !temps.isEmpty {
            try FileIO.syncDirectory(path(StoreFormat.tempDirectory))
            actions.append("removed \(temps.count) leftover temporary file\(temps.count == 1 ? "" : "s")")
        }
        if rewritten {
            guard let repaired = try journal.readTail() else { throw missingJournal() }
            tail = repaired
        }
        return MaintenanceResult(actions: actions, tail: tail, indexNeedsRebuild: rebuild)
    }

    /// Rolls a committed record forward: renames its synced temp files into place
    /// and removes what it removes, then syncs every directory the record
    /// touches, including renames an earlier, killed process already made: its
    /// directory sync may never have happened, and the applied marker written
    /// after this must not claim more than the disk holds. Every step is idempotent.
    func finish(_ record: JournalRecord) throws(StoreError) {
        var directories: Set<String> = []
        for file in record.files {
            try StoreFormat.checkRelativePath(file.path, in: journal.path)
            try StoreFormat.checkRelativePath(file.temp, in: journal.path)
            try StoreSafety.checkNotLink(path(file.path))
            directories.insert(FileIO.parentDirectory(path(file.path)))
            if let info = try FileIO.status(path(file.path), followLinks: false), UInt64(info.st_ino) == file.inode {
                continue
            }
            guard let temp = try FileIO.status(path(file.temp), followLinks: false), UInt64(temp.st_ino) == file.inode else {
                throw StoreError.needsRepair(
                    path: journal.path,
                    reason: "commit \(record.generation) cannot be completed: \(file.temp) is gone")
            }
            try FileIO.rename(path(file.temp), path(file.path))
        }
        for removed in record.removes {
            try StoreFormat.checkRelativePath(removed, in: journal.path)
            try FileIO.remove(path(removed))
            directories.insert(FileIO.parentDirectory(path(removed)))
        }
        if !record.files.isEmpty { directories.insert(path(StoreFormat.tempDirectory)) }
        for directory in directories.sorted() { try FileIO.syncDirectory(directory) }
    }

    /// Reads every session file and writes a fresh index and an empty journal.
    /// A damaged session file does not stop it: the session keeps the summary
    /// the old index had of it, marked damaged (see `SessionScan.indexPlan`),
    /// so no list loses it, and another account's damaged file never stops
    /// this account's commands. Any other file that cannot be read (a link,
    /// a permission) fails the rebuild, changing nothing.
    func rebuildIndex(generation: Int) throws(StoreError) -> SessionScan.IndexPlan {
        let scan = try SessionScan.read(root: root)
        let plan = scan.indexPlan(lastKnown: lastKnownSummaries(), registry: try readRegistry())
        try writeIndex(IndexFile.encode(summaries: plan.summaries, generation: generation))
        try writeAtomically(StoreFormat.journalFile, Journal.headerLine(baseGeneration: generation, directoryInode: try directoryInode()))
        return plan
    }

    /// The summaries the index and journal hold now, as far as they can be
    /// read: what a rebuild keeps of sessions whose files are damaged. An
    /// index that cannot be read at all knows nothing.
    func lastKnownSummaries() -> [Session.ID: SessionSummary] {
        var summaries: [SessionSummary] = []
        if let catalog = try? loadCatalog(registry: Registry()) {
            summaries = catalog.summaries
        } else if let bytes = try? FileIO.read(path(StoreFormat.indexFile)),
                  let index = try? IndexFile.decode(bytes, path: path(StoreFormat.indexFile)) {
            summaries = index.summaries
        }
        // An index edited by hand may name an id twice: the later line wins, as it does for lists.
        return Dictionary(summaries.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
    }

    func readRegistry() throws(StoreError) -> Registry {
        guard let bytes = try FileIO.read(path(StoreFormat.registryFile)) else { throw missingRegistry() }
        return try RegistryFile.decode(bytes, path: path(StoreFormat.registryFile))
    }

    func missingRegistry() -> StoreError {
        .needsRepair(path: path(StoreFormat.registryFile), reason: "the registry file is missing")
    }

    func missingIndex() -> StoreError {
        .needsRepair(path: path(StoreFormat.indexFile), reason: "the index is missing")
    }

    func missingJournal() -> StoreError {
        .needsRepair(path: journal.path, reason: "the journal is missing")
    }

    // MARK: - Writing

    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        let lock = try takeLock(.exclusive)
        defer { withExtendedLifetime(lock) {} }
        try checkWritable()
        // Recreate the working directories if someone removed them.
        try FileIO.makeDirectory(path(StoreFormat.tempDirectory))
        try FileIO.makeDirectory(path(StoreFormat.sessionsDirectory))
        var tail = try performMaintenance().tail
        // A journal from before directories were recorded: a compaction
        // starts one that records this directory, once. It can wait for a
        // later write (a full disk, say); a half-done one leaves records the
        // new index covers, which readers skip.
        if tail.format < StoreFormat.version {
            // Before anything in the new format is written, the journal and
            // the index say so: a build that knows only the older format
            // then refuses the store instead of misreading it.
            try compact()
            guard let compacted = try journal.readTail() else { throw missingJournal() }
            tail = compacted
        } else if tail.directoryInode == nil, (try? compact()) != nil {
            guard let compacted = try journal.readTail() else { throw missingJournal() }
            tail = compacted
        }
        guard let registryBytes = try FileIO.read(path(StoreFormat.registryFile)) else { throw missingRegistry() }
        let (registry, registryFormat) = try RegistryFile.decodeVersioned(registryBytes, path: path(StoreFormat.registryFile))
        let transaction = FileTransaction(store: self, registry: registry)
        transaction.registryFormat = registryFormat
        let result = try body(transaction)
        try commit(transaction, after: tail)
        return result
    }

    /// A store someone made read-only (its directory, its journal, a file
    /// mode or a read-only mount) is refused before anything is written.
    /// Found later, it would be found too late: once the journal holds a
    /// commit, a rename that fails leaves it for the next command to finish,
    /// and in a read-only store nothing could, so every read would fail.
    func checkWritable() throws(StoreError) {
        for directory in [root, path(StoreFormat.sessionsDirectory), path(StoreFormat.tempDirectory)] {
            try FileIO.checkAccess(directory, W_OK | X_OK, "write to")
        }
        try FileIO.checkAccess(journal.path, W_OK, "write")
    }

    private var crashPoint: Int? { options.crashAfterStep }

    /// Test hook: simulates a crash by abandoning the commit after `step` steps.
    struct SimulatedCrash: Error {}

    private func step(_ number: Int) throws {
        if let crashPoint, number >= crashPoint { throw SimulatedCrash() }
    }

    func commit(_ transaction: FileTransaction, after tail: Journal.Tail) throws {
        let changes = transaction.stagedChanges()
        // A store still at an older format has its registry rewritten in the
        // first commit, which names the format this build writes.
        let registryChanged = transaction.registry != transaction.originalRegistry || transaction.registryFormat < StoreFormat.version
        if changes.isEmpty && !registryChanged { return }

        var record = JournalRecord(generation: tail.generation + 1)
        // Bulk writes sync the filesystem once instead of every file.
        let bulk = changes.count > 16
        var temps: [TempFile] = []
        /// Logs appended to before the commit point, with their committed
        /// lengths: cut back if the commit fails.
        var appended: [(fd: Int32, length: Int, created: String?)] = []
        defer { for log in appended { close(log.fd) } }
        do {
            for change in changes {
                switch change {
                case .put(let session):
                    try put(session)
                case .edit(let edit, let base):
                    let (head, log, created): (SessionHead, Int32, String?)
                    do {
                        (head, log, created) = try appendLines(edit, base: base, sync: !bulk, transaction: transaction)
                    } catch is EditNeedsWholeSession {
                        guard let whole = try transaction.session(id: edit.id) else { throw SessionError.session(edit.id) }
                        try put(whole)
                        continue
                    }
                    appended.append((log, base.logLength, created))
                    let headTemp = try writeTemp(SessionHeadFile.encode(head), label: "session-\(edit.id)", sync: !bulk)
                    temps.append(headTemp)
                    record.files.append(.init(path: StoreFormat.sessionFile(edit.id), temp: headTemp.path, inode: headTemp.inode))
                    record.appends.append(.init(path: StoreFormat.logFile(edit.id), from: base.logLength, to: head.logLength))
                    record.puts.append(head.summary)
                case .delete(let id):
                    for file in [StoreFormat.sessionFile(id), StoreFormat.logFile(id)] where try FileIO.status(path(file), followLinks: false) != nil {
                        record.removes.append(file)
                    }
                    record.deletes.append(id)
                }
            }
            /// A session written whole, and split: its log (none while it has
            /// no interactions) and its head.
            func put(_ session: Session) throws {
                // Whatever path a session came by, nothing is written that
                // the parser would refuse to read back.
                if let error = session.nestingError() ?? session.timeError() { throw SessionError.invalid(SchemaError([error])) }
                var log: [UInt8] = []
                var lines: [Range<Int>] = []
                for (position, interaction) in session.interactions.enumerated() {
                    let line = InteractionLog.line(position: position, interaction)
                    lines.append(log.count..<(log.count + line.count))
                    log += line
                }
                let head = SessionHead(session, logLength: log.count, lines: lines)
                if !log.isEmpty {
                    let logTemp = try writeTemp(log, label: "log-\(session.id)", sync: !bulk)
                    temps.append(logTemp)
                    record.files.append(.init(path: StoreFormat.logFile(session.id), temp: logTemp.path, inode: logTemp.inode))
                } else if try FileIO.status(path(StoreFormat.logFile(session.id)), followLinks: false) != nil {
                    record.removes.append(StoreFormat.logFile(session.id))
                }
                let headTemp = try writeTemp(SessionHeadFile.encode(head), label: "session-\(session.id)", sync: !bulk)
                temps.append(headTemp)
                record.files.append(.init(path: StoreFormat.sessionFile(session.id), temp: headTemp.path, inode: headTemp.inode))
                record.puts.append(head.summary)
            }
            if registryChanged {
                let temp = try writeTemp(RegistryFile.encode(transaction.registry), label: "store", sync: !bulk)
                temps.append(temp)
                record.files.append(.init(path: StoreFormat.registryFile, temp: temp.path, inode: temp.inode))
            }
            // The renames after the commit point must not land on a link (a
            // rename replaces the link); refusing is only possible before it.
            for relative in record.files.map(\.path) + record.removes {
                try StoreSafety.checkNotLink(path(relative))
                try FileIO.checkAccess(path(relative), W_OK, "replace")
            }
            try step(1)
            if bulk {
                try FileIO.syncFilesystem(of: root)
            } else {
                if !temps.isEmpty { try FileIO.syncDirectory(path(StoreFormat.tempDirectory)) }
                // A log an append created must be in its directory before the commit counts its lines.
                if appended.contains(where: { $0.created != nil }) { try FileIO.syncDirectory(path(StoreFormat.sessionsDirectory)) }
            }
            try step(2)
        } catch {
            // Not committed: nothing but our own temp files, and log bytes past
            // the committed length, was touched.
            if !(error is SimulatedCrash) {
                for temp in temps { unlink(path(temp.path)) }
                for log in appended {
                    _ = ftruncate(log.fd, off_t(log.length))
                    if let created = log.created { unlink(created) }
                }
            }
            throw error
        }
        let recordEnd: Int
        do {
            recordEnd = try journal.append(record, expectedLength: tail.validLength)
        } catch {
            // The journal was cut back: not committed.
            for temp in temps { unlink(path(temp.path)) }
            for log in appended {
                _ = ftruncate(log.fd, off_t(log.length))
                if let created = log.created { unlink(created) }
            }
            throw error
        }
        try step(3)
        // Committed: the journal holds the change durably. If putting the files
        // in place fails now, the next command finishes it, so this one still
        // succeeded; reporting failure would make a retrying script do it twice.
        do {
            try finish(record)
        } catch {
            return
        }
        try step(4)
        // The change is committed and in place. What follows only saves later
        // work, so its failure (a full disk, say) must not report the change as
        // failed: the next write simply tries again.
        guard (try? journal.markApplied(generation: record.generation, at: recordEnd)) != nil else { return }
        try? compactIfNeeded(journalLength: recordEnd + Journal.markerLine(generation: record.generation).count)
        try? refreshKeysIfStale()
    }

    /// Writes an edit's lines after its log's committed part (cutting off any
    /// bytes a crashed writer left past it) and syncs them, before the commit
    /// point: until the head that counts them is committed, readers do not
    /// read them. Returns the head the commit writes, the open log, and the
    /// log's path if this made it (a failed commit removes it again).
    func appendLines(_ edit: SessionEdit, base: SessionHead, sync: Bool, transaction: FileTransaction)
        throws -> (SessionHead, Int32, created: String?)
    {
        for interaction in edit.replaced.values.map({ $0 }) + edit.appended {
            var probe = edit.session
            probe.interactions = [interaction]
            if let error = probe.nestingError() ?? probe.timeError() { throw SessionError.invalid(SchemaError([error])) }
        }
        if let error = edit.session.nestingError() ?? edit.session.timeError() { throw SessionError.invalid(SchemaError([error])) }
        let stored = StoredSession(root: root, id: edit.id)
        let old = Dictionary(uniqueKeysWithValues: zip(edit.replaced.keys.sorted(),
                                                       try stored.interactions(of: base, at: edit.replaced.keys.sorted())))
        var bytes: [UInt8] = []
        var lines: [Int: Range<Int>] = [:]
        let additions = edit.replaced.sorted { $0.key < $1.key }
            + edit.appended.enumerated().map { (base.interactionCount + $0.offset, $0.element) }
        for (position, interaction) in additions {
            let line = InteractionLog.line(position: position, interaction)
            lines[position] = (base.logLength + bytes.count)..<(base.logLength + bytes.count + line.count)
            bytes += line
        }
        let (head, exact) = base.applying(edit, replacedWere: old, lines: lines, logLength: base.logLength + bytes.count)
        // Only a full read knows the latest activity when a replaced
        // interaction held it and its new version is older: rare enough to
        // pay for by writing the session whole.
        guard exact else { throw EditNeedsWholeSession() }
        let logPath = stored.logPath
        let existed = try FileIO.status(logPath, followLinks: false) != nil
        let fd = open(logPath, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileIO.fail("open", logPath) }
        do throws(StoreError) {
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw FileIO.fail("inspect", logPath) }
            if Int(info.st_size) < base.logLength {
                throw StoreError.damagedSession(id: edit.id, path: logPath,
                    detail: "it is \(info.st_size) bytes long, but the session's head says \(base.logLength) were written")
            }
            if Int(info.st_size) > base.logLength, ftruncate(fd, off_t(base.logLength)) != 0 { throw FileIO.fail("truncate", logPath) }
            guard lseek(fd, off_t(base.logLength), SEEK_SET) >= 0 else { throw FileIO.fail("seek in", logPath) }
            try FileIO.writeAll(fd, bytes, path: logPath)
            if sync { try FileIO.fsync(fd, path: logPath) }
        } catch {
            _ = ftruncate(fd, off_t(base.logLength))
            close(fd)
            // A log this write made goes again: nothing it did may stay.
            if !existed { unlink(logPath) }
            throw error
        }
        return (head, fd, existed ? nil : logPath)
    }

    /// An edit that must be written as the whole session (see `appendLines`).
    struct EditNeedsWholeSession: Error {}

    /// Folds the journal into the index once the journal is large, so reads stay
    /// fast. Rare, so its cost (proportional to the store) amortises to nothing.
    /// Every read skims the whole journal, where the index costs it only its
    /// keys file, about a sixth of the index's size and far cheaper per byte;
    /// a journal of a sixteenth of the index keeps the journal's part of a
    /// read below the index's, and a compaction (copying lines, not
    /// re-encoding them) every few thousand commits on the largest stores.
    func compactIfNeeded(journalLength: Int) throws(StoreError) {
        guard journalLength > options.compactionThreshold else { return }
        let indexSize = Int(try FileIO.status(path(StoreFormat.indexFile))?.st_size ?? 0)
        guard journalLength > indexSize / 16 else { return }
        try compact()
    }

    /// Writes the current summaries as a new index (and its keys file), then
    /// starts an empty journal. A crash between the two leaves records the
    /// index already covers, which readers skip by generation.
    func compact() throws(StoreError) {
        let catalog = try loadCatalog(registry: try readRegistry())
        let (index, keys) = try IndexFile.encode(table: catalog.table, generation: catalog.generation)
        try writeIndex(index, keys: keys)
        try writeAtomically(StoreFormat.journalFile,
                            Journal.headerLine(baseGeneration: catalog.generation, directoryInode: try directoryInode()))
    }
}

extension String {
    func replacingSlashes() -> String { String(map { $0 == "/" ? "-" : $0 }) }
}

extension FileStore {
    /// Opens an existing store without creating anything, for `doctor`.
    convenience init(opening root: String) throws(StoreError) {
        guard try FileIO.status(root + "/" + StoreFormat.registryFile) != nil else {
            throw StoreError.needsRepair(path: root + "/" + StoreFormat.registryFile, reason: "the registry file is missing")
        }
        try self.init(root: root)
    }
}
