import Glibc

/// Encoding and decoding of the store's individual files. Each decode names
/// the file in its error and never guesses: a file that does not parse is an
/// error, not an empty store.

/// `sessions/<id>.json`: one session in CodeMySpec's shape, pretty-printed.
enum SessionFile {
    static func encode(_ session: Session) -> [UInt8] {
        JSONWriter.bytes(.object(session.jsonObject), style: .pretty) + [UInt8(ascii: "\n")]
    }

    /// A file that does not decode is its session's damage, never the store's.
    static func decode(_ bytes: [UInt8], path: String, expectedID: Session.ID) throws(StoreError) -> Session {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw StoreError.damagedSession(id: expectedID, path: path, detail: error.description)
        }
        let session: Session
        do {
            session = try Session.decode(value)
        } catch {
            throw StoreError.damagedSession(id: expectedID, path: path, detail: error.description)
        }
        guard session.id == expectedID else {
            throw StoreError.damagedSession(id: expectedID, path: path, detail: "id: is \(session.id) but the file name says \(expectedID)")
        }
        return session
    }
}

/// `store.json`: the format version and the registries.
enum RegistryFile {
    static func encode(_ registry: Registry) -> [UInt8] {
        var object = JSONObject()
        object.append("format", .int(StoreFormat.version))
        object.members.append(contentsOf: registry.jsonObject.members)
        return JSONWriter.bytes(.object(object), style: .pretty) + [UInt8(ascii: "\n")]
    }

    static func decode(_ bytes: [UInt8], path: String) throws(StoreError) -> Registry {
        try decodeVersioned(bytes, path: path).registry
    }

    /// The registry and the format version the file names.
    static func decodeVersioned(_ bytes: [UInt8], path: String) throws(StoreError) -> (registry: Registry, format: Int) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw StoreError.corrupt(path, error)
        }
        guard case .object(let object) = value else {
            throw StoreError.corrupt(path: path, detail: "must be a JSON object", hint: StoreError.doctorHint)
        }
        let format = try StoreFormat.checkVersion(object, path: path)
        do {
            return (try Registry.decode(object, skipping: ["format"]), format)
        } catch {
            throw StoreError.corrupt(path, error)
        }
    }
}

/// `index.jsonl`: a header line `{"format":1,"generation":G,"count":N}`, then one
/// session summary per line in ascending id order. It is derived data: the
/// session files are the truth, and `doctor --repair` rebuilds it from them,
/// keeping the last summary of a session whose file is damaged, marked so.
enum IndexFile {
    struct Contents {
        var generation: Int
        var summaries: [SessionSummary]
    }

    static func encode(summaries: [SessionSummary], generation: Int) -> [UInt8] {
        var output = headerLine(generation: generation, count: summaries.count)
        output.reserveCapacity(summaries.count * 512)
        for summary in summaries {
            JSONWriter.writeObject(summary.jsonObject, style: .compact, into: &output)
            output.append(UInt8(ascii: "\n"))
        }
        return output
    }

    static func headerLine(generation: Int, count: Int) -> [UInt8] {
        var header = JSONObject()
        header.append("format", .int(StoreFormat.version))
        header.append("generation", .int(generation))
        header.append("count", .int(count))
        return JSONWriter.bytes(.object(header), style: .compact) + [UInt8(ascii: "\n")]
    }

    /// The index for `table`, and the draft of its keys file. Each
    /// summary's line is copied from the bytes the table read it from, where
    /// it has them: a line of the index or a summary of a journal record,
    /// which the writer wrote and the skim took, so it reads as the same
    /// summary. A compaction then neither decodes and encodes every summary
    /// nor skims the new index for its keys; at 100,000 sessions that was
    /// most of a second. A summary the table holds decoded is written afresh.
    static func encode(table: SummaryTable, generation: Int) throws(StoreError) -> (bytes: [UInt8], keys: IndexKeys.Draft) {
        var sources: [[UInt8]] = []
        for buffer in table.buffers { sources.append(try buffer.whole()) }
        var output = headerLine(generation: generation, count: table.count)
        output.reserveCapacity(output.count + sources.reduce(0) { $0 + $1.count })
        var keys = IndexKeys.Draft(generation: generation, capacity: table.count)
        var types = SummaryDecoder.TypeNames()
        for position in table.indices {
            let place = table.places[position]
            let start = output.count
            var general = false
            if place.buffer >= 0 {
                output.append(contentsOf: sources[Int(place.buffer)][place.start..<place.end])
            } else {
                JSONWriter.writeObject(table.decoded[place.start].jsonObject, style: .compact, into: &output)
                general = output.withUnsafeBufferPointer { SummaryDecoder.skim($0, range: start..<$0.count, types: &types) == nil }
            }
            keys.add(table.keys[position], line: start..<output.count, general: general)
            output.append(UInt8(ascii: "\n"))
        }
        return (output, keys)
    }

    static func corrupt(_ path: String, _ detail: String) -> StoreError {
        .corrupt(path: path, detail: detail, hint: StoreError.rebuildHint)
    }

    static func decode(_ bytes: [UInt8], path: String) throws(StoreError) -> Contents {
        try bytes.withUnsafeBufferPointer { (buffer) throws(StoreError) -> Contents in
            try decode(buffer, path: path, alongside: {}).0
        }
    }

