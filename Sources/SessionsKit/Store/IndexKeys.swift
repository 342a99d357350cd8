import Glibc

/// `index.keys`: the keys a list needs of every summary in `index.jsonl`
/// (what `SummaryTable` holds), with each summary's place in the index, in
/// fixed-size binary records. Opening a catalog from it reads neither the
/// index's text nor, until rows are shown, its bytes at all: on a
/// 100,000-session store, checking every line of the index was most of the
/// time a list took, and reading its 40 MB was most of the rest.
///
/// It is a cache of the index, as the index is of the session files, and it
/// is only ever used for the very file it was made from. It names that file
/// as the file system knows it: device, inode, size, and the times of its
/// last change of content and of any change at all. The store replaces the
/// index only by rename, which gives a new inode, and writes the keys from
/// the bytes it has just put in place, so a file that names the index in
/// hand describes its bytes: a crash between the two, a copy or a restore
/// leaves a file that names another inode, and an edit in place changes
/// the times. (An edit in place within the same tick of the clock as the
/// index's writing would keep them on a file system without fine-grained
/// timestamps; `doctor` compares the file with the index itself.) A
/// checksum covers the file's own bytes, so a damaged or truncated file is
/// never read.
enum IndexKeys {
    static let magic: [UInt8] = Array("sessions-index-keys\n".utf8)
    /// 1 named the index by size and a checksum of its bytes, which meant
    /// reading them all; 2 lacked each session's activity and linked
    /// parent. Such a file is ignored, and rewritten by the next write.
    static let version: UInt32 = 3
    static let headerSize = 128
    static let entrySize = 96

    // MARK: - Writing

    /// The file for `index`, whose file is `stamp`, or nil if the index does
    /// not read (the text path then reports why, and nothing is cached).
    static func encode(index bytes: [UInt8], stamp: FileStamp) -> [UInt8]? {
        draft(index: bytes)?.file(stamp: stamp)
    }

    /// The entries of `index`, skimmed on every core as the text path skims it.
    static func draft(index bytes: [UInt8]) -> Draft? {
        bytes.withUnsafeBufferPointer { buffer -> Draft? in
            guard let headerEnd = buffer.firstIndex(of: UInt8(ascii: "\n")), buffer.last == UInt8(ascii: "\n"),
                  let (generation, count) = try? IndexFile.decodeHeader(buffer, 0..<headerEnd, path: "")
            else { return nil }
            let body = (headerEnd + 1)..<buffer.count
            let chunks = Parallel.lineChunks(buffer, body, pieces: body.count > 256 * 1024 ? Parallel.coreCount * 4 : 1)
            let shared = SendableBox(buffer)
            let outcomes = Parallel.map(chunks.count) { IndexFile.skimLines(shared.value, chunks[$0], path: "", recordingLines: true) }
            var draft = Draft(generation: generation, capacity: count)
            for outcome in outcomes {
                guard let lines = try? outcome.get() else { return nil }
                for (key, place) in zip(lines.keys, lines.places) {
                    let general = place.buffer < 0
                    draft.add(key, line: general ? lines.generalLines[place.start] : place.start..<place.end, general: general)
                }
            }
            return draft.count == count ? draft : nil
        }
    }

    /// A file but for the stamp of its index, which is known only once the
    /// index is in place.
    struct Draft {
        let generation: Int
        private(set) var count = 0
        private var types: [String] = []
        private var typeIndex: [String: UInt32] = [:]
        private var entries: [UInt8] = []

        init(generation: Int, capacity: Int) {
            self.generation = generation
            entries.reserveCapacity(capacity * entrySize)
        }

        /// The next summary's key, and its line of the index; `general`
        /// when only the general decoder reads that line.
        mutating func add(_ key: SummaryKey, line: Range<Int>, general: Bool) {
            let type: UInt32
            if let known = typeIndex[key.type.name] {
                type = known
            } else {
                type = UInt32(types.count)
                typeIndex[key.type.name] = type
                types.append(key.type.name)
            }
            appendEntry(key, line: line, type: type, general: general, to: &entries)
            count += 1
        }

