import Glibc

/// `sessions doctor`: examines every file of a store and, when asked, repairs
/// what can be repaired without guessing: finishing an interrupted commit,
/// removing temp files, rebuilding the index, tightening permissions,
/// recreating a lost registry from the session files. It never rewrites or
/// deletes a session file. A damaged one is reported with its position and
/// what to do, and its session stays in the index, marked damaged. A session
/// updated before it was created is reported too, and left as it is.
public struct StoreDoctor {
    public enum Severity: String, Sendable { case ok, warning, problem }

    /// One line of the report. A repaired finding's message says what was
    /// wrong and what was done, never what the user should still do.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public var severity: Severity
        public var subject: String
        public var message: String
        public var repaired: Bool = false

        public var description: String {
            let mark = repaired ? "fixed" : severity.rawValue
            return "\(mark.padding(7))\(subject): \(message)"
        }
    }

    public struct Report: Sendable {
        public var findings: [Finding]
        /// Sessions whose files read.
        public var sessionCount: Int
        public var interactionCount: Int
        /// Sessions whose files exist but cannot be read.
        public var damagedSessions: [Session.ID] = []
        /// True when nothing is left that needs attention.
        public var isHealthy: Bool { !findings.contains { $0.severity == .problem && !$0.repaired } }
    }

    /// What is wrong with a file, worded for a finding that reports it and
    /// for one that says it was repaired.
    struct Trouble {
        var present: String
        var past: String

        init(_ present: String, past: String? = nil) {
            self.present = present
            self.past = past ?? present
        }

        static let missing = Trouble("it is missing", past: "it was missing")

        static func unusable(_ error: any Error) -> Trouble {
            let detail = (error as? StoreError)?.detail ?? String(describing: error)
            return Trouble("it is unusable: \(detail)", past: "it was unusable: \(detail)")
        }
    }

    public let root: String
    /// How long to wait for another process's lock, and who hears of a long wait.
    public var lockWaiting = LockWaiting()
    /// Test-only: runs between the scan made without the lock and the checks
    /// made under it, as a writer that commits meanwhile would.
    var afterScan: (() -> Void)?

    public init(root: String) { self.root = root }

    func path(_ relative: String) -> String { root + "/" + relative }

    public func run(repair: Bool) -> Report {
        var report = Report(findings: [], sessionCount: 0, interactionCount: 0)
        do {
            try examine(repair: repair, report: &report)
        } catch {
            report.findings.append(Finding(severity: .problem, subject: root, message: String(describing: error)))
        }
        return report
    }

    private func examine(repair: Bool, report: inout Report) throws {
        func add(_ severity: Severity, _ subject: String, _ message: String, repaired: Bool = false) {
            report.findings.append(Finding(severity: severity, subject: subject, message: message, repaired: repaired))
        }
        guard try FileIO.status(root) != nil else {
            add(.warning, root, "no store here yet; it is created on first use")
            return
        }
        do {
            try StoreSafety.checkDirectory(root)
        } catch {
            // A directory of ours that others can write is fixed by removing
            // their write bits; anything else (another owner, not a directory) is not ours to fix.
            guard repair, let info = try FileIO.status(root), info.st_uid == geteuid(), info.st_mode & 0o022 != 0,
                  (info.st_mode & S_IFMT) == S_IFDIR
            else {
                add(.problem, root, error.description)
                return
            }
            let mode = info.st_mode & 0o7777, fixed = mode & 0o7755
            guard chmod(root, fixed) == 0 else { throw FileIO.fail("change permissions of", root) }
            add(.problem, root, "it was writable by \(mode & 0o020 != 0 ? "its group" : "others") (mode \(String(mode, radix: 8))); "
                + "took write permission from group and others (now \(String(fixed, radix: 8)))", repaired: true)
        }
        var store = try? FileStore(opening: root)

        // 1. Session files: the truth everything else is checked against. A
        // file that cannot be read for any reason is a damaged session here.
        // They are read first and without the lock: on a large store that is
        // nearly all of doctor's work, and no hook or command should wait for
        // it. What commits changed meanwhile is read again under the lock.
        let scannedAt = store.flatMap { try? journalState($0) }
        var scan = try SessionScan.read(root: root, readingLogs: true, tolerating: { _ in true })
        afterScan?()
        var lock: StoreLock? = try StoreLock(path: path(StoreFormat.lockFile), mode: repair ? .exclusive : .shared,
                                              waiting: lockWaiting, holder: repair ? "sessions doctor" : nil)
        defer { withExtendedLifetime(lock) {} }

        // 2. The journal: with --repair, an interrupted commit is finished
        // before the scan is brought up to date, so everything below sees its result.
        let journal = Journal(path: path(StoreFormat.journalFile))
        var journalTrouble: Trouble?
        var newestGeneration = 0
        // Kept for step 4: nothing below writes the journal before then.
        var journalTail: Journal.Tail?
        // Set when the journal's summaries cannot be trusted (a copy, a
        // commit that could not be completed as written): step 4 rebuilds.
        var untrustedSummaries: Trouble?
        var journalBytes: [UInt8] = []
        var journalContents: Journal.Contents?
        var journalWasSound = true
        do {
            guard let tail = try journal.readTail() else {
                journalTrouble = .missing
                throw StoreError.needsRepair(path: StoreFormat.journalFile, reason: "the journal is missing")
            }
            newestGeneration = tail.generation
            journalTail = tail
            journalBytes = try FileIO.read(journal.path) ?? []
            journalContents = try journal.parse(journalBytes)
            if let store, let maintenance = try store.journalMaintenance(tail) {
                journalWasSound = false
                if repair {
                    let result = try store.repairJournal()
                    journalTail = result.tail
                    if result.indexNeedsRebuild {
                        // Step 4 words it so only when the index matched the files all the same.
                        untrustedSummaries = maintenance == .copiedStore
                            ? Trouble("it matches the session files, but was made where this store was copied from",
                                      past: "it matched the session files, but was made where this store was copied from")
                            : Trouble("it matches the session files, but its journal ends in a commit that cannot be completed as written",
                                      past: "it matched the session files, but its journal ended in a commit that could not be completed as written")
                    }
                    journalBytes = try FileIO.read(journal.path) ?? []
                    add(.problem, StoreFormat.journalFile, ([describe(maintenance, past: true)] + result.actions).joined(separator: "; "),
                        repaired: true)
                } else {
                    add(.problem, StoreFormat.journalFile, describe(maintenance, past: false))
                }
            } else {
                add(.ok, StoreFormat.journalFile, "generation \(tail.generation)")
            }
        } catch {
            journalTrouble = journalTrouble ?? .unusable(error)
        }
        let changed = journalWasSound && journalTrouble == nil
            ? scannedAt.flatMap { changes(since: $0, in: journalContents) } : nil
        if let changed {
            try scan.reread(changed, root: root, readingLogs: true, tolerating: { _ in true })
        } else {
            scan = try SessionScan.read(root: root, readingLogs: true, tolerating: { _ in true })
        }
        for name in scan.strangers {
            add(.warning, "\(StoreFormat.sessionsDirectory)/\(name)", "not a session file; left alone")
        }
        report.sessionCount = scan.sessions.count
        report.interactionCount = scan.interactionCount
        report.damagedSessions = scan.damaged.map(\.id)
        let summaries = scan.sessions
        // Updated before it was created: the two times contradict each other,
        // and nothing tells which is wrong, so repair changes neither.
        for summary in summaries where summary.updatedAt < summary.insertedAt {
            add(.problem, StoreFormat.sessionFile(summary.id),
                "session \(summary.id) was updated (updated_at \(summary.updatedAt.iso8601)) before it was created "
                    + "(inserted_at \(summary.insertedAt.iso8601)). Doctor cannot tell which time is wrong and changes neither: "
                    + "correct it in the file, then run `sessions doctor --repair`.")
        }

        // 3. The registry.
        var registry: Registry?
        do {
            registry = try readRegistryFile()
        } catch let error as StoreError {
            if case .needsRepair = error, repair {
                // Salvaged sessions name accounts too: without them the damaged ones would be left out of every list.
                let rebuilt = reconstructRegistry(from: summaries + scan.damaged.compactMap(\.salvaged))
                try writeFile(StoreFormat.registryFile, RegistryFile.encode(rebuilt))
                registry = rebuilt
                store = try? FileStore(opening: root)
                add(.problem, StoreFormat.registryFile,
                    "it was missing; recreated it from the session files (names of \(rebuilt.accounts.count) accounts, "
                        + "\(rebuilt.projects.count) projects and \(rebuilt.components.count) components are placeholders)",
                    repaired: true)
            } else if case .needsRepair = error {
                add(.problem, StoreFormat.registryFile, Trouble.missing.present)
            } else if case .newerFormat = error {
                add(.problem, StoreFormat.registryFile, error.detail + "; upgrade sessions to use this store")
            } else {
                add(.problem, StoreFormat.registryFile, Trouble.unusable(error).present + "; fix it by hand or restore it from a backup")
            }
        }
        if var current = registry {
            add(.ok, StoreFormat.registryFile,
                "format \(StoreFormat.version); \(current.accounts.count) accounts, \(current.projects.count) projects, \(current.components.count) components")
            for summary in summaries {
                if current.account(summary.accountID) == nil {
                    add(.problem, StoreFormat.sessionFile(summary.id), "belongs to account \(summary.accountID), which does not exist")
                }
                if let project = summary.projectID, current.project(project) == nil {
                    add(.warning, StoreFormat.sessionFile(summary.id), "names project \(project), which does not exist")
                }
                if let component = summary.componentID, current.component(component) == nil {
                    add(.warning, StoreFormat.sessionFile(summary.id), "names component \(component), which does not exist")
                }
            }
            // Counters behind the ids in use would hand an id out twice. A
            // damaged session's id is in use as much as any other.
            let behind = counterProblems(current, summaries: summaries, damaged: scan.damaged.map(\.id))
            if !behind.isEmpty {
                if repair {
                    raiseCounters(&current, summaries: summaries, damaged: scan.damaged.map(\.id))
                    try writeFile(StoreFormat.registryFile, RegistryFile.encode(current))
                    registry = current
                    add(.problem, StoreFormat.registryFile,
                        behind.map(\.past).joined(separator: "; ") + "; raised the counters past the ids in use", repaired: true)
                } else {
                    add(.problem, StoreFormat.registryFile, behind.map(\.present).joined(separator: "; "))
                }
            }
        }

        // 4. The index, compared with what the session files say it should
        // hold. It is rebuilt (with a fresh journal) when it differs or when
        // the journal itself is unusable.
        var indexTrouble: Trouble?
        var indexGeneration = 0
        var indexed: [Session.ID: SessionSummary]?
        // Whether the keys file describes the index: nil when there is none.
        var keysCheck: Bool?
        if let registry, let store {
            do {
                if let generation = try IndexFile.readGeneration(path(StoreFormat.indexFile)),
                   let index = try LazyFileBytes.open(path(StoreFormat.indexFile)) {
                    indexGeneration = generation
                    let bytes = try index.whole()
                    // Opened with the index, so that both are one commit's.
                    let keys = try? store.readKeys()
                    // A check reads on without the lock: the index's and the
                    // journal's bytes are in hand, and the keys file is only
                    // ever replaced, so its mapping stays. A repair holds on to it.
                    if !repair { lock = nil }
                    // Compared with the keys the index gives, which takes a skim of every line.
                    keysCheck = keys.map { keys in keys.withBytes { IndexKeys.describes(Array($0), index: bytes, stamp: index.stamp) } }
                    // With the journal unusable the index is all there is to compare.
                    let current = journalTrouble == nil
                        ? try store.assembleCatalog(registry: registry, indexBytes: bytes, journalBytes: journalBytes).summaries
                        : try bytes.withUnsafeBufferPointer { (buffer) throws(StoreError) -> [SessionSummary] in
                            try IndexFile.decode(buffer, path: StoreFormat.indexFile, alongside: {}).0.summaries
                        }
                    indexed = Dictionary(current.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
                } else {
                    indexTrouble = .missing
                }
            } catch {
                indexTrouble = .unusable(error)
            }
        } else {
            indexTrouble = Trouble("it cannot be checked without the registry")
        }
        let plan = scan.indexPlan(lastKnown: indexed ?? store?.lastKnownSummaries() ?? [:], registry: registry ?? Registry())
        if let indexed {
            let difference = IndexDifference(expected: plan.summaries, indexed: indexed)
            if !difference.isEmpty {
                indexTrouble = Trouble("it is out of date: \(difference)", past: "it was out of date: \(difference)")
            } else if let tail = journalTail, !tail.continues(indexGeneration: indexGeneration) {
                indexTrouble = Trouble("its generation \(indexGeneration) does not fit the journal's",
                                       past: "its generation \(indexGeneration) did not fit the journal's")
            }
        }
        if indexTrouble == nil { indexTrouble = untrustedSummaries }
        // Each damaged session by its file: what is wrong, and what to do.
        let unlisted = Set(plan.unlisted)
        for damaged in scan.damaged {
            let detail = String(damaged.reason.dropFirst(damaged.file.count + 2))
            let remedy = unlisted.contains(damaged.id)
                ? "Session \(damaged.id) is damaged, and no list shows it, because its account cannot be read: "
                    + "restore the file from a backup, or remove it."
                : StoreError.damageRemedy(damaged.id)
            add(.problem, damaged.file, "\(detail). \(remedy)")
        }
        let marked = scan.damaged.count - plan.unlisted.count
        let damagedSummary = marked == 0 ? "" : ", and marks the \(marked) damaged"
        if indexTrouble == nil && journalTrouble == nil {
            add(.ok, StoreFormat.indexFile, "matches the \(summaries.count) session files\(damagedSummary)")
            report.findings.append(try checkKeys(keysCheck, repair: repair))
        } else if repair && registry != nil {
            let generation = max(newestGeneration, indexGeneration) + 1
            let indexBytes = IndexFile.encode(summaries: plan.summaries, generation: generation)
            try writeFile(StoreFormat.indexFile, indexBytes)
            // After the index: a stale keys file is never trusted, and this one names the new index.
            if let keys = try indexStamp().flatMap({ IndexKeys.encode(index: indexBytes, stamp: $0) }) {
                try writeFile(StoreFormat.keysFile, keys)
            }
            let directory = try FileStore.directoryInode(of: root)
            try writeFile(StoreFormat.journalFile, Journal.headerLine(baseGeneration: generation, directoryInode: directory))
            if let journalTrouble { add(.problem, StoreFormat.journalFile, journalTrouble.past + "; started it afresh", repaired: true) }
            let wrong = indexTrouble?.past ?? "the journal it continues was unusable"
            add(.problem, StoreFormat.indexFile, "\(wrong); \(describe(plan, readable: summaries.count))", repaired: true)
        } else {
            if let journalTrouble { add(.problem, StoreFormat.journalFile, journalTrouble.present) }
            if let indexTrouble { add(.problem, StoreFormat.indexFile, indexTrouble.present) }
        }

        // 5. Permissions of everything we own. A check needs no lock for it.
        if !repair { lock = nil }
        try checkPermissions(repair: repair, findings: &report.findings)
        reportSpool(&report)
        if registry != nil && (summaries.count > 0 || !scan.damaged.isEmpty) {
            let damaged = scan.damaged.isEmpty ? "" : "; \(scan.damaged.count) damaged, above"
            add(.ok, StoreFormat.sessionsDirectory, "\(summaries.count) sessions, \(report.interactionCount) interactions\(damaged)")
        }
    }

    /// The index's file as it is now, for the keys written for it.
    func indexStamp() throws(StoreError) -> FileStamp? {
        try FileIO.status(path(StoreFormat.indexFile), followLinks: false).map(FileStamp.init)
    }

    /// The keys file, a cache of the index: one that does not describe the
    /// index is only ignored, so it is a warning, not a problem.
    func checkKeys(_ describes: Bool?, repair: Bool) throws -> Finding {
        if describes == true { return Finding(severity: .ok, subject: StoreFormat.keysFile, message: "describes the index") }
        let trouble = describes == nil ? Trouble.missing
            : Trouble("it does not describe the index (it is stale or damaged), so lists ignore it",
                      past: "it did not describe the index (it was stale or damaged)")
        if repair {
            guard let index = try LazyFileBytes.open(path(StoreFormat.indexFile)),
                  let keys = IndexKeys.encode(index: try index.whole(), stamp: index.stamp) else {
                return Finding(severity: .warning, subject: StoreFormat.keysFile, message: trouble.present)
            }
            try writeFile(StoreFormat.keysFile, keys)
            return Finding(severity: .warning, subject: StoreFormat.keysFile,
                           message: trouble.past + "; wrote it again from the index", repaired: true)
        }
        if describes == nil {
            return Finding(severity: .ok, subject: StoreFormat.keysFile,
                           message: "absent: lists read the index itself until the next write writes it")
        }
        return Finding(severity: .warning, subject: StoreFormat.keysFile,
                       message: trouble.present
                           + "; the next write replaces it if it names another index file, as `sessions doctor --repair` does in any case")
    }

    /// Where the journal stood before the scan, to know what commits overtook it.
    struct JournalState {
        var generation: Int
    }

    /// Read under a brief lock; nil (and so a whole scan again under the
    /// lock) when the store needs maintenance, which may move files without
    /// a new commit.
    func journalState(_ store: FileStore) throws(StoreError) -> JournalState? {
        let lock = try StoreLock(path: path(StoreFormat.lockFile), mode: .shared, waiting: lockWaiting)
        defer { withExtendedLifetime(lock) {} }
        guard let tail = try store.journal.readTail(), try store.journalMaintenance(tail) == nil else { return nil }
        return JournalState(generation: tail.generation)
    }

    /// The sessions the commits after `state` changed, or nil when the
    /// journal no longer reaches back to it (a compaction or a rebuild came
    /// between), and only a whole scan will do.
    func changes(since state: JournalState, in contents: Journal.Contents?) -> Set<Session.ID>? {
        guard let contents, contents.baseGeneration <= state.generation else { return nil }
        var ids = Set<Session.ID>()
        for record in contents.records where record.generation > state.generation {
            ids.formUnion(record.deletes)
            ids.formUnion(record.puts.map(\.id))
        }
        return ids
    }

    /// Events the hook spooled while the store was busy, which the next
    /// command that gets the lock records. Not a fault: a store whose
    /// writer was stopped, or a backend out of reach, leaves some for a while.
    func reportSpool(_ report: inout Report) {
        guard let status = try? EventSpool(storeRoot: root).status() else { return }
        let minutes = max(0, (Timestamp.now().microseconds - status.oldest.microseconds) / 60_000_000)
        let age = minutes < 1 ? "less than a minute" : minutes < 120 ? "\(minutes) minutes" : "\(minutes / 60) hours"
        let events = status.count == 1 ? "1 hook event is" : "\(status.count) hook events are"
        report.findings.append(Finding(
            severity: .warning, subject: EventSpool.directoryName,
            message: "\(events) waiting to be recorded, the oldest for \(age) (since \(status.oldest.iso8601)); "
                + "the next command that gets the store's lock records them"))
    }

    /// What a rebuild of the index did, damaged sessions included.
    func describe(_ plan: SessionScan.IndexPlan, readable: Int) -> String {
        func ids(_ list: [Session.ID]) -> String {
            (list.count == 1 ? "session " : "sessions ") + list.map(\.description).joined(separator: ", ")
        }
        var text = "rebuilt it from \(readable) session files"
        if !plan.kept.isEmpty { text += ", keeping damaged \(ids(plan.kept)) with the last known summary, marked damaged" }
        if !plan.salvaged.isEmpty { text += ", listing damaged \(ids(plan.salvaged)) with what the file still says, marked damaged" }
        if !plan.unlisted.isEmpty { text += "; damaged \(ids(plan.unlisted)) cannot be listed: the account cannot be read" }
        return text
    }

    /// For each id counter: its name, a key path to it, and the ids in use it
    /// must stay above (the registry's own and those the session files name).
    func counters(_ registry: Registry, _ summaries: [SessionSummary], damaged: [Session.ID])
        -> [(String, WritableKeyPath<Registry, Int>, [Int])]
    {
        [
            ("session", \.nextSessionID, summaries.map { $0.id.rawValue } + damaged.map(\.rawValue)),
            ("account", \.nextAccountID, registry.accounts.map(\.id.rawValue) + summaries.map { $0.accountID.rawValue }),
            ("project", \.nextProjectID, registry.projects.map(\.id.rawValue) + summaries.compactMap { $0.projectID?.rawValue }),
            ("component", \.nextComponentID,
             registry.components.map(\.id.rawValue) + summaries.compactMap { $0.componentID?.rawValue }),
        ]
    }

    /// The id counters that lag behind an id already in use.
    func counterProblems(_ registry: Registry, summaries: [SessionSummary], damaged: [Session.ID] = []) -> [Trouble] {
        counters(registry, summaries, damaged: damaged).compactMap { name, counter, used in
            guard let highest = used.max(), registry[keyPath: counter] <= highest else { return nil }
            let next = registry[keyPath: counter]
            return Trouble("next \(name) id is \(next) but \(name) \(highest) exists",
                           past: "next \(name) id was \(next) but \(name) \(highest) existed")
        }
    }

    func raiseCounters(_ registry: inout Registry, summaries: [SessionSummary], damaged: [Session.ID] = []) {
        for (_, counter, used) in counters(registry, summaries, damaged: damaged) {
            registry.raise(counter, above: used)
        }
    }

    func describe(_ maintenance: FileStore.Maintenance, past: Bool) -> String {
        switch maintenance {
        case .copiedStore:
            return past ? "it was started in another directory: \(StoreError.copiedReason)"
                : "it was started in another directory: \(StoreError.copiedReason), so its index may not match its "
                    + "session files; the next command that uses it, or `sessions doctor --repair`, rebuilds the index from them"
        case .tornJournal: return "it \(past ? "ended" : "ends") in an incomplete record left by a crash"
        case .unappliedCommit: return "its last commit was interrupted before all files were in place"
        case .strayTempFiles: return "temporary files were left by an interrupted write"
        case .missingIndex: return "the index \(past ? "was" : "is") missing"
        case .staleIndex: return "the index \(past ? "was" : "is") older than the journal"
        }
    }

    func checkPermissions(repair: Bool, findings: inout [Finding]) throws {
        func add(_ severity: Severity, _ subject: String, _ message: String, _ repaired: Bool) {
            findings.append(Finding(severity: severity, subject: subject, message: message, repaired: repaired))
        }
        var entries: [(String, Bool)] = [(StoreFormat.sessionsDirectory, true), (StoreFormat.tempDirectory, true),
                                          (EventSpool.directoryName, true)]
        for name in [StoreFormat.registryFile, StoreFormat.indexFile, StoreFormat.keysFile, StoreFormat.journalFile, StoreFormat.lockFile] {
            entries.append((name, false))
        }
        for name in try FileIO.list(path(StoreFormat.sessionsDirectory)) ?? [] {
            entries.append(("\(StoreFormat.sessionsDirectory)/\(name)", false))
        }
        // A spool that is a link is reported above, and nothing is looked at through it.
        if FileIO.linkTarget(path(EventSpool.directoryName)) == nil {
            for name in try FileIO.list(path(EventSpool.directoryName)) ?? [] {
                entries.append(("\(EventSpool.directoryName)/\(name)", false))
            }
        }
        var loose: [String] = []
        for (relative, isDirectory) in entries {
            guard let info = try FileIO.status(path(relative), followLinks: false) else { continue }
            let expected: mode_t = isDirectory ? FileIO.directoryMode : FileIO.fileMode
            let mode = info.st_mode & 0o7777
            if (info.st_mode & S_IFMT) == S_IFLNK {
                add(.problem, relative, "is a symbolic link; the store only writes regular files", false)
                continue
            }
            if mode != expected {
                if repair {
                    guard chmod(path(relative), expected) == 0 else { throw FileIO.fail("change permissions of", path(relative)) }
                }
                loose.append("\(relative) (\(String(mode, radix: 8)))")
            }
        }
        if !loose.isEmpty {
            let shown = loose.prefix(5).joined(separator: ", ") + (loose.count > 5 ? " and \(loose.count - 5) more" : "")
            if repair {
                add(.warning, "permissions", "were not 0600 for files and 0700 for directories: \(shown); set them so", true)
            } else {
                add(.warning, "permissions", "should be 0600 for files and 0700 for directories: \(shown)", false)
            }
        }
    }

    func readRegistryFile() throws -> Registry {
        guard let bytes = try FileIO.read(path(StoreFormat.registryFile)) else {
            throw StoreError.needsRepair(path: StoreFormat.registryFile, reason: "the registry file is missing")
        }
        return try RegistryFile.decode(bytes, path: StoreFormat.registryFile)
    }

    /// A registry that makes every session file valid again, with placeholder names.
    func reconstructRegistry(from summaries: [SessionSummary]) -> Registry {
        var registry = Registry()
        let now = Timestamp.now()
        for id in Set(summaries.map(\.accountID)).sorted() {
            registry.accounts.append(Account(id: id, name: "account \(id)", insertedAt: now))
        }
        for id in Set(summaries.compactMap(\.projectID)).sorted() {
            let owner = summaries.first { $0.projectID == id }!.accountID
            registry.projects.append(Project(id: id, accountID: owner, name: "project \(id)", insertedAt: now))
        }
        for id in Set(summaries.compactMap(\.componentID)).sorted() {
            let owner = summaries.first { $0.componentID == id }!.accountID
            registry.components.append(Component(id: id, accountID: owner, name: "component \(id)", insertedAt: now))
        }
        registry.defaultAccountID = registry.accounts.first?.id
        raiseCounters(&registry, summaries: summaries)
        if registry.accounts.isEmpty {
            let account = registry.addAccount(name: UserIdentity.name(), at: now)
            registry.defaultAccountID = account.id
        }
        return registry
    }

    func writeFile(_ relative: String, _ bytes: [UInt8]) throws {
        try FileIO.makeDirectory(path(StoreFormat.tempDirectory))
        try FileIO.replaceAtomically(path(relative), with: bytes, temp: path("\(StoreFormat.tempDirectory)/doctor.\(getpid())"))
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}

/// How an index differs from the one the session files call for, in words.
struct IndexDifference: CustomStringConvertible {
    var missing = 0, gone = 0, differing = 0
    /// Damaged sessions the index does not list, or lists as if they read.
    var damagedUnlisted = 0, damagedUnmarked = 0
    /// Sessions the index marks damaged whose files read again.
    var restored = 0

    init(expected: [SessionSummary], indexed: [Session.ID: SessionSummary]) {
        var seen = Set<Session.ID>()
        for summary in expected {
            seen.insert(summary.id)
            guard let old = indexed[summary.id] else {
                if summary.damaged == nil { missing += 1 } else { damagedUnlisted += 1 }
                continue
            }
            if old == summary { continue }
            if summary.damaged != nil && old.damaged == nil {
                damagedUnmarked += 1
            } else if summary.damaged == nil && old.damaged != nil {
                restored += 1
            } else {
                differing += 1
            }
        }
        gone = indexed.keys.count { !seen.contains($0) }
    }

    var isEmpty: Bool { missing + gone + differing + damagedUnlisted + damagedUnmarked + restored == 0 }

    var description: String {
        func count(_ number: Int, _ one: String, _ many: String) -> String? {
            number == 0 ? nil : "\(number) \(number == 1 ? one : many)"
        }
        return [
            count(missing, "session missing", "sessions missing"),
            count(gone, "that no longer exists", "that no longer exist"),
            count(differing, "that differs", "that differ"),
            count(damagedUnlisted, "damaged session not listed", "damaged sessions not listed"),
            count(damagedUnmarked, "damaged session not marked damaged", "damaged sessions not marked damaged"),
            count(restored, "marked damaged whose file reads again", "marked damaged whose files read again"),
        ].compactMap { $0 }.joined(separator: ", ")
    }
}
