/// Records Claude Code's hook events as they happen. Each payload is one
/// event on one session; the session and its interactions get the same keys
/// the transcript importer uses, so importing the transcript later merges
/// into what the hooks recorded instead of adding a second copy.
public struct ClaudeCodeHook {
    public let service: SessionService

    public init(service: SessionService) { self.service = service }

    public enum Outcome: Sendable, Equatable {
        case recorded(sessionID: Session.ID)
        /// Nothing to record, and why (an event that does not change a
        /// session, or one for a session never started here).
        case ignored(String)
    }

    /// Events that may start recording a session this store has not seen:
    /// hooks can be wired while a session is already running.
    static let creatingEvents: Set<String> = ["SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure"]
    static let knownEvents = creatingEvents.union(["Stop", "SubagentStop", "SessionEnd"])
    /// Events about one tool call.
    static let toolEvents: Set<String> = ["PreToolUse", "PostToolUse", "PostToolUseFailure"]

    /// One event as the payload gave it, checked before the store is touched.
    public struct Event: Sendable {
        let fields: JSONObject
        let sessionID: String
        /// The session's key: the conversation's id, or its subagent's.
        let key: String
        public let name: String

        /// Whether this program records events of this name at all.
        public var isRecorded: Bool { ClaudeCodeHook.knownEvents.contains(name) }
    }

    /// The payload read as an event. A payload that is not one (not JSON,
    /// no session id or event name) is refused here, before anything waits
    /// for the store or is kept to be recorded later.
    public static func event(_ payload: [UInt8]) throws -> Event {
        let value = try JSONParser.parseInput(payload, field: "payload")
        guard case .object(let event) = value else {
            throw SessionError.invalid(SchemaError("payload", "must be a JSON object, not \(value.kindName)"))
        }
        guard let sessionID = nonEmpty(event["session_id"]) else {
            throw SessionError.invalid(SchemaError("session_id", "is required"))
        }
        // A subagent's events carry its parent's session id; where they also
        // name the agent, they go to the subagent's own session, keyed as the
        // importer keys its transcript.
        let key = nonEmpty(event["agent_id"]).map { ClaudeCodeSessions.subagentKey(of: sessionID, agent: $0) } ?? sessionID
        guard let name = nonEmpty(event["hook_event_name"]) else {
            throw SessionError.invalid(SchemaError("hook_event_name", "is required"))
        }
        return Event(fields: event, sessionID: sessionID, key: key, name: name)
    }

    public func record(_ payload: [UInt8]) throws -> Outcome {
        let event = try Self.event(payload)
        guard event.isRecorded else { return .ignored("\(event.name) is not recorded") }
        return try service.store.write { transaction in try record(event, in: transaction) }
    }

    /// Records `event` within a write the caller holds, so that events kept
    /// while the store was busy go into the same commit as the next one.
    public func record(_ event: Event, in transaction: any StoreTransaction) throws -> Outcome {
        guard event.isRecorded else { return .ignored("\(event.name) is not recorded") }
        let (event, sessionID, key, name) = (event.fields, event.sessionID, event.key, event.name)
        let account = service.scope.accountID
        try service.checkScope(transaction.registry)
        let now = service.clock()
        let agent = nonEmpty(event["agent_id"])
        let call = Self.toolEvents.contains(name) ? toolCall(event, at: now) : nil
        var found = try ClaudeCodeSessions.findHead(key, account: account, in: transaction)
        // A call its subagent's transcript already brought in is recorded
        // there, whether or not this event names the agent: on the parent
        // too, it would be counted twice.
        if agent == nil, let call {
            if try found.map({ try transaction.position(of: .toolUse(call.id), in: $0) == nil }) ?? true,
               let subagent = try ClaudeCodeSessions.subagent(holding: call.id, of: key, account: account, in: transaction) {
                found = try transaction.head(id: subagent.id) ?? found
            }
        }
        guard let head = found else {
            guard Self.creatingEvents.contains(name) else { return .ignored("\(name) for a session not recorded here") }
            let project = ClaudeCodeSessions.projectID(forDirectory: nonEmpty(event["cwd"]), account: account,
                                                       registry: &transaction.registry, at: now)
            var session = ClaudeCodeSessions.newSession(id: try transaction.newSessionID(), key: key, accountID: account,
                                                        projectID: project, at: now)
            var edit = SessionEdit(session: session)
            try apply(event, named: name, call: call, sessionID: sessionID, agent: agent, head: nil, to: &edit, in: transaction, at: now)
            edit.session.updatedAt = service.nextUpdateTime(after: session.updatedAt)
            if edit.session.insertedAt > edit.session.updatedAt { edit.session.insertedAt = edit.session.updatedAt }
            session = edit.applied(to: session)
            transaction.put(session)
            return .recorded(sessionID: session.id)
        }
        var edit = SessionEdit(session: head.session)
        try apply(event, named: name, call: call, sessionID: sessionID, agent: agent, head: head, to: &edit, in: transaction, at: now)
        edit.session.updatedAt = service.nextUpdateTime(after: head.session.updatedAt)
        if edit.session.insertedAt > edit.session.updatedAt { edit.session.insertedAt = edit.session.updatedAt }
        try transaction.stage(edit)
        return .recorded(sessionID: head.id)
    }

