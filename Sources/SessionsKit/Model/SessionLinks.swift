/// How sessions name each other. A Claude Code subagent names the
/// conversation that started it (`state.parent_session_id`, with its own
/// `state.agent_id`); a CodeMySpec session names its parent session by the id
/// that session has in CodeMySpec (`session_id`: a uuid, or an integer). Both
/// are kept as they came and resolved against the account's sessions when
/// shown, so a parent imported after its children is still found.
public enum SessionLinks {
    /// The CodeMySpec member that names the parent session.
    public static let parentKey = "session_id"

    /// The member of a Claude Code subagent's state in which the importer
    /// keeps its parent's id in this store, once both are in.
    public static let linkedParentKey = "parent_id"

    /// The session a subagent's import linked it to (`state.parent_id`): what
    /// a list sorted by activity groups it under, read from its key.
    public static func linkedParent(state: JSONObject?) -> Session.ID? {
        guard let id = state?[linkedParentKey]?.intValue, id > 0 else { return nil }
        return Session.ID(id)
    }

    /// Whether `session` is a Claude Code subagent (it has an `agent_id`).
    public static func isSubagent(_ session: Session) -> Bool {
        session.type == .claudeCode && session.state?["agent_id"] != nil
    }

    /// Whether `session` is the agent Claude Code runs to compact a
    /// conversation (its agent id starts `acompact-`), not one a Task started.
    public static func isCompaction(_ session: Session) -> Bool {
        isSubagent(session) && session.state?["agent_id"]?.stringValue?.hasPrefix("acompact-") == true
    }

    /// `order` (positions in `keys`) with each subagent moved to just after
    /// its linked parent (`SummaryKey.parentID`) when the parent is in
    /// `order` too and is no subagent itself, subagents keeping their own
    /// order among themselves; everything else keeps its place. Read from
    /// the keys alone, so grouping 100,000 sessions decodes none.
    public static func subagentsUnderParents(_ order: [Int], keys: UnsafeBufferPointer<SummaryKey>) -> [Int] {
        var parents = Set<Session.ID>()
        for position in order { if let parent = keys[position].parentID { parents.insert(parent) } }
        guard !parents.isEmpty else { return order }
        var topLevel = Set<Session.ID>()
        for position in order where keys[position].parentID == nil && parents.contains(keys[position].id) {
            topLevel.insert(keys[position].id)
        }
        var children: [Session.ID: [Int]] = [:]
        for position in order {
            if let parent = keys[position].parentID, parent != keys[position].id, topLevel.contains(parent) {
                children[parent, default: []].append(position)
            }
        }
        guard !children.isEmpty else { return order }
        var result: [Int] = []
        result.reserveCapacity(order.count)
        for position in order {
            if let parent = keys[position].parentID, parent != keys[position].id, topLevel.contains(parent) { continue }
            result.append(position)
            if let under = children[keys[position].id] { result.append(contentsOf: under) }
        }
        return result
    }

    /// Whether `session` names a parent at all: resolving costs a scan of the
    /// account's sessions, which only these need.
    public static func hasParent(_ session: Session) -> Bool {
        conversationParent(of: session) != nil || session.extra[parentKey].map(isReference) == true
    }

    /// Whether other sessions may name `session` as their parent in a way
    /// its own timeline does not show: CodeMySpec children. A Claude Code
    /// conversation shows its subagents on the calls that started them.
    public static func mayHaveChildren(_ session: Session) -> Bool {
        session.type != .claudeCode
    }

    /// The id of the account's session that `session` names as its parent.
    public static func parent(of session: Session, among summaries: [SessionSummary]) -> Session.ID? {
        if let conversation = conversationParent(of: session) {
            return summaries.first {
                $0.accountID == session.accountID && $0.session.type == .claudeCode
                    && $0.session.externalConversationID == conversation && $0.session.state?["agent_id"] == nil
            }?.id
        }
        guard let reference = session.extra[parentKey], isReference(reference) else { return nil }
        let mine = summaries.filter { $0.accountID == session.accountID && $0.id != session.id }
        if let found = mine.first(where: { $0.session.extra[CodeMySpecImporter.sourceIDKey] == reference }) { return found.id }
        guard let number = reference.intValue else { return nil }
        return mine.first { $0.id.rawValue == number && $0.session.extra[CodeMySpecImporter.sourceIDKey] == nil }?.id
    }

    /// The account's sessions that name `session` as their CodeMySpec parent, ascending.
    public static func children(of session: Session, among summaries: [SessionSummary]) -> [Session.ID] {
        guard mayHaveChildren(session) else { return [] }
        let names = [session.extra[CodeMySpecImporter.sourceIDKey] ?? .id(session.id)]
        return summaries.filter { summary in
            summary.accountID == session.accountID && summary.id != session.id
                && summary.session.extra[parentKey].map(names.contains) == true
        }.map(\.id)
    }

    /// `parent(of:among:)` over a catalog's table, decoding only the
    /// summaries that could be the parent by their keys: the account's
    /// Claude Code sessions, or its sessions with members the schema does
    /// not model and the one whose id the reference may be.
    public static func parent(of session: Session, among table: SummaryTable) -> Session.ID? {
        let number = session.extra[parentKey]?.intValue
        return parent(of: session, among: candidates(in: table, accountID: session.accountID) { key in
            conversationParent(of: session) != nil ? key.type == .claudeCode : key.hasExtra || key.id.rawValue == number
        })
    }

    /// `children(of:among:)` over a catalog's table: only summaries with
    /// members the schema does not model can name a parent.
    public static func children(of session: Session, among table: SummaryTable) -> [Session.ID] {
        guard mayHaveChildren(session) else { return [] }
        return children(of: session, among: candidates(in: table, accountID: session.accountID) { $0.hasExtra })
    }

    static func candidates(in table: SummaryTable, accountID: Account.ID, _ include: (SummaryKey) -> Bool) -> [SessionSummary] {
        table.keys.indices.filter { table.keys[$0].accountID == accountID && include(table.keys[$0]) }.map { table[$0] }
    }

    static func conversationParent(of session: Session) -> String? {
        guard session.type == .claudeCode, session.state?["agent_id"] != nil else { return nil }
        return session.state?["parent_session_id"]?.stringValue
    }

    static func isReference(_ value: JSONValue) -> Bool {
        if let text = value.stringValue { return !text.isEmpty }
        return value.intValue != nil
    }
}

extension Interaction {
    /// The session of the subagent this call started, as the importer
    /// linked it (`result.data.subagent_session_id`).
    public var subagentSessionID: Session.ID? {
        result?.data?[ClaudeCodeSessions.subagentKey]?.intValue.map { Session.ID($0) }
    }
}
