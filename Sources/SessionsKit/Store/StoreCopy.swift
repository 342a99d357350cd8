import Glibc

/// A store whose journal names another directory than its own is a copy
/// (see `Journal.Tail.directoryInode`): perhaps taken file by file while a
/// writer ran, so its index, journal and session files may come from
/// different moments, and inodes, which tell a finished commit from an
/// unfinished one, mean nothing in it. `performMaintenance` adopts a copy
/// (settles its last commit, rebuilds its index from its session files and
/// starts a journal of its own); here is what that and `doctor` need.
extension FileStore {
    /// The inode of the store directory, which the journal's header records.
    func directoryInode() throws(StoreError) -> UInt64 { try Self.directoryInode(of: root) }

    static func directoryInode(of root: String) throws(StoreError) -> UInt64 {
        guard let info = try FileIO.status(root) else { throw StoreError.unsafeStore(path: root, reason: "it does not exist") }
        return UInt64(info.st_ino)
    }

    /// Whether the journal was started in another directory: the store was
    /// copied, and its files may come from different moments. Inodes mean
    /// nothing in a copy either, so its last commit cannot be checked by them.
    func isCopy(_ tail: Journal.Tail) throws(StoreError) -> Bool {
        guard let recorded = tail.directoryInode else { return false }
        return try directoryInode() != recorded
    }

