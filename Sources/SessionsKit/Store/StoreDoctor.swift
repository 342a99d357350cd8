import Glibc

/// `sessions doctor`: examines every file of a store and, when asked, repairs
/// what can be repaired without guessing: finishing an interrupted commit,
/// removing temp files, rebuilding the index, tightening permissions,
/// recreating a lost registry from the session files. It never rewrites or
/// deletes a session file; a corrupt one is reported with its position so the
/// user can fix it by hand.
public struct StoreDoctor {
    public enum Severity: String, Sendable { case ok, warning, problem }

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
        public var sessionCount: Int
        public var interactionCount: Int
        /// True when nothing is left that needs attention.
        public var isHealthy: Bool { !findings.contains { $0.severity == .problem && !$0.repaired } }
    }

    public let root: String

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
            guard chmod(root, info.st_mode & 0o7755) == 0 else { throw FileIO.fail("change permissions of", root) }
            add(.problem, root, error.description, repaired: true)
        }
        let lock = try StoreLock(path: path(StoreFormat.lockFile), mode: repair ? .exclusive : .shared)
        defer { withExtendedLifetime(lock) {} }
        let store = try? FileStore(opening: root)

        // 1. The journal first: with --repair, an interrupted commit is finished
        // before any session file is read, so everything below sees its result.
        let journal = Journal(path: path(StoreFormat.journalFile))
        var journalProblem: String?
        var newestGeneration = 0
        // Kept for step 4: nothing below writes the journal before then.
        var journalTail: Journal.Tail?
        do {
            guard let tail = try journal.readTail() else {
                throw StoreError.needsRepair(path: StoreFormat.journalFile, reason: "the journal is missing")
            }
            newestGeneration = tail.generation
            journalTail = tail
            _ = try journal.parse(try FileIO.read(journal.path) ?? [])
            if let store, let maintenance = try store.journalMaintenance(tail) {
                if repair {
                    let result = try store.repairJournal()
                    journalTail = result.tail
                    add(.problem, StoreFormat.journalFile, result.actions.joined(separator: "; "), repaired: true)
                } else {
                    add(.problem, StoreFormat.journalFile, describe(maintenance))
                }
            } else {
                add(.ok, StoreFormat.journalFile, "generation \(tail.generation)")
            }
        } catch {
            journalProblem = String(describing: error)
        }

        // 2. Session files: the truth everything else is checked against.
        var summaries: [SessionSummary] = []
        var corrupt = 0
        for name in (try FileIO.list(path(StoreFormat.sessionsDirectory)) ?? []).sorted(by: naturalOrder) {
            let relative = "\(StoreFormat.sessionsDirectory)/\(name)"
            guard let id = StoreFormat.sessionID(fromFileName: name) else {
                add(.warning, relative, "not a session file; left alone")
                continue
            }
            do throws(StoreError) {
                guard let bytes = try FileIO.read(path(relative)) else { continue }
                let session = try SessionFile.decode(bytes, path: relative, expectedID: id)
                summaries.append(SessionSummary(session))
                report.interactionCount += session.interactions.count
            } catch {
                corrupt += 1
                if case .corrupt(_, let detail, _) = error {
                    add(.problem, relative, "\(detail) (not repairable automatically: fix or move this file)")
                } else {
                    add(.problem, relative, error.description)
                }
            }
        }
        report.sessionCount = summaries.count

        // 3. The registry.
        var registry: Registry?
        do {
            registry = try readRegistryFile()
        } catch let error as StoreError {
            if case .needsRepair = error, repair {
                let rebuilt = reconstructRegistry(from: summaries)
                try writeFile(StoreFormat.registryFile, RegistryFile.encode(rebuilt))
                registry = rebuilt
                add(.problem, StoreFormat.registryFile,
                    "was missing; recreated from the session files (names of \(rebuilt.accounts.count) accounts, "
                        + "\(rebuilt.projects.count) projects and \(rebuilt.components.count) components are placeholders)",
                    repaired: true)
            } else {
                add(.problem, StoreFormat.registryFile, error.description)
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
            // Counters behind the ids in use would hand an id out twice.
            let behind = counterProblems(current, summaries: summaries)
            if !behind.isEmpty {
                if repair {
                    raiseCounters(&current, summaries: summaries)
                    try writeFile(StoreFormat.registryFile, RegistryFile.encode(current))
                    registry = current
                }
                add(.problem, StoreFormat.registryFile, behind.joined(separator: "; "), repaired: repair)
            }
        }

        // 4. The index, compared with the session files. It is rebuilt (with a
        // fresh journal) when it differs or when the journal itself is unusable.
        var indexProblem: String?
        var indexGeneration = 0
        do {
            guard let registry, let store else {
                throw StoreError.needsRepair(path: StoreFormat.indexFile, reason: "cannot be checked without the registry")
            }
            indexGeneration = try IndexFile.readGeneration(path(StoreFormat.indexFile)) ?? 0
            let catalog = try store.loadCatalog(registry: registry)
            let indexed = Dictionary(uniqueKeysWithValues: catalog.summaries.map { ($0.id, $0) })
            let actual = Dictionary(uniqueKeysWithValues: summaries.map { ($0.id, $0) })
            let missing = actual.keys.filter { indexed[$0] == nil }.count
            let extra = indexed.keys.filter { actual[$0] == nil }.count
            let differing = actual.filter { id, summary in indexed[id].map { $0 != summary } ?? false }.count
            if missing + extra + differing > 0 {
                indexProblem = "out of date: \(missing) sessions missing, \(extra) that no longer exist, \(differing) that differ"
            } else if let tail = journalTail, !tail.continues(indexGeneration: indexGeneration) {
                indexProblem = "its generation \(indexGeneration) does not fit the journal's"
            }
        } catch {
            indexProblem = String(describing: error)
        }
        if indexProblem == nil && journalProblem == nil {
            add(.ok, StoreFormat.indexFile, "matches the \(summaries.count) session files")
        } else if repair && registry != nil {
            let generation = max(newestGeneration, indexGeneration) + 1
            try writeFile(StoreFormat.indexFile, IndexFile.encode(summaries: summaries.sorted { $0.id < $1.id }, generation: generation))
            try writeFile(StoreFormat.journalFile, Journal.headerLine(baseGeneration: generation))
            var message = "rebuilt from \(summaries.count) session files"
            if corrupt > 0 { message += " (\(corrupt) unreadable files left out until fixed)" }
            if let journalProblem { add(.problem, StoreFormat.journalFile, journalProblem + "; started afresh", repaired: true) }
            if let indexProblem { message = indexProblem + "; " + message }
            add(.problem, StoreFormat.indexFile, message, repaired: true)
        } else {
            if let journalProblem { add(.problem, StoreFormat.journalFile, journalProblem) }
            if let indexProblem { add(.problem, StoreFormat.indexFile, indexProblem) }
        }

        // 5. Permissions of everything we own.
        try checkPermissions(repair: repair, findings: &report.findings)
        if registry != nil && summaries.count > 0 {
            add(.ok, StoreFormat.sessionsDirectory, "\(summaries.count) sessions, \(report.interactionCount) interactions")
        }
    }

    /// For each id counter: its name, a key path to it, and the ids in use it
    /// must stay above (the registry's own and those the session files name).
    func counters(_ registry: Registry, _ summaries: [SessionSummary]) -> [(String, WritableKeyPath<Registry, Int>, [Int])] {
        [
            ("session", \.nextSessionID, summaries.map { $0.id.rawValue }),
            ("account", \.nextAccountID, registry.accounts.map(\.id.rawValue) + summaries.map { $0.accountID.rawValue }),
            ("project", \.nextProjectID, registry.projects.map(\.id.rawValue) + summaries.compactMap { $0.projectID?.rawValue }),
            ("component", \.nextComponentID,
             registry.components.map(\.id.rawValue) + summaries.compactMap { $0.componentID?.rawValue }),
        ]
    }

    /// The id counters that lag behind an id already in use.
    func counterProblems(_ registry: Registry, summaries: [SessionSummary]) -> [String] {
        counters(registry, summaries).compactMap { name, counter, used in
            guard let highest = used.max(), registry[keyPath: counter] <= highest else { return nil }
            return "next \(name) id is \(registry[keyPath: counter]) but \(name) \(highest) exists"
        }
    }

    func raiseCounters(_ registry: inout Registry, summaries: [SessionSummary]) {
        for (_, counter, used) in counters(registry, summaries) {
            registry.raise(counter, above: used)
        }
    }

    func describe(_ maintenance: FileStore.Maintenance) -> String {
        switch maintenance {
        case .tornJournal: return "ends in an incomplete record left by a crash"
        case .unappliedCommit: return "its last commit was interrupted before all files were in place"
        case .strayTempFiles: return "temporary files were left by an interrupted write"
        case .missingIndex: return "the index is missing"
        case .staleIndex: return "the index is older than the journal"
        }
    }

    func checkPermissions(repair: Bool, findings: inout [Finding]) throws {
        func add(_ severity: Severity, _ subject: String, _ message: String, _ repaired: Bool) {
            findings.append(Finding(severity: severity, subject: subject, message: message, repaired: repaired))
        }
        var entries: [(String, Bool)] = [(StoreFormat.sessionsDirectory, true), (StoreFormat.tempDirectory, true)]
        for name in [StoreFormat.registryFile, StoreFormat.indexFile, StoreFormat.journalFile, StoreFormat.lockFile] {
            entries.append((name, false))
        }
        for name in try FileIO.list(path(StoreFormat.sessionsDirectory)) ?? [] {
            entries.append(("\(StoreFormat.sessionsDirectory)/\(name)", false))
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
            add(.warning, "permissions", "should be 0600 for files and 0700 for directories: \(shown)", repair)
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

    func naturalOrder(_ a: String, _ b: String) -> Bool {
        let ia = StoreFormat.sessionID(fromFileName: a), ib = StoreFormat.sessionID(fromFileName: b)
        switch (ia, ib) {
        case let (x?, y?): return x < y
        case (nil, nil): return a < b
        case (nil, _): return false
        case (_, nil): return true
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
