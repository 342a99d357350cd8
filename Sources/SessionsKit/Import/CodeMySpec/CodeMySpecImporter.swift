/// Imports sessions in CodeMySpec's API shape: `{"data": [...]}`,
/// `{"data": {...}}` or a bare array. Every record is checked against the
/// schema; one that breaks it is skipped with the exact rule it broke and
/// the rest still import. Fields from later versions are kept.
public struct CodeMySpecImporter {
    public let service: SessionService
    /// Status values this schema lacks, mapped onto ones it has
    /// (`cancelled` → `failed`), applied before validation.
    public var statusMap: [String: SessionStatus] = [:]

    public init(service: SessionService) { self.service = service }

    public struct Report: Sendable, Equatable {
        public var records = 0
        public var created = 0
        public var updated = 0
        public var unchanged = 0
        public var interactions = 0
        /// One line per skipped record: where it is and every rule it broke.
        public var skipped: [String] = []
        /// Projects and components created because records named them.
        public var projectsCreated: [Project.ID] = []
        public var componentsCreated: [Component.ID] = []
        /// Records that kept their content but took a new id, as "old → new".
        public var renumbered: [String] = []
        /// Interactions a session here had that the record lacked, kept.
        public var keptLocal = 0

        /// What was adjusted to fit this store, one line per kind.
        public var notes: [String] {
            var notes: [String] = []
            if !projectsCreated.isEmpty {
                notes.append("created \(projectsCreated.count == 1 ? "project" : "projects") "
                    + projectsCreated.sorted().map(\.description).joined(separator: ", ") + ", named after the ids records gave")
            }
            if !componentsCreated.isEmpty {
                notes.append("created \(componentsCreated.count == 1 ? "component" : "components") "
                    + componentsCreated.sorted().map(\.description).joined(separator: ", ") + ", named after the ids records gave")
            }
            if keptLocal > 0 {
                notes.append("kept \(keptLocal) interaction\(keptLocal == 1 ? "" : "s") recorded here that the file does not have")
            }
            if !renumbered.isEmpty {
                notes.append("ids already used by other sessions here, so given new ones: " + renumbered.joined(separator: ", "))
            }
            return notes
        }
    }

    public func run(_ bytes: [UInt8]) throws -> Report {
        let document = try JSONParser.parseInput(bytes, field: "", what: "the file ")
        let (records, prefix) = try Self.records(in: document)
        var report = Report()
        report.records = records.count
        try service.store.write { transaction in
            try service.checkScope(transaction.registry)
            var seenIDs = Set<Session.ID>()
            for (index, record) in records.enumerated() {
                let path = prefix.map { "\($0)[\(index)]" } ?? "[\(index)]"
                try importRecord(record, path: path, transaction: transaction, report: &report, seenIDs: &seenIDs)
            }
        }
        return report
    }

    /// The session records of a document and the path they sit at.
    static func records(in document: JSONValue) throws -> ([JSONValue], String?) {
        switch document {
        case .array(let elements):
            return (elements, nil)
        case .object(let object):
            if let data = object["data"] {
                switch data {
                case .array(let elements): return (elements, "data")
                case .object: return ([data], "data")
                default: throw SessionError.invalid(SchemaError("data", "must be a session or a list of them, not \(data.kindName)"))
                }
            }
            if let errors = object["errors"] {
                throw SessionError.invalid(SchemaError("", "the file is an API error response: \(JSONWriter.string(errors, style: .compact))"))
            }
            if object["id"] != nil && object["type"] != nil { return ([document], nil) }
            throw SessionError.invalid(SchemaError("", "expected {\"data\": [...]}, {\"data\": {...}} or a list of sessions"))
        default:
            throw SessionError.invalid(SchemaError("", "expected {\"data\": [...]} or a list of sessions, not \(document.kindName)"))
        }
    }

