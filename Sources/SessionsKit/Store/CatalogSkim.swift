import Glibc

/// Reading the index and the journal into a `SummaryTable`: every line is
/// checked as a full decode would check it (a file that does not parse is the
/// same error, naming the same line), but only the keys are built; the
/// bytes are kept for the summaries a screen or an output asks for.
extension IndexFile {
    /// The index's generation and its summaries, unordered lines kept as
    /// they are (the caller orders them). `alongside` runs as one more task
    /// of the same parallel pass, as in `decode`.
    static func skim<Extra>(_ bytes: [UInt8], path: String, alongside: () -> Extra) throws(StoreError)
        -> (generation: Int, table: SummaryTable, extra: Extra)
    {
        let pieces = try bytes.withUnsafeBufferPointer { (buffer) throws(StoreError) -> (Int, [Range<Int>]) in
            guard let headerEnd = buffer.firstIndex(of: UInt8(ascii: "\n")) else {
                throw corrupt(path, "the header line is missing")
            }
            let (generation, count) = try decodeHeader(buffer, 0..<headerEnd, path: path)
            if buffer.last != UInt8(ascii: "\n") {
                throw corrupt(path, "the last line is incomplete (the file was truncated)")
            }
            let body = (headerEnd + 1)..<buffer.count
            let pieces = body.count > 256 * 1024 ? Parallel.coreCount * 4 : 1
            _ = count
            return (generation, Parallel.lineChunks(buffer, body, pieces: pieces))
        }
        let (generation, chunks) = pieces
        let count = try bytes.withUnsafeBufferPointer { (buffer) throws(StoreError) -> Int in
            let headerEnd = buffer.firstIndex(of: UInt8(ascii: "\n"))!
            return try decodeHeader(buffer, 0..<headerEnd, path: path).1
        }
        let extra = Slot<Extra>()
        let outcomes: [Result<SkimmedLines, StoreError>] = bytes.withUnsafeBufferPointer { buffer in
            let shared = SendableBox(buffer)
            return Parallel.map(chunks.count + 1, serially: chunks.count == 1) { task in
                guard task > 0 else {
                    extra.value = alongside()
                    return .success(SkimmedLines())
                }
                return skimLines(shared.value, chunks[task - 1], path: path)
            }
        }
        var table = SummaryTable()
        let buffer = table.addBuffer(.memory(bytes))
        var keys: [SummaryKey] = []
        var places: [SummaryTable.Place] = []
        var decoded: [SessionSummary] = []
        let total = outcomes.reduce(0) { $0 + ((try? $1.get())?.keys.count ?? 0) }
        keys.reserveCapacity(total)
        places.reserveCapacity(total)
        for outcome in outcomes.dropFirst() {
            let lines = try outcome.get()
            keys.append(contentsOf: lines.keys)
            for var place in lines.places {
                if place.buffer < 0 {
                    place.start += decoded.count
                    place.end = place.start
                } else {
                    place.buffer = buffer
                }
                places.append(place)
            }
            decoded.append(contentsOf: lines.decoded)
        }
        // The header's count is only a claim until the lines are read.
        guard keys.count == count else {
            throw corrupt(path, "the header says \(count) sessions but \(keys.count) follow (the file was truncated)")
        }
        return (generation, SummaryTable(keys: keys, places: places, buffers: table.buffers, decoded: decoded), extra.value!)
    }

    struct SkimmedLines {
        var keys: [SummaryKey] = []
        var places: [SummaryTable.Place] = []
        var decoded: [SessionSummary] = []
        /// The line of each decoded summary, when asked for (`IndexKeys` keeps it).
        var generalLines: [Range<Int>] = []
    }

