import Glibc

/// Every session file read, as an index rebuild and `doctor` read them. A
/// file that cannot be read is a damaged session, never a missing one: the
/// index made from a scan keeps it (`indexPlan`), so no list loses it.
struct SessionScan {
    struct Damaged {
        var id: Session.ID
        /// Relative to the store: `sessions/12.json`.
        var file: String
        /// The file and what is wrong with it, as the index and `list --json` carry it.
        var reason: String
        /// What the file still says, for a session the index has no summary of.
        var salvaged: SessionSummary?
    }

    /// The readable sessions, ascending by id.
    var sessions: [SessionSummary] = []
    var interactionCount = 0
    /// Ascending by id.
    var damaged: [Damaged] = []
    /// Names in `sessions/` that are not session files.
    var strangers: [String] = []

    /// Reads every session under `root`: a session kept whole, by its file; a
    /// split one, by its head, and with `readingLogs` (as `doctor` reads) its
    /// interaction log too, which only a full check needs. A file that does
    /// not decode is always damage; `tolerate` says which other failures (a
    /// permission, a link) are too, rather than stopping the scan.
    static func read(root: String, readingLogs: Bool = false,
                     tolerating tolerate: (StoreError) -> Bool = { _ in false }) throws(StoreError) -> SessionScan {
        var scan = SessionScan()
        var found: [Session.ID] = []
        var logs = Set<Session.ID>()
        for name in try FileIO.list(root + "/" + StoreFormat.sessionsDirectory) ?? [] {
            if let id = StoreFormat.sessionID(fromFileName: name) {
                found.append(id)
            } else if let id = StoreFormat.sessionID(fromLogName: name) {
                logs.insert(id)
            } else {
                scan.strangers.append(name)
            }
        }
        // A log whose session file is gone is what a crash between the two
        // removals of a deleted session leaves; the next commit's checks name it.
        scan.strangers += logs.subtracting(found).sorted().map { String(StoreFormat.logFile($0).dropFirst(StoreFormat.sessionsDirectory.count + 1)) }
        scan.strangers.sort()
        for id in found.sorted() { try scan.read(id, root: root, readingLogs: readingLogs, tolerating: tolerate) }
        return scan
    }

    /// Reads the files of `ids` again, for a scan made without the lock
    /// that commits have overtaken since.
    mutating func reread(_ ids: Set<Session.ID>, root: String, readingLogs: Bool = false,
                         tolerating tolerate: (StoreError) -> Bool) throws(StoreError) {
        guard !ids.isEmpty else { return }
        interactionCount -= sessions.filter { ids.contains($0.id) }.reduce(0) { $0 + $1.interactionCount }
        sessions.removeAll { ids.contains($0.id) }
        damaged.removeAll { ids.contains($0.id) }
        for id in ids.sorted() { try read(id, root: root, readingLogs: readingLogs, tolerating: tolerate) }
        sessions.sort { $0.id < $1.id }
        damaged.sort { $0.id < $1.id }
    }

    /// Adds session `id` as its file reads (a session kept whole, or its
    /// head, and with `readingLogs` its log); a file that is gone adds nothing.
    private mutating func read(_ id: Session.ID, root: String, readingLogs: Bool,
                               tolerating tolerate: (StoreError) -> Bool) throws(StoreError) {
        var file = StoreFormat.sessionFile(id)
        let path = root + "/" + file
        var bytes: [UInt8]?
        do {
            bytes = try FileIO.read(path)
            guard let bytes else { return }
            switch try StoredSession.file(bytes, path: path, id: id) {
            case .whole:
                let session = try SessionFile.decode(bytes, path: path, expectedID: id)
                sessions.append(SessionSummary(session))
                interactionCount += session.interactions.count
            case .head(let head):
                if readingLogs {
                    file = StoreFormat.logFile(id)
                    _ = try StoredSession(root: root, id: id).read()
                }
                sessions.append(head.summary)
                interactionCount += head.interactionCount
            }
        } catch {
            var damaged = Damaged(id: id, file: file, reason: file + ": " + Self.reason(error), salvaged: nil)
            if case .damagedSession = error, let bytes {
                damaged.salvaged = SessionSalvage.summary(bytes, id: id, modified: Self.modificationTime(path))
            } else if !tolerate(error) {
                throw error
            }
            self.damaged.append(damaged)
        }
    }

    /// What is wrong with a file, without its path, which the reason names already.
    static func reason(_ error: StoreError) -> String {
        if case .io(_, _, let errno) = error { return errno.description }
        return error.detail
    }

    static func modificationTime(_ path: String) -> Timestamp {
        guard let info = try? FileIO.status(path) else { return Timestamp.now() }
        return Timestamp(microseconds: Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1000)
    }

    /// What an index made from this scan holds, and what became of each damaged session.
    struct IndexPlan {
        /// Ascending by id.
        var summaries: [SessionSummary]
        /// Damaged sessions kept with the summary the index last had of them.
        var kept: [Session.ID] = []
        /// Damaged sessions the index had no summary of, listed with what their file still says.
        var salvaged: [Session.ID] = []
        /// Damaged sessions whose account cannot be known, which only `doctor` shows.
        var unlisted: [Session.ID] = []
    }

    /// Every readable session, and every damaged one whose account is known,
    /// marked damaged: with the summary the index last had of it, else with
    /// what its file still says, if that names an account the registry has.
    /// Whatever a damaged file says, the last summary wins: it is what the
    /// store itself last wrote.
    func indexPlan(lastKnown: [Session.ID: SessionSummary], registry: Registry) -> IndexPlan {
        var plan = IndexPlan(summaries: sessions)
        for damaged in damaged {
            var summary: SessionSummary
            if let last = lastKnown[damaged.id] {
                summary = last
                plan.kept.append(damaged.id)
            } else if let salvaged = damaged.salvaged, registry.account(salvaged.accountID) != nil {
                summary = salvaged
                plan.salvaged.append(damaged.id)
            } else {
                plan.unlisted.append(damaged.id)
                continue
            }
            summary.damaged = damaged.reason
            plan.summaries.append(summary)
        }
        plan.summaries.sort { $0.id < $1.id }
        return plan
    }
}
