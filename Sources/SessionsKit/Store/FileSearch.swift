import Glibc
import Synchronization

/// Search over the file store, as fast as its bytes allow. The answer is
/// `SessionSearch`'s on the decoded sessions; what makes it fast is
/// deciding, from the raw bytes, what need not be decoded. A line of a log
/// (one interaction) or a head (the title, the state, the conversation) is
/// decoded only if its bytes hold every term's `RawNeedle`, or if its
/// output is base64, which no needle can see into. A rare word so decodes
/// almost nothing, and a common one only the interactions it is in.
///
/// The sessions are read a step at a time under one shared lock, so a
/// search sees each session as of one commit and a writer waits for a step
/// at most, never for the whole search. Under it each file is read into
/// scratch space and its lines settled on their bytes (the hits shown read
/// there too), so only what must be decoded is copied out; the decoding
/// and the ordering of hits happen after the lock is released. Both run on
/// every core.
extension FileStore {
    public func search(_ search: SessionSearch, targets: [SearchTarget], registry: Registry,
                       _ body: (SearchBatch) throws -> Bool) throws {
        let plan = RawSearchPlan(search)
        let scratch = ScratchBuffers()
        let directory = SessionsDirectory(root: root)
        var checked: FileStamp?
        var titleHits: [String: SessionHits] = [:]
        var start = 0
        // Small steps first, so the first hits show at once; larger ones
        // after, so the lock is taken and the threads woken less often.
        var step = 32
        while start < targets.count {
            let slice = Array(targets[start..<min(targets.count, start + step)])
            // Under the lock, each session's files are read into scratch
            // space and looked through; only those that may match are kept.
            let files = try consistentRead(checked: &checked) { () -> Pieces<Result<RawSession?, StoreError>> in
                Parallel.pieces(slice.count) { index in
                    Result { () throws(StoreError) -> RawSession? in
                        try scratch.using { (buffers) throws(StoreError) -> RawSession? in
                            // A head is kept only when it will be decoded: for its title, or when it may match.
                            try StoredSession(root: root, id: slice[index].id)
                                .readForSearch(plan, in: directory, into: buffers, keepingHead: slice[index].title == nil)
                        }
                    }
                }
            }
            // A title from the summaries is matched once however many sessions share it.
            for target in slice {
                if let title = target.title, titleHits[title] == nil { titleHits[title] = plan.search.titleHits(title, id: target.id) }
            }
            let knownTitles = titleHits
            let outcomes = Parallel.map(slice.count) { index -> SearchOutcome? in
                let target = slice[index]
                let stored = StoredSession(root: root, id: target.id)
                do {
                    // Taken, not copied: the session's bytes are freed on this thread when it is done.
                    guard let raw = try files.take(index).get() else { return nil }
                    let hits = try plan.hits(in: raw, of: stored, title: target.title, titleHits: target.title.flatMap { knownTitles[$0] },
                                             registry: registry)
                    return hits.total > 0 ? .hits(hits) : nil
                } catch {
                    return .unreadable(target.id, String(describing: error))
                }
            }
            start += slice.count
            step = min(step * 2, 2048)
            guard try body(SearchBatch(outcomes: outcomes.compactMap { $0 }, searched: start, total: targets.count)) else { return }
        }
    }
}

/// A session's files as a search reads them: the session file's bytes and,
/// for a head, the committed part of its log; or only the news that
/// neither can match.
enum RawSession {
    /// Neither file holds every needle: only a title from elsewhere can match.
    case skipped
    /// A session kept whole.
    case whole([UInt8])
    /// A head (empty when it holds no needle and its title is known from
    /// elsewhere, so it will not be decoded), whether its bytes hold every
    /// needle (as the scan found), and what its log gave: each interaction
    /// whose newest line matches or must be decoded to know, in timeline order.
    case split(head: [UInt8], headMayMatch: Bool, lines: [LogMatch])
}

/// One interaction of a log, as the scan left it.
struct LogMatch {
    var position: Int
    /// Whether the line's bytes settled that it matches; else it is decoded
    /// and asked of the reference matcher.
    var settled: Bool
    /// The line, kept when it must be decoded, or may be shown and its hit
    /// could not be read off it in the scan; nil for a settled match past
    /// those shown, which is only counted.
    var line: [UInt8]? = nil
    /// The hit a settled line shows, read off its bytes in the scan, so the
    /// line itself need not be kept.
    var hit: SearchHit? = nil
}