    /// The keys of `range`'s lines; a line the skim does not take is decoded
    /// in full now, by the path that names its error.
    static func skimLines(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, path: String,
                          recordingLines: Bool = false) -> Result<SkimmedLines, StoreError> {
        var lines = SkimmedLines()
        var failure: StoreError?
        var types = SummaryDecoder.TypeNames()
        forEachLine(buffer, range) { line in
            if let key = SummaryDecoder.skim(buffer, range: line, types: &types) {
                lines.keys.append(key)
                lines.places.append(SummaryTable.Place(buffer: 0, depth: 1, start: line.lowerBound, end: line.upperBound))
                return true
            }
            switch decodeLine(buffer, line, path: path, types: &types) {
            case .success(let summary):
                lines.keys.append(SummaryKey(summary))
                lines.places.append(SummaryTable.Place(buffer: -1, depth: 0, start: lines.decoded.count, end: lines.decoded.count))
                lines.decoded.append(summary)
                if recordingLines { lines.generalLines.append(line) }
                return true
            case .failure(let error):
                failure = error
                return false
            }
        }
        if let failure { return .failure(failure) }
        return .success(lines)
    }
}

/// A journal record as the catalog needs it: its generation, what it
/// deletes, and what it puts, each put either a place in the journal's
/// bytes or, for a record the skim does not take, a decoded summary.
struct SkimmedRecord {
    enum Put {
        case line(SummaryKey, Range<Int>)
        case decoded(SessionSummary)
    }

    var generation: Int
    var deletes: [Session.ID]
    var puts: [Put]
}

extension Journal {
    typealias Skimmed = (baseGeneration: Int, records: [SkimmedRecord])

    /// `parse` for the catalog: the same errors, but the summaries put are
    /// skimmed rather than decoded, pieces of whole lines on every core with
    /// `alongside` as one more piece of the same pass (all on this thread
    /// when the journal is one piece). Only the files of the
    /// last record are ever used again (`readTail` decodes that one in full
    /// on every read), so the files of the records are checked as JSON alone.
    func skim<Extra>(_ bytes: [UInt8], alongside: () -> Extra) -> (Result<Skimmed, StoreError>, Extra) {
        bytes.withUnsafeBufferPointer { buffer -> (Result<Skimmed, StoreError>, Extra) in
            guard let found = memchr(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, Int32(UInt8(ascii: "\n")), buffer.count)
            else { return (.failure(corrupt("the header line is missing or incomplete")), alongside()) }
            let headerEnd = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - buffer.baseAddress!
            let header = Result { () throws(StoreError) in try parseHeader(buffer, 0..<headerEnd) }
            guard case .success(let parsed) = header else { return (header.map { _ in (0, []) }, alongside()) }
            let base = parsed.baseGeneration
            let body = (headerEnd + 1)..<buffer.count
            let chunks = Parallel.lineChunks(buffer, body, pieces: body.count > 256 * 1024 ? Parallel.coreCount * 4 : 1)
            let shared = SendableBox(buffer)
            let extra = Slot<Extra>()
            // A journal of one piece (most are) is skimmed on this thread: waking another costs more.
            let outcomes = Parallel.map(chunks.count + 1, serially: chunks.count <= 1) { task -> Result<[SkimmedRecord], StoreError> in
                guard task > 0 else {
                    extra.value = alongside()
                    return .success([])
                }
                return Result { () throws(StoreError) in try skimRecords(shared.value, chunks[task - 1]) }
            }
            var records: [SkimmedRecord] = []
            for outcome in outcomes {
                switch outcome {
                case .success(let some): records.append(contentsOf: some)
                case .failure(let error): return (.failure(error), extra.value!)
                }
            }
            return (.success((base, records)), extra.value!)
        }
    }

    /// The records of the newline-terminated lines of `range`: a torn last
    /// line never committed.
    private func skimRecords(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(StoreError) -> [SkimmedRecord] {
        var records: [SkimmedRecord] = []
        var lineStart = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            guard let found = memchr(buffer.baseAddress! + index, Int32(UInt8(ascii: "\n")), range.upperBound - index) else { break }
            index = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - buffer.baseAddress!
            let line = lineStart..<index
            if !line.isEmpty && Journal.markerGeneration(buffer, line) == nil {
                if let record = Journal.skimPlainRecord(buffer, line) {
                    records.append(record)
                } else {
                    let record = try parseRecord(buffer, line)
                    records.append(SkimmedRecord(generation: record.generation, deletes: record.deletes,
                                                 puts: record.puts.map { .decoded($0) }))
                }
            }
            index += 1
            lineStart = index
        }
        return records
    }

