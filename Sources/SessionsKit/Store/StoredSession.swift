import Glibc

/// One session's files, whichever way the store keeps it: whole in
/// `sessions/<id>.json`, as format 1 kept every session and format 2 keeps a
/// session not written since the store's upgrade, or split: its head in that
/// same file, and its interactions in `sessions/<id>.interactions.jsonl`.
/// Every reader of session files goes through here, so the two ways are
/// told apart in one place: by what the file holds (a head names format 2).
/// Callers hold the store's lock: the log is only ever appended to, or cut
/// back to its committed length, under the exclusive one.
struct StoredSession {
    let root: String
    let id: Session.ID

    var filePath: String { root + "/" + StoreFormat.sessionFile(id) }
    var logPath: String { root + "/" + StoreFormat.logFile(id) }

    /// The session file as found: a head, or a session kept whole.
    enum File {
        case whole([UInt8])
        case head(SessionHead)
    }

    /// The session file, read and told apart, or nil when there is none. A
    /// file that is neither a head nor a session is the session's damage.
    func readFile() throws(StoreError) -> File? {
        guard let bytes = try FileIO.read(filePath) else { return nil }
        return try Self.file(bytes, path: filePath, id: id)
    }

    static func file(_ bytes: [UInt8], path: String, id: Session.ID) throws(StoreError) -> File {
        guard SessionHeadFile.isHead(bytes) else { return .whole(bytes) }
        return .head(try SessionHeadFile.decode(bytes, path: path, expectedID: id))
    }

    /// A session's bytes as read under the lock, to be decoded after it is
    /// released: a large session's decoding then keeps no writer waiting.
    enum Raw {
        case whole([UInt8])
        case split(SessionHead, log: [UInt8])
    }

    func readRaw() throws(StoreError) -> Raw? {
        try readFile().map { (file) throws(StoreError) -> Raw in try raw(file) }
    }

    /// The bytes of the session `file` is the file of: for a head, its log's too.
    func raw(_ file: File) throws(StoreError) -> Raw {
        switch file {
        case .whole(let bytes): return .whole(bytes)
        case .head(let head):
            return .split(head, log: try readLog(head) { (buffer, length) throws(StoreError) -> [UInt8] in Array(buffer[0..<length]) })
        }
    }

    func decode(_ raw: Raw) throws(StoreError) -> Session {
        switch raw {
        case .whole(let bytes):
            return try SessionFile.decode(bytes, path: filePath, expectedID: id)
        case .split(let head, let log):
            var session = head.session
            do {
                session.interactions = try log.withUnsafeBufferPointer { (buffer) throws(StoreError) -> [Interaction] in
                    try InteractionLog.decodeAll(buffer, length: buffer.count, path: logPath)
                }
            } catch {
                throw damage(error)
            }
            guard session.interactions.count == head.interactionCount else {
                throw StoreError.damagedSession(id: id, path: logPath, detail:
                    "it holds \(session.interactions.count) interactions, but the session's file counts \(head.interactionCount)")
            }
            return session
        }
    }

