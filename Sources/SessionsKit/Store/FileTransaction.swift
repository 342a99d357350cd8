/// A write in progress against the file store. Everything it reads comes from
/// disk under the exclusive lock, so it always builds on the latest commit;
/// everything it writes is staged until `FileStore.commit`.
final class FileTransaction: StoreTransaction {
    enum Change {
        /// The whole session, written anew (a new one, or one rewritten).
        case put(Session)
        /// A split session changed only where `edit` says: its head is
        /// rewritten and its log appended to. `base` is its head as committed.
        case edit(SessionEdit, base: SessionHead)
        case delete(Session.ID)
    }

    unowned let store: FileStore
    var registry: Registry
    let originalRegistry: Registry
    /// The format version `store.json` names: an older one is rewritten by the commit.
    var registryFormat = StoreFormat.version
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

    func stored(_ id: Session.ID) -> StoredSession { StoredSession(root: store.root, id: id) }

    func session(id: Session.ID) throws -> Session? {
        switch staged[id] {
        case .put(let session)?: return session
        case .edit(let edit, _)?:
            guard let committed = try stored(id).read() else { return nil }
            return edit.applied(to: committed)
        case .delete?: return nil
        case nil: return try stored(id).read()
        }
    }

    func sessionExists(id: Session.ID) throws -> Bool {
        switch staged[id] {
        case .put?, .edit?: return true
        case .delete?: return false
        case nil: return try stored(id).filePrefix() != nil
        }
    }

    func head(id: Session.ID) throws -> SessionHead? {
        switch staged[id] {
        case .put(let session)?: return SessionHead(session)
        case .edit(let edit, let base)?:
            let old = Dictionary(uniqueKeysWithValues: try zip(edit.replaced.keys, stored(id).interactions(of: base, at: Array(edit.replaced.keys))))
            let (head, exact) = base.applying(edit, replacedWere: old, lines: [:], logLength: base.logLength)
            return exact ? head : try session(id: id).map { SessionHead($0) }
        case .delete?: return nil
        case nil: return try stored(id).head()
        }
    }

    func interactions(of head: SessionHead, at positions: [Int]) throws -> [Interaction] {
        guard staged[head.id] == nil else {
            let session = try session(id: head.id)
            return positions.compactMap { position in session?.interactions.indices.contains(position) == true ? session?.interactions[position] : nil }
        }
        return try stored(head.id).interactions(of: head, at: positions)
    }

    func position(of key: InteractionKey, in head: SessionHead) throws -> Int? {
        // The head this transaction gave knows its calls, staged ones included.
        if let absent = head.knownAbsent(key) { return absent }
        guard staged[head.id] == nil else { return try session(id: head.id)?.interactions.lastIndex { key.matches($0) } }
        return try stored(head.id).position(of: key, in: head)
    }

    /// An edit of a split session is staged as such; any other (of a session
    /// kept whole, or one staged whole already) is applied and staged whole,
    /// which splits it when it is written.
    func stage(_ edit: SessionEdit) throws {
        switch staged[edit.id] {
        case .put(let session)?:
            put(edit.applied(to: session))
        case .edit(let earlier, let base)?:
            staged[edit.id] = .edit(earlier.followed(by: edit, count: base.interactionCount), base: base)
        case .delete?:
            throw SessionError.session(edit.id)
        case nil:
            let stored = stored(edit.id)
            switch try stored.readFile() {
            case nil: throw SessionError.session(edit.id)
            case .whole(let bytes)?:
                put(edit.applied(to: try SessionFile.decode(bytes, path: stored.filePath, expectedID: edit.id)))
            case .head(let base)?:
                order.append(edit.id)
                staged[edit.id] = .edit(edit, base: base)
            }
        }
    }

    func summaries() throws -> [Session.ID: SessionSummary] {
        if baseSummaries == nil {
            let catalog = try store.loadCatalog(registry: originalRegistry)
            baseSummaries = Dictionary(uniqueKeysWithValues: catalog.summaries.map { ($0.id, $0) })
        }
        var result = baseSummaries ?? [:]
        for (id, change) in staged {
            switch change {
            case .put(let session): result[id] = SessionSummary(session)
            case .edit: result[id] = try head(id: id)?.summary
            case .delete: result[id] = nil
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
        for case .edit(let edit, _) in staged.values where edit.session.externalConversationID == key {
            candidates.insert(edit.id)
        }
        return try candidates.sorted().filter { id in
            do {
                return try head(id: id)?.session.externalConversationID == key
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
        for case .edit(let edit, _) in staged.values where edit.session.externalConversationID?.hasPrefix(prefix) == true {
            candidates.insert(edit.id)
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
        var needle: [UInt8] = []
        JSONWriter.writeString(text, into: &needle)
        return try stored(id).mentions(needle) ? try stored(id).read() : nil
    }
}
