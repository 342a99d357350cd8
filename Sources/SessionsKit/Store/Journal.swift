import Glibc

/// Reading and appending `journal.jsonl`: a header line
/// `{"format":1,"base_generation":G,"directory_inode":I}` naming the
/// generation the index was compacted at and the store directory the journal
/// was started in (see `Tail.directoryInode`), then one `JournalRecord` per
/// line, each normally followed by a marker line `{"applied":G}` once all
/// its files are in place. Only newline-terminated lines count: a record a
/// crash cut short never committed.
///
/// The marker is what lets later opens trust a commit without looking at its
/// files again, so replacing a file by hand (a restore from backup) can never
/// make an old commit look unfinished. It is not synced: if a power cut loses
/// it, the record's files are checked by inode instead, and that check is
/// exact right after a crash.
struct Journal {
    let path: String

    /// What the header line says.
    struct Header {
        var baseGeneration: Int
        var directoryInode: UInt64?
        var format: Int
    }

    struct Contents {
        var baseGeneration: Int
        var records: [JournalRecord]
        /// Length up to and including the last newline; anything after it is torn.
        var validLength: Int
        var fileLength: Int
    }

    struct Tail {
        var baseGeneration: Int
        /// The inode of the store directory this journal was started in. A
        /// copy of the store (of its files, or a restore from one) has a
        /// directory of its own, so a journal naming another one was copied,
        /// perhaps file by file while a writer ran: its index and session
        /// files may come from different moments. Nil in journals from
        /// before it was recorded. The device is left out: it changes under
        /// snapshots, removable disks and remounts, which copy nothing.
        var directoryInode: UInt64?
        /// The format version its header names: a store still at 1 is moved
        /// to 2 by its first write (`FileStore.upgradeFormat`).
        var format = StoreFormat.version
        var last: JournalRecord?
        /// The last record is followed by its applied marker.
        var lastIsMarkedApplied: Bool
        var validLength: Int
        var fileLength: Int

        /// The generation of the newest commit.
        var generation: Int { last?.generation ?? baseGeneration }
        var isTorn: Bool { validLength != fileLength }

        /// Whether an index at this generation is the one this journal continues:
        /// not behind its base (it would miss commits) and not ahead of its newest
        /// commit (an interrupted rebuild, which would hide the next ones).
        func continues(indexGeneration: Int) -> Bool {
            indexGeneration >= baseGeneration && indexGeneration <= generation
        }
    }

    static func headerLine(baseGeneration: Int, directoryInode: UInt64) -> [UInt8] {
        var object = JSONObject()
        object.append("format", .int(StoreFormat.version))
        object.append("base_generation", .int(baseGeneration))
        object.append("directory_inode", .int(directoryInode))
        return JSONWriter.bytes(.object(object), style: .compact) + [UInt8(ascii: "\n")]
    }

    static func recordLine(_ record: JournalRecord) -> [UInt8] {
        JSONWriter.bytes(.object(record.jsonObject), style: .compact) + [UInt8(ascii: "\n")]
    }

    static func markerLine(generation: Int) -> [UInt8] {
        Array("{\"applied\":\(generation)}\n".utf8)
    }

    static let markerPrefix = Array("{\"applied\":".utf8)

