/// Brings Claude Code transcripts into the active account: one session per
/// transcript, one interaction per tool call. Sessions are found again by
/// their Claude Code session id, and interactions by their `tool_use` id, so
/// importing again (or after hooks recorded the session live) adds only what
/// is new and never duplicates.
public struct ClaudeCodeImporter {
    public let service: SessionService
    /// A conversation whose last record is this recent is still in use: its session is active.
    public var recentWindowMicroseconds: Int64 = 10 * 60 * 1_000_000
    /// Files per transaction: each batch commits on its own, so an
    /// interrupted import keeps what it finished and resumes idempotently.
    public var batchFiles = 64
    public var batchBytes = 48 << 20

    public init(service: SessionService) { self.service = service }

    /// Imports `files` (see `TranscriptFiles.discover`), reporting `(done, total)` as it goes.
    public func run(_ files: [String], progress: (Int, Int) -> Void = { _, _ in }) throws -> ImportReport {
        var report = ImportReport()
        report.files = files.count
        var catalog = try service.store.catalog()
        var done = 0
        var index = 0
        while index < files.count {
            var batch: [(path: String, fingerprint: FileFingerprint)] = []
            var bytes = 0
            while index < files.count, batch.count < batchFiles, bytes < batchBytes || batch.isEmpty {
                let path = files[index]
                index += 1
                guard let fingerprint = FileFingerprint(path: path) else {
                    report.unreadable.append("\(path): cannot be read")
                    continue
                }
                batch.append((path, fingerprint))
                bytes += fingerprint.bytes
            }
            let known = knownTranscripts(in: catalog)
            let changed = batch.filter { entry in
                // A file can hold several sessions (1.0.x sidechains): all must be settled and current.
                guard let sessions = known[entry.path], sessions.allSatisfy({ summary in
                    summary.status != .active && FileFingerprint(summary.state?["transcript"]?.objectValue) == entry.fingerprint
                }) else { return true }
                report.filesUnchanged += 1
                return false
            }
            let parsed: [Result<(Transcript, FileFingerprint), StoreError>] = Parallel.map(changed.count) { position in
                let entry = changed[position]
                return Result { () throws(StoreError) in
                    let data = try FileIO.read(entry.path, followLinks: true) ?? []
                    return (TranscriptParser.parse(data, path: entry.path), entry.fingerprint)
                }
            }
            var transcripts: [(Transcript, FileFingerprint)] = []
            // Files finished once each transcript is merged: a file's inline
            // subagents finish with it.
            var filesThrough: [Int] = []
            var parsedFiles = 0
            for (entry, result) in zip(changed, parsed) {
                switch result {
                case .success(let (transcript, fingerprint)):
                    parsedFiles += 1
                    for part in [transcript] + transcript.sidechains {
                        transcripts.append((part, fingerprint))
                        filesThrough.append(parsedFiles)
                    }
                case .failure(let error): report.unreadable.append("\(entry.path): \(error)")
                }
            }
            let base = done + (index - done - parsedFiles)
            progress(base, files.count)
            if !transcripts.isEmpty {
                try write(transcripts, into: &report) { merged in progress(base + filesThrough[merged - 1], files.count) }
                catalog = try service.store.catalog(refreshing: catalog)
            }
            done = index
            progress(done, files.count)
        }
        return report
    }

    /// This account's sessions imported from each transcript path, for the unchanged-file check.
    func knownTranscripts(in catalog: Catalog) -> [String: [SessionSummary]] {
        var known: [String: [SessionSummary]] = [:]
        for summary in catalog.summaries where summary.session.accountID == service.scope.accountID {
            if let path = summary.session.state?["transcript"]?.objectValue?["path"]?.stringValue {
                known[path, default: []].append(summary)
            }
        }
        return known
    }

