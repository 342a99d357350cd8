/// A change to one session that names only what changes: its fields, the
/// interactions it adds, and those it replaces (a completion). Status
/// changes, appends, completions and the hook are edits, so a backend that
/// keeps interactions apart (the file store's log) writes what changed and
/// nothing else, however long the session.
public struct SessionEdit: Sendable, Equatable {
    /// The session's fields as they become; its interactions are ignored.
    public var session: Session
    /// New interactions, after every existing one.
    public var appended: [Interaction] = []
    /// Existing interactions replaced, by position.
    public var replaced: [Int: Interaction] = [:]

    public init(session: Session, appended: [Interaction] = [], replaced: [Int: Interaction] = [:]) {
        var header = session
        header.interactions = []
        self.session = header
        self.appended = appended
        self.replaced = replaced
    }

    public var id: Session.ID { session.id }

    /// `full` with the edit applied.
    public func applied(to full: Session) -> Session {
        var result = session
        result.interactions = full.interactions
        for (position, interaction) in replaced where result.interactions.indices.contains(position) {
            result.interactions[position] = interaction
        }
        result.interactions += appended
        return result
    }

    /// Another edit of the same session staged after this one: both together.
    func followed(by next: SessionEdit, count: Int) -> SessionEdit {
        var merged = SessionEdit(session: next.session, appended: appended, replaced: replaced)
        for (position, interaction) in next.replaced {
            if position >= count && position - count < merged.appended.count {
                merged.appended[position - count] = interaction
            } else {
                merged.replaced[position] = interaction
            }
        }
        merged.appended += next.appended
        return merged
    }
}

/// Which interaction a lookup means: its id, or the Claude Code tool call it records.
public enum InteractionKey: Sendable, Equatable {
    case id(String)
    case toolUse(String)

    func matches(_ interaction: Interaction) -> Bool {
        switch self {
        case .id(let id): return interaction.id == id
        case .toolUse(let tool): return interaction.extra[ClaudeCodeTools.toolUseKey]?.stringValue == tool
        }
    }

    func matches(_ pending: SessionHead.Pending) -> Bool {
        switch self {
        case .id(let id): return pending.id == id
        case .toolUse(let tool): return pending.toolUseID == tool
        }
    }
}

extension StoreTransaction {
    /// The session's head: its fields and counts, and its pending
    /// interactions. Backends that keep sessions whole read the session.
    public func head(id: Session.ID) throws -> SessionHead? {
        try session(id: id).map { SessionHead($0) }
    }

    /// The interactions at `positions` of the session `head` describes.
    public func interactions(of head: SessionHead, at positions: [Int]) throws -> [Interaction] {
        guard let session = try session(id: head.id) else { return [] }
        return positions.compactMap { session.interactions.indices.contains($0) ? session.interactions[$0] : nil }
    }

    /// The position of the newest interaction `key` names, finished or not.
    public func position(of key: InteractionKey, in head: SessionHead) throws -> Int? {
        if let pending = head.pendingPosition(key) { return pending }
        return try session(id: head.id)?.interactions.lastIndex { key.matches($0) }
    }

    /// Stages `edit` on the session as it is in this transaction.
    public func stage(_ edit: SessionEdit) throws {
        guard let full = try session(id: edit.id) else { throw SessionError.session(edit.id) }
        put(edit.applied(to: full))
    }
}