    /// A marker line is short and starts with `{"applied":`.
    static func markerGeneration(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        let prefix = markerPrefix
        guard range.count > prefix.count + 1, range.count < 40 else { return nil }
        for (offset, byte) in prefix.enumerated() where buffer[range.lowerBound + offset] != byte { return nil }
        guard buffer[range.upperBound - 1] == UInt8(ascii: "}") else { return nil }
        var value = 0
        for index in (range.lowerBound + prefix.count)..<(range.upperBound - 1) {
            let digit = buffer[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    func corrupt(_ detail: String) -> StoreError {
        .corrupt(path: path, detail: detail, hint: StoreError.rebuildHint)
    }

    /// Parses the whole journal.
    func parse(_ bytes: [UInt8]) throws(StoreError) -> Contents {
        try bytes.withUnsafeBufferPointer { (buffer) throws(StoreError) -> Contents in
            var lineStart = 0
            var base: Int?
            var records: [JournalRecord] = []
            var validLength = 0
            var index = 0
            while index < buffer.count {
                guard buffer[index] == UInt8(ascii: "\n") else {
                    index += 1
                    continue
                }
                let range = lineStart..<index
                if base == nil {
                    base = try parseHeader(buffer, range).baseGeneration
                } else if !range.isEmpty && Journal.markerGeneration(buffer, range) == nil {
                    records.append(try parseRecord(buffer, range))
                }
                index += 1
                lineStart = index
                validLength = index
            }
            guard let base else { throw corrupt("the header line is missing or incomplete") }
            return Contents(baseGeneration: base, records: records, validLength: validLength, fileLength: buffer.count)
        }
    }

    func parseHeader(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(StoreError) -> Header {
        let value: JSONValue
        do {
            value = try JSONParser.parse(buffer, range: range)
        } catch {
            throw StoreError.corrupt(path, error, hint: StoreError.rebuildHint)
        }
        guard case .object(let object) = value else { throw corrupt("line 1: the header must be a JSON object") }
        let format = try StoreFormat.checkVersion(object, path: path)
        guard let base = object["base_generation"]?.intValue, base >= 0 else {
            throw corrupt("line 1: base_generation must be a non-negative integer")
        }
        var directoryInode: UInt64?
        if let value = object["directory_inode"] {
            guard case .number(let literal) = value, let inode = UInt64(literal) else {
                throw corrupt("line 1: directory_inode must be an unsigned 64-bit integer")
            }
            directoryInode = inode
        }
        return Header(baseGeneration: base, directoryInode: directoryInode, format: format)
    }

    func parseRecord(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(StoreError) -> JournalRecord {
        if let record = Journal.parsePlainRecord(buffer, range) { return record }
        let value: JSONValue
        do {
            value = try JSONParser.parse(buffer, range: range)
        } catch {
            throw StoreError.corrupt(path, error, hint: StoreError.rebuildHint)
        }
        do {
            return try JournalRecord.decode(value)
        } catch {
            let line = buffer[0..<range.lowerBound].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            throw corrupt("line \(line): \(error.description)")
        }
    }

    /// The header and the last complete record, reading only the two ends of
    /// the file, so a commit costs the same however long the journal is.
    func readTail() throws(StoreError) -> Tail? {
        guard let fd = try FileIO.openForReading(path) else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileIO.fail("read", path) }
        let size = Int(info.st_size)

        // The header: the first line, short.
        var window = min(size, 4096)
        var head = try FileIO.readFully(fd, offset: 0, count: window, path: path)
        while head.firstIndex(of: UInt8(ascii: "\n")) == nil && window < size {
            window = min(size, window * 4)
            head = try FileIO.readFully(fd, offset: 0, count: window, path: path)
        }
        guard let headerEnd = head.firstIndex(of: UInt8(ascii: "\n")) else {
            throw corrupt("the header line is missing or incomplete")
        }
        let header = try head.withUnsafeBufferPointer { (buffer) throws(StoreError) -> Header in
            try parseHeader(buffer, 0..<headerEnd)
        }
        let base = header.baseGeneration

        // The last newline-terminated line, and the one before it when the last
        // is an applied marker.
        window = min(size, 65_536)
        while true {
            let offset = size - window
            let tail = try FileIO.readFully(fd, offset: offset, count: window, path: path)
            let lines = lastLines(tail, count: 2)
            guard let last = lines.first else {
                if window == size { throw corrupt("the header line is missing or incomplete") }
                window = min(size, window * 4)
                continue
            }
            let validLength = offset + last.upperBound + 1
            if validLength == headerEnd + 1 {
                return Tail(baseGeneration: base, directoryInode: header.directoryInode, format: header.format, last: nil,
                            lastIsMarkedApplied: false,
                            validLength: validLength, fileLength: size)
            }
            let marker = tail.withUnsafeBufferPointer { Journal.markerGeneration($0, last) }
            let recordRange: Range<Int>
            if marker != nil {
                guard lines.count == 2 else {
                    if window == size { throw corrupt("an applied marker follows no record") }
                    window = min(size, window * 4)
                    continue
                }
                recordRange = lines[1]
            } else {
                recordRange = last
            }
            // The record must start inside the window (a newline precedes it).
            if recordRange.lowerBound == 0 && offset > 0 {
                window = min(size, window * 4)
                continue
            }
            if offset + recordRange.upperBound + 1 == headerEnd + 1 {
                throw corrupt("an applied marker follows no record")
            }
            let record = try tail.withUnsafeBufferPointer { (buffer) throws(StoreError) -> JournalRecord in
                try parseRecord(buffer, recordRange)
            }
            if let marker, marker != record.generation {
                throw corrupt("the applied marker \(marker) does not match the last record (\(record.generation))")
            }
            return Tail(baseGeneration: base, directoryInode: header.directoryInode, format: header.format, last: record,
                        lastIsMarkedApplied: marker != nil, validLength: validLength, fileLength: size)
        }
    }

    /// The ranges (without newline) of up to `count` last complete lines, newest
    /// first. A line counts only if a newline precedes it in the buffer or it
    /// starts the buffer.
    func lastLines(_ bytes: [UInt8], count: Int) -> [Range<Int>] {
        guard var end = bytes.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        var lines: [Range<Int>] = []
        while lines.count < count {
            let start = bytes[..<end].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            lines.append(start..<end)
            if start == 0 { break }
            end = start - 1
        }
        return lines
    }

    /// The journal opened for writing; never through a symbolic link.
    private func openForWriting() throws(StoreError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw FileIO.fail("open", path) }
        return fd
    }

    /// Appends one record and syncs it: the commit point of a transaction. On
    /// any failure the journal is cut back to where it was, so a failed commit
    /// leaves nothing behind. Returns the journal's new length.
    func append(_ record: JournalRecord, expectedLength: Int) throws(StoreError) -> Int {
        let fd = try openForWriting()
        defer { close(fd) }
        guard lseek(fd, off_t(expectedLength), SEEK_SET) >= 0 else { throw FileIO.fail("seek in", path) }
        let line = Journal.recordLine(record)
        do {
            try FileIO.writeAll(fd, line, path: path)
            try FileIO.fsync(fd, path: path)
            return expectedLength + line.count
        } catch {
            // A failed fsync may have dropped the pages already: the record is not
            // committed. Cut it off so no later open mistakes it for a commit.
            _ = ftruncate(fd, off_t(expectedLength))
            _ = Glibc.fsync(fd)
            throw error
        }
    }

    /// Records that a commit's files are all in place. Not synced; see the type's note.
    /// A marker the disk had room for only part of is cut off again: the commit
    /// stands without it, but a journal ending mid-line would make every reader
    /// stop to repair it, and a full disk would fail that repair too.
    func markApplied(generation: Int, at length: Int) throws(StoreError) {
        let fd = try openForWriting()
        defer { close(fd) }
        guard lseek(fd, off_t(length), SEEK_SET) >= 0 else { throw FileIO.fail("seek in", path) }
        do {
            try FileIO.writeAll(fd, Journal.markerLine(generation: generation), path: path)
        } catch {
            _ = ftruncate(fd, off_t(length))
            throw error
        }
    }

    /// Cuts off a torn last line left by a crash.
    func truncate(to length: Int) throws(StoreError) {
        let fd = try openForWriting()
        defer { close(fd) }
        guard ftruncate(fd, off_t(length)) == 0 else { throw FileIO.fail("truncate", path) }
        try FileIO.fsync(fd, path: path)
    }
}

extension Journal {
    /// A record whose summaries all take `SummaryDecoder`'s fast path; nil
    /// sends the line down the general path, which reports any error. Every
    /// other member is decoded by the general rules.
    static func parsePlainRecord(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> JournalRecord? {
        var types = SummaryDecoder.TypeNames()
        guard let (plain, puts) = plainRecord(buffer, range, put: { cursor in
            // The record is depth 1 and the array depth 2, as the general parser counts.
            SummaryDecoder.decode(&cursor, depth: 3, types: &types)
        }) else { return nil }
        var record = plain
        record.puts = puts
        return record
    }

    /// A journal record in the writer's shape, its `put` array read element
    /// by element with `put`, the member `checkingAsJSONOnly` names only
    /// checked as JSON and left out, and every other member read by the
    /// general rules; the record comes back with its puts empty. Nil (any
    /// element `put` refuses included) sends the line down the general
    /// path, which reports any error.
    static func plainRecord<Put>(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, checkingAsJSONOnly skipped: String? = nil,
                                 put: (inout JSONParser.Cursor) -> Put?) -> (JournalRecord, [Put])? {
        var cursor = JSONParser.Cursor(buffer: buffer, options: JSONParser.Options(), start: range.lowerBound, end: range.upperBound)
        var others: [JSONObject.Member] = []
        var puts: [Put]?
        do {
            cursor.skipWhitespace()
            guard cursor.next == UInt8(ascii: "{") else { return nil }
            cursor.index += 1
            cursor.skipWhitespace()
            if cursor.next == UInt8(ascii: "}") { return nil }
            members: while true {
                cursor.skipWhitespace()
                guard cursor.next == UInt8(ascii: "\"") else { return nil }
                let key = try cursor.parseString()
                cursor.skipWhitespace()
                guard cursor.next == UInt8(ascii: ":") else { return nil }
                cursor.index += 1
                cursor.skipWhitespace()
                if key == "put" {
                    guard puts == nil, cursor.next == UInt8(ascii: "[") else { return nil }
                    puts = plainArray(&cursor, put)
                    guard puts != nil else { return nil }
                } else if key == skipped {
                    guard cursor.skipValue(depth: 1) else { return nil }
                } else {
                    others.append(JSONObject.Member(key, try cursor.parseValue(depth: 1)))
                }
                cursor.skipWhitespace()
                switch cursor.next {
                case UInt8(ascii: ","): cursor.index += 1
                case UInt8(ascii: "}"): cursor.index += 1; break members
                default: return nil
                }
            }
            cursor.skipWhitespace()
            guard cursor.index == range.upperBound, let puts else { return nil }
            others.append(JSONObject.Member("put", .array([])))
            return (try JournalRecord.decode(.object(JSONObject(others))), puts)
        } catch {
            return nil
        }
    }

    /// The elements of the array at `cursor`, each read by `element`, or nil
    /// if any needs the general path.
    static func plainArray<Element>(_ cursor: inout JSONParser.Cursor,
                                    _ element: (inout JSONParser.Cursor) -> Element?) -> [Element]? {
        cursor.index += 1  // [
        var elements: [Element] = []
        cursor.skipWhitespace()
        if cursor.next == UInt8(ascii: "]") {
            cursor.index += 1
            return elements
        }
        while true {
            cursor.skipWhitespace()
            guard let next = element(&cursor) else { return nil }
            elements.append(next)
            cursor.skipWhitespace()
            switch cursor.next {
            case UInt8(ascii: ","): cursor.index += 1
            case UInt8(ascii: "]"): cursor.index += 1; return elements
            default: return nil
            }
        }
    }
}