/// Reusable space to read files into, one pair per thread at a time: a
/// search reads every file of the store, and fresh memory for each would
/// cost more (the kernel zeroes every new page) than reading them.
final class ScratchBuffers: @unchecked Sendable {
    /// Two buffers, for a session file and its log, owned by one thread at a time.
    final class Pair: @unchecked Sendable {
        private(set) var file = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1 << 16)
        private(set) var log = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1 << 16)
        var logSpace = LogScanSpace()

        deinit {
            file.deallocate()
            log.deallocate()
        }

        /// The buffer for the log, at least `count` bytes long.
        func log(holding count: Int) -> UnsafeMutableBufferPointer<UInt8> {
            if log.count < count {
                log.deallocate()
                log = .allocate(capacity: max(count, log.count * 2))
            }
            return log
        }

        func file(holding count: Int) -> UnsafeMutableBufferPointer<UInt8> {
            if file.count < count {
                file.deallocate()
                file = .allocate(capacity: max(count, file.count * 2))
            }
            return file
        }
    }

    private let free = Mutex<[Pair]>([])

    func using<T>(_ body: (Pair) throws(StoreError) -> T) throws(StoreError) -> T {
        let pair = free.withLock { $0.popLast() } ?? Pair()
        defer { free.withLock { $0.append(pair) } }
        return try body(pair)
    }
}

extension StoredSession {
    /// The files, read into `buffers` and kept only when they may match; a
    /// head is decoded only when its log's committed length cannot be read
    /// straight from the writer's layout.
    /// - Parameter keepingHead: whether a head is kept even when no needle
    ///   is in it (its session's title is read from it).
    func readForSearch(_ plan: RawSearchPlan, in directory: SessionsDirectory, into buffers: ScratchBuffers.Pair,
                       keepingHead: Bool) throws(StoreError) -> RawSession? {
        guard let file = try directory.read(StoreFormat.sessionFileName(id), count: nil, into: buffers.file(holding:)) else { return nil }
        let isHead = file.starts(with: SessionHeadFile.prefix) || SessionHeadFile.isHead(Array(file))
        let fileMayMatch = plan.mayMatch(file, 0..<file.count)
        guard isHead else { return fileMayMatch ? .whole(Array(file)) : .skipped }
        let length: Int
        if let skimmed = SessionHeadFile.skimLogLength(file) {
            length = skimmed
        } else {
            length = try SessionHeadFile.decode(Array(file), path: filePath, expectedID: id).logLength
        }
        guard length > 0 else { return fileMayMatch ? .split(head: Array(file), headMayMatch: true, lines: []) : .skipped }
        guard let log = try directory.read(StoreFormat.logFileName(id), count: length, into: buffers.log(holding:)) else {
            throw missingLog(length)
        }
        guard log.count >= length else { throw shortLog(log.count, length) }
        let lines = try plan.matchingLines(log, keepingAll: fileMayMatch, stored: self, space: &buffers.logSpace)
        guard fileMayMatch || !lines.isEmpty else { return .skipped }
        return .split(head: fileMayMatch || keepingHead ? Array(file) : [], headMayMatch: fileMayMatch, lines: lines)
    }

