import Glibc

/// A split session read interaction by interaction, holding one at a time:
/// `show --json` of a session of 100,000 interactions needs no more memory
/// than its largest one.
///
/// The head and an open descriptor of the log are taken together under a
/// consistent read. After that the committed bytes the head counts never
/// change: a later append writes past them, and a rewrite of the session
/// renames a new log over the name, which this descriptor does not see.
extension StoredSession {
    enum Opened {
        case whole([UInt8])
        case split(SessionHead, log: Int32?)
    }

    /// The session file, and for a split session its log, opened; nil when
    /// there is no such session. The caller closes the log.
    func open() throws(StoreError) -> Opened? {
        switch try readFile() {
        case nil: return nil
        case .whole(let bytes)?: return .whole(bytes)
        case .head(let head)?:
            guard head.logLength > 0 else { return .split(head, log: nil) }
            guard let fd = try FileIO.openForReading(logPath) else {
                throw StoreError.damagedSession(id: id, path: logPath, detail: "it is missing, but the session's file says \(head.logLength) bytes were written")
            }
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                close(fd)
                throw FileIO.fail("read", logPath)
            }
            guard Int(info.st_size) >= head.logLength else {
                close(fd)
                throw StoreError.damagedSession(id: id, path: logPath, detail:
                    "it is \(info.st_size) bytes long, but the session's file says \(head.logLength) were written")
            }
            return .split(head, log: fd)
        }
    }

    /// Hands each interaction of the log `fd` to `body`, in timeline order.
    /// A first pass notes where each position's newest line is (a megabyte
    /// of the log at a time); the second reads those lines one by one.
    func forEachInteraction(_ head: SessionHead, log fd: Int32, _ body: (Interaction) throws -> Void) throws {
        var lines: [Range<Int>] = []
        lines.reserveCapacity(head.interactionCount)
        var offset = 0
        var carried: [UInt8] = []
        let chunk = 1 << 20
        while offset < head.logLength {
            var buffer = carried
            buffer += try FileIO.readFully(fd, offset: offset, count: min(chunk, head.logLength - offset), path: logPath)
            let base = offset - carried.count
            offset += buffer.count - carried.count
            let complete = buffer.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            if offset >= head.logLength && complete != buffer.count {
                throw damage(InteractionLog.corrupt(logPath, "byte \(head.logLength), where its session's file says the interactions end, is not the end of a line"))
            }
            var failure: StoreError?
            buffer.withUnsafeBufferPointer { buffer in
                IndexFile.forEachLine(buffer, 0..<complete) { line in
                    do throws(StoreError) {
                        let entry = try InteractionLog.entry(buffer, line: line, path: logPath)
                        let global = (base + line.lowerBound)..<(base + line.upperBound)
                        if entry.position < lines.count {
                            lines[entry.position] = global
                        } else if entry.position == lines.count {
                            lines.append(global)
                        } else {
                            throw InteractionLog.corrupt(logPath, "interaction \(entry.position) comes before interaction \(lines.count)")
                        }
                        return true
                    } catch {
                        failure = error
                        return false
                    }
                }
            }
            if let failure { throw damage(failure) }
            carried = Array(buffer[complete...])
        }
        guard lines.count == head.interactionCount else {
            throw StoreError.damagedSession(id: id, path: logPath, detail:
                "it holds \(lines.count) interactions, but the session's file counts \(head.interactionCount)")
        }
        for line in lines {
            let bytes = try FileIO.readFully(fd, offset: line.lowerBound, count: line.count, path: logPath)
            let interaction = try bytes.withUnsafeBufferPointer { (buffer) throws(StoreError) -> Interaction in
                do throws(StoreError) {
                    let entry = try InteractionLog.entry(buffer, line: 0..<buffer.count, path: logPath)
                    return try InteractionLog.decode(buffer, entry, path: logPath)
                } catch {
                    throw damage(error)
                }
            }
            try body(interaction)
        }
    }
}
