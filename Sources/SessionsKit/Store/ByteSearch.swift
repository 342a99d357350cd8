import CSupport

/// Finding records in line-oriented store files by their bytes.
enum ByteSearch {
    /// The lines of `buffer` that contain `needle`, each once.
    static func lines(in buffer: UnsafeBufferPointer<UInt8>, containing needle: [UInt8]) -> [[UInt8]] {
        guard !needle.isEmpty, buffer.count > 0 else { return [] }
        return needle.withUnsafeBufferPointer { pattern in
            var found: [[UInt8]] = []
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
                found.append(Array(buffer[start..<end]))
                from = end + 1
            }
            return found
        }
    }

    /// Ids of the session-shaped objects inside `value` whose external id is `key`.
    static func collectIDs(in value: JSONValue, key: String, into ids: inout Set<Session.ID>) {
        switch value {
        case .object(let object):
            if object[Session.externalConversationKey]?.stringValue == key, let id = object["id"]?.intValue {
                ids.insert(Session.ID(id))
            }
            for member in object.members { collectIDs(in: member.value, key: key, into: &ids) }
        case .array(let elements):
            for element in elements { collectIDs(in: element, key: key, into: &ids) }
        default:
            break
        }
    }
}