    /// Reads the file `fd` names (its first `count` bytes, or all of it) into
    /// the buffer `space` gives for its size: the bytes read. A log shorter
    /// than `count` reads short; the caller says why that is damage.
    static func read(_ fd: Int32, path: () -> String, count: Int?, into space: (Int) -> UnsafeMutableBufferPointer<UInt8>)
        throws(StoreError) -> UnsafeBufferPointer<UInt8> {
        // A read that comes back short has met the end of the file (a store
        // file is replaced by rename, never written in place under a reader's
        // lock), so most files take one read and no `fstat`.
        var wanted = count ?? space(1).count
        if count == nil {
            let buffer = space(wanted)
            let got = try fill(fd, buffer, count: wanted, path: path)
            if got < wanted { return UnsafeBufferPointer(rebasing: buffer[0..<got]) }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw FileIO.fail("read", path()) }
            wanted = Int(info.st_size)
        }
        let buffer = space(max(1, wanted))
        let got = try fill(fd, buffer, count: wanted, path: path)
        return UnsafeBufferPointer(rebasing: buffer[0..<got])
    }

    /// The most one `read` returns on Linux, whatever it is asked for.
    static let longestRead = 0x7fff_f000

    /// Up to `count` bytes from the start of `fd` into `buffer`: how many there were.
    private static func fill(_ fd: Int32, _ buffer: UnsafeMutableBufferPointer<UInt8>, count: Int, path: () -> String) throws(StoreError) -> Int {
        var filled = 0
        while filled < count {
            let asked = count - filled
            let got = pread(fd, buffer.baseAddress! + filled, asked, off_t(filled))
            if got < 0 {
                if errno == EINTR { continue }
                throw FileIO.fail("read", path(), errno)
            }
            filled += got
            // A regular file reads short only at its end, or where one call
            // stops (Linux returns at most 0x7ffff000 bytes): asking again
            // below that would cost a call per file to hear of the end (a
            // search reads twenty thousand).
            if got == 0 || (got < asked && got < Self.longestRead) { break }
        }
        return filled
    }
}

/// The store's sessions directory, held open for a search: each of its
/// twenty thousand files is then opened by its name in it, and the kernel
/// walks one path component for each, not the store's whole path.
final class SessionsDirectory: Sendable {
    let root: String
    /// The directory, or -1 when it could not be opened (a store without
    /// sessions): files are then opened by their whole paths.
    let fd: Int32

