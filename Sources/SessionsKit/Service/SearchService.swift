/// Search as every front end runs it: which sessions it may read (the
/// active account's, narrowed by the filters, chosen from the summaries so
/// that no other account's file is ever opened), in which order (most
/// recently active first), and what a query that is an id goes straight to.
extension SessionService {
    /// The sessions a search reads, in the order it reads them, each with its
    /// title when the summary gives it.
    public func searchTargets(_ query: SessionQuery, in catalog: Catalog) -> [SearchTarget] {
        let table = catalog.table
        var order = positions(matching: query, in: table)
        SessionSort.activity.sort(&order, of: table.keys)
        let registry = catalog.registry
        var titles = SessionTitle.Cache<String>()
        return order.map { position in
            let key = table.keys[position]
            return SearchTarget(id: key.id, title: key.type == .claudeCode ? nil : titles.title(of: key, registry: registry) { $0 })
        }
    }

    /// Runs `search` over the sessions `query` selects, handing `body` each
    /// step's sessions with hits until it returns false.
    public func search(_ search: SessionSearch, _ query: SessionQuery, in catalog: Catalog,
                       _ body: (SearchBatch) throws -> Bool) throws {
        let targets = searchTargets(query, in: catalog)
        guard !targets.isEmpty else {
            _ = try body(SearchBatch(outcomes: [], searched: 0, total: 0))
            return
        }
        // Every outcome is checked against the targets: a backend can only
        // ever report a session it was asked about.
        let asked = Set(targets.map(\.id))
        try store.search(search, targets: targets, registry: catalog.registry) { batch in
            var checked = batch
            checked.outcomes = batch.outcomes.filter { outcome in
                switch outcome {
                case .hits(let hits): asked.contains(hits.sessionID)
                case .unreadable(let id, _): asked.contains(id)
                }
            }
            return try body(checked)
        }
    }

    /// The session a query names by its id (a number, or a Claude Code
    /// session id or 8 or more of its first characters), when it is one of
    /// this account's and the query is that one word.
    public func sessionNamed(by query: SearchQuery, in catalog: Catalog) -> Session.ID? {
        guard query.pattern == nil, query.terms.count == 1, !query.terms[0].isPhrase,
              let reference = SessionReference(query.terms[0].text) else { return nil }
        let table = catalog.table
        let id: Session.ID
        switch reference {
        case .id(let number):
            id = number
        case .conversation(let prefix):
            guard let found = try? Self.sessionID(conversation: prefix, among: table, account: scope.accountID) else { return nil }
            id = found
        case .idOrConversation(let number, let prefix):
            if let position = table.index(of: number), table.keys[position].accountID == scope.accountID {
                id = number
            } else if let found = try? Self.sessionID(conversation: prefix, among: table, account: scope.accountID) {
                id = found
            } else {
                return nil
            }
        }
        guard let position = table.index(of: id), table.keys[position].accountID == scope.accountID else { return nil }
        return id
    }
}