        func file(stamp: FileStamp) -> [UInt8] {
            var output = magic
            output.reserveCapacity(headerSize + entries.count + 64 * types.count)
            append(version, to: &output)
            append(UInt32(entrySize), to: &output)
            append(UInt64(bitPattern: Int64(generation)), to: &output)
            append(UInt64(count), to: &output)
            append(UInt32(types.count), to: &output)
            append(stamp: stamp, to: &output)
            while output.count < headerSize { output.append(0) }
            for name in types {
                append(UInt32(name.utf8.count), to: &output)
                output.append(contentsOf: name.utf8)
            }
            output.append(contentsOf: entries)
            let own = output.withUnsafeBufferPointer { Hash64.digest($0, seed: 0) }
            append(own, to: &output)
            return output
        }
    }

    /// The index's file as the header names it, at `stampOffset`.
    static func append(stamp: FileStamp, to output: inout [UInt8]) {
        append(stamp.device, to: &output)
        append(stamp.inode, to: &output)
        append(stamp.size, to: &output)
        append(Int64(stamp.modified.tv_sec), to: &output)
        append(Int64(stamp.modified.tv_nsec), to: &output)
        append(Int64(stamp.changed.tv_sec), to: &output)
        append(Int64(stamp.changed.tv_nsec), to: &output)
    }

    static let stampOffset = 48

    static func readStamp(_ file: UnsafeBufferPointer<UInt8>) -> FileStamp {
        let at = stampOffset
        func time(_ offset: Int) -> timespec {
            timespec(tv_sec: Int(Int64(bitPattern: read(UInt64.self, file, at: at + offset))),
                     tv_nsec: Int(Int64(bitPattern: read(UInt64.self, file, at: at + offset + 8))))
        }
        return FileStamp(device: read(UInt64.self, file, at: at), inode: read(UInt64.self, file, at: at + 8),
                         size: Int64(bitPattern: read(UInt64.self, file, at: at + 16)), modified: time(24), changed: time(40))
    }

    static func appendEntry(_ key: SummaryKey, line: Range<Int>, type: UInt32, general: Bool, to output: inout [UInt8]) {
        append(UInt64(bitPattern: Int64(key.id.rawValue)), to: &output)
        append(UInt64(bitPattern: Int64(key.accountID.rawValue)), to: &output)
        append(UInt64(bitPattern: Int64(key.projectID?.rawValue ?? 0)), to: &output)
        append(UInt64(bitPattern: Int64(key.componentID?.rawValue ?? 0)), to: &output)
        append(UInt64(bitPattern: key.insertedAt.microseconds), to: &output)
        append(UInt64(bitPattern: key.updatedAt.microseconds), to: &output)
        append(UInt64(line.lowerBound), to: &output)
        append(UInt64(line.upperBound), to: &output)
        append(type, to: &output)
        var flags: UInt8 = 0
        if key.projectID != nil { flags |= 1 }
        if key.componentID != nil { flags |= 2 }
        if key.hasExtra { flags |= 4 }
        if general { flags |= 8 }
        if key.parentID != nil { flags |= 16 }
        output.append(UInt8(SessionStatus.allCases.firstIndex(of: key.status)!))
        output.append(key.agent.map { UInt8(Agent.allCases.firstIndex(of: $0)! + 1) } ?? 0)
        output.append(key.environment.map { UInt8(SessionEnvironment.allCases.firstIndex(of: $0)! + 1) } ?? 0)
        output.append(flags)
        output.append(UInt8(key.insertedAt.fractionDigits))
        output.append(UInt8(key.updatedAt.fractionDigits))
        output.append(UInt8(key.activityAt.fractionDigits))
        output.append(contentsOf: [0, 0, 0, 0, 0])
        append(UInt64(bitPattern: key.activityAt.microseconds), to: &output)
        append(UInt64(bitPattern: Int64(key.parentID?.rawValue ?? 0)), to: &output)
    }

    static func append<T: FixedWidthInteger>(_ value: T, to output: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
    }

    // MARK: - Reading

    /// What a valid file says, before its entries are read.
    struct Parsed {
        var generation: Int
        var stamp: FileStamp
        var count: Int
        var types: [SessionType]
        var entriesStart: Int
    }

