extension SessionService {
    /// The store ids that `references` name, in order. A Claude Code id is
    /// looked up among the active account's sessions only: another
    /// account's conversation is "not found", exactly as a store id of
    /// another account is. The catalog is read once, and only if some
    /// reference needs it; a store id is returned as given, for the command
    /// to find or not as it always has.
    public func sessionIDs(for references: [SessionReference]) throws -> [Session.ID] {
        var table: SummaryTable?
        func summaries() throws -> SummaryTable {
            let summaries = try table ?? store.catalog().table
            table = summaries
            return summaries
        }
        return try references.map { reference in
            switch reference {
            case .id(let id):
                return id
            case .conversation(let prefix):
                return try Self.sessionID(conversation: prefix, among: summaries(), account: scope.accountID)
            case .idOrConversation(let id, let prefix):
                let summaries = try summaries()
                if let position = summaries.index(of: id), summaries.keys[position].accountID == scope.accountID { return id }
                do {
                    return try Self.sessionID(conversation: prefix, among: summaries, account: scope.accountID)
                } catch SessionError.notFound {
                    throw SessionError.session(id)
                }
            }
        }
    }

    public func sessionID(for reference: SessionReference) throws -> Session.ID {
        try sessionIDs(for: [reference])[0]
    }

    /// How many candidates an ambiguous id's message names.
    static let candidatesShown = 5

    /// The session whose Claude Code id is `prefix`, or is the only one to
    /// start with it.
    static func sessionID(conversation prefix: String, among table: SummaryTable, account: Account.ID) throws(SessionError) -> Session.ID {
        let found = table.conversationSessions(startingWith: prefix, account: account)
        if let exact = found.first(where: { $0.session.externalConversationID == prefix }) { return exact.id }
        guard let first = found.first else { throw .notFound("Claude Code session \(prefix)") }
        guard found.count > 1 else { return first.id }
        let named = found.prefix(candidatesShown).map { "#\($0.id) \($0.session.externalConversationID ?? "")" }
        let more = found.count > candidatesShown ? ", and \(found.count - candidatesShown) more" : ""
        throw .conflict("\(prefix) starts \(found.count) Claude Code session ids (\(named.joined(separator: ", "))\(more)); give more of it")
    }
}
