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
        let buffer = table.addBuffer(bytes)
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
    /// `parse` for the catalog: the same checks and errors, but the
    /// summaries put are skimmed rather than decoded.
    func skim(_ bytes: [UInt8]) throws(StoreError) -> (baseGeneration: Int, records: [SkimmedRecord]) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(StoreError) -> (Int, [SkimmedRecord]) in
            var lineStart = 0
            var base: Int?
            var records: [SkimmedRecord] = []
            var index = 0
            while index < buffer.count {
                // Only newline-terminated lines count: a torn last line never committed.
                guard let found = memchr(buffer.baseAddress! + index, Int32(UInt8(ascii: "\n")), buffer.count - index) else { break }
                index = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - buffer.baseAddress!
                let range = lineStart..<index
                if base == nil {
                    base = try parseHeader(buffer, range).baseGeneration
                } else if !range.isEmpty && Journal.markerGeneration(buffer, range) == nil {
                    if let record = Journal.skimPlainRecord(buffer, range) {
                        records.append(record)
                    } else {
                        let record = try parseRecord(buffer, range)
                        records.append(SkimmedRecord(generation: record.generation, deletes: record.deletes,
                                                     puts: record.puts.map { .decoded($0) }))
                    }
                }
                index += 1
                lineStart = index
            }
            guard let base else { throw corrupt("the header line is missing or incomplete") }
            return (base, records)
        }
    }

    /// `parsePlainRecord` with the puts skimmed; nil sends the line down the
    /// general path.
    static func skimPlainRecord(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> SkimmedRecord? {
        var types = SummaryDecoder.TypeNames()
        guard let (record, puts) = plainRecord(buffer, range, put: { cursor -> SkimmedRecord.Put? in
            let start = cursor.index
            // The record is depth 1 and the array depth 2, as the general parser counts.
            guard let key = SummaryDecoder.skim(&cursor, depth: 3, types: &types) else { return nil }
            return .line(key, start..<cursor.index)
        }) else { return nil }
        return SkimmedRecord(generation: record.generation, deletes: record.deletes, puts: puts)
    }
}

extension FileStore {
    /// The catalog from the index's and the journal's bytes, as one commit
    /// left them: the index skimmed on every core, the journal beside it.
    /// With `keysBytes` that describe exactly this index (see `IndexKeys`),
    /// its lines are not read at all: the keys come from there, and only
    /// the journal is skimmed, beside the hashing of the index.
    func assembleCatalog(registry: Registry, indexBytes: [UInt8], journalBytes: [UInt8], keysBytes: [UInt8]? = nil)
        throws(StoreError) -> Catalog
    {
        let journal = self.journal
        let skimJournal = { Result { () throws(StoreError) in try journal.skim(journalBytes) } }
        let indexGeneration: Int, indexTable: SummaryTable
        let journalResult: Result<(baseGeneration: Int, records: [SkimmedRecord]), StoreError>
        let cached = keysBytes.map { IndexKeys.table($0, index: indexBytes, alongside: skimJournal) }
        if let cached, let table = cached.table {
            (indexGeneration, indexTable, journalResult) = (cached.generation, table, cached.extra)
        } else {
            // Keys that do not describe this index are ignored; the journal is not read twice.
            let journalRead = cached.map { result in { result.extra } } ?? skimJournal
            (indexGeneration, indexTable, journalResult) = try IndexFile.skim(indexBytes, path: path(StoreFormat.indexFile),
                                                                               alongside: journalRead)
        }
        var table = indexTable
        let records = try journalResult.get().records
        let journalBuffer = table.addBuffer(journalBytes)
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