    init(root: String) {
        self.root = root
        fd = open(root + "/" + StoreFormat.sessionsDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Reads the file `name` of the sessions directory with
    /// `StoredSession.read`: nil when there is no such file.
    func read(_ name: String, count: Int?, into space: (Int) -> UnsafeMutableBufferPointer<UInt8>)
        throws(StoreError) -> UnsafeBufferPointer<UInt8>? {
        // The whole path is made only to open without the directory, or to name the file in an error.
        let opened = fd >= 0 ? openat(fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : open(path(name), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard opened >= 0 else {
            let code = errno
            try FileIO.openFailed(path(name), code)
            return nil
        }
        defer { close(opened) }
        return try StoredSession.read(opened, path: { [unowned self] in path(name) }, count: count, into: space)
    }

    private func path(_ name: String) -> String {
        root + "/" + StoreFormat.sessionsDirectory + "/" + name
    }
}

extension SessionHeadFile {
    private static let interactionsOpening = RawNeedle(literal: Array("\n  \"interactions\": {\n".utf8))
    private static let lengthMember = RawNeedle(literal: Array("\n    \"length\": ".utf8))

    /// The `length` member of a head in the writer's layout: the last line
    /// at two spaces' indent opening `"interactions"` is the top-level
    /// member (no string holds a raw newline), and its `length` is at four.
    /// Nil for any other layout, which is then parsed.
    static func skimLogLength(_ buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        // The search's vector scan, not the C library's: a search skims every head of the store.
        let opening = interactionsOpening, member = lengthMember
        var from = max(0, buffer.count - 4096)
        var found: Int?
        while let hit = opening.firstIndex(in: buffer, from..<buffer.count) {
            found = hit
            from = hit + 1
        }
        if found == nil {
            from = 0
            while let hit = opening.firstIndex(in: buffer, from..<buffer.count) {
                found = hit
                from = hit + 1
            }
        }
        guard let found, let at = member.firstIndex(in: buffer, found..<buffer.count) else { return nil }
        var index = at + member.bytes.count
        var value = 0
        let digits = index
        while index < buffer.count, buffer[index] >= 0x30, buffer[index] <= 0x39, index - digits < 18 {
            value = value * 10 + Int(buffer[index] - 0x30)
            index += 1
        }
        guard index > digits, index < buffer.count, buffer[index] == UInt8(ascii: ",") || buffer[index] == 0x0A else { return nil }
        return value
    }
}

/// A search's needles, and how it decides from raw bytes what to decode.
/// A class, so the threads share one and each session's read does not copy
/// its arrays.
final class RawSearchPlan: Sendable {
    let search: SessionSearch
    /// One per term that has one; empty under `--regex`, where nothing is skipped.
    let needles: [RawNeedle]
    /// Whether a text lacking every needle can still match: a term has no
    /// needle, or the query is a pattern.
    let decodesEverything: Bool
    /// The longest needle, looked for first: the rarest, most likely.
    let primary: RawNeedle?
    /// The needles a line holding the primary one must hold too.
    let others: [RawNeedle]

    /// The name of an `*_encoding` member, however its value is spaced:
    /// only base64 output has one. A line without it has text outputs.
    let base64 = RawNeedle(literal: Array("_encoding\"".utf8))

    /// Settles lines on their bytes when every term is plain.
    let lineCheck: LogLineCheck?

    init(_ search: SessionSearch) {
        self.search = search
        let query = search.query
        let found = query.terms.map { RawNeedle($0, ignoresCase: !query.caseSensitive) }
        let needles = found.compactMap { $0 }
        let decodesEverything = query.pattern != nil || found.contains { $0 == nil }
        let primary = needles.max { $0.bytes.count < $1.bytes.count }
        self.needles = needles
        self.decodesEverything = decodesEverything
        self.primary = primary
        others = primary.map { primary in needles.filter { $0.bytes != primary.bytes || $0.ignoresCase != primary.ignoresCase } } ?? []
        lineCheck = LogLineCheck(search, needles: needles, decodesEverything: decodesEverything)
    }

    /// Whether `buffer[range]` holds every needle: when it does not, no text
    /// in it matches. A session file's texts (its state's keys and values
    /// included) all stand in its JSON, so this holds for it as for a log line.
    func mayMatch(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        decodesEverything || needles.allSatisfy { $0.firstIndex(in: buffer, range) != nil }
    }

    /// - Parameter titleHits: what `knownTitle` gave `titleOnly`, when it
    ///   was matched once for all the sessions that share it.
    func hits(in raw: RawSession, of stored: StoredSession, title knownTitle: String?, titleHits: SessionHits?,
              registry: Registry) throws(StoreError) -> SessionHits {
        func titleOnly() -> SessionHits {
            guard var known = titleHits else { return search.titleHits(knownTitle, id: stored.id) }
            known.sessionID = stored.id
            return known
        }
        let headBytes: [UInt8], headMayMatch: Bool, lines: [LogMatch]
        switch raw {
        case .skipped:
            return titleOnly()
        case .whole(let bytes):
            // A session kept whole, from before the store's upgrade.
            let session = try SessionFile.decode(bytes, path: stored.filePath, expectedID: stored.id)
            return search.hits(in: session, title: knownTitle ?? SessionTitle.of(session, registry: registry))
        case .split(let head, let mayMatch, let found):
            (headBytes, headMayMatch, lines) = (head, mayMatch, found)
        }
        // Lines the scan could not settle are decoded and asked of the
        // reference matcher. Lines are named by index, not copied: a copy
        // of one retains every string of its hit.
        var decoded: [Int: Interaction] = [:]
        var matching: [Int] = []
        matching.reserveCapacity(lines.count)
        for index in lines.indices {
            guard !lines[index].settled, let bytes = lines[index].line else {
                matching.append(index)
                continue
            }
            let interaction = try Self.decode(bytes, position: lines[index].position, stored: stored)
            let parts = search.parts(of: interaction)
            if !parts.isEmpty && search.matches(parts.map(\.1)) {
                matching.append(index)
                decoded[lines[index].position] = interaction
            }
        }
        if !headMayMatch && matching.isEmpty { return titleOnly() }

        // The head is decoded only for what it may give: a title from its
        // state, or a match in its state or conversation.
        let session = headMayMatch || knownTitle == nil
            ? try SessionHeadFile.decode(headBytes, path: stored.filePath, expectedID: stored.id).session : nil
        var collector = SessionSearch.Collector(search: search, sessionID: stored.id)
        if let titleHits {
            collector.seed(titleHits)
            collector.head(title: nil, state: headMayMatch ? session?.state : nil)
        } else {
            collector.head(title: knownTitle ?? session.flatMap { SessionTitle.of($0, registry: registry) },
                           state: headMayMatch ? session?.state : nil)
        }
        let allMessages = headMayMatch ? session?.conversation ?? [] : []
        let messages = allMessages.indices.filter { collector.messageMatches(allMessages[$0]) }
        func interaction(_ index: Int) throws(StoreError) -> Interaction? {
            let position = lines[index].position
            if let known = decoded[position] { return known }
            guard let bytes = lines[index].line else { return nil }
            let found = try Self.decode(bytes, position: position, stored: stored)
            decoded[position] = found
            return found
        }
        // Messages fall among the interactions by time, so with any message
        // to place every matching interaction is read for its time (the scan
        // kept every line when the head may match); without, only those shown.
        let order: [TimelineEntry]
        if messages.isEmpty {
            order = matching.indices.map(TimelineEntry.interaction)
        } else {
            let starts = try matching.map { (index) throws(StoreError) in try interaction(index)?.startedAt }
            order = TimelineOrder.merge(interactionStarts: starts, messageTimes: messages.map { allMessages[$0].at })
        }
        for place in order {
            switch place {
            case .interaction(let order):
                let index = matching[order]
                guard collector.wantsLine else {
                    collector.total += 1
                    continue
                }
                // A settled line shows what its bytes say, its wanted strings
                // decoded alone; any other is decoded whole.
                let position = lines[index].position
                if let hit = lines[index].hit {
                    collector.addMatched(hit)
                } else if lines[index].settled, decoded[position] == nil, let bytes = lines[index].line, let lineCheck,
                   let hit = bytes.withUnsafeBufferPointer({ lineCheck.hit($0, 0..<$0.count, position: position, query: search.query) }) {
                    collector.addMatched(hit)
                } else if let found = try interaction(index) {
                    collector.addMatched(.interaction(position, id: found.id), search.parts(of: found), at: found.startedAt)
                } else {
                    collector.total += 1
                }
            case .message(let index):
                collector.message(allMessages[messages[index]], index: messages[index])
            }
        }
        return collector.result
    }

    static func decode(_ line: [UInt8], position: Int, stored: StoredSession) throws(StoreError) -> Interaction {
        let found = line.withUnsafeBufferPointer { buffer in
            Result { () throws(StoreError) -> Interaction in
                let entry = try InteractionLog.entry(buffer, line: 0..<buffer.count, path: stored.logPath)
                return try InteractionLog.decode(buffer, entry, path: stored.logPath)
            }
        }
        switch found {
        case .success(let interaction): return interaction
        case .failure(let error): throw stored.damage(error)
        }
    }


    /// The newest version of each interaction whose line matches, or may:
    /// the log is searched for the primary needle and base64 markers first,
    /// in one pass; only a log with a hit has its lines walked, to know which
    /// version of each interaction is the newest. Each line that may match
    /// is settled on its bytes where it can be; its bytes are kept when it
    /// must be decoded, may be shown, or (`keepingAll`, when messages may
    /// match too) may be needed for its time.
    /// It works in `space`, which a thread keeps from log to log.
    func matchingLines(_ log: UnsafeBufferPointer<UInt8>, keepingAll: Bool, stored: StoredSession,
                       space: inout LogScanSpace) throws(StoreError) -> [LogMatch] {
        // Where the primary needle and the base64 markers are, in file order.
        space.primaryHits.removeAll(keepingCapacity: true)
        space.base64Hits.removeAll(keepingCapacity: true)
        if !decodesEverything {
            guard let primary else { return [] }
            var from = 0
            while let hit = primary.firstIndex(orOf: base64, in: log, from..<log.count) {
                if hit.other { space.base64Hits.append(hit.at) }
                from = hit.at + 1
                guard hit.this else { continue }
                // One hit of the needle is all its line needs (a common word
                // stands many times in one output): the rest of the line is
                // looked through for a base64 marker only.
                space.primaryHits.append(hit.at)
                let lineEnd = ByteSearch.firstIndex(of: UInt8(ascii: "\n"), in: log, from: hit.at, end: log.count) ?? log.count
                if let marker = base64.firstIndex(in: log, from..<lineEnd) { space.base64Hits.append(marker) }
                from = lineEnd
            }
            guard !space.primaryHits.isEmpty || !space.base64Hits.isEmpty else { return [] }
        }
        do {
            try InteractionLog.latest(log, length: log.count, path: stored.logPath, into: &space.entries)
        } catch {
            throw stored.damage(error)
        }
        let entries = space.entries
        // Which lines may match: each hit belongs to the line it falls in,
        // and the lines are visited in file order.
        space.flags.removeAll(keepingCapacity: true)
        space.flags.append(contentsOf: repeatElement(decodesEverything ? LogScanSpace.candidate | LogScanSpace.markedBase64 : 0,
                                                     count: entries.count))
        if !decodesEverything, let primary {
            var nextPrimary = 0, nextBase64 = 0
            func visit(_ index: Int) {
                let line = entries[index].line
                while nextPrimary < space.primaryHits.count, space.primaryHits[nextPrimary] < line.lowerBound { nextPrimary += 1 }
                while nextBase64 < space.base64Hits.count, space.base64Hits[nextBase64] < line.lowerBound { nextBase64 += 1 }
                let hasPrimary = nextPrimary < space.primaryHits.count && space.primaryHits[nextPrimary] + primary.bytes.count <= line.upperBound
                let hasBase64 = nextBase64 < space.base64Hits.count && space.base64Hits[nextBase64] + base64.bytes.count <= line.upperBound
                if hasBase64 || (hasPrimary && others.allSatisfy { $0.firstIndex(in: log, line) != nil }) {
                    space.flags[index] |= LogScanSpace.candidate
                }
                if hasBase64 { space.flags[index] |= LogScanSpace.markedBase64 }
            }
            // Entries are in file order unless an interaction was written
            // again after a later one: only then are they sorted.
            if zip(entries, entries.dropFirst()).allSatisfy({ $0.line.lowerBound < $1.line.lowerBound }) {
                for index in entries.indices { visit(index) }
            } else {
                for index in entries.indices.sorted(by: { entries[$0].line.lowerBound < entries[$1].line.lowerBound }) { visit(index) }
            }
        }
        var found: [LogMatch] = []
        found.reserveCapacity(space.flags.reduce(0) { $0 + Int($1 & LogScanSpace.candidate) })
        var shown = 0
        for (index, entry) in entries.enumerated() {
            guard space.flags[index] & LogScanSpace.candidate != 0 else { continue }
            let bytes = { Array(UnsafeBufferPointer(rebasing: log[entry.line])) }
            // A line that may be shown keeps its strings as it is settled, so its hit needs no walk of its own.
            let mayBeShown = !keepingAll && shown < search.kept
            var strings: LogLineCheck.Strings? = mayBeShown ? LogLineCheck.Strings() : nil
            let plainOutput = space.flags[index] & LogScanSpace.markedBase64 == 0
            switch lineCheck?.settle(log, entry.line, plainOutput: plainOutput, keeping: &strings) ?? .decode {
            case .fails:
                continue
            case .matches:
                if keepingAll {
                    found.append(LogMatch(position: entry.position, settled: true, line: bytes()))
                } else if mayBeShown {
                    let hit = strings.flatMap { lineCheck?.hit(log, strings: $0, position: entry.position, query: search.query) }
                    found.append(LogMatch(position: entry.position, settled: true, line: hit == nil ? bytes() : nil, hit: hit))
                } else {
                    found.append(LogMatch(position: entry.position, settled: true))
                }
                shown += 1
            case .decode:
                found.append(LogMatch(position: entry.position, settled: false, line: bytes()))
            }
        }
        return found
    }
}

/// What scanning one log needs for a moment: each thread keeps one, so the
/// twenty thousand logs of a search reuse its arrays rather than make their own.
struct LogScanSpace {
    /// Where the primary needle and the base64 markers are, in file order.
    var primaryHits: [Int] = []
    var base64Hits: [Int] = []
    /// The newest line of each interaction.
    var entries: [InteractionLog.Entry] = []
    /// Per entry: `candidate`, `markedBase64`.
    var flags: [UInt8] = []

    /// The line may match: it holds every needle, or base64 output.
    static let candidate: UInt8 = 1
    /// The line has base64 output, which no needle can see into.
    static let markedBase64: UInt8 = 2
}
