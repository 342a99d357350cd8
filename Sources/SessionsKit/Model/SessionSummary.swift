/// A session without its interactions, plus what the lists need to know about
/// them. It is what the index stores and what `list --json` prints, so every
/// query by account, project, component or status runs without reading a
/// single interaction.
@dynamicMemberLookup
public struct SessionSummary: Sendable, Hashable {
    /// The session's own fields; `interactions` is always empty here.
    public private(set) var session: Session
    public var interactionCount: Int
    public var lastInteractionAt: Timestamp?
    /// When the conversation last moved; the conversation itself is the
    /// session's alone, never the index's, which it would swell.
    public var lastMessageAt: Timestamp?
    public var lastResult: LastResult?
    /// Why the session's file cannot be read (`sessions/12.json: line 6,
    /// column 3: …`), or nil when it can. A damaged session is not a missing
    /// one: the index keeps the last summary it had of it, with this mark,
    /// until the file is restored or the session deleted, so every list
    /// still shows it and says what is wrong.
    public var damaged: String?

    public init(_ full: Session) {
        var header = full
        header.interactions = []
        // A member of the session's own that a summary field would shadow
        // never reads back from the index: leaving it out here keeps a
        // summary the same whichever way it was made.
        header.extra.members.removeAll { SessionSummary.summaryKeys.contains($0.key) }
        lastMessageAt = header.lastMessageAt
        header.extra[Session.conversationKey] = nil
        session = header
        interactionCount = full.interactions.count
        lastInteractionAt = full.interactions.compactMap(\.latestActivity).max()
        lastResult = full.interactions.last.map { LastResult($0.result) }
    }

    /// `lastMessageAt` is read from the header's conversation when it has one
    /// (a session's head), else taken as given (an index line).
    init(header: Session, interactionCount: Int, lastInteractionAt: Timestamp?, lastMessageAt: Timestamp? = nil,
         lastResult: LastResult?, damaged: String? = nil) {
        var header = header
        header.interactions = []
        self.lastMessageAt = header.extra[Session.conversationKey] == nil ? lastMessageAt : header.lastMessageAt
        header.extra[Session.conversationKey] = nil
        session = header
        self.interactionCount = interactionCount
        self.lastInteractionAt = lastInteractionAt
        self.lastResult = lastResult
        self.damaged = damaged
    }

    /// When the session was last active: its last interaction or message,
    /// what the activity sort orders by and its time column shows.
    /// `updated_at` moves on every change, a review's status included, so it
    /// is only the fallback for a session with nothing else to date it. The
    /// one rule for every constructor of a key or a summary: a new source of
    /// activity goes here alone.
    public static func activity(lastInteractionAt: Timestamp?, lastMessageAt: Timestamp?, updatedAt: Timestamp) -> Timestamp {
        switch (lastInteractionAt, lastMessageAt) {
        case (let interaction?, let message?): max(interaction, message)
        case (let interaction?, nil): interaction
        case (nil, let message?): message
        case (nil, nil): updatedAt
        }
    }

    public var activityAt: Timestamp {
        Self.activity(lastInteractionAt: lastInteractionAt, lastMessageAt: lastMessageAt, updatedAt: session.updatedAt)
    }

    public subscript<T>(dynamicMember keyPath: KeyPath<Session, T>) -> T { session[keyPath: keyPath] }

    /// `damaged` is written only on a damaged session's line, so an index
    /// without damage reads the same to a build that predates the mark, and
    /// such a build keeps the member as one it does not know.
    static let summaryKeys = ["interaction_count", "last_interaction_at", "last_message_at", "last_result_status", "damaged"]

    public var jsonObject: JSONObject {
        var object = session.jsonObject(includeInteractions: false)
        object.members.removeAll { SessionSummary.summaryKeys.contains($0.key) }
        object.append("interaction_count", .int(interactionCount))
        object.put("last_interaction_at", lastInteractionAt)
        // Only a conversation has it: an index of sessions without one keeps its size.
        if let lastMessageAt { object.append("last_message_at", .string(lastMessageAt.iso8601)) }
        object.put("last_result_status", lastResult?.rawValue)
        if let damaged { object.append("damaged", .string(damaged)) }
        return object
    }

    public static func decode(_ value: JSONValue, path: String = "") throws(SchemaError) -> SessionSummary {
        guard case .object(let object) = value else {
            throw SchemaError(path, "must be a JSON object, not \(value.kindName)")
        }
        var reader = ObjectReader(object, path: path)
        let count = reader.int("interaction_count", required: true, minimum: 0)
        let last = reader.timestamp("last_interaction_at")
        let lastMessage = reader.timestamp("last_message_at")
        let lastResult = reader.enumeration("last_result_status", LastResult.self)
        let damaged = reader.string("damaged")
        var errors = reader.errors
        var header: Session?
        do {
            header = try Session.decode(value, path: path, skipping: summaryKeys)
        } catch {
            errors.append(contentsOf: error.errors)
        }
        guard errors.isEmpty, let header, let count else { throw SchemaError(errors) }
        return SessionSummary(header: header, interactionCount: count, lastInteractionAt: last, lastMessageAt: lastMessage,
                              lastResult: lastResult,
                              damaged: damaged)
    }
}
