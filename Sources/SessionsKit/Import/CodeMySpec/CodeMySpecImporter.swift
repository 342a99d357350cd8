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
        public var projectsCreated: [Int] = []
        public var componentsCreated: [Int] = []
        /// Records that kept their content but took a new id, as "old → new".
        public var renumbered: [String] = []

        /// What was adjusted to fit this store, one line per kind.
        public var notes: [String] {
            var notes: [String] = []
            if !projectsCreated.isEmpty {
                notes.append("created \(projectsCreated.count == 1 ? "project" : "projects") "
                    + projectsCreated.sorted().map(String.init).joined(separator: ", ") + ", named after their ids")
            }
            if !componentsCreated.isEmpty {
                notes.append("created \(componentsCreated.count == 1 ? "component" : "components") "
                    + componentsCreated.sorted().map(String.init).joined(separator: ", ") + ", named after their ids")
            }
            if !renumbered.isEmpty {
                notes.append("ids already used by other sessions here, so given new ones: " + renumbered.joined(separator: ", "))
            }
            return notes
        }
    }

    public func run(_ bytes: [UInt8]) throws -> Report {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw SessionError.invalid(SchemaError("", "the file is not JSON: \(error)"))
        }
        let (records, prefix) = try Self.records(in: document)
        var report = Report()
        report.records = records.count
        try service.store.write { transaction in
            try service.checkScope(transaction.registry)
            for (index, record) in records.enumerated() {
                let path = prefix.map { "\($0)[\(index)]" } ?? "[\(index)]"
                try importRecord(record, path: path, transaction: transaction, report: &report)
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

    func importRecord(_ value: JSONValue, path: String, transaction: any StoreTransaction, report: inout Report) throws {
        guard case .object(var record) = value else {
            report.skipped.append("\(path): must be a JSON object, not \(value.kindName)")
            return
        }
        let label = record["id"]?.intValue.map { "\(path) (id \($0))" } ?? path
        if let status = record["status"]?.stringValue, let mapped = statusMap[status] {
            record["status"] = .string(mapped.rawValue)
        }
        // The account always comes from the scope, never from the record.
        record["account_id"] = .int(service.scope.accountID)
        if case .array(let interactions)? = record["interactions"], Self.isNewestFirst(interactions) {
            record["interactions"] = .array(interactions.reversed())
        }
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
        guard SessionType.isWellFormed(session.type.name) else {
            report.skipped.append("\(label): type: \(quoted(session.type.name)) is not a module name")
            return
        }
        let account = service.scope.accountID
        if let projectID = session.projectID, transaction.registry.project(projectID)?.accountID != account {
            guard transaction.registry.project(projectID) == nil else {
                report.skipped.append("\(label): project_id: project \(projectID) belongs to another account")
                return
            }
            transaction.registry.projects.append(Project(id: projectID, accountID: account, name: "project \(projectID)",
                                                         insertedAt: service.clock()))
            transaction.registry.raise(\.nextProjectID, above: [projectID])
            report.projectsCreated.append(projectID)
        }
        if let componentID = session.componentID, transaction.registry.component(componentID)?.accountID != account {
            guard transaction.registry.component(componentID) == nil else {
                report.skipped.append("\(label): component_id: component \(componentID) belongs to another account")
                return
            }
            transaction.registry.components.append(Component(
                id: componentID, accountID: account, projectID: session.projectID, name: "component \(componentID)",
                insertedAt: service.clock()))
            transaction.registry.raise(\.nextComponentID, above: [componentID])
            report.componentsCreated.append(componentID)
        }
        if let existing = try transaction.session(id: session.id) {
            let same = existing.accountID == account && existing.type == session.type && existing.insertedAt == session.insertedAt
            if same {
                if existing == session {
                    report.unchanged += 1
                } else {
                    transaction.put(session)
                    report.updated += 1
                }
                return
            }
            let original = session.id
            session.id = try transaction.newSessionID()
            report.renumbered.append("\(original) → \(session.id)")
        } else {
            transaction.registry.raise(\.nextSessionID, above: [session.id])
        }
        transaction.put(session)
        report.created += 1
        report.interactions += session.interactions.count
    }

    /// CodeMySpec lists interactions newest first; a list whose first
    /// command is later than its last is in that order.
    static func isNewestFirst(_ interactions: [JSONValue]) -> Bool {
        func time(_ value: JSONValue?) -> Timestamp? {
            value?.objectValue?["command"]?.objectValue?["timestamp"]?.stringValue.flatMap(Timestamp.init(iso8601:))
                ?? value?.objectValue?["inserted_at"]?.stringValue.flatMap(Timestamp.init(iso8601:))
        }
        guard interactions.count > 1 else { return false }
        guard let first = time(interactions.first), let last = time(interactions.last) else { return true }
        return first >= last
    }
}
