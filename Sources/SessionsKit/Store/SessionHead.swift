/// What the store knows of a session without reading its interactions: its
/// fields, the counts lists show, how much of its interaction log is
/// committed, and where each interaction still waiting for its result is. A
/// status change, an append or a completion reads and rewrites only this,
/// so its cost does not grow with the session.
public struct SessionHead: Sendable, Equatable {
    /// The session's fields; its interactions are always empty here.
    public internal(set) var session: Session
    public internal(set) var interactionCount: Int
    public internal(set) var lastInteractionAt: Timestamp?
    public internal(set) var lastResult: LastResult?
    /// Bytes of `interactions.jsonl` that are committed.
    var logLength: Int
    /// Interactions without a result, by position, with where their newest
    /// line is: a completion reads that line and nothing else.
    var pending: [Pending]
    /// Which Claude Code tool calls the session records (see
    /// `ToolCallDigest`). Nil in a head that does not say (edited by hand),
    /// where the log is searched.
    var toolCalls: ToolCallDigest?

    struct Pending: Sendable, Equatable {
        var position: Int
        var id: String
        /// The Claude Code tool call it records, which the hook finds it by.
        var toolUseID: String?
        /// Where its newest line is in the log; empty while only staged.
        var line: Range<Int>
    }

    init(session: Session, interactionCount: Int, lastInteractionAt: Timestamp?, lastResult: LastResult?,
         logLength: Int, pending: [Pending], toolCalls: ToolCallDigest?) {
        var header = session
        header.interactions = []
        self.session = header
        self.interactionCount = interactionCount
        self.lastInteractionAt = lastInteractionAt
        self.lastResult = lastResult
        self.logLength = logLength
        self.pending = pending
        self.toolCalls = toolCalls
    }

    /// The head of a session held whole: what backends that keep sessions
    /// whole (memory, a session file not yet split) report, and what a split
    /// session's head says once its log is written (`lines` gives where each
    /// interaction's line is, when known).
    init(_ full: Session, logLength: Int = 0, lines: [Range<Int>]? = nil) {
        let summary = SessionSummary(full)
        var pending: [Pending] = []
        var calls: [String] = []
        for (position, interaction) in full.interactions.enumerated() {
            let tool = interaction.extra[ClaudeCodeTools.toolUseKey]?.stringValue
            if let tool { calls.append(tool) }
            guard interaction.result == nil else { continue }
            pending.append(Pending(position: position, id: interaction.id, toolUseID: tool, line: lines?[position] ?? 0..<0))
        }
        self.init(session: full, interactionCount: summary.interactionCount, lastInteractionAt: summary.lastInteractionAt,
                  lastResult: summary.lastResult, logLength: logLength, pending: pending, toolCalls: ToolCallDigest(calls))
    }

    public var id: Session.ID { session.id }

    /// What `list --json` and the index say of the session.
    public var summary: SessionSummary {
        SessionSummary(header: session, interactionCount: interactionCount, lastInteractionAt: lastInteractionAt, lastResult: lastResult)
    }

    /// The position of the pending interaction `key` names, newest first.
    public func pendingPosition(_ key: InteractionKey) -> Int? {
        pending.last { key.matches($0) }?.position
    }

    /// `.some(nil)` when the head alone knows no interaction records the
    /// tool call `key` names; nil when the log must be searched.
    func knownAbsent(_ key: InteractionKey) -> Int?? {
        guard case .toolUse(let tool) = key, let toolCalls, !toolCalls.mayContain(tool) else { return nil }
        return .some(nil)
    }

    /// The head once `edit` is applied, with the lines it appends at
    /// `lines` (where they are known), given what the replaced interactions
    /// were. False for `exact` when a replaced interaction was the latest
    /// activity and the new version is older: only a full read knows the
    /// new latest, so the caller must read the session.
    func applying(_ edit: SessionEdit, replacedWere old: [Int: Interaction], lines: [Int: Range<Int>], logLength: Int)
        -> (head: SessionHead, exact: Bool)
    {
        var next = self
        next.session = edit.session
        var exact = true
        var latest = lastInteractionAt
        for (position, interaction) in edit.replaced.sorted(by: { $0.key < $1.key }) {
            if let before = old[position]?.latestActivity, before == lastInteractionAt,
               (interaction.latestActivity ?? before) < before {
                exact = false
            }
            if let activity = interaction.latestActivity { latest = max(latest ?? activity, activity) }
            next.pending.removeAll { $0.position == position }
            if let tool = interaction.extra[ClaudeCodeTools.toolUseKey]?.stringValue { next.toolCalls?.insert(tool) }
            if interaction.result == nil {
                next.pending.append(Pending(position: position, id: interaction.id,
                                            toolUseID: interaction.extra[ClaudeCodeTools.toolUseKey]?.stringValue,
                                            line: lines[position] ?? 0..<0))
            }
            if position == interactionCount - 1 && edit.appended.isEmpty { next.lastResult = LastResult(interaction.result) }
        }
        for (offset, interaction) in edit.appended.enumerated() {
            let position = interactionCount + offset
            if let activity = interaction.latestActivity { latest = max(latest ?? activity, activity) }
            if let tool = interaction.extra[ClaudeCodeTools.toolUseKey]?.stringValue { next.toolCalls?.insert(tool) }
            if interaction.result == nil {
                next.pending.append(Pending(position: position, id: interaction.id,
                                            toolUseID: interaction.extra[ClaudeCodeTools.toolUseKey]?.stringValue,
                                            line: lines[position] ?? 0..<0))
            }
        }
        if let last = edit.appended.last { next.lastResult = LastResult(last.result) }
        next.pending.sort { $0.position < $1.position }
        next.interactionCount = interactionCount + edit.appended.count
        next.lastInteractionAt = latest
        next.logLength = logLength
        return (next, exact)
    }
}

