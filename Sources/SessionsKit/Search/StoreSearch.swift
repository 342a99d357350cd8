/// A session a search reads, with its title when the summary's keys give it
/// (a CodeMySpec session's type and component): a Claude Code session's
/// title is in its state, and is read with it.
public struct SearchTarget: Sendable, Hashable {
    public var id: Session.ID
    public var title: String?

    public init(id: Session.ID, title: String?) {
        self.id = id
        self.title = title
    }
}

/// What one session gave a search.
public enum SearchOutcome: Sendable, Hashable {
    case hits(SessionHits)
    /// The session's files do not read; the message says why, as `show` would.
    case unreadable(Session.ID, String)
}

/// The sessions of one step of a search, in the order they were asked for,
/// and how many have been searched so far: a screen shows both as they come.
public struct SearchBatch: Sendable {
    public var outcomes: [SearchOutcome]
    public var searched: Int
    /// How many sessions the search reads in all.
    public var total: Int

    public init(outcomes: [SearchOutcome], searched: Int, total: Int) {
        self.outcomes = outcomes
        self.searched = searched
        self.total = total
    }
}

extension SessionStore {
    /// The reference way: each session read whole and matched. Backends
    /// that can skip what cannot match do better.
    public func search(_ search: SessionSearch, targets: [SearchTarget], registry: Registry,
                       _ body: (SearchBatch) throws -> Bool) throws {
        let step = 64
        var start = 0
        while start < targets.count {
            let slice = targets[start..<min(targets.count, start + step)]
            var outcomes: [SearchOutcome] = []
            try sessions(ids: slice.map(\.id)) { id, result in
                switch result {
                case .success(let session?):
                    let title = slice.first { $0.id == id }?.title ?? SessionTitle.of(session, registry: registry)
                    let hits = search.hits(in: session, title: title)
                    if hits.total > 0 { outcomes.append(.hits(hits)) }
                case .success(nil):
                    break
                case .failure(let error):
                    outcomes.append(.unreadable(id, String(describing: error)))
                }
            }
            start += slice.count
            guard try body(SearchBatch(outcomes: outcomes, searched: start, total: targets.count)) else { return }
        }
    }
}
