/// The rules a Claude Code session follows however it arrives, from a
/// transcript or from live hooks: how it is found, which project it belongs
/// to, and how new facts merge into what is already recorded.
public enum ClaudeCodeSessions {
    /// This account's Claude Code sessions by conversation key. Sessions of
    /// other types that carry the same id (a CodeMySpec session names its
    /// conversation) are left alone: tool calls belong to the conversation's own session.
    static func keys(in summaries: [Session.ID: SessionSummary], account: Account.ID) -> [String: Session.ID] {
        var keys: [String: Session.ID] = [:]
        for summary in summaries.values where summary.session.accountID == account && summary.session.type == .claudeCode {
            guard let key = summary.session.externalConversationID else { continue }
            keys[key] = min(keys[key] ?? summary.id, summary.id)
        }
        return keys
    }

    /// The account's Claude Code session for `key`, found without loading the catalog.
    static func find(_ key: String, account: Account.ID, in transaction: any StoreTransaction) throws -> Session? {
        for id in try transaction.sessionIDs(externalConversationID: key) {
            if let session = try transaction.session(id: id, ofAccount: account), session.type == .claudeCode {
                return session
            }
        }
        return nil
    }

    /// The account's Claude Code session for `key`, as its head: what a
    /// hook reads, so that its cost does not grow with the session.
    static func findHead(_ key: String, account: Account.ID, in transaction: any StoreTransaction) throws -> SessionHead? {
        for id in try transaction.sessionIDs(externalConversationID: key) {
            if let head = try transaction.head(id: id, ofAccount: account), head.session.type == .claudeCode { return head }
        }
        return nil
    }

    /// How a subagent's session is keyed: `<session id>/agent-<agent id>`,
    /// by the importer and by hooks alike.
    static func subagentKey(of key: String, agent: String) -> String { subagentKeyPrefix(of: key) + agent }

    static func subagentKeyPrefix(of key: String) -> String { key + "/agent-" }

    /// The account's subagent session of conversation `key` that holds call
    /// `toolUseID`, if one does. Hooks see a subagent's calls under its
    /// parent's session id, and may not name the agent; a call whose
    /// subagent's transcript is already in belongs there, and only there. A
    /// subagent whose file cannot be read is passed over: the call then goes
    /// to the parent, and the next import of the subagent moves it.
    static func subagent(holding toolUseID: String, of key: String, account: Account.ID,
                         in transaction: any StoreTransaction) throws -> Session? {
        let prefix = subagentKeyPrefix(of: key)
        for id in try transaction.sessionIDs(externalConversationIDPrefix: prefix) {
            guard let session = try? transaction.session(id: id, mentioning: toolUseID), session.accountID == account,
                  session.type == .claudeCode, session.externalConversationID?.hasPrefix(prefix) == true,
                  session.interactions.contains(where: { $0.extra[ClaudeCodeTools.toolUseKey]?.stringValue == toolUseID })
            else { continue }
            return session
        }
        return nil
    }

    /// The project for a working directory: the account's project with that
    /// path, else one of that folder's name that has no path yet, else a new
    /// one named after the folder. Names are unique in an account, so a
    /// second folder of the same name (`~/a/api`, `~/b/api`) is named with
    /// as much of its path as tells it apart (`b/api`), and a folder named
    /// with digits alone (`2024`) is too, since such a name reads as an id.
    static func projectID(forDirectory directory: String?, account: Account.ID, registry: inout Registry, at time: Timestamp) -> Project.ID? {
        guard var path = directory, !path.isEmpty else { return nil }
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        let folders = path.split(separator: "/").map(String.init)
        let name = folders.last ?? path
        if let project = registry.projects.first(where: { $0.accountID == account && $0.extra["path"]?.stringValue == path }) {
            return project.id
        }
        if let index = registry.projects.firstIndex(where: {
            $0.accountID == account && $0.name == name && $0.extra["path"] == nil
        }) {
            registry.projects[index].extra["path"] = .string(path)
            return registry.projects[index].id
        }
        let taken = Set(registry.projects.filter { $0.accountID == account }.map { $0.name.lowercased() })
        let unique = (1...max(1, folders.count)).lazy.map { folders.suffix($0).joined(separator: "/") }
            .first { !taken.contains($0.lowercased()) && Int($0) == nil } ?? path
        var project = registry.addProject(name: unique, accountID: account, at: time)
        project.extra["path"] = .string(path)
        registry.projects[registry.projects.count - 1] = project
        return project.id
    }