    /// Decodes the index on every core. `alongside` (reading the journal) runs
    /// as one more task of the same pass: a parallel pass started inside
    /// another one would get no free core and run on one.
    static func decode<Extra>(_ buffer: UnsafeBufferPointer<UInt8>, path: String, alongside: () -> Extra) throws(StoreError)
        -> (Contents, Extra)
    {
        guard let headerEnd = buffer.firstIndex(of: UInt8(ascii: "\n")) else {
            throw corrupt(path, "the header line is missing")
        }
        let headerRange = 0..<headerEnd
        let (generation, count) = try decodeHeader(buffer, headerRange, path: path)
        if buffer.last != UInt8(ascii: "\n") {
            throw corrupt(path, "the last line is incomplete (the file was truncated)")
        }
        // Summaries are independent lines. Each chunk decodes into its own
        // part of one array, so nothing is copied or freed afterwards.
        let body = (headerRange.upperBound + 1)..<buffer.count
        let pieces = body.count > 256 * 1024 ? Parallel.coreCount * 4 : 1
        let chunks = Parallel.lineChunks(buffer, body, pieces: pieces)
        var offsets: [Int] = []
        var total = 0
        for chunk in chunks {
            offsets.append(total)
            total += lineCount(buffer, chunk)
        }
        guard total > 0 else {
            guard count == 0 else { throw corrupt(path, "the header says \(count) sessions but 0 follow (the file was truncated)") }
            return (Contents(generation: generation, summaries: []), alongside())
        }
        let shared = SendableBox(buffer)
        let extra = Slot<Extra>()
        var firstError: StoreError?
        let summaries = [SessionSummary](unsafeUninitializedCapacity: total) { storage, initialized in
            let target = SendableBox(storage)
            // Task 0 is the extra work, started first as the largest single piece.
            let outcomes: [(Int, StoreError?)] = Parallel.map(chunks.count + 1, serially: pieces == 1) { task in
                guard task > 0 else {
                    extra.value = alongside()
                    return (0, nil)
                }
                let index = task - 1
                return decodeLines(shared.value, chunks[index], path: path, into: target.value.baseAddress! + offsets[index])
            }.dropFirst().map { $0 }
            firstError = outcomes.lazy.compactMap(\.1).first
            if firstError == nil {
                initialized = total
            } else {
                for (index, outcome) in outcomes.enumerated() {
                    (storage.baseAddress! + offsets[index]).deinitialize(count: outcome.0)
                }
                initialized = 0
            }
        }
        if let firstError { throw firstError }
        // The header's count is only a claim until the lines are read.
        guard summaries.count == count else {
            throw corrupt(path, "the header says \(count) sessions but \(summaries.count) follow (the file was truncated)")
        }
        return (Contents(generation: generation, summaries: summaries), extra.value!)
    }

    /// Lines with something on them; `decodeLines` skips empty ones alike.
    static func lineCount(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var count = 0
        forEachLine(buffer, range) { _ in
            count += 1
            return true
        }
        return count
    }

    /// Calls `body` with each non-empty line of `range`, found with `memchr`,
    /// until it returns false. Counting and decoding split lines alike.
    static func forEachLine(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ body: (Range<Int>) -> Bool) {
        guard let base = buffer.baseAddress else { return }
        var start = range.lowerBound
        while start < range.upperBound {
            let found = memchr(base + start, Int32(UInt8(ascii: "\n")), range.upperBound - start)
            let end = found.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? range.upperBound
            if end > start && !body(start..<end) { return }
            start = end + 1
        }
    }

    /// Decodes the lines of `range` into consecutive slots from `target`.
    /// Returns how many it initialized, and the error that stopped it.
    static func decodeLines(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, path: String,
                            into target: UnsafeMutablePointer<SessionSummary>) -> (Int, StoreError?) {
        var written = 0
        var failure: StoreError?
        var types = SummaryDecoder.TypeNames()
        forEachLine(buffer, range) { line in
            switch decodeLine(buffer, line, path: path, types: &types) {
            case .success(let summary):
                (target + written).initialize(to: summary)
                written += 1
                return true
            case .failure(let error):
                failure = error
                return false
            }
        }
        return (written, failure)
    }

    static func decodeLine(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, path: String,
                           types: inout SummaryDecoder.TypeNames) -> Result<SessionSummary, StoreError> {
        if let summary = SummaryDecoder.decode(buffer, range: range, types: &types) { return .success(summary) }
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try JSONParser.parse(buffer, range: range)
        } catch {
            return .failure(StoreError.corrupt(path, error, hint: StoreError.rebuildHint))
        }
        do throws(SchemaError) {
            return .success(try SessionSummary.decode(value))
        } catch {
            let line = buffer[0..<range.lowerBound].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            return .failure(corrupt(path, "line \(line): \(error.description)"))
        }
    }

    static func decodeHeader(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, path: String) throws(StoreError) -> (Int, Int) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(buffer, range: range)
        } catch {
            throw StoreError.corrupt(path, error, hint: StoreError.rebuildHint)
        }
        guard case .object(let header) = value else { throw corrupt(path, "line 1: the header must be a JSON object") }
        try StoreFormat.checkVersion(header, path: path)
        guard let generation = header["generation"]?.intValue, generation >= 0,
              let count = header["count"]?.intValue, count >= 0
        else {
            throw corrupt(path, "line 1: the header needs non-negative integers generation and count")
        }
        return (generation, count)
    }

    /// The generation in the header line, reading only the start of the file;
    /// nil when there is no index.
    static func readGeneration(_ path: String) throws(StoreError) -> Int? {
        guard let fd = try FileIO.openForReading(path) else { return nil }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 512)
        let got = head.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
        guard got >= 0 else { throw FileIO.fail("read", path) }
        head.removeSubrange(got...)
        guard let newline = head.firstIndex(of: UInt8(ascii: "\n")) else {
            throw corrupt(path, "the header line is missing or incomplete")
        }
        return try head.withUnsafeBufferPointer { (buffer) throws(StoreError) -> Int in
            try decodeHeader(buffer, 0..<newline, path: path).0
        }
    }
}