    func write(_ transcripts: [(Transcript, FileFingerprint)], into report: inout ImportReport,
               merged: (Int) -> Void) throws {
        let delta = try service.store.write { transaction in
            var delta = ImportReport()
            try service.checkScope(transaction.registry)
            var keys = ClaudeCodeSessions.keys(in: try transaction.summaries(), account: service.scope.accountID)
            var touched: [(key: String, transcript: Transcript)] = []
            for (position, (transcript, fingerprint)) in transcripts.enumerated() {
                defer { merged(position + 1) }
                delta.absorb(transcript.stats, path: transcript.path)
                guard transcript.hasConversation else {
                    delta.filesWithoutConversation += 1
                    continue
                }
                let key = transcript.conversationKey ?? TranscriptFiles.stem(transcript.path)
                let existing = try keys[key].flatMap { try transaction.session(id: $0) }
                let id = try existing?.id ?? transaction.newSessionID()
                // A subagent works in its parent's project, wherever it ran `cd` to.
                let parentProject = try transcript.agentID == nil ? nil
                    : transcript.sessionID.flatMap { keys[$0] }.flatMap { try transaction.head(id: $0)?.session.projectID }
                let projectID = existing?.projectID ?? parentProject
                    ?? ClaudeCodeSessions.projectID(forDirectory: transcript.cwd, account: service.scope.accountID,
                                                    registry: &transaction.registry, at: service.clock())
                var merged = ClaudeCodeSessions.merge(
                    transcript, fingerprint: fingerprint, key: key, into: existing, id: id,
                    accountID: service.scope.accountID, projectID: projectID,
                    now: service.clock(), recentWindow: recentWindowMicroseconds)
                ClaudeCodeSessions.linkSubagents(of: &merged.session, keys: keys)
                delta.interactionsAdded += merged.added
                delta.interactionsUpdated += merged.updated
                if let existing {
                    if merged.session == existing {
                        delta.sessionsUnchanged += 1
                    } else if Self.sameApartFromFingerprint(merged.session, existing) {
                        // Nothing of the conversation changed. A fingerprint
                        // that still names the file as it is (after a touch,
                        // a new time only) is left alone, so nothing is
                        // written; an older one without a tail is brought up
                        // to date, so that next time the file is skipped.
                        delta.sessionsUnchanged += 1
                        if FileFingerprint(existing.state?["transcript"]?.objectValue) != fingerprint {
                            transaction.put(merged.session)
                        }
                    } else {
                        delta.sessionsUpdated += 1
                        transaction.put(merged.session)
                    }
                } else {
                    delta.sessionsCreated += 1
                    transaction.put(merged.session)
                }
                keys[key] = id
                touched.append((key, transcript))
            }
            delta.sessionsTitled += try titleBySummaries(in: transaction)
            // A subagent names its parent, and the parent's call that started
            // it names the subagent, whichever of the two came in first.
            var children: [String: [Session.ID]] = [:]
            for (key, id) in keys {
                guard let marker = key.firstRange(of: "/agent-") else { continue }
                children[String(key[..<marker.lowerBound]), default: []].append(id)
            }
            var pairs: [(parent: Session.ID, child: Session.ID)] = []
            for (key, transcript) in touched {
                if transcript.agentID != nil {
                    if let sessionID = transcript.sessionID, let parent = keys[sessionID], let child = keys[key] {
                        pairs.append((parent, child))
                    }
                } else if let parent = keys[key] {
                    pairs += (children[key] ?? []).map { (parent, $0) }
                }
            }
            for (parentID, childID) in pairs {
                guard var parent = try transaction.session(id: parentID), var child = try transaction.session(id: childID)
                else { continue }
                // Hooks see a subagent's calls under its parent's session id;
                // once the subagent's own transcript is in, they live there only.
                let childCalls = Set(child.interactions.compactMap { $0.extra[ClaudeCodeTools.toolUseKey]?.stringValue })
                let before = parent.interactions.count
                parent.interactions.removeAll { $0.extra[ClaudeCodeTools.toolUseKey]?.stringValue.map(childCalls.contains) ?? false }
                let moved = before - parent.interactions.count
                delta.interactionsMoved += moved
                if ClaudeCodeSessions.linkSubagents(of: &parent, keys: keys) || moved > 0 { transaction.put(parent) }
                var childChanged = false
                if SessionLinks.linkedParent(state: child.state) != parentID {
                    var state = child.state ?? JSONObject()
                    state[SessionLinks.linkedParentKey] = .id(parentID)
                    child.state = state
                    childChanged = true
                }
                // The parent's project, also for a subagent imported before it (or by a version
                // that named a project after the folder the subagent moved to).
                if let project = parent.projectID, child.projectID != project {
                    child.projectID = project
                    childChanged = true
                }
                if childChanged { transaction.put(child) }
            }
            return delta
        }
        report.add(delta)
    }