    /// `parsePlainRecord` with the puts skimmed; nil sends the line down the
    /// general path.
    static func skimPlainRecord(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> SkimmedRecord? {
        var types = SummaryDecoder.TypeNames()
        guard let (record, puts) = plainRecord(buffer, range, checkingAsJSONOnly: "files", put: { cursor -> SkimmedRecord.Put? in
            let start = cursor.index
            // The record is depth 1 and the array depth 2, as the general parser counts.
            guard let key = SummaryDecoder.skim(&cursor, depth: 3, types: &types) else { return nil }
            return .line(key, start..<cursor.index)
        }) else { return nil }
        return SkimmedRecord(generation: record.generation, deletes: record.deletes, puts: puts)
    }
}

extension FileStore {
    typealias SkimmedJournal = Result<Journal.Skimmed, StoreError>

    /// The catalog from the index, held open, and the journal's bytes, as
    /// one commit left them. With keys that name this index's file (see
    /// `IndexKeys`), the index's keys come from there, beside the skim of
    /// the journal, and its lines are read only as rows need them;
    /// otherwise the index is read and skimmed.
    func assembleCatalog(registry: Registry, index: LazyFileBytes, journalBytes: [UInt8], keysBytes: MappedFile?)
        throws(StoreError) -> Catalog
    {
        guard let keysBytes else {
            return try assembleCatalog(registry: registry, indexBytes: try index.whole(), journalBytes: journalBytes)
        }
        let (journalResult, cached) = journal.skim(journalBytes) {
            // Room for as many new sessions as the journal could hold (a summary takes more than 256 bytes).
            keysBytes.withBytes { IndexKeys.table($0, index: .file(index), stamp: index.stamp, room: journalBytes.count / 256) }
        }
        guard let (generation, table) = cached else {
            // Keys that do not name this index are ignored; the journal is not read twice.
            return try assembleCatalog(registry: registry, indexBytes: try index.whole(), journalBytes: journalBytes,
                                       skimmedJournal: journalResult)
        }
        return try assembleCatalog(registry: registry, indexGeneration: generation, indexTable: consume table,
                                   journalBytes: journalBytes, journalResult: journalResult)
    }

    /// The catalog from the index's and the journal's bytes, as one commit
    /// left them: the index skimmed on every core, the journal beside it
    /// unless it was skimmed already.
    func assembleCatalog(registry: Registry, indexBytes: [UInt8], journalBytes: [UInt8], skimmedJournal: SkimmedJournal? = nil)
        throws(StoreError) -> Catalog
    {
        let journal = self.journal
        let skimJournal = { () -> SkimmedJournal in skimmedJournal ?? journal.skim(journalBytes, alongside: {}).0 }
        let (indexGeneration, indexTable, journalResult) = try IndexFile.skim(indexBytes, path: path(StoreFormat.indexFile),
                                                                               alongside: skimJournal)
        return try assembleCatalog(registry: registry, indexGeneration: indexGeneration, indexTable: consume indexTable,
                                   journalBytes: journalBytes, journalResult: journalResult)
    }

    /// The index's summaries with the journal's changes on top. The table
    /// is taken, not copied: changing a shared one would copy every key.
    private func assembleCatalog(registry: Registry, indexGeneration: Int, indexTable: consuming SummaryTable,
                                 journalBytes: [UInt8], journalResult: SkimmedJournal) throws(StoreError) -> Catalog
    {
        var table = indexTable
        let records = try journalResult.get().records
        let journalBuffer = table.addBuffer(.memory(journalBytes))
        // The journal's changes, last one winning; nil marks a deletion.
        var changes: [Session.ID: SummaryTable.Entry?] = [:]
        var generation = indexGeneration
        for record in records where record.generation > indexGeneration {
            for id in record.deletes { changes[id] = .some(nil) }
            for put in record.puts {
                switch put {
                case .line(let key, let range):
                    changes[key.id] = SummaryTable.Entry(key: key, place: SummaryTable.Place(
                        buffer: journalBuffer, depth: 3, start: range.lowerBound, end: range.upperBound))
                case .decoded(let summary):
                    changes[summary.id] = table.entry(holding: summary)
                }
            }
            generation = record.generation
        }
        table.apply(changes)
        return Catalog(registry: registry, table: table, generation: generation)
    }
}
