/// What the store knows of a session without reading its interactions: its
/// summary (every field, and the counts lists show), how much of its
/// interaction log is committed, and where each interaction still waiting
/// for its result is. A status change, an append or a completion reads and
/// rewrites only this, so its cost does not grow with the session.
public struct SessionHead: Sendable, Equatable {
    public var summary: SessionSummary
    /// Bytes of `interactions.jsonl` that are committed.
    var logLength: Int
    /// Interactions without a result, by position, with where their newest
    /// line is: a completion reads that line and nothing else.
    var pending: [Pending]

    struct Pending: Sendable, Equatable {
        var position: Int
        var id: String
        /// The Claude Code tool call it records, which the hook finds it by.
        var toolUseID: String?
        var line: Range<Int>
    }

    init(summary: SessionSummary, logLength: Int, pending: [Pending]) {
        self.summary = summary
        self.logLength = logLength
        self.pending = pending
    }

    public var id: Session.ID { summary.id }
    public var interactionCount: Int { summary.interactionCount }
}

/// `sessions/<id>/session.json`: the head, pretty-printed for people.
///
/// ```json
/// {
///   "session": { …the session as `list --json` prints it… },
///   "interactions": {"length": 4096, "pending": [{"n": 3, "id": "…", "tool_use_id": "…", "at": 3100, "bytes": 996}]}
/// }
/// ```
enum SessionHeadFile {
    static func encode(_ head: SessionHead) -> [UInt8] {
        var log = JSONObject()
        log.append("length", .int(head.logLength))
        log.append("pending", .array(head.pending.map { pending in
            var entry = JSONObject()
            entry.append("n", .int(pending.position))
            entry.append("id", .string(pending.id))
            if let tool = pending.toolUseID { entry.append("tool_use_id", .string(tool)) }
            entry.append("at", .int(pending.line.lowerBound))
            entry.append("bytes", .int(pending.line.count))
            return .object(entry)
        }))
        var object = JSONObject()
        object.append("session", .object(head.summary.jsonObject))
        object.append("interactions", .object(log))
        return JSONWriter.bytes(.object(object), style: .pretty) + [UInt8(ascii: "\n")]
    }

    /// A head that does not decode is its session's damage, never the store's.
    static func decode(_ bytes: [UInt8], path: String, expectedID: Session.ID) throws(StoreError) -> SessionHead {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw StoreError.damagedSession(id: expectedID, path: path, detail: error.description)
        }
        do throws(SchemaError) {
            guard case .object(let object) = value else { throw SchemaError("", "must be a JSON object, not \(value.kindName)") }
            var reader = ObjectReader(object, path: "")
            var errors: [FieldError] = []
            var summary: SessionSummary?
            if let session = reader.value("session") {
                do {
                    summary = try SessionSummary.decode(session, path: "session")
                } catch {
                    errors += error.errors
                }
            } else {
                reader.fail("session", "is required")
            }
            var length = 0
            var pending: [SessionHead.Pending] = []
            if let log = reader.object("interactions") {
                var logReader = ObjectReader(log, path: "interactions")
                length = logReader.int("length", required: true, minimum: 0) ?? 0
                for (index, element) in (logReader.array("pending") ?? []).enumerated() {
                    guard case .object(let entry) = element else {
                        errors.append(FieldError("interactions.pending[\(index)]", "must be a JSON object"))
                        continue
                    }
                    var entryReader = ObjectReader(entry, path: "interactions.pending[\(index)]")
                    let position = entryReader.int("n", required: true, minimum: 0)
                    let id = entryReader.string("id", required: true)
                    let tool = entryReader.string("tool_use_id")
                    let at = entryReader.int("at", required: true, minimum: 0)
                    let bytes = entryReader.int("bytes", required: true, minimum: 1)
                    errors += entryReader.errors
                    if let position, let id, let at, let bytes {
                        pending.append(SessionHead.Pending(position: position, id: id, toolUseID: tool, line: at..<(at + bytes)))
                    }
                }
                errors += logReader.errors
            } else {
                reader.fail("interactions", "is required")
            }
            errors = reader.errors + errors
            guard errors.isEmpty, let summary else { throw SchemaError(errors) }
            guard summary.id == expectedID else {
                throw SchemaError("session.id", "is \(summary.id) but the directory says \(expectedID)")
            }
            return SessionHead(summary: summary, logLength: length, pending: pending)
        } catch {
            throw StoreError.damagedSession(id: expectedID, path: path, detail: error.description)
        }
    }
}