    /// The first bytes of the session file and its size, or nil when there
    /// is none: enough to tell a head from a whole session without reading it.
    func filePrefix() throws(StoreError) -> (bytes: [UInt8], size: Int)? {
        guard let fd = try FileIO.openForReading(filePath) else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileIO.fail("read", filePath) }
        return (try FileIO.readFully(fd, offset: 0, count: min(64, Int(info.st_size)), path: filePath), Int(info.st_size))
    }

    /// The whole session.
    func read() throws(StoreError) -> Session? {
        try readRaw().map { (raw) throws(StoreError) -> Session in try decode(raw) }
    }

    /// The session with only its newest `wanted` interactions, and how many
    /// come before those: a split session's log is read from its end, a
    /// megabyte first, four times more each time that falls short.
    func newest(_ wanted: Int) throws(StoreError) -> SessionPage? {
        guard let file = try readFile() else { return nil }
        guard case .head(let head) = file, head.interactionCount > wanted else {
            return SessionPage(whole: try decode(try raw(file)), newest: wanted)
        }
        var span = 1 << 20
        while true {
            let start = max(0, head.logLength - span)
            let found = try readLog(head, range: start..<head.logLength) { (buffer, length) throws(StoreError) -> [Interaction]? in
                // The first line read may be the end of one: it starts after a newline.
                var from = 0
                if start > 0 {
                    guard let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                    from = newline + 1
                }
                return try InteractionLog.newest(UnsafeBufferPointer(rebasing: buffer[from..<length]), count: head.interactionCount,
                                                 wanted: wanted, whole: start == 0, path: logPath)
            }
            if let found {
                var session = head.session
                session.interactions = found
                return SessionPage(session: session, earlier: head.interactionCount - found.count)
            }
            span *= 4
        }
    }

    /// The session's fields and counts; a session kept whole is read whole.
    func head() throws(StoreError) -> SessionHead? {
        switch try readFile() {
        case nil: return nil
        case .whole(let bytes)?: return SessionHead(try SessionFile.decode(bytes, path: filePath, expectedID: id))
        case .head(let head)?: return head
        }
    }

    /// The committed part of the log, handed to `body`. A log shorter than
    /// its head says, or not ending where it says, is the session's damage.
    func readLog<T>(_ head: SessionHead, range: Range<Int>? = nil,
                    _ body: (UnsafeBufferPointer<UInt8>, Int) throws(StoreError) -> T) throws(StoreError) -> T {
        let wanted = range ?? 0..<head.logLength
        var bytes: [UInt8] = []
        if !wanted.isEmpty {
            let fd = try openLog(head)
            defer { close(fd) }
            bytes = try FileIO.readFully(fd, offset: wanted.lowerBound, count: wanted.count, path: logPath)
        }
        do {
            return try bytes.withUnsafeBufferPointer { (buffer) throws(StoreError) -> T in try body(buffer, buffer.count) }
        } catch {
            throw damage(error)
        }
    }

    /// The log, open for reading, once it is known to hold the `logLength`
    /// bytes `head` counts: a log missing or shorter is the session's damage.
    /// The caller closes it.
    func openLog(_ head: SessionHead) throws(StoreError) -> Int32 {
        guard let fd = try FileIO.openForReading(logPath) else { throw missingLog(head.logLength) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw FileIO.fail("read", logPath)
        }
        guard Int(info.st_size) >= head.logLength else {
            close(fd)
            throw shortLog(Int(info.st_size), head.logLength)
        }
        return fd
    }

    /// The damage of a log that is not there, though its head counts `length` bytes.
    func missingLog(_ length: Int) -> StoreError {
        .damagedSession(id: id, path: logPath, detail: "it is missing, but the session's file says \(length) bytes were written")
    }

    /// The damage of a log of `size` bytes, shorter than the `length` its head counts.
    func shortLog(_ size: Int, _ length: Int) -> StoreError {
        .damagedSession(id: id, path: logPath, detail: "it is \(size) bytes long, but the session's file says \(length) were written")
    }

    /// A fault found in a log names the session, as a damaged file does.
    func damage(_ error: StoreError) -> StoreError {
        if case .corrupt(_, let detail, _) = error { return .damagedSession(id: id, path: logPath, detail: detail) }
        return error
    }

    /// The interactions at `positions`: a pending one is read from the one
    /// line its head points at; any other costs a read of the whole log.
    func interactions(of head: SessionHead, at positions: [Int]) throws(StoreError) -> [Interaction] {
        var result: [Interaction] = []
        var rest: [Int] = []
        for position in positions {
            if let pending = head.pending.first(where: { $0.position == position }), !pending.line.isEmpty {
                let interaction = try readLog(head, range: pending.line) { (buffer, length) throws(StoreError) -> Interaction in
                    let line = 0..<(length > 0 && buffer[length - 1] == UInt8(ascii: "\n") ? length - 1 : length)
                    let entry = try InteractionLog.entry(buffer, line: line, path: logPath)
                    guard entry.position == position else {
                        throw StoreError.corrupt(path: logPath, detail: "the line the head points at holds interaction "
                            + "\(entry.position), not \(position)", hint: StoreError.doctorHint)
                    }
                    return try InteractionLog.decode(buffer, entry, path: logPath)
                }
                result.append(interaction)
            } else {
                rest.append(position)
            }
        }
        guard !rest.isEmpty else { return result }
        let all = try readLog(head) { (buffer, length) throws(StoreError) -> [Interaction] in
            try InteractionLog.decodeAll(buffer, length: length, path: logPath)
        }
        for position in rest where all.indices.contains(position) { result.append(all[position]) }
        return result
    }

    /// The position of the newest interaction `key` names: a pending one
    /// from the head, any other by a byte search of the log for the key as
    /// the writer spells it, decoding only the lines that hold it.
    func position(of key: InteractionKey, in head: SessionHead) throws(StoreError) -> Int? {
        if let absent = head.knownAbsent(key) { return absent }
        if let pending = head.pendingPosition(key) { return pending }
        var needle: [UInt8] = []
        switch key {
        case .id(let id):
            JSONWriter.writeString("id", into: &needle)
            needle.append(UInt8(ascii: ":"))
            JSONWriter.writeString(id, into: &needle)
        case .toolUse(let tool):
            JSONWriter.writeString(ClaudeCodeTools.toolUseKey, into: &needle)
            needle.append(UInt8(ascii: ":"))
            JSONWriter.writeString(tool, into: &needle)
        }
        return try readLog(head) { (buffer, length) throws(StoreError) -> Int? in
            var found: Int?
            var failure: StoreError?
            for line in ByteSearch.lineRanges(in: UnsafeBufferPointer(rebasing: buffer[0..<length]), containing: needle) {
                do throws(StoreError) {
                    let entry = try InteractionLog.entry(buffer, line: line, path: logPath)
                    let interaction = try InteractionLog.decode(buffer, entry, path: logPath)
                    if key.matches(interaction) { found = max(found ?? entry.position, entry.position) }
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            return found
        }
    }

    /// Whether the session's files mention `needle` (a JSON string as the
    /// writer spells it), without decoding them.
    func mentions(_ needle: [UInt8]) throws(StoreError) -> Bool {
        guard let bytes = try FileIO.read(filePath) else { return false }
        if ByteSearch.contains(bytes, needle) { return true }
        guard case .head(let head) = try Self.file(bytes, path: filePath, id: id) else { return false }
        return try readLog(head) { (buffer, length) throws(StoreError) -> Bool in
            !ByteSearch.lineRanges(in: UnsafeBufferPointer(rebasing: buffer[0..<length]), containing: needle).isEmpty
        }
    }
}