    func importRecord(_ value: JSONValue, path: String, transaction: any StoreTransaction, report: inout Report,
                      seenIDs: inout Set<Session.ID>) throws {
        guard case .object(var record) = value else {
            report.skipped.append("\(path): must be a JSON object, not \(value.kindName)")
            return
        }
        let label = record["id"]?.intValue.map { "\(path) (id \($0))" } ?? path
        if let status = record["status"]?.stringValue, let mapped = statusMap[status] {
            record["status"] = .string(mapped.rawValue)
        }
        // The account always comes from the scope, never from the record.
        record["account_id"] = .id(service.scope.accountID)
        var session: Session
        do {
            session = try Session.decode(.object(record))
        } catch {
            var messages = error.errors.map(\.description)
            if let status = record["status"]?.stringValue, SessionStatus(rawValue: status) == nil {
                messages.append("use --map-status \(status)=STATUS to import it as another status")
            }
            report.skipped.append("\(label): " + messages.joined(separator: "; "))
            return
        }
        // The API lists interactions newest first, which export writes too;
        // the store keeps them oldest first. Reversing after decoding keeps
        // error paths pointing at the file's own positions.
        session.interactions.reverse()
        if let duplicate = Self.firstDuplicate(session.interactions.map(\.id)) {
            report.skipped.append("\(label): interactions: the id \(duplicate) appears more than once")
            return
        }
        guard seenIDs.insert(session.id).inserted else {
            report.skipped.append("\(label): id: another record in this file has id \(session.id)")
            return
        }
        if let error = session.nestingError() {
            report.skipped.append("\(label): \(error)")
            return
        }
        guard SessionType.isWellFormed(session.type.name) else {
            report.skipped.append("\(label): type: \(quoted(session.type.name)) is not a module name")
            return
        }
        let account = service.scope.accountID
        // Ids that another account's project or component holds here are
        // not this account's to use, nor its business: the record gets a
        // project of its own under a new id.
        if let projectID = session.projectID {
            session.projectID = adopt(projectID, into: \.projects, counter: \.nextProjectID, account: account,
                                      registry: &transaction.registry, created: &report.projectsCreated) { id, name, registry in
                guard let id else { return registry.addProject(name: name, accountID: account, at: service.clock()) }
                return Project(id: id, accountID: account, name: name, insertedAt: service.clock())
            }
        }
        if let componentID = session.componentID {
            let projectID = session.projectID
            session.componentID = adopt(componentID, into: \.components, counter: \.nextComponentID, account: account,
                                        registry: &transaction.registry, created: &report.componentsCreated) { id, name, registry in
                guard let id else { return registry.addComponent(name: name, accountID: account, projectID: projectID, at: service.clock()) }
                return Component(id: id, accountID: account, projectID: projectID, name: name, insertedAt: service.clock())
            }
        }
        func isSame(_ existing: Session) -> Bool {
            existing.accountID == account && existing.type == session.type && existing.insertedAt == session.insertedAt
        }
        // Another account's sessions are never read here, only known to take
        // their ids: one whose file cannot be read must not fail this import.
        if try transaction.sessionExists(id: session.id) {
            if let existing = try transaction.session(id: session.id, ofAccount: account), isSame(existing) {
                update(existing, with: session, transaction: transaction, report: &report)
                return
            }
            // Imported before under a new id? Then that session is this record.
            let original = session.id
            let earlier = try transaction.summaries().values
                .filter { $0.accountID == account && $0.session.extra[Self.sourceIDKey] == .id(original) }.map(\.id).sorted()
            for id in earlier {
                guard let candidate = try transaction.session(id: id, ofAccount: account), isSame(candidate) else { continue }
                session.id = id
                session.extra[Self.sourceIDKey] = .id(original)
                update(candidate, with: session, transaction: transaction, report: &report)
                return
            }
            session.id = try transaction.newSessionID()
            session.extra[Self.sourceIDKey] = .id(original)
            report.renumbered.append("\(original) → \(session.id)")
        } else {
            transaction.registry.raise(\.nextSessionID, above: [session.id.rawValue])
        }
        transaction.put(session)
        report.created += 1
        report.interactions += session.interactions.count
    }

    /// Where a record that had to take a new id keeps the id it came with, so
    /// importing the same file again finds it instead of adding a copy.
    static let sourceIDKey = "source_id"

    /// The record's version of a session this store already has. Its fields
    /// win, but interactions only the store knows (recorded here since the
    /// export) are kept, in time order, never dropped.
    func update(_ existing: Session, with incoming: Session, transaction: any StoreTransaction, report: inout Report) {
        var merged = incoming
        let known = Set(incoming.interactions.map(\.id))
        let local = existing.interactions.filter { !known.contains($0.id) }
        if !local.isEmpty {
            merged.interactions = Interaction.chronological(merged.interactions + local)
            merged.updatedAt = max(merged.updatedAt, existing.updatedAt)
            report.keptLocal += local.count
        }
        if merged == existing {
            report.unchanged += 1
        } else {
            transaction.put(merged)
            report.updated += 1
        }
    }

    /// The id a record's project or component gets here. Its own id when
    /// this account has it, or when nobody does (then it is created, named
    /// after the id); when another account holds the id, which is neither
    /// used nor revealed, this account's entry of that name, else a new one.
    /// `make` creates an entry: with the record's id, or (given nil) a new one.
    private func adopt<Entry: AccountEntry>(_ id: Identifier<Entry.Entity>, into entries: WritableKeyPath<Registry, [Entry]>,
                                            counter: WritableKeyPath<Registry, Int>, account: Account.ID, registry: inout Registry,
                                            created: inout [Identifier<Entry.Entity>],
                                            make: (Identifier<Entry.Entity>?, String, inout Registry) -> Entry) -> Identifier<Entry.Entity> {
        let holder = registry[keyPath: entries].first { $0.id == id }
        if holder?.accountID == account { return id }
        let name = "\(Entry.noun) \(id)"
        if holder != nil, let mine = registry[keyPath: entries].first(where: { $0.accountID == account && $0.name == name }) {
            return mine.id
        }
        let entry = make(holder == nil ? id : nil, name, &registry)
        if holder == nil {
            registry[keyPath: entries].append(entry)
            registry.raise(counter, above: [id.rawValue])
        }
        created.append(entry.id)
        return entry.id
    }

    static func firstDuplicate(_ ids: [String]) -> String? {
        var seen = Set<String>()
        return ids.first { !seen.insert($0).inserted }
    }
}