    /// What one event changes, as an edit of the session's fields and of the
    /// one call it is about: its state, its status, and the call added or
    /// given its result. Only that call is read, never the session's others.
    private func apply(_ event: JSONObject, named name: String, call: ToolCall?, sessionID: String, agent: String?,
                       head: SessionHead?, to edit: inout SessionEdit, in transaction: any StoreTransaction, at now: Timestamp) throws {
        var state = edit.session.state ?? JSONObject()
        if state["session_id"] == nil { state["session_id"] = .string(sessionID) }
        if let agent, state["agent_id"] == nil {
            state["agent_id"] = .string(agent)
            state["parent_session_id"] = .string(sessionID)
        }
        if state["cwd"] == nil, let cwd = nonEmpty(event["cwd"]) { state["cwd"] = .string(cwd) }
        if let path = nonEmpty(event["transcript_path"]) { state["transcript_path"] = .string(path) }
        if let mode = nonEmpty(event["permission_mode"]) { state["permission_mode"] = .string(mode) }
        let position = try call.flatMap { call in try head.flatMap { try transaction.position(of: .toolUse(call.id), in: $0) } }

        state[ClaudeCodeSessions.hookEventKey] = .string(now.iso8601)
        switch name {
        case "SessionEnd":
            break
        default:
            // The conversation goes on: active, unless a person set the status since (`Session.propose`).
            edit.session.propose(.active, recordsThrough: now)
        }
        switch name {
        case "SessionStart":
            state["ended_at"] = nil
            state["end_reason"] = nil
            if let source = nonEmpty(event["source"]) { state["start_source"] = .string(source) }
        case "PreToolUse":
            if let call, position == nil { edit.appended.append(ClaudeCodeTools.interaction(call)) }
        case "PostToolUse", "PostToolUseFailure":
            guard var call else { break }
            let failed = name == "PostToolUseFailure"
            let existing = try position.flatMap { position in try head.flatMap { try transaction.interactions(of: $0, at: [position]).first } }
            if let existing { call.startedAt = existing.startedAt }
            call.outcome = ToolOutcome(
                content: failed ? .string(nonEmpty(event["error"]) ?? "failed") : nil, isError: failed,
                detail: failed ? nil : event["tool_response"], finishedAt: now)
            var interaction = ClaudeCodeTools.interaction(call)
            if let position, let existing {
                interaction.id = existing.id
                interaction.extra = existing.extra
                if existing.result == nil { edit.replaced[position] = interaction }
            } else {
                edit.appended.append(interaction)
            }
        case "SessionEnd":
            // Ending brings no record of the conversation's own: a status a person set stands.
            if edit.session.status != .failed { edit.session.propose(.complete, recordsThrough: nil) }
            state["ended_at"] = .string(now.iso8601)
            if let reason = nonEmpty(event["reason"]) { state["end_reason"] = .string(reason) }
        case "UserPromptSubmit":
            // What was asked, as typed; an import later puts the transcript's record in its place.
            if let prompt = event["prompt"]?.stringValue, !prompt.trimmingSpaces().isEmpty {
                edit.session.appendMessage(ConversationMessage(role: .user, text: prompt, at: now, source: ConversationMessage.hookSource))
            }
        default:
            break  // Stop, SubagentStop: the session moved on.
        }
        edit.session.state = state
    }

    func toolCall(_ event: JSONObject, at time: Timestamp) -> ToolCall {
        let name = nonEmpty(event["tool_name"]) ?? "(unnamed tool)"
        let input = event["tool_input"]?.objectValue ?? JSONObject()
        // Without a tool_use id (older versions), the call is keyed by what it
        // ran, so its Pre and Post events still meet.
        let id = nonEmpty(event["tool_use_id"])
            ?? "hook/" + UUIDText.named(name + "\n" + JSONWriter.string(.object(input), style: .compact), in: ClaudeCodeTools.namespace)
        return ToolCall(id: id, name: name, input: input, startedAt: time)
    }

}
