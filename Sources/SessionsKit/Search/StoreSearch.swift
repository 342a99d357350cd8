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

extension SearchOutcome {
    public var sessionID: Session.ID {
        switch self {
        case .hits(let hits): hits.sessionID
        case .unreadable(let id, _): id
        }
    }
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
        try searchReadingWhole(search, targets: targets, registry: registry, body)
    }

    /// Each session read whole and matched.
    func searchReadingWhole(_ search: SessionSearch, targets: [SearchTarget], registry: Registry,
                            _ body: (SearchBatch) throws -> Bool) throws {
        try searchReading(search, targets: targets, registry: registry, reads: nil, body) { ids, each in
            try sessions(ids: ids) { id, result in try each(id, result.map { $0.map { PartialSession(session: $0, positions: nil) } }) }
        }
    }

    /// The same, reading each session through `read`, which may leave out
    /// interactions that cannot match (see `PartialSession`); with `reads`,
    /// only the sessions it holds are read, and the rest may match by their
    /// title alone.
    func searchReading(_ search: SessionSearch, targets: [SearchTarget], registry: Registry, reads: Set<Session.ID>?,
                       _ body: (SearchBatch) throws -> Bool,
                       read: ([Session.ID], (Session.ID, Result<PartialSession?, any Error>) throws -> Void) throws -> Void) throws {
        let step = 64
        var start = 0
        while start < targets.count {
            let slice = Array(targets[start..<min(targets.count, start + step)])
            let places = Dictionary(slice.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
            // Each outcome in its target's place, so they come in the targets' order whoever answers first.
            var slots = [SearchOutcome?](repeating: nil, count: slice.count)
            var answered = [Bool](repeating: false, count: slice.count)
            try read(slice.map(\.id).filter { reads?.contains($0) ?? true }) { id, result in
                guard let place = places[id] else { return }
                answered[place] = true
                switch result {
                case .success(let partial?):
                    let session = partial.session
                    let title = slice[place].title ?? SessionTitle.of(session, registry: registry)
                    let hits = search.hits(in: session, positions: partial.positions, title: title)
                    if hits.total > 0 { slots[place] = .hits(hits) }
                case .success(nil):
                    break
                case .failure(let error):
                    slots[place] = .unreadable(id, String(describing: error))
                }
            }
            // A session not read holds no needle: its title from the summaries may still match.
            for place in slice.indices where !answered[place] && reads != nil {
                let hits = search.titleHits(slice[place].title, id: slice[place].id)
                if hits.total > 0 { slots[place] = .hits(hits) }
            }
            start += slice.count
            guard try body(SearchBatch(outcomes: slots.compactMap { $0 }, searched: start, total: targets.count)) else { return }
        }
    }
}

/// A session as a search reads it: whole, or with only the interactions
/// that may match, `positions` saying where each stands in the whole.
struct PartialSession {
    var session: Session
    var positions: [Int]?
}