/// `sessions/<id>.json` of a split session: the head, pretty-printed for people.
///
/// ```json
/// {
///   "format": 2,
///   "session": { …the session as `show --json` prints it, without its interactions… },
///   "interactions": {
///     "count": 12, "last_interaction_at": "…", "last_result_status": "ok",
///     "length": 40960, "pending": [{"n": 11, "id": "…", "tool_use_id": "…", "at": 39000, "bytes": 1960}],
///     "tool_call_hashes": "1f3a9c0e…"
///   }
/// }
/// ```
enum SessionHeadFile {
    static func encode(_ head: SessionHead) -> [UInt8] {
        var log = JSONObject()
        log.append("count", .int(head.interactionCount))
        log.put("last_interaction_at", head.lastInteractionAt)
        log.put("last_result_status", head.lastResult?.rawValue)
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
        if let calls = head.toolCalls { log.append("tool_call_hashes", .string(calls.text)) }
        var object = JSONObject()
        object.append("format", .int(StoreFormat.version))
        object.append("session", .object(head.session.jsonObject(includeInteractions: false)))
        object.append("interactions", .object(log))
        return JSONWriter.bytes(.object(object), style: .pretty) + [UInt8(ascii: "\n")]
    }

    /// What a head begins with, as the writer spells it.
    static let prefix = Array("{\n  \"format\": 2,\n  \"session\": {".utf8)

    /// Whether a session file is a head rather than a session kept whole: it
    /// names format 2 and holds a `session` object. A head as the writer
    /// wrote it is known by its first bytes; one edited by hand is parsed,
    /// but only if its first member is `format`, as in every head: a whole
    /// session (which never has that member first) is not parsed twice.
    static func isHead(_ bytes: [UInt8]) -> Bool {
        if bytes.starts(with: prefix) { return true }
        guard startsWithFormatMember(bytes) else { return false }
        guard case .object(let object)? = try? JSONParser.parse(bytes) else {
            // Not JSON: a damaged head still says what it was meant to be.
            return bytes.prefix(64).starts(with: Array("{\n  \"format\": 2".utf8))
        }
        return object["format"]?.intValue == 2 && object["session"]?.objectValue != nil
    }

    /// Whether the first member of the JSON object `bytes` begins is `format`.
    static func startsWithFormatMember(_ bytes: [UInt8]) -> Bool {
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        var index = bytes.startIndex
        func skipWhitespace() { while index < bytes.endIndex, whitespace.contains(bytes[index]) { index += 1 } }
        skipWhitespace()
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "{") else { return false }
        index += 1
        skipWhitespace()
        return bytes[index...].starts(with: Array("\"format\"".utf8))
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
            return try decode(value, expectedID: expectedID)
        } catch {
            throw StoreError.damagedSession(id: expectedID, path: path, detail: error.description)
        }
    }

    static func decode(_ value: JSONValue, expectedID: Session.ID) throws(SchemaError) -> SessionHead {
        guard case .object(let object) = value else { throw SchemaError("", "must be a JSON object, not \(value.kindName)") }
        var reader = ObjectReader(object, path: "")
        reader.consume("format")
        var errors: [FieldError] = []
        var session: Session?
        if let fields = reader.value("session") {
            do {
                session = try Session.decode(fields, path: "session", skipping: ["interactions"])
            } catch {
                errors += error.errors
            }
        } else {
            reader.fail("session", "is required")
        }
        var count = 0, length = 0
        var last: Timestamp?
        var lastResult: LastResult?
        var pending: [SessionHead.Pending] = []
        var toolCalls: ToolCallDigest?
        if let log = reader.object("interactions") {
            var logReader = ObjectReader(log, path: "interactions")
            count = logReader.int("count", required: true, minimum: 0) ?? 0
            last = logReader.timestamp("last_interaction_at")
            lastResult = logReader.enumeration("last_result_status", LastResult.self)
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
                let bytes = entryReader.int("bytes", required: true, minimum: 0)
                errors += entryReader.errors
                if let position, let id, let at, let bytes {
                    pending.append(SessionHead.Pending(position: position, id: id, toolUseID: tool, line: at..<(at + bytes)))
                }
            }
            if let text = logReader.string("tool_call_hashes") {
                toolCalls = ToolCallDigest(text: text)
                if toolCalls == nil {
                    errors.append(FieldError("interactions.tool_call_hashes", "must be 8 lowercase hex digits per call, in ascending order"))
                }
            }
            errors += logReader.errors
        } else {
            reader.fail("interactions", "is required")
        }
        errors = reader.errors + errors
        guard errors.isEmpty, let session else { throw SchemaError(errors) }
        guard session.id == expectedID else { throw SchemaError("session.id", "is \(session.id) but the file name says \(expectedID)") }
        return SessionHead(session: session, interactionCount: count, lastInteractionAt: last, lastResult: lastResult,
                           logLength: length, pending: pending, toolCalls: toolCalls)
    }
}