    /// The file's header and type names if the file is whole and its own
    /// checksum holds.
    static func parse(_ file: UnsafeBufferPointer<UInt8>) -> Parsed? {
        guard file.count >= headerSize + 8, file.starts(with: magic),
              read(UInt32.self, file, at: 20) == version, read(UInt32.self, file, at: 24) == UInt32(entrySize)
        else { return nil }
        let own = read(UInt64.self, file, at: file.count - 8)
        guard Hash64.digest(UnsafeBufferPointer(rebasing: file[0..<(file.count - 8)]), seed: 0) == own else { return nil }
        let generation = Int64(bitPattern: read(UInt64.self, file, at: 28))
        let count = read(UInt64.self, file, at: 36)
        let typeCount = read(UInt32.self, file, at: 44)
        guard generation >= 0, count <= UInt64(file.count / entrySize), typeCount <= UInt32(file.count / 4) else { return nil }
        var offset = headerSize
        var types: [SessionType] = []
        for _ in 0..<typeCount {
            guard offset + 4 <= file.count - 8 else { return nil }
            let length = Int(read(UInt32.self, file, at: offset))
            offset += 4
            guard length <= file.count - 8 - offset,
                  let name = String(validating: UnsafeBufferPointer(rebasing: file[offset..<(offset + length)]), as: UTF8.self)
            else { return nil }
            types.append(SessionType(name))
            offset += length
        }
        guard file.count - 8 - offset == Int(count) * entrySize else { return nil }
        return Parsed(generation: Int(generation), stamp: readStamp(file), count: Int(count), types: types, entriesStart: offset)
    }

    /// The index's generation and summaries from `file`, or nil unless the
    /// file is whole and names `index`'s file (`stamp`). The table has room
    /// for `room` more summaries, so that adding the journal's new sessions
    /// does not copy every key into a larger array.
    static func table(_ file: [UInt8], index: SummaryBytes, stamp: FileStamp, room: Int = 0) -> (generation: Int, table: SummaryTable)? {
        file.withUnsafeBufferPointer { table($0, index: index, stamp: stamp, room: room) }
    }

    static func table(_ buffer: UnsafeBufferPointer<UInt8>, index: SummaryBytes, stamp: FileStamp, room: Int = 0)
        -> (generation: Int, table: SummaryTable)? {
        guard let parsed = parse(buffer), parsed.stamp == stamp,
              let table = entries(buffer, parsed, index: index, indexSize: Int(stamp.size), room: room)
        else { return nil }
        return (parsed.generation, table)
    }

    private static func entries(_ file: UnsafeBufferPointer<UInt8>, _ parsed: Parsed, index: SummaryBytes, indexSize: Int,
                                room: Int) -> SummaryTable? {
        var keys: [SummaryKey] = []
        var places: [SummaryTable.Place] = []
        var decoded: [SessionSummary] = []
        keys.reserveCapacity(parsed.count + room)
        places.reserveCapacity(parsed.count + room)
        var typeNames = SummaryDecoder.TypeNames()
        for entry in 0..<parsed.count {
            let at = parsed.entriesStart + entry * entrySize
            let start = Int(truncatingIfNeeded: read(UInt64.self, file, at: at + 48))
            let end = Int(truncatingIfNeeded: read(UInt64.self, file, at: at + 56))
            let type = Int(read(UInt32.self, file, at: at + 64))
            let status = Int(file[at + 68]), agent = Int(file[at + 69]), environment = Int(file[at + 70])
            let flags = file[at + 71]
            guard start >= 0, start < end, end <= indexSize, type < parsed.types.count,
                  status < SessionStatus.allCases.count, agent <= Agent.allCases.count,
                  environment <= SessionEnvironment.allCases.count, file[at + 72] <= 6, file[at + 73] <= 6, file[at + 74] <= 6
            else { return nil }
            if flags & 8 != 0 {
                // A line only the general decoder reads: decoded now, as the text path does.
                let line = index.withBytes(start..<end) { buffer, line in
                    IndexFile.decodeLine(buffer, line, path: "", types: &typeNames)
                }
                guard case .success(let summary) = line else { return nil }
                keys.append(SummaryKey(summary))
                places.append(SummaryTable.Place(buffer: -1, depth: 0, start: decoded.count, end: decoded.count))
                decoded.append(summary)
                continue
            }
            func id(_ offset: Int) -> Int { Int(Int64(bitPattern: read(UInt64.self, file, at: at + offset))) }
            func time(_ offset: Int, _ digits: UInt8) -> Timestamp {
                Timestamp(microseconds: Int64(bitPattern: read(UInt64.self, file, at: at + offset)), fractionDigits: Int(digits))
            }
            keys.append(SummaryKey(
                id: Session.ID(id(0)), accountID: Account.ID(id(8)),
                projectID: flags & 1 != 0 ? Project.ID(id(16)) : nil,
                componentID: flags & 2 != 0 ? Component.ID(id(24)) : nil,
                status: SessionStatus.allCases[status], type: parsed.types[type],
                agent: agent == 0 ? nil : Agent.allCases[agent - 1],
                environment: environment == 0 ? nil : SessionEnvironment.allCases[environment - 1],
                insertedAt: time(32, file[at + 72]), updatedAt: time(40, file[at + 73]), activityAt: time(80, file[at + 74]),
                parentID: flags & 16 != 0 ? Session.ID(id(88)) : nil, hasExtra: flags & 4 != 0))
            places.append(SummaryTable.Place(buffer: 0, depth: 1, start: start, end: end))
        }
        return SummaryTable(keys: keys, places: places, buffers: [index], decoded: decoded)
    }