    /// A new, empty Claude Code session.
    static func newSession(id: Session.ID, key: String, accountID: Account.ID, projectID: Project.ID?, at time: Timestamp) -> Session {
        var session = Session(id: id, type: .claudeCode, agent: .claudeCode, environment: .local, status: .active,
                              state: JSONObject(), accountID: accountID, projectID: projectID, insertedAt: time, updatedAt: time)
        session.externalConversationID = key
        return session
    }

    struct Merged {
        var session: Session
        var added = 0
        var updated = 0
    }

    /// `existing` (or a new session) with everything the transcript says.
    /// Interactions are matched by `tool_use` id: a call already recorded is
    /// replaced only when the transcript knows more (a result it lacked);
    /// anything only the store knows, such as calls a hook recorded that the
    /// transcript does not hold yet, is kept.
    static func merge(_ transcript: Transcript, fingerprint: FileFingerprint, key: String, into existing: Session?,
                      id: Session.ID, accountID: Account.ID, projectID: Project.ID?, now: Timestamp, recentWindow: Int64) -> Merged {
        // The conversation's own times; the file's time (which a copy or a
        // restore resets) only for a new session whose records carry none.
        let first = transcript.firstTimestamp ?? existing?.insertedAt ?? fingerprint.modifiedAt
        let last = transcript.lastTimestamp ?? existing?.updatedAt ?? fingerprint.modifiedAt
        var session = existing ?? newSession(id: id, key: key, accountID: accountID, projectID: projectID, at: first)
        var merged = Merged(session: session)

        var positions: [String: Int] = [:]
        for (index, interaction) in session.interactions.enumerated() {
            if let toolID = interaction.extra[ClaudeCodeTools.toolUseKey]?.stringValue { positions[toolID] = index }
        }
        var appended = false
        for call in transcript.toolCalls {
            var interaction = ClaudeCodeTools.interaction(call)
            if let index = positions[call.id] {
                let current = session.interactions[index]
                // Links made by the store, not the transcript, stay.
                if let link = current.result?.data?[subagentKey], interaction.result != nil {
                    interaction.result?.data?[subagentKey] = link
                }
                guard current != interaction, interaction.result != nil || current.result == nil else { continue }
                session.interactions[index] = interaction
                merged.updated += 1
            } else {
                positions[call.id] = session.interactions.count
                session.interactions.append(interaction)
                merged.added += 1
                appended = true
            }
        }
        if appended && existing?.interactions.isEmpty == false {
            session.interactions = Interaction.chronological(session.interactions)
        }

        session.agent = .claudeCode
        if let entry = transcript.entrypoint {
            session.environment = entry.contains("vscode") ? .vscode : .local
        } else if session.environment == nil {
            session.environment = .local
        }
        session.state = state(of: transcript, fingerprint: fingerprint, over: session.state)
        session.conversation = transcript.messages.merging(hookRecorded: session.conversation)
        session.propose(status(of: transcript, state: session.state, now: now, recentWindow: recentWindow),
                        recordsThrough: transcript.lastTimestamp)
        session.insertedAt = min(session.insertedAt, first)
        session.updatedAt = max(session.updatedAt, last)
        if session.projectID == nil { session.projectID = projectID }
        merged.session = session
        return merged
    }

    /// What the conversation says of itself, from its own times, never the
    /// file's (a copy, a checkout or a restore from a backup gives every file
    /// a fresh one). Active while its last record is recent, or while hooks
    /// record it live (an event within `liveWindow`) and it has not ended.
    /// Otherwise failed when it ended in an API error or an interruption, or
    /// stopped with a call that never got its result; else complete.
    static func status(of transcript: Transcript, state: JSONObject?, now: Timestamp, recentWindow: Int64) -> SessionStatus {
        let endedAt = state?["ended_at"]?.stringValue.flatMap(Timestamp.init(iso8601:))
        let lastRecord = transcript.lastTimestamp
        let endedSinceLastRecord = endedAt.map { ended in lastRecord.map { ended >= $0 } ?? true } ?? false
        let recent = !endedSinceLastRecord && lastRecord.map { now.microseconds - $0.microseconds < recentWindow } ?? false
        let hookEvent = state?[hookEventKey]?.stringValue.flatMap(Timestamp.init(iso8601:))
        let live = endedAt == nil && hookEvent.map { now.microseconds - $0.microseconds < liveWindow } ?? false
        if recent || live { return .active }
        if !endedSinceLastRecord, transcript.toolCalls.last.map({ $0.outcome == nil }) ?? false { return .failed }
        switch transcript.ending {
        case .apiError, .interrupted: return .failed
        case .normal: return .complete
        }
    }