    /// Gives each `summary` record this account's sessions hold (their
    /// files', kept in their state) to the conversation that holds its leaf
    /// message, whichever file it is in and whichever was imported first.
    /// Returns how many sessions it titled. The session is written whole, as
    /// the importer writes it, so its `updated_at` stays.
    func titleBySummaries(in transaction: any StoreTransaction) throws -> Int {
        let sessions = try transaction.summaries().values
            .filter { $0.session.accountID == service.scope.accountID && $0.session.type == .claudeCode }
            .sorted { $0.id < $1.id }
        var titles: [String: String] = [:]
        for summary in sessions {
            for entry in summary.session.state?[ClaudeCodeSessions.summariesKey]?.arrayValue ?? [] {
                if let leaf = entry.objectValue?["leaf"]?.stringValue, let text = entry.objectValue?["summary"]?.stringValue {
                    titles[leaf] = text
                }
            }
        }
        guard !titles.isEmpty else { return 0 }
        var titled = 0
        for summary in sessions {
            guard let leaves = summary.session.state?[ClaudeCodeSessions.leafKey]?.arrayValue,
                  let title = leaves.reversed().lazy.compactMap({ $0.stringValue.flatMap { titles[$0] } }).first,
                  summary.session.state?[ClaudeCodeSessions.summaryTitleKey]?.stringValue != title,
                  var session = try transaction.session(id: summary.id)
            else { continue }
            var state = session.state ?? JSONObject()
            state[ClaudeCodeSessions.summaryTitleKey] = .string(title)
            session.state = state
            transaction.put(session)
            titled += 1
        }
        return titled
    }

    static func sameApartFromFingerprint(_ a: Session, _ b: Session) -> Bool {
        var a = a
        a.state?["transcript"] = b.state?["transcript"]
        return a == b
    }
}

/// What an import did, for its closing summary.
public struct ImportReport: Sendable, Equatable {
    public var files = 0
    public var filesUnchanged = 0
    public var filesWithoutConversation = 0
    public var sessionsCreated = 0
    public var sessionsUpdated = 0
    public var sessionsUnchanged = 0
    /// Sessions a `summary` record titled (often one from another file).
    public var sessionsTitled = 0
    public var interactionsAdded = 0
    public var interactionsUpdated = 0
    /// Calls hooks recorded on a parent that its subagent's transcript
    /// turned out to hold: they now live on the subagent's session only.
    public var interactionsMoved = 0
    public var linesRead = 0
    /// `file:line` of each line that is not a JSON object.
    public var malformed: [String] = []
    /// `file:line` of each record whose time was left out.
    public var unreadableTimes: [String] = []
    public var skippedTypes: [String: Int] = [:]
    public var duplicateRecords = 0
    public var orphanResults = 0
    public var unreadable: [String] = []

    public init() {}

    mutating func absorb(_ stats: TranscriptStats, path: String) {
        linesRead += stats.lines
        malformed += stats.malformedLines.map { "\(path):\($0)" }
        unreadableTimes += stats.unreadableTimes.map { "\(path):\($0)" }
        for (type, count) in stats.skippedTypes { skippedTypes[type, default: 0] += count }
        duplicateRecords += stats.duplicateRecords
        orphanResults += stats.orphanResults
    }

    mutating func add(_ other: ImportReport) {
        filesWithoutConversation += other.filesWithoutConversation
        sessionsCreated += other.sessionsCreated
        sessionsUpdated += other.sessionsUpdated
        sessionsUnchanged += other.sessionsUnchanged
        sessionsTitled += other.sessionsTitled
        interactionsAdded += other.interactionsAdded
        interactionsUpdated += other.interactionsUpdated
        interactionsMoved += other.interactionsMoved
        linesRead += other.linesRead
        malformed += other.malformed
        unreadableTimes += other.unreadableTimes
        for (type, count) in other.skippedTypes { skippedTypes[type, default: 0] += count }
        duplicateRecords += other.duplicateRecords
        orphanResults += other.orphanResults
        unreadable += other.unreadable
    }
}
