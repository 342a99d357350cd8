/// What can still be read of a damaged session file, for a session the index
/// has no summary of (the index was lost as well, or the file was put in
/// place by hand). Only what parsed completely before the damage counts: the
/// file's top-level members, and of a cut-off `interactions` array the
/// interactions before the cut; a member whose value breaks the schema is
/// left out. Such a session is listed only if its file still names its own
/// id, a type and an account, each once. An account is never guessed: a
/// session shown to the wrong account would break the isolation every list
/// keeps, so one whose account cannot be read is left to `doctor`.
enum SessionSalvage {
    /// The members that say whose session it is; a session without them, or
    /// with one of them twice (damage that made members up), is not listed.
    static let identifyingKeys = ["id", "type", "account_id"]

    /// The session as far as `bytes` say it. Times that cannot be read are the
    /// file's modification time, `modified`: the last moment the session is
    /// known to have been written.
    static func session(_ bytes: [UInt8], id: Session.ID, modified: Timestamp) -> Session? {
        var object = members(bytes)
        for key in identifyingKeys where object.members.count(where: { $0.key == key }) != 1 { return nil }
        guard object["id"]?.intValue == id.rawValue else { return nil }
        for key in ["inserted_at", "updated_at"] where object[key]?.stringValue.flatMap({ Timestamp(iso8601: $0) }) == nil {
            object[key] = .string(modified.iso8601)
        }
        // Each round leaves out what the schema refused, until it accepts the rest.
        for _ in 0..<8 {
            let schema: SchemaError
            do {
                return try Session.decode(.object(object))
            } catch {
                schema = error
            }
            var dropped = Set<String>()
            var badInteractions = Set<Int>()
            for field in schema.errors.map(\.field) {
                let key = String(field.prefix { $0 != "." && $0 != "[" })
                if identifyingKeys.contains(key) { return nil }
                if key == "interactions", let index = Int(field.dropFirst(key.count + 1).prefix { $0 != "]" }) {
                    badInteractions.insert(index)
                } else {
                    dropped.insert(key)
                }
            }
            guard !dropped.isEmpty || !badInteractions.isEmpty else { return nil }
            object.members.removeAll { dropped.contains($0.key) }
            if case .array(let elements)? = object["interactions"], !badInteractions.isEmpty {
                object["interactions"] = .array(elements.indices.filter { !badInteractions.contains($0) }.map { elements[$0] })
            }
            for key in ["inserted_at", "updated_at"] where dropped.contains(key) { object.append(key, .string(modified.iso8601)) }
        }
        return nil
    }

    /// The summary of a damaged session file as far as it still reads: a
    /// session kept whole, by what salvage keeps of it; a head, by its
    /// `session` member, with the counts of its `interactions` member when
    /// that parsed too (else none: what the log holds is not guessed).
    static func summary(_ bytes: [UInt8], id: Session.ID, modified: Timestamp) -> SessionSummary? {
        guard SessionHeadFile.isHead(bytes) else { return session(bytes, id: id, modified: modified).map(SessionSummary.init) }
        let top = members(bytes)
        guard case .object(let fields)? = top["session"],
              let session = session(JSONWriter.bytes(.object(fields), style: .compact), id: id, modified: modified) else { return nil }
        var reader = top["interactions"]?.objectValue.map { ObjectReader($0, path: "interactions") }
        let count = reader?.int("count", minimum: 0)
        let last = reader?.timestamp("last_interaction_at")
        let lastResult = reader?.enumeration("last_result_status", LastResult.self)
        guard let count, reader?.errors.isEmpty == true else { return SessionSummary(session) }
        return SessionSummary(header: session, interactionCount: count, lastInteractionAt: last, lastResult: lastResult)
    }

    /// The top-level members of a JSON object that parsed before the damage.
    static func members(_ bytes: [UInt8]) -> JSONObject {
        bytes.withUnsafeBufferPointer { buffer in
            var cursor = JSONParser.Cursor(buffer: buffer, options: JSONParser.Options())
            var members: [JSONObject.Member] = []
            cursor.skipWhitespace()
            guard cursor.next == UInt8(ascii: "{") else { return JSONObject() }
            cursor.index += 1
            while true {
                cursor.skipWhitespace()
                guard cursor.next == UInt8(ascii: "\""), let key = try? cursor.parseString() else { break }
                cursor.skipWhitespace()
                guard cursor.next == UInt8(ascii: ":") else { break }
                cursor.index += 1
                cursor.skipWhitespace()
                let start = cursor.index
                guard let value = try? cursor.parseValue(depth: 1) else {
                    if key == "interactions" {
                        cursor.index = start
                        members.append(JSONObject.Member(key, .array(elementsBeforeDamage(&cursor))))
                    }
                    break
                }
                cursor.skipWhitespace()
                let next = cursor.next
                let ended = next == UInt8(ascii: ",") || next == UInt8(ascii: "}")
                // A number may have been cut short: only what follows it shows
                // it is whole. Every other value closes itself.
                if ended || value.isSelfDelimited { members.append(JSONObject.Member(key, value)) }
                guard next == UInt8(ascii: ",") else { break }
                cursor.index += 1
            }
            return JSONObject(members)
        }
    }

    /// The elements of the array under the cursor that parsed before the damage.
    static func elementsBeforeDamage(_ cursor: inout JSONParser.Cursor) -> [JSONValue] {
        guard cursor.next == UInt8(ascii: "[") else { return [] }
        cursor.index += 1
        var elements: [JSONValue] = []
        while true {
            cursor.skipWhitespace()
            guard let element = try? cursor.parseValue(depth: 2) else { break }
            cursor.skipWhitespace()
            let next = cursor.next
            if next == UInt8(ascii: ",") || next == UInt8(ascii: "]") || element.isSelfDelimited { elements.append(element) }
            guard next == UInt8(ascii: ",") else { break }
            cursor.index += 1
        }
        return elements
    }
}

extension JSONValue {
    /// Whether the value proves itself complete (a closing quote, brace or
    /// bracket, a whole literal), unlike a number, which a cut can shorten.
    fileprivate var isSelfDelimited: Bool {
        if case .number = self { return false }
        return true
    }
}