    /// A copy that cannot be written cannot be adopted, but it may still be
    /// read as it is if it holds no trace of a commit in progress and its
    /// index and journal list exactly what its session files hold. That
    /// takes reading every session file, which this process then need not
    /// do again; another process will. Otherwise it is refused, saying why.
    func checkCopyAsItIs(_ tail: Journal.Tail) throws(StoreError) {
        let stamp = try FileIO.status(journal.path, followLinks: false).map(FileStamp.init)
        if let stamp, checkedCopy.withLock({ $0 }) == stamp { return }
        func refuse(_ why: String) -> StoreError {
            .copiedStore(path: root, detail: "\(why), and it cannot be written, so its index cannot be rebuilt from its session files")
        }
        let temps = try FileIO.list(path(StoreFormat.tempDirectory)) ?? []
        if tail.isTorn || (tail.last != nil && !tail.lastIsMarkedApplied) || !temps.isEmpty {
            throw refuse("it holds a commit that was in progress when it was copied")
        }
        guard let indexGeneration = try IndexFile.readGeneration(path(StoreFormat.indexFile)),
              tail.continues(indexGeneration: indexGeneration) else {
            throw refuse("its index and journal were copied at different moments")
        }
        let registry = try readRegistry()
        let catalog = try loadCatalog(registry: registry)
        let indexed = Dictionary(catalog.summaries.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        let plan = try SessionScan.read(root: root).indexPlan(lastKnown: indexed, registry: registry)
        let difference = IndexDifference(expected: plan.summaries, indexed: indexed)
        if !difference.isEmpty { throw refuse("its index does not match its session files (\(difference))") }
        checkedCopy.withLock { $0 = stamp }
    }

    /// Whether this process found the store, a copy it cannot write, readable as it is.
    func isCheckedCopy() throws(StoreError) -> Bool {
        guard let checked = checkedCopy.withLock({ $0 }) else { return false }
        return try FileIO.status(journal.path, followLinks: false).map(FileStamp.init) == checked
    }

    /// Why `finish` cannot complete `record`, or nil when it can: each of its
    /// files is in place already or its temporary file is the one it wrote.
    func unfinishable(_ record: JournalRecord) throws(StoreError) -> String? {
        for file in record.files {
            if let info = try FileIO.status(path(file.path), followLinks: false), UInt64(info.st_ino) == file.inode { continue }
            guard let temp = try FileIO.status(path(file.temp), followLinks: false) else { return "\(file.temp) is gone" }
            if UInt64(temp.st_ino) != file.inode {
                return "\(file.temp) is not the file it wrote (inode \(temp.st_ino), not \(file.inode)): the store's files were copied"
            }
        }
        return nil
    }

    /// Puts a commit's files in place as far as the store still holds them,
    /// when inodes cannot tell (a copy keeps no inode): a temporary file
    /// replaces its target only when it is whole (`isWhole`) and there is no
    /// target or it is the newer of the two by modification time (a copy
    /// that keeps times keeps that order).
    /// A target as new or newer is what a copy took after the rename, or
    /// what a later commit wrote. Removals are done. Says what was done.
    func settle(_ record: JournalRecord) throws(StoreError) -> String {
        var placed = 0
        var directories: Set<String> = [path(StoreFormat.tempDirectory)]
        for file in record.files {
            try StoreFormat.checkRelativePath(file.path, in: journal.path)
            try StoreFormat.checkRelativePath(file.temp, in: journal.path)
            try StoreSafety.checkNotLink(path(file.path))
            guard let temp = try FileIO.status(path(file.temp), followLinks: false), temp.st_mode & S_IFMT == S_IFREG else { continue }
            if let target = try FileIO.status(path(file.path), followLinks: false),
               (target.st_mtim.tv_sec, target.st_mtim.tv_nsec) >= (temp.st_mtim.tv_sec, temp.st_mtim.tv_nsec) {
                continue
            }
            guard isWhole(file) else { continue }
            try FileIO.rename(path(file.temp), path(file.path))
            directories.insert(FileIO.parentDirectory(path(file.path)))
            placed += 1
        }
        for removed in record.removes {
            try StoreFormat.checkRelativePath(removed, in: journal.path)
            try FileIO.remove(path(removed))
            directories.insert(FileIO.parentDirectory(path(removed)))
        }
        for directory in directories.sorted() { try FileIO.syncDirectory(directory) }
        let files = record.files.count
        return "put \(placed) of its \(files) new file\(files == 1 ? "" : "s") in place, where no newer one was"
            + (record.removes.isEmpty ? "" : ", and removed the \(record.removes.count) it deletes")
    }

    /// Whether a commit's temporary file, in a copy, holds the whole file
    /// its commit wrote: a temporary file is written in place and renamed
    /// only once whole, so a copy taken file by file may have caught it
    /// half written, and putting that in place would put damage where the
    /// copy held a whole, older file. A session's head and the registry
    /// must decode; a log must end with a whole line and decode to its end.
    func isWhole(_ file: JournalRecord.FileReplacement) -> Bool {
        let tempPath = path(file.temp), name = file.path.split(separator: "/").last.map(String.init) ?? file.path
        guard let bytes = try? FileIO.read(tempPath) else { return false }
        if file.path == StoreFormat.registryFile {
            return (try? RegistryFile.decode(bytes, path: tempPath)) != nil
        }
        if let id = StoreFormat.sessionID(fromFileName: name) {
            switch try? StoredSession.file(bytes, path: tempPath, id: id) {
            case nil: return false
            case .whole(let whole)?: return (try? SessionFile.decode(whole, path: tempPath, expectedID: id)) != nil
            case .head?: return true
            }
        }
        if StoreFormat.sessionID(fromLogName: name) != nil {
            guard bytes.last == UInt8(ascii: "\n") else { return bytes.isEmpty }
            return (try? bytes.withUnsafeBufferPointer { (buffer) throws(StoreError) in
                try InteractionLog.decodeAll(buffer, length: buffer.count, path: tempPath)
            }) != nil
        }
        return true
    }

    /// Brings each split session's head in line with its log in a copy: a
    /// copy taken file by file may hold a log copied before an append its
    /// head, copied later, counts. Such a session is read as its log holds
    /// it, up to its last whole line, and its head written anew from that:
    /// the copy is as of the moment its log was taken. A log holding more
    /// than its head counts needs nothing: what lies past the head's count
    /// is not read. Returns the sessions whose heads were rewritten.
    func settleCopiedLogs() throws(StoreError) -> [Session.ID] {
        var settled: [Session.ID] = []
        for name in try FileIO.list(path(StoreFormat.sessionsDirectory)) ?? [] {
            guard let id = StoreFormat.sessionID(fromFileName: name) else { continue }
            let stored = StoredSession(root: root, id: id)
            guard case .head(let head)? = try? stored.readFile() else { continue }
            let log = try FileIO.read(stored.logPath) ?? []
            if log.count >= head.logLength && (head.logLength == 0 || log[head.logLength - 1] == UInt8(ascii: "\n")) { continue }
            let whole = log.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            guard let interactions = try? log.withUnsafeBufferPointer({ (buffer) throws(StoreError) -> [Interaction] in
                try InteractionLog.decodeAll(buffer, length: whole, path: stored.logPath)
            }) else { continue }  // a log that does not read stays damaged, for doctor to name
            var session = head.session
            session.interactions = interactions
            var lines: [Range<Int>] = []
            try log.withUnsafeBufferPointer { (buffer) throws(StoreError) in
                let entries = try InteractionLog.latest(buffer, length: whole, path: stored.logPath)
                lines = entries.map { $0.line.lowerBound..<($0.line.upperBound + 1) }
            }
            try writeAtomically(StoreFormat.sessionFile(id), SessionHeadFile.encode(SessionHead(session, logLength: whole, lines: lines)))
            settled.append(id)
        }
        return settled.sorted()
    }
}
