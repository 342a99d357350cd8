/// Copies everything one store holds into another (files to PostgreSQL, back,
/// or between two databases): the registry with its ids, then every session,
/// a batch per commit. A session the destination already holds as it is is
/// not written again, so copying again changes nothing, and a copy cut off
/// part way goes on from where it stopped when run again.
public struct StoreTransfer {
    public let source: any SessionStore
    public let destination: any SessionStore
    /// Sessions per commit at the destination.
    public var batch = 200

    public init(from source: any SessionStore, to destination: any SessionStore) {
        self.source = source
        self.destination = destination
    }

    public struct Outcome: Sendable, Equatable {
        public var written = 0
        public var unchanged = 0
        public var registryChanged = false
    }

    public func run() throws -> Outcome {
        var outcome = Outcome()
        let registry = try source.registry()
        outcome.registryChanged = try destination.write { transaction in
            // Spooled events a delivery recorded are the source's own business, and so are its
            // counters beyond what its entries use: the destination keeps the larger of each.
            var copied = registry
            copied.deliveredEvents = transaction.registry.deliveredEvents
            copied.nextSessionID = max(copied.nextSessionID, transaction.registry.nextSessionID)
            copied.nextAccountID = max(copied.nextAccountID, transaction.registry.nextAccountID)
            copied.nextProjectID = max(copied.nextProjectID, transaction.registry.nextProjectID)
            copied.nextComponentID = max(copied.nextComponentID, transaction.registry.nextComponentID)
            guard transaction.registry != copied else { return false }
            transaction.registry = copied
            return true
        }
        let ids = try source.catalog().table.keys.map(\.id)
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
