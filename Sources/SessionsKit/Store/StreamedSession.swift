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
            let fd = try openLog(head)
            return .split(head, log: fd)
        }
    }

    /// Hands each interaction of the log `fd` to `body`, in timeline order.
    /// A first pass notes where each position's newest line is, reading a
    /// megabyte of the log at a time and of each line only its position;
    /// the second reads those lines one by one. A line of any length (a
    /// 100 MB output) is read whole once, in the second pass.
    func forEachInteraction(_ head: SessionHead, log fd: Int32, _ body: (Interaction) throws -> Void) throws {
        var lines: [Range<Int>] = []
        lines.reserveCapacity(head.interactionCount)
        var offset = 0, lineStart = 0
        let chunk = 1 << 20
        func note(_ line: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>, at base: Int) throws(StoreError) {
            guard !line.isEmpty else { return }
            // The position, from the line's first bytes where they are in
            // this chunk, else read for the purpose; a line not in the
            // writer's shape is read whole and parsed.
            let head = 48
            var position: Int?
            if line.lowerBound >= base && min(line.upperBound, line.lowerBound + head) <= base + buffer.count {
                let local = (line.lowerBound - base)..<(min(line.upperBound, line.lowerBound + head) - base)
                position = InteractionLog.plainPosition(UnsafeBufferPointer(rebasing: buffer[local]))
            } else {
                let bytes = try FileIO.readFully(fd, offset: line.lowerBound, count: min(line.count, head), path: logPath)
                position = bytes.withUnsafeBufferPointer { InteractionLog.plainPosition($0) }
            }
            if position == nil {
                let bytes = try FileIO.readFully(fd, offset: line.lowerBound, count: line.count, path: logPath)
                position = try bytes.withUnsafeBufferPointer { (buffer) throws(StoreError) -> Int in
                    try InteractionLog.entry(buffer, line: 0..<buffer.count, path: logPath).position
                }
            }
            guard let position else { return }
            if position < lines.count {
                lines[position] = line
            } else if position == lines.count {
                lines.append(line)
            } else {
                throw InteractionLog.corrupt(logPath, "interaction \(position) comes before interaction \(lines.count)")
            }
        }
        while offset < head.logLength {
            let bytes = try FileIO.readFully(fd, offset: offset, count: min(chunk, head.logLength - offset), path: logPath)
            guard !bytes.isEmpty else { break }
            let base = offset
            var failure: StoreError?
            bytes.withUnsafeBufferPointer { buffer in
                guard let start = buffer.baseAddress else { return }
                var from = 0
                while from < buffer.count, let found = memchr(start + from, Int32(UInt8(ascii: "\n")), buffer.count - from) {
                    let end = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - start
                    do throws(StoreError) {
                        try note(lineStart..<(base + end), in: buffer, at: base)
                    } catch {
                        failure = error
                        return
                    }
                    lineStart = base + end + 1
                    from = end + 1
                }
            }
            if let failure { throw damage(failure) }
            offset += bytes.count
        }
        guard lineStart == head.logLength else {
            throw damage(InteractionLog.corrupt(logPath, "byte \(head.logLength), where its session's file says the interactions end, is not the end of a line"))
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
