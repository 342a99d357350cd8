import Synchronization

/// A store that lives only in memory: the reference behaviour of
/// `SessionStore` in tests, and a template for future backends.
public final class MemoryStore: SessionStore {
    private struct Contents {
        var registry: Registry
        var sessions: [Session.ID: Session] = [:]
        var generation = 0
    }

    private let contents: Mutex<Contents>

    public init(registry: Registry = Registry()) {
        contents = Mutex(Contents(registry: registry))
    }

    public func catalog() throws -> Catalog {
        contents.withLock { contents in
            Catalog(registry: contents.registry,
                    summaries: contents.sessions.values.sorted { $0.id < $1.id }.map(SessionSummary.init),
                    generation: contents.generation)
        }
    }

    public func registry() throws -> Registry { contents.withLock { $0.registry } }
    public func session(id: Session.ID) throws -> Session? { contents.withLock { $0.sessions[id] } }
    public func generation() throws -> Int { contents.withLock { $0.generation } }

    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try contents.withLock { contents in
            let transaction = Transaction(registry: contents.registry, sessions: contents.sessions)
            let result = try body(transaction)
            contents.registry = transaction.registry
            contents.sessions = transaction.sessions
            contents.generation += 1
            return result
        }
    }

    private final class Transaction: StoreTransaction {
        var registry: Registry
        var sessions: [Session.ID: Session]

        init(registry: Registry, sessions: [Session.ID: Session]) {
            self.registry = registry
            self.sessions = sessions
        }

        func summaries() throws -> [Session.ID: SessionSummary] { sessions.mapValues(SessionSummary.init) }
        func session(id: Session.ID) throws -> Session? { sessions[id] }
        func sessionExists(id: Session.ID) throws -> Bool { sessions[id] != nil }
        func put(_ session: Session) { sessions[session.id] = session }
        func delete(sessionID: Session.ID) { sessions[sessionID] = nil }
    }
}
