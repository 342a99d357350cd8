import CSupport

/// Finding records in line-oriented store files by their bytes.
enum ByteSearch {
    /// Whether `needle` occurs in `bytes`.
    static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, !bytes.isEmpty else { return needle.isEmpty }
        return bytes.withUnsafeBufferPointer { buffer in
            needle.withUnsafeBufferPointer { pattern in
                sessions_memmem(buffer.baseAddress!, UInt(buffer.count), pattern.baseAddress!, UInt(pattern.count)) >= 0
            }
        }
    }

    /// The lines of `buffer` that contain `needle`, each once.
    static func lines(in buffer: UnsafeBufferPointer<UInt8>, containing needle: [UInt8]) -> [[UInt8]] {
        lineRanges(in: buffer, containing: needle).map { Array(buffer[$0]) }
    }

    /// Where the lines of `buffer` that contain `needle` are, each once, without their newlines.
    static func lineRanges(in buffer: UnsafeBufferPointer<UInt8>, containing needle: [UInt8]) -> [Range<Int>] {
        guard !needle.isEmpty, buffer.count > 0 else { return [] }
        return needle.withUnsafeBufferPointer { pattern in
            var found: [Range<Int>] = []
            var from = 0
            while from < buffer.count {
                let offset = sessions_memmem(buffer.baseAddress! + from, UInt(buffer.count - from),
                                             pattern.baseAddress!, UInt(pattern.count))
                guard offset >= 0 else { break }
                let hit = from + offset
                var start = hit
                while start > 0 && buffer[start - 1] != UInt8(ascii: "\n") { start -= 1 }
                var end = hit + pattern.count
                while end < buffer.count && buffer[end] != UInt8(ascii: "\n") { end += 1 }
                found.append(start..<end)
                from = end + 1
            }
            return found
        }
    }

    /// The session-shaped objects inside `value` whose external id starts
    /// with `prefix`: their ids and external ids.
    static func collectExternalIDs(in value: JSONValue, startingWith prefix: String,
                                   into found: inout [(id: Session.ID, externalID: String)]) {
        switch value {
        case .object(let object):
            if let key = object[Session.externalConversationKey]?.stringValue, key.hasPrefix(prefix),
               let id = object["id"]?.intValue {
                found.append((Session.ID(id), key))
            }
            for member in object.members { collectExternalIDs(in: member.value, startingWith: prefix, into: &found) }
        case .array(let elements):
            for element in elements { collectExternalIDs(in: element, startingWith: prefix, into: &found) }
        default:
            break
        }
    }
}
