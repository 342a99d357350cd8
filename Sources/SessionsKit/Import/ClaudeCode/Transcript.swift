/// One Claude Code transcript reduced to what a session records: its
/// identity, its tool calls paired with their results, and how it ended.
/// The format is internal to Claude Code and changes between versions, so
/// everything here is optional and the parser never gives up on a file.
public struct Transcript: Sendable {
    public var path: String
    /// The Claude Code session id. Subagent transcripts carry their parent's.
    public var sessionID: String?
    /// Set for a subagent's transcript.
    public var agentID: String?
    public var cwd: String?
    public var gitBranch: String?
    public var version: String?
    public var entrypoint: String?
    public var firstTimestamp: Timestamp?
    public var lastTimestamp: Timestamp?
    /// Models in the order they were first used.
    public var models: [String] = []
    /// A title the conversation gives itself: a custom one, else a generated one.
    public var title: String?
    /// The `summary` records the file holds. Each titles the conversation
    /// that holds its leaf message, which is usually another file's: Claude
    /// Code writes summaries of earlier conversations at the top of a later one.
    public var summaries: [(leaf: String, text: String)] = []
    /// The conversation's leaf messages (those no other message follows), by
    /// which a summary anywhere finds it.
    public var leafUUIDs: [String] = []
    /// The first thing the user asked, on one line: what people know a
    /// conversation by when nothing titles it.
    public var prompt: String?
    /// The first slash command the user ran without arguments (`/init`), for
    /// a conversation that has no prompt of its own.
    public var command: String?
    public var tokens = TokenTotals()
    /// The user's prompts and the assistant's replies, in the file's order.
    public var messages: [ConversationMessage] = []
    /// Tool calls in the order the assistant made them.
    public var toolCalls: [ToolCall] = []
    public var ending: Ending = .normal
    /// Whether any user or assistant message was found at all.
    public var hasConversation = false
    public var stats = TranscriptStats()
    /// Subagent conversations a 1.0.x transcript holds inline, each read as a
    /// transcript of its own (agent id `sidechain-<first record's uuid>`).
    public var sidechains: [Transcript] = []

    public init(path: String) { self.path = path }

    public enum Ending: Sendable, Equatable {
        case normal
        case apiError(String)
        case interrupted
    }

    /// The key a session is found by: the session id, or for a subagent the
    /// session id and agent id together (a subagent's records carry its
    /// parent's session id).
    public var conversationKey: String? {
        guard let sessionID else { return nil }
        guard let agentID else { return sessionID }
        return ClaudeCodeSessions.subagentKey(of: sessionID, agent: agentID)
    }
}

/// Tokens summed once per assistant message id: a message streamed over
/// several lines repeats its usage on each.
public struct TokenTotals: Sendable, Equatable {
    public var input = 0
    public var output = 0
    public var cacheCreation = 0
    public var cacheRead = 0

    public init() {}

    var jsonObject: JSONObject {
        JSONObject([
            "input": .int(input), "output": .int(output),
            "cache_creation_input": .int(cacheCreation), "cache_read_input": .int(cacheRead),
        ])
    }
}

/// What reading a transcript left out, and why.
public struct TranscriptStats: Sendable, Equatable {
    public var lines = 0
    /// 1-based numbers of lines that are not JSON objects.
    public var malformedLines: [Int] = []
    /// Lines whose `timestamp` is not a time the store can hold (not ISO
    /// 8601, or outside the years 0000–9999 in UTC): `LINE: why`.
    public var unreadableTimes: [String] = []
    /// Records not imported, by type: bookkeeping (`progress`, …) and types
    /// this version does not know.
    public var skippedTypes: [String: Int] = [:]
    /// Records seen before (same `uuid`), as resumed sessions repeat them.
    public var duplicateRecords = 0
    /// Results whose `tool_use_id` matches no tool call in the file.
    public var orphanResults = 0

    public init() {}
}

/// A `tool_use` block and, once it arrived, its `tool_result`.
public struct ToolCall: Sendable, Equatable {
    public var id: String
    public var name: String
    public var input: JSONObject
    public var startedAt: Timestamp?
    public var outcome: ToolOutcome?

    public init(id: String, name: String, input: JSONObject, startedAt: Timestamp?, outcome: ToolOutcome? = nil) {
        self.id = id
        self.name = name
        self.input = input
        self.startedAt = startedAt
        self.outcome = outcome
    }
}

/// A tool's result as the transcript (or a hook) reports it.
public struct ToolOutcome: Sendable, Equatable {
    /// The `tool_result` content the model saw: a string or content blocks.
    public var content: JSONValue?
    public var isError: Bool
    /// The record's `toolUseResult` (or a hook's `tool_response`): structured
    /// detail such as a Bash call's stdout, stderr and `interrupted`.
    public var detail: JSONValue?
    public var finishedAt: Timestamp?

    public init(content: JSONValue?, isError: Bool, detail: JSONValue?, finishedAt: Timestamp?) {
        self.content = content
        self.isError = isError
        self.detail = detail
        self.finishedAt = finishedAt
    }
}
