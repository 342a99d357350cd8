/// Copies everything one store holds into another (files to PostgreSQL, back,
/// or between two databases): the registry with its ids, then every session,
/// a batch per commit. A session the destination already holds as it is is
/// not written again, so copying again changes nothing, and a copy cut off
/// part way goes on from where it stopped when run again.
public struct StoreTransfer {
    public let source: any SessionStore
    public let destination: any SessionStore
    /// Sessions per commit at the destination.
    let batch = 200

    public init(from source: any SessionStore, to destination: any SessionStore) {
        self.source = source
        self.destination = destination
    }

    public struct Outcome: Sendable, Equatable {
        public var written = 0
        public var unchanged = 0
        public var registryChanged = false
    }

    /// The source's entries over the destination's: an entry with the
    /// source's id becomes the source's, and the destination's others stay
    /// (its sessions may need them). The destination keeps its default
    /// account if it has one, the spooled events it recorded, and the
    /// larger of each id counter.
    static func merged(_ source: Registry, into destination: Registry) -> Registry {
        func merge<Entry: NamedEntry>(_ mine: [Entry], _ theirs: [Entry]) -> [Entry] {
            let taken = Set(theirs.map(\.id))
            return (mine.filter { !taken.contains($0.id) } + theirs).sorted { $0.id < $1.id }
        }
        var merged = destination
        merged.accounts = merge(destination.accounts, source.accounts)
        merged.projects = merge(destination.projects, source.projects)
        merged.components = merge(destination.components, source.components)
        if merged.defaultAccountID == nil || !merged.accounts.contains(where: { $0.id == merged.defaultAccountID }) {
            merged.defaultAccountID = source.defaultAccountID
        }
        for member in source.extra.members where merged.extra[member.key] == nil { merged.extra.append(member.key, member.value) }
        merged.nextSessionID = max(source.nextSessionID, destination.nextSessionID)
        merged.nextAccountID = max(source.nextAccountID, destination.nextAccountID)
        merged.nextProjectID = max(source.nextProjectID, destination.nextProjectID)
        merged.nextComponentID = max(source.nextComponentID, destination.nextComponentID)
        return merged
    }

    public func run() throws -> Outcome {
        var outcome = Outcome()
        // One read of the source: its registry and its sessions as of the same commit.
        let catalog = try source.catalog()
        let registry = catalog.registry
        outcome.registryChanged = try destination.write { transaction in
            let copied = Self.merged(registry, into: transaction.registry)
            guard transaction.registry != copied else { return false }
            transaction.registry = copied
            return true
        }
        let ids = catalog.table.keys.map(\.id)
        var start = 0
        while start < ids.count {
            let slice = Array(ids[start..<min(ids.count, start + batch)])
            var sessions: [Session] = []
            try source.sessions(ids: slice) { _, result in
                if let session = try result.get() { sessions.append(session) }
            }
            let (written, unchanged) = try destination.write { transaction -> (Int, Int) in
                var written = 0, unchanged = 0
                for session in sessions {
                    if try transaction.session(id: session.id) == session {
                        unchanged += 1
                    } else {
                        transaction.put(session)
                        written += 1
                    }
                }
                return (written, unchanged)
            }
            outcome.written += written
            outcome.unchanged += unchanged
            start += slice.count
        }
        return outcome
    }
}
