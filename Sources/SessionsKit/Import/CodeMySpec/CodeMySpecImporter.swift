/// Imports sessions in CodeMySpec's JSON: `{"data": [...]}`, `{"data":
/// {...}}` or a bare array, in the shape the store keeps and `export`
/// writes, or in the shape CodeMySpec's API renders today (uuid ids,
/// `environment_type`, embedded project and component). Every record is
/// checked against the schema; one that breaks it is skipped with the exact
/// rule it broke and the rest still import. Fields the schema does not model
/// are kept, to be written back.
public struct CodeMySpecImporter {
    public let service: SessionService
    /// Status values this schema lacks, mapped onto ones it has
    /// (`cancelled` → `failed`), applied before validation.
    public var statusMap: [String: SessionStatus] = [:]
    /// Environment values this schema lacks (`cli`), mapped onto ones it
    /// has. Without a mapping, an `environment_type` the schema lacks is kept
    /// as it came, and written back as it came.
    public var environmentMap: [String: SessionEnvironment] = [:]

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
        /// The created entries as "project 4 storefront", in order.
        public var createdEntries: [String] = []
        /// Created entries the record gave no name for, named after their id.
        public var namedAfterIDs: [String] = []
        /// Records that kept their content but took a new id, as "old → new".
        public var renumbered: [String] = []
        /// Interactions a session here had that the record lacked, kept.
        public var keptLocal = 0
        /// `environment_type` values the schema lacks, kept as they came, with
        /// how many sessions have each.
        public var environmentsKept: [String: Int] = [:]

