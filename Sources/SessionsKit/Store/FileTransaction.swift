/// A write in progress against the file store. Everything it reads comes from
/// disk under the exclusive lock, so it always builds on the latest commit;
/// everything it writes is staged until `FileStore.commit`.
final class FileTransaction: StoreTransaction {
    enum Change {
        case put(Session)
        case delete(Session.ID)
    }

    unowned let store: FileStore
    var registry: Registry
    let originalRegistry: Registry
    private var order: [Session.ID] = []
    private(set) var staged: [Session.ID: Change] = [:]
    private var baseSummaries: [Session.ID: SessionSummary]?
    /// The last search of the summary data by external id, which the files
    /// cannot change while the transaction holds the lock.
    private var externalIDSearch: (prefix: String, matches: [(id: Session.ID, externalID: String)])?

    init(store: FileStore, registry: Registry) {
        self.store = store
        self.registry = registry
        self.originalRegistry = registry
    }

    func stagedChanges() -> [Change] { order.compactMap { staged[$0] } }

    func session(id: Session.ID) throws -> Session? {
        switch staged[id] {
        case .put(let session)?: return session
        case .delete?: return nil
        case nil:
            let filePath = store.path(StoreFormat.sessionFile(id))
            guard let bytes = try FileIO.read(filePath) else { return nil }
            return try SessionFile.decode(bytes, path: filePath, expectedID: id)
        }
    }

    func sessionExists(id: Session.ID) throws -> Bool {
        switch staged[id] {
        case .put?: return true
        case .delete?: return false
        case nil: return try FileIO.status(store.path(StoreFormat.sessionFile(id)), followLinks: false) != nil
        }
    }

    func summaries() throws -> [Session.ID: SessionSummary] {
        if baseSummaries == nil {
            let catalog = try store.loadCatalog(registry: originalRegistry)
            baseSummaries = Dictionary(uniqueKeysWithValues: catalog.summaries.map { ($0.id, $0) })
        }
        var result = baseSummaries ?? [:]
        for change in staged.values {
            switch change {
            case .put(let session): result[session.id] = SessionSummary(session)
            case .delete(let id): result[id] = nil
            }
        }
        return result
    }

    func put(_ session: Session) {
        if staged[session.id] == nil { order.append(session.id) }
        staged[session.id] = .put(session)
    }

    func delete(sessionID: Session.ID) {
        if staged[sessionID] == nil { order.append(sessionID) }
        staged[sessionID] = .delete(sessionID)
    }
}

extension FileTransaction {
    /// Finds sessions by external id without decoding the index: a byte
    /// search for the member (the writer's output is canonical) finds the
    /// few lines that can match, only those are parsed, and each
    /// candidate is confirmed against its session file, which is the truth.
    /// A hook on a 10,000-session store pays milliseconds, not a full load.
    /// A candidate whose file cannot be read stays one: it may be another
    /// account's, which must not stop the caller, or the caller's own, which
    /// must not be taken for absent. The caller reads it and decides.
    func sessionIDs(externalConversationID key: String) throws -> [Session.ID] {
        var candidates = Set(try externalIDs(startingWith: key).filter { $0.externalID == key }.map(\.id))
        for case .put(let session) in staged.values where session.externalConversationID == key {
            candidates.insert(session.id)
        }
        return try candidates.sorted().filter { id in
            do {
                return try session(id: id)?.externalConversationID == key
            } catch is StoreError {
                return true
            }
        }
    }

    func sessionIDs(externalConversationIDPrefix prefix: String) throws -> [Session.ID] {
        var candidates = Set(try externalIDs(startingWith: prefix).filter { $0.externalID.hasPrefix(prefix) }.map(\.id))
        for case .put(let session) in staged.values where session.externalConversationID?.hasPrefix(prefix) == true {
            candidates.insert(session.id)
        }
        return candidates.sorted()
    }

    /// Every (id, external id) the index and journal hold whose external id
    /// starts with `prefix`. One search of the summary data answers both
    /// questions a hook asks (its conversation's session and that
    /// conversation's subagents), so the second is answered from the first.
    private func externalIDs(startingWith prefix: String) throws -> [(id: Session.ID, externalID: String)] {
        if let found = externalIDSearch, prefix.hasPrefix(found.prefix) { return found.matches }
        var needle: [UInt8] = []
        JSONWriter.writeString(Session.externalConversationKey, into: &needle)
        needle.append(UInt8(ascii: ":"))
        JSONWriter.writeString(prefix, into: &needle)
        needle.removeLast()  // the closing quote: longer ids start the same way
        var matches: [(id: Session.ID, externalID: String)] = []
        for file in [StoreFormat.indexFile, StoreFormat.journalFile] {
            // Mapped, not read: a writer holds the lock, so neither file can change underneath.
            guard let mapped = try MappedFile.open(store.path(file)) else { continue }
            for line in mapped.withBytes({ ByteSearch.lines(in: $0, containing: needle) }) {
                guard let value = try? JSONParser.parse(line) else { continue }
                ByteSearch.collectExternalIDs(in: value, startingWith: prefix, into: &matches)
            }
        }
        externalIDSearch = (prefix, matches)
        return matches
    }

    func session(id: Session.ID, mentioning text: String) throws -> Session? {
        if staged[id] != nil { return try session(id: id) }
        let filePath = store.path(StoreFormat.sessionFile(id))
        guard let bytes = try FileIO.read(filePath) else { return nil }
        var needle: [UInt8] = []
        JSONWriter.writeString(text, into: &needle)
        return ByteSearch.contains(bytes, needle) ? try SessionFile.decode(bytes, path: filePath, expectedID: id) : nil
    }
}