    static func read<T: FixedWidthInteger>(_: T.Type, _ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) -> T {
        T(littleEndian: UnsafeRawPointer(buffer.baseAddress! + offset).loadUnaligned(as: T.self))
    }

    /// Whether `file` is exactly what would be written for the index whose
    /// bytes are `index` and whose file is `stamp`, for `doctor`: a check of
    /// the keys against the index itself, not only against its stamp.
    static func describes(_ file: [UInt8], index: [UInt8], stamp: FileStamp) -> Bool {
        encode(index: index, stamp: stamp) == file
    }

    /// Whether a file's header names this generation of the index and its
    /// file, read without the rest of the file: enough for a writer to see
    /// that the file belongs to another index and rewrite it.
    static func stampMatches(_ header: [UInt8], stamp: FileStamp, generation: Int) -> Bool {
        header.withUnsafeBufferPointer { file in
            file.count >= headerSize && file.starts(with: magic)
                && read(UInt32.self, file, at: 20) == version && read(UInt32.self, file, at: 24) == UInt32(entrySize)
                && Int64(bitPattern: read(UInt64.self, file, at: 28)) == Int64(generation)
                && readStamp(file) == stamp
        }
    }
}

/// A 64-bit hash of four interleaved lanes (multiply, rotate, fold), fast
/// enough to cover the whole keys file each time a catalog is opened. Not a
/// defence against someone forging a file: it tells damage from a whole file.
enum Hash64 {
    static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    @inline(__always) static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        let mixed = accumulator &+ input &* prime2
        return ((mixed << 31) | (mixed >> 33)) &* prime1
    }

    @inline(__always) static func merge(_ accumulator: UInt64, _ value: UInt64) -> UInt64 {
        (accumulator ^ round(0, value)) &* prime1 &+ prime4
    }

    static func digest(_ buffer: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        guard let base = buffer.baseAddress else { return avalanche(seed &+ prime5) }
        let raw = UnsafeRawPointer(base)
        let length = buffer.count
        var offset = 0
        var hash: UInt64
        @inline(__always) func word(_ at: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        if length >= 32 {
            var v1 = seed &+ prime1 &+ prime2, v2 = seed &+ prime2, v3 = seed, v4 = seed &- prime1
            while offset + 32 <= length {
                v1 = round(v1, word(offset))
                v2 = round(v2, word(offset + 8))
                v3 = round(v3, word(offset + 16))
                v4 = round(v4, word(offset + 24))
                offset += 32
            }
            hash = ((v1 << 1) | (v1 >> 63)) &+ ((v2 << 7) | (v2 >> 57)) &+ ((v3 << 12) | (v3 >> 52)) &+ ((v4 << 18) | (v4 >> 46))
            hash = merge(hash, v1)
            hash = merge(hash, v2)
            hash = merge(hash, v3)
            hash = merge(hash, v4)
        } else {
            hash = seed &+ prime5
        }
        hash = hash &+ UInt64(length)
        while offset + 8 <= length {
            hash ^= round(0, word(offset))
            hash = ((hash << 27) | (hash >> 37)) &* prime1 &+ prime4
            offset += 8
        }
        while offset < length {
            hash ^= UInt64(base[offset]) &* prime5
            hash = ((hash << 11) | (hash >> 53)) &* prime1
            offset += 1
        }
        return avalanche(hash)
    }

    static func avalanche(_ value: UInt64) -> UInt64 {
        var hash = value
        hash ^= hash >> 33
        hash = hash &* prime2
        hash ^= hash >> 29
        hash = hash &* prime3
        hash ^= hash >> 32
        return hash
    }
}