        /// What was adjusted to fit this store, one line per kind.
        public var notes: [String] {
            var notes: [String] = []
            if !createdEntries.isEmpty {
                notes.append("created " + createdEntries.joined(separator: ", "))
            }
            if !namedAfterIDs.isEmpty {
                notes.append("named after the ids records gave, as they gave no names: " + namedAfterIDs.joined(separator: ", "))
            }
            for (value, count) in environmentsKept.sorted(by: { $0.key < $1.key }) {
                notes.append("kept environment_type \(quoted(value)) as it came on \(count) session\(count == 1 ? "" : "s") "
                    + "(the schema's environment is one of \(SessionEnvironment.allowedValues)); "
                    + "--map-environment \(value)=ENVIRONMENT imports it as another environment")
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
            // Records with a uuid take new ids; ids above every integer id in
            // the file keep them from taking one a later record comes with.
            if records.contains(where: { $0.objectValue?["id"]?.stringValue != nil }) {
                let integerIDs = records.compactMap { $0.objectValue?["id"]?.intValue }.filter { $0 > 0 }
                transaction.registry.raise(\.nextSessionID, above: integerIDs)
            }
            var context = RunContext(transaction: transaction, account: service.scope.accountID)
            for (index, record) in records.enumerated() {
                let path = prefix.map { "\($0)[\(index)]" } ?? "[\(index)]"
                try importRecord(record, path: path, context: &context, report: &report)
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

    /// What one import knows across its records.
    struct RunContext {
        let transaction: any StoreTransaction
        let account: Account.ID
        /// The ids records came with, so a second record with the same one is refused.
        var seen = Set<JSONValue>()
        /// This account's sessions by the id they were imported with, built on first use.
        private var sources: [JSONValue: [Session.ID]]?

        init(transaction: any StoreTransaction, account: Account.ID) {
            self.transaction = transaction
            self.account = account
        }

        /// This account's sessions imported before with `source` as their id, ascending.
        mutating func sessions(importedAs source: JSONValue) throws -> [Session.ID] {
            if sources == nil {
                var index: [JSONValue: [Session.ID]] = [:]
                for summary in try transaction.summaries().values where summary.accountID == account {
                    if let key = summary.session.extra[CodeMySpecImporter.sourceIDKey] { index[key, default: []].append(summary.id) }
                }
                sources = index.mapValues { $0.sorted() }
            }
            return sources?[source] ?? []
        }

        mutating func remember(_ id: Session.ID, importedAs source: JSONValue) {
            if sources != nil { sources?[source, default: []].append(id) }
        }
    }

    func importRecord(_ value: JSONValue, path: String, context: inout RunContext, report: inout Report) throws {
        guard case .object(let raw) = value else {
            report.skipped.append("\(path): must be a JSON object, not \(value.kindName)")
            return
        }
        let label = CodeMySpecRecord.label(path, raw)
        let account = context.account
        let incoming = CodeMySpecRecord(raw, account: account, statusMap: statusMap, environmentMap: environmentMap)
        var session: Session
        do {
            session = try Session.decode(.object(incoming.object))
        } catch {
            var messages = error.errors.map(\.description)
            if let status = incoming.object["status"]?.stringValue, SessionStatus(rawValue: status) == nil {
                messages.append("use --map-status \(status)=STATUS to import it as another status")
            }
            if let environment = incoming.object["environment"]?.stringValue, SessionEnvironment(rawValue: environment) == nil {
                messages.append("use --map-environment \(environment)=ENVIRONMENT to import it as another environment")
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
        let source = incoming.sourceID ?? .id(session.id)
        guard context.seen.insert(source).inserted else {
            report.skipped.append("\(label): id: another record in this file has id \(Self.text(source))")
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
        let transaction = context.transaction
        if let project = incoming.project {
            session.projectID = resolve(project, decoded: session.projectID, in: \.projects, transaction: transaction,
                                        counter: \.nextProjectID,
                                        account: account, sameScope: { _ in true }, registry: &transaction.registry,
                                        report: &report, created: { report, id in report.projectsCreated.append(id) }) { id, name, registry in
                id.map { Project(id: $0, accountID: account, name: name, insertedAt: service.clock()) }
                    ?? registry.addProject(name: name, accountID: account, at: service.clock())
            }
        }
        if let component = incoming.component {
            let projectID = session.projectID
            session.componentID = resolve(component, decoded: session.componentID, in: \.components,
                                          transaction: transaction, counter: \.nextComponentID,
                                          account: account, sameScope: { $0.projectID == projectID }, registry: &transaction.registry,
                                          report: &report, created: { report, id in report.componentsCreated.append(id) }) { id, name, registry in
                id.map { Component(id: $0, accountID: account, projectID: projectID, name: name, insertedAt: service.clock()) }
                    ?? registry.addComponent(name: name, accountID: account, projectID: projectID, at: service.clock())
            }
        }
        if let kept = incoming.keptEnvironment { report.environmentsKept[kept, default: 0] += 1 }

        if case .string = source {
            // A uuid names one session where it came from: importing it again finds it.
            session.extra[Self.sourceIDKey] = source
            for id in try context.sessions(importedAs: source) {
                guard let existing = try transaction.session(id: id, ofAccount: account) else { continue }
                session.id = id
                update(existing, with: session, transaction: transaction, report: &report)
                return
            }
            session.id = try transaction.newSessionID()
            context.remember(session.id, importedAs: source)
            put(session, transaction: transaction, report: &report)
            return
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
            for id in try context.sessions(importedAs: .id(original)) {
                guard let candidate = try transaction.session(id: id, ofAccount: account), isSame(candidate) else { continue }
                session.id = id
                session.extra[Self.sourceIDKey] = .id(original)
                update(candidate, with: session, transaction: transaction, report: &report)
                return
            }
            session.id = try transaction.newSessionID()
            session.extra[Self.sourceIDKey] = .id(original)
            context.remember(session.id, importedAs: .id(original))
            report.renumbered.append("\(original) → \(session.id)")
        } else {
            transaction.registry.raise(\.nextSessionID, above: [session.id.rawValue])
        }
        put(session, transaction: transaction, report: &report)
    }

    private func put(_ session: Session, transaction: any StoreTransaction, report: inout Report) {
        transaction.put(session)
        report.created += 1
        report.interactions += session.interactions.count
    }

    /// Where a record that had to take a new id keeps the id it came with (a
    /// uuid, or an integer another session here has), so importing the same
    /// file again finds it instead of adding a copy, and `export --shape api`
    /// writes it back. Registry entries keep a uuid the same way.
    public static let sourceIDKey = "source_id"

    /// The record's version of a session this store already has. Its fields
    /// win, but interactions only the store knows (recorded here since the
    /// export) are kept, in time order, never dropped.
    func update(_ existing: Session, with incoming: Session, transaction: any StoreTransaction, report: inout Report) {
        var merged = incoming
        // A status a person set here stands unless the record holds newer interactions (`Session.propose`).
        merged.status = existing.status
        merged.statusSetAt = existing.statusSetAt
        merged.propose(incoming.status, recordsThrough: incoming.interactions.compactMap(\.latestActivity).max())
        // The change the status stands for is the store's, and later than the record.
        if merged.statusSetAt != nil { merged.updatedAt = max(merged.updatedAt, existing.updatedAt) }
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

    /// The id a record's project or component gets here.
    ///
    /// - A name (from the embedded object) finds this account's entry of that
    ///   name in the same scope, which takes any details it lacks
    ///   (`module_name`, the uuid); failing that, a new entry of that name is
    ///   made, under the record's integer id when nothing here has it.
    /// - A uuid alone finds the entry imported with it before, else makes one
    ///   named after it.
    /// - An integer alone is this account's entry of that id, or one made
    ///   with it when nobody has it. When another account holds the id, it is
    ///   neither used nor revealed: this account's stand-in of that name, or a
    ///   new one.
    ///
    /// `make` creates an entry: with the id given, or (given nil) a new one
    /// that it also appends to the registry.
    private func resolve<Entry: AccountEntry>(_ mention: CodeMySpecRecord.EntryMention, decoded: Identifier<Entry.Entity>?,
                                              in entries: WritableKeyPath<Registry, [Entry]>,
                                              transaction: any StoreTransaction, counter: WritableKeyPath<Registry, Int>,
                                              account: Account.ID, sameScope: (Entry) -> Bool, registry: inout Registry,
                                              report: inout Report, created: (inout Report, Identifier<Entry.Entity>) -> Void,
                                              make: (Identifier<Entry.Entity>?, String, inout Registry) -> Entry) -> Identifier<Entry.Entity>? {
        let uuid = mention.id?.stringValue
        func mine(_ entry: Entry) -> Bool { entry.accountID == account && sameScope(entry) }
        func find(_ matches: (Entry) -> Bool) -> Int? { registry[keyPath: entries].firstIndex { mine($0) && matches($0) } }
        func create(_ name: String, id: Identifier<Entry.Entity>?, details: JSONObject, namedAfterID: Bool) -> Identifier<Entry.Entity> {
            // Unsure is taken: a new id is always safe.
            let free = id.map { id in
                !registry[keyPath: entries].contains { $0.id == id }
                    && !((try? transaction.isEntryIDTakenElsewhere(Entry.table, id.rawValue)) ?? true)
            } ?? false
            var entry = make(free ? id : nil, name, &registry)
            for member in details.members where entry.extra[member.key] == nil { entry.extra[member.key] = member.value }
            if let uuid { entry.extra[Self.sourceIDKey] = .string(uuid) }
            if let index = registry[keyPath: entries].firstIndex(where: { $0.id == entry.id }) {
                registry[keyPath: entries][index] = entry
            } else {
                registry[keyPath: entries].append(entry)
                registry.raise(counter, above: [entry.id.rawValue])
            }
            created(&report, entry.id)
            let description = "\(Entry.noun) \(entry.id) \(name)"
            report.createdEntries.append(description)
            if namedAfterID { report.namedAfterIDs.append("\(Entry.noun) \(entry.id)") }
            return entry.id
        }
        if let name = mention.name {
            if let index = find({ $0.name.lowercased() == name.lowercased() }) {
                var entry = registry[keyPath: entries][index]
                for member in mention.details.members where entry.extra[member.key] == nil { entry.extra[member.key] = member.value }
                if let uuid, entry.extra[Self.sourceIDKey] == nil { entry.extra[Self.sourceIDKey] = .string(uuid) }
                registry[keyPath: entries][index] = entry
                return entry.id
            }
            return create(name, id: decoded, details: mention.details, namedAfterID: false)
        }
        if let uuid {
            if let index = find({ $0.extra[Self.sourceIDKey] == .string(uuid) }) { return registry[keyPath: entries][index].id }
            let short = "\(Entry.noun) \(uuid.prefix(8))"
            let taken = registry[keyPath: entries].contains { $0.accountID == account && $0.name.lowercased() == short.lowercased() }
            return create(taken ? "\(Entry.noun) \(uuid)" : short, id: nil, details: mention.details, namedAfterID: true)
        }
        guard let id = decoded else { return nil }
        let holder = registry[keyPath: entries].first { $0.id == id }
        if holder?.accountID == account { return id }
        let name = "\(Entry.noun) \(id)"
        if holder != nil, let index = find({ $0.name == name }) { return registry[keyPath: entries][index].id }
        return create(name, id: holder == nil ? id : nil, details: mention.details, namedAfterID: true)
    }

    static func firstDuplicate(_ ids: [String]) -> String? {
        var seen = Set<String>()
        return ids.first { !seen.insert($0).inserted }
    }

    /// An id as a message quotes it: a number bare, a uuid as it is.
    static func text(_ id: JSONValue) -> String {
        switch id {
        case .number(let literal): return literal
        case .string(let text): return text
        default: return JSONWriter.string(id, style: .compact)
        }
    }
}
