import Glibc

/// `doctor --upgrade`: every session still kept whole is split into its head
/// and its interaction log now, instead of when it is next written.
///
/// The store itself moves to format 2 with its first write of any kind; that
/// costs one compaction, whatever the store's size, and splits nothing. A
/// session kept whole then reads as before and is split the first time it is
/// written, so no command ever waits for a whole store's conversion. This is
/// for a user who wants it all done at once, before handing the store to a
/// tool that reads the files.
///
/// Sessions are converted in batches, each one commit: a kill at any instant
/// leaves every session either whole or split, never half of each, and the
/// next command finishes or drops the batch in flight as it does any commit.
extension FileStore {
    public struct Upgrade: Sendable, Equatable {
        /// Sessions split by this run.
        public var converted = 0
        /// Sessions that were split already.
        public var alreadySplit = 0
        /// Sessions whose file does not decode: left as they are, for
        /// `doctor` to name.
        public var damaged: [Session.ID] = []
    }

    /// Splits every whole session, `batchBytes` of session files (or
    /// `batchCount` sessions) per commit; `progress` hears the running count
    /// of sessions looked at, and the total.
    public func upgrade(batchBytes: Int = 64 << 20, batchCount: Int = 200,
                        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> Upgrade {
        var result = Upgrade()
        let names = try FileIO.list(path(StoreFormat.sessionsDirectory)) ?? []
        let ids = names.compactMap(StoreFormat.sessionID(fromFileName:)).sorted()
        // Which sessions are whole is decided again under the lock, batch by
        // batch; this first look, without it, only sizes the batches.
        var batches: [[Session.ID]] = []
        var batch: [Session.ID] = [], bytes = 0
        for id in ids {
            let stored = StoredSession(root: root, id: id)
            guard let prefix = try stored.filePrefix(), !SessionHeadFile.startsWithFormatMember(prefix.bytes) else {
                result.alreadySplit += 1
                continue
            }
            if !batch.isEmpty && (bytes + prefix.size > batchBytes || batch.count >= batchCount) {
                batches.append(batch)
                batch = []
                bytes = 0
            }
            batch.append(id)
            bytes += prefix.size
        }
        if !batch.isEmpty { batches.append(batch) }
        // One write even when nothing is whole: it moves the store's own
        // files to format 2.
        if batches.isEmpty { batches.append([]) }
        var done = result.alreadySplit
        for batch in batches {
            try write { transaction in
                for id in batch {
                    let stored = StoredSession(root: root, id: id)
                    let session: Session
                    do {
                        // Read once: the file tells whole from split, and a whole one is decoded from it.
                        switch try stored.readFile() {
                        case nil: continue
                        case .head?:
                            result.alreadySplit += 1
                            continue
                        case .whole(let bytes)?:
                            session = try SessionFile.decode(bytes, path: stored.filePath, expectedID: id)
                        }
                    } catch StoreError.damagedSession {
                        result.damaged.append(id)
                        continue
                    }
                    // A session the writer would refuse stays whole, readable as it is.
                    if session.nestingError() != nil || session.timeError() != nil {
                        result.damaged.append(id)
                        continue
                    }
                    transaction.put(session)
                    result.converted += 1
                }
            }
            done += batch.count
            progress(done, ids.count)
        }
        return result
    }
}
