import Glibc

extension FileStore {
    /// What a backup wrote.
    public struct Backup: Sendable, Equatable {
        /// Session files copied, damaged ones included.
        public var sessions = 0
    }

    /// Copies the store into `target`, a directory that must not exist yet,
    /// as it stands at one commit: under the store's shared lock, once any
    /// interrupted commit is finished, so no writer changes a file while it
    /// is copied (writers wait meanwhile). A copy made file by file while
    /// writers run may hold files from different moments. The
    /// index and journal are written afresh, the journal naming the new
    /// directory, so the backup opens as a store of its own, with nothing to
    /// check or rebuild. Session files are copied byte for byte, damaged ones
    /// too. On any failure the new directory is removed, and nothing of the
    /// store is changed.
    public func backup(to target: String) throws(StoreError) -> Backup {
        var trimmed = target
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        // Never into a directory that exists: a backup must not mix with what is there.
        guard mkdir(trimmed, FileIO.directoryMode) == 0 else { throw FileIO.fail("create directory", trimmed) }
        do throws(StoreError) {
            guard chmod(trimmed, FileIO.directoryMode) == 0 else { throw FileIO.fail("set permissions of", trimmed) }
            return try consistentRead { () throws(StoreError) -> Backup in try copy(into: trimmed) }
        } catch {
            removeCopy(trimmed)
            throw error
        }
    }

    /// The copy itself; the caller holds the shared lock.
    private func copy(into target: String) throws(StoreError) -> Backup {
        var backup = Backup()
        func write(_ relative: String, _ bytes: [UInt8]) throws(StoreError) {
            let destination = target + "/" + relative
            let fd = try FileIO.createExclusive(destination)
            defer { close(fd) }
            try FileIO.writeAll(fd, bytes, path: destination)
            try FileIO.fsync(fd, path: destination)
        }
        guard let registryBytes = try FileIO.read(path(StoreFormat.registryFile)) else { throw missingRegistry() }
        let registry = try RegistryFile.decode(registryBytes, path: path(StoreFormat.registryFile))
        let catalog = try loadCatalog(registry: registry)
        for directory in [StoreFormat.sessionsDirectory, StoreFormat.tempDirectory] {
            try FileIO.makeDirectory(target + "/" + directory)
        }
        for name in (try FileIO.list(path(StoreFormat.sessionsDirectory)) ?? []).sorted() {
            guard let id = StoreFormat.sessionID(fromFileName: name) else { continue }
            let relative = "\(StoreFormat.sessionsDirectory)/\(name)"
            guard let bytes = try FileIO.read(path(relative)) else { continue }
            try write(relative, bytes)
            backup.sessions += 1
            // A split session's log, as far as it is committed: bytes past
            // that are a failed commit's, which the copy need not carry.
            let stored = StoredSession(root: root, id: id)
            if SessionHeadFile.isHead(bytes), case .head(let head)? = try? StoredSession.file(bytes, path: path(relative), id: id),
               head.logLength > 0,
               let log = try? stored.readLog(head, { (buffer, length) throws(StoreError) -> [UInt8] in Array(buffer[0..<length]) }) {
                try write(StoreFormat.logFile(id), log)
            } else if let log = try FileIO.read(stored.logPath) {
                // A damaged head: its log goes as it is, byte for byte, as the head does.
                try write(StoreFormat.logFile(id), log)
            }
        }
        try FileIO.syncDirectory(target + "/" + StoreFormat.sessionsDirectory)
        guard let inode = try FileIO.status(target)?.st_ino else { throw FileIO.fail("inspect", target, ENOENT) }
        try write(StoreFormat.indexFile, IndexFile.encode(summaries: catalog.summaries, generation: catalog.generation))
        try write(StoreFormat.journalFile, Journal.headerLine(baseGeneration: catalog.generation, directoryInode: UInt64(inode)))
        try write(StoreFormat.lockFile, [])
        // The registry last: its presence is what marks a store as created.
        try write(StoreFormat.registryFile, registryBytes)
        try FileIO.syncDirectory(target)
        return backup
    }

    /// Removes what a failed backup made: only the files a store holds, so a
    /// directory someone else filled meanwhile is left.
    private func removeCopy(_ target: String) {
        for directory in [StoreFormat.sessionsDirectory, StoreFormat.tempDirectory] {
            for name in (try? FileIO.list(target + "/" + directory)) ?? [] { unlink(target + "/" + directory + "/" + name) }
            rmdir(target + "/" + directory)
        }
        for name in [StoreFormat.registryFile, StoreFormat.indexFile, StoreFormat.journalFile, StoreFormat.lockFile] {
            unlink(target + "/" + name)
        }
        rmdir(target)
    }
}