    /// The state member where the hook notes when it last heard of the
    /// session: a conversation Claude Code still runs, idle between prompts.
    static let hookEventKey = "hook_event_at"

    /// How long after its last hook event a session that has not ended still
    /// counts as recording live: a working day, so a conversation left open
    /// over lunch stays active, and one whose process died without ending it
    /// does not stay active for ever.
    static let liveWindow: Int64 = 12 * 3600 * 1_000_000

    /// The session's state with the transcript's facts written over the
    /// members the importer owns; members anything else wrote are kept.
    static func state(of transcript: Transcript, fingerprint: FileFingerprint, over existing: JSONObject?) -> JSONObject {
        var state = existing ?? JSONObject()
        func set(_ key: String, _ value: JSONValue?) {
            if let value { state[key] = value }
        }
        set("session_id", transcript.sessionID.map(JSONValue.string))
        if let agent = transcript.agentID {
            set("agent_id", .string(agent))
            set("parent_session_id", transcript.sessionID.map(JSONValue.string))
        }
        set("cwd", transcript.cwd.map(JSONValue.string))
        set("git_branch", transcript.gitBranch.map(JSONValue.string))
        set("version", transcript.version.map(JSONValue.string))
        set("entrypoint", transcript.entrypoint.map(JSONValue.string))
        set("models", .array(transcript.models.map(JSONValue.string)))
        // Owned by the importer, so a value the transcript no longer gives goes
        // (a summary of another conversation that an older version took for a title).
        state["title"] = transcript.title.map(JSONValue.string)
        state["first_prompt"] = transcript.prompt.map(JSONValue.string)
        state["first_command"] = transcript.command.map(JSONValue.string)
        state[leafKey] = transcript.leafUUIDs.isEmpty ? nil : .array(transcript.leafUUIDs.suffix(32).map(JSONValue.string))
        // Kept, so that a conversation imported later still finds the summary that titles it.
        state[summariesKey] = transcript.summaries.isEmpty ? nil : .array(transcript.summaries.map { summary in
            .object(JSONObject(["leaf": .string(summary.leaf), "summary": .string(summary.text)]))
        })
        set("tokens", .object(transcript.tokens.jsonObject))
        switch transcript.ending {
        case .normal: state["ended_with"] = nil
        case .apiError(let message): set("ended_with", .string("api error: " + message))
        case .interrupted: set("ended_with", .string("interrupted"))
        }
        set("transcript", .object(fingerprint.jsonObject))
        return state
    }

    /// The state member listing the conversation's leaf messages, which a
    /// `summary` record in any file names to title it.
    static let leafKey = "leaf_uuids"
    /// The state member holding the `summary` records the session's file holds.
    static let summariesKey = "summaries"
    /// The state member holding the summary that titles the conversation.
    static let summaryTitleKey = "summary_title"

    /// The result member naming the session of the subagent a call started.
    static let subagentKey = "subagent_session_id"

    /// Marks each call that started a subagent with the subagent's session
    /// id, so the parent's timeline shows where each one ran. Returns whether
    /// anything changed.
    @discardableResult
    static func linkSubagents(of session: inout Session, keys: [String: Session.ID]) -> Bool {
        guard let sessionID = session.state?["session_id"]?.stringValue, session.state?["agent_id"] == nil else { return false }
        var changed = false
        for index in session.interactions.indices {
            guard var result = session.interactions[index].result,
                  let agent = result.data?["agentId"]?.stringValue ?? result.data?["agent_id"]?.stringValue,
                  let child = keys[subagentKey(of: sessionID, agent: agent)], result.data?[subagentKey]?.intValue != child.rawValue
            else { continue }
            var data = result.data ?? JSONObject()
            data[subagentKey] = .id(child)
            result.data = data
            session.interactions[index].result = result
            changed = true
        }
        return changed
    }
}
