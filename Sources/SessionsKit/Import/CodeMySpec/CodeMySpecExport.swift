/// Writes the active account's sessions as CodeMySpec JSON, `{"data":
/// [...]}` with interactions newest first, one session per line so the file
/// is both one JSON document and easy to grep. Each record carries its
/// project and component as embedded objects, as the API does, so their
/// names survive into another store. Importing the output into an empty
/// store and exporting again gives the same bytes, in either shape.
public enum CodeMySpecExport {
    /// Which of CodeMySpec's shapes to write.
    public enum Shape: String, CaseIterable, Sendable {
        /// The store's own: integer ids and `environment`, every record as
        /// `show --json` prints it. Nothing is renamed or left out, so it is
        /// the backup and the default.
        case store
        /// The one CodeMySpec's API renders today: the uuid ids sessions,
        /// projects and components came with (an integer where there is
        /// none), `environment_type`, `display_name` and `execution_mode`,
        /// and `metadata` on each command.
        case api
    }

    /// What an export wrote, and what it could not.
    public struct Outcome: Sendable, Equatable {
        public var written = 0
        /// Sessions left out because their files are damaged, each with what
        /// is wrong: the rest of a backup is worth having, and the caller
        /// says what it lacks.
        public var damaged: [(id: Session.ID, error: StoreError)] = []

        public init() {}

        public static func == (lhs: Outcome, rhs: Outcome) -> Bool {
            lhs.written == rhs.written && lhs.damaged.map(\.id) == rhs.damaged.map(\.id)
        }
    }

    /// Streams the export through `emit`, one session at a time, so memory
    /// stays flat however large the store is.
    @discardableResult
    public static func write(_ service: SessionService, status: SessionStatus?, shape: Shape = .store,
                             to emit: ([UInt8]) throws -> Void) throws -> Outcome {
        var summaries = try service.list(SessionQuery(status: status, sort: .id))
        let registry = try service.registry()
        if shape == .api {
            // By the data alone, oldest first: local ids differ from store to
            // store, and a file written from two stores must read the same.
            summaries = summaries.map { ($0, APIRecord.sortKey($0.session)) }
                .sorted { ($0.1.0, $0.1.1) < ($1.1.0, $1.1.1) }.map(\.0)
        }
        try emit(Array("{\"data\": [".utf8))
        var outcome = Outcome()
        try service.sessions(ids: summaries.map(\.id)) { id, read in
            let session: Session
            do {
                session = try read.get()
            } catch SessionError.notFound {
                return  // deleted since the listing
            } catch let error as StoreError {
                guard case .damagedSession = error else { throw error }
                outcome.damaged.append((id, error))
                return
            }
            var line: [UInt8] = Array((outcome.written == 0 ? "\n" : ",\n").utf8)
            JSONWriter.writeObject(record(session, registry: registry, shape: shape), style: .compact, into: &line)
            try emit(line)
            outcome.written += 1
        }
        try emit(Array((outcome.written == 0 ? "]}\n" : "\n]}\n").utf8))
        return outcome
    }

    /// One session as the shape writes it.
    public static func record(_ session: Session, registry: Registry, shape: Shape = .store) -> JSONObject {
        switch shape {
        case .store: return storeRecord(session, registry: registry)
        case .api: return APIRecord.object(session, registry: registry)
        }
    }

    /// The session as stored, newest interaction first, with `project` and
    /// `component` objects beside their ids.
    static func storeRecord(_ session: Session, registry: Registry) -> JSONObject {
        var exported = session
        exported.interactions.reverse()
        var object = exported.jsonObject
        func embed(_ key: String, after idKey: String, _ entry: JSONObject?) {
            let index = object.members.firstIndex { $0.key == idKey }.map { $0 + 1 } ?? object.members.count
            object.members.insert(JSONObject.Member(key, entry.map(JSONValue.object) ?? .null), at: index)
        }
        embed("project", after: "project_id", session.projectID.flatMap(registry.project).map { entry($0.id, $0.name, $0.extra) })
        embed("component", after: "component_id", session.componentID.flatMap(registry.component).map { entry($0.id, $0.name, $0.extra) })
        return object
    }

    static func entry<Entity>(_ id: Identifier<Entity>, _ name: String, _ extra: JSONObject) -> JSONObject {
        var object = JSONObject()
        object.append("id", .id(id))
        object.append("name", .string(name))
        object.appendExtras(extra)
        return object
    }
}

/// A session in the shape CodeMySpec's API renders today, member for member
/// in its order, with every member the store holds beyond those after them,
/// so that nothing is lost on the way out either.
enum APIRecord {
    static func object(_ session: Session, registry: Registry) -> JSONObject {
        let source = CodeMySpecImporter.sourceIDKey
        var extra = session.extra
        func take(_ key: String) -> JSONValue? {
            defer { extra[key] = nil }
            return extra[key]
        }
        var object = JSONObject()
        let uuid = session.extra[source].flatMap { $0.stringValue.map(JSONValue.string) }
        if uuid != nil { extra[source] = nil }
        object.append("id", uuid ?? .id(session.id))
        object.append("type", .string(session.type.name))
        object.append("display_name", take("display_name") ?? .string(session.type.displayName))
        object.append("agent", session.agent.map { .string($0.rawValue) } ?? .null)
        let environmentType = take(CodeMySpecRecord.environmentTypeKey)
        object.append("environment_type", session.environment.map { .string($0.rawValue) } ?? environmentType ?? .null)
        object.append("execution_mode", take("execution_mode") ?? .null)
        object.append("status", .string(session.status.rawValue))
        object.append("state", session.state.map(JSONValue.object) ?? .null)
        object.append("external_conversation_id", take(Session.externalConversationKey) ?? .null)
        let project = session.projectID.flatMap(registry.project)
        object.append("project_id", project.map { id($0.id, $0.extra) } ?? session.projectID.map { .id($0) } ?? .null)
        object.append("project", project.map { .object(entry($0.id, $0.name, $0.extra, ["module_name", "status"])) } ?? .null)
        object.append("account_id", .id(session.accountID))
        object.append("user_id", take("user_id") ?? .null)
        let component = session.componentID.flatMap(registry.component)
        object.append("component_id", component.map { id($0.id, $0.extra) } ?? session.componentID.map { .id($0) } ?? .null)
        object.append("component", component.map { .object(entry($0.id, $0.name, $0.extra, ["type", "module_name"])) } ?? .null)
        object.append("interactions", .array(session.interactions.reversed().map { .object(interaction($0)) }))
        object.append("inserted_at", .string(session.insertedAt.iso8601))
        object.append("updated_at", .string(session.updatedAt.iso8601))
        object.appendExtras(extra)
        return object
    }

    /// How the API names a registry entry: the uuid it came with, else its id here.
    static func id<Entity>(_ id: Identifier<Entity>, _ extra: JSONObject) -> JSONValue {
        extra[CodeMySpecImporter.sourceIDKey].flatMap { $0.stringValue.map(JSONValue.string) } ?? .id(id)
    }

    static func entry<Entity>(_ id: Identifier<Entity>, _ name: String, _ extra: JSONObject, _ members: [String]) -> JSONObject {
        var rest = extra
        var object = JSONObject()
        object.append("id", self.id(id, extra))
        if rest[CodeMySpecImporter.sourceIDKey]?.stringValue != nil { rest[CodeMySpecImporter.sourceIDKey] = nil }
        object.append("name", .string(name))
        for key in members {
            object.append(key, rest[key] ?? .null)
            rest[key] = nil
        }
        object.appendExtras(rest)
        return object
    }

    static func interaction(_ interaction: Interaction) -> JSONObject {
        var object = JSONObject()
        object.append("id", .string(interaction.id))
        var command = JSONObject()
        var commandExtra = interaction.command.extra
        command.append("module", interaction.command.module.map(JSONValue.string) ?? .null)
        command.append("command", .string(interaction.command.command))
        command.append("pipe", interaction.command.pipe.map(JSONValue.string) ?? .null)
        command.append("metadata", commandExtra["metadata"] ?? .object(JSONObject()))
        commandExtra["metadata"] = nil
        command.append("timestamp", interaction.command.timestamp.map { .string($0.iso8601) } ?? .null)
        if let id = interaction.command.id { command.append("id", .string(id)) }
        command.appendExtras(commandExtra)
        object.append("command", .object(command))
        object.append("result", interaction.result.map { .object($0.jsonObject) } ?? .null)
        object.append("completed_at", interaction.completedAt.map { .string($0.iso8601) } ?? .null)
        // Members the API no longer renders, kept when the store has them.
        if let step = interaction.stepName { object.append("step_name", .string(step)) }
        if let inserted = interaction.insertedAt { object.append("inserted_at", .string(inserted.iso8601)) }
        if let updated = interaction.updatedAt { object.append("updated_at", .string(updated.iso8601)) }
        object.appendExtras(interaction.extra)
        return object
    }

    /// Orders a file by what the sessions are, not by their ids here.
    static func sortKey(_ session: Session) -> (Int64, String) {
        let id = session.extra[CodeMySpecImporter.sourceIDKey]?.stringValue ?? String(session.id.rawValue)
        return (session.insertedAt.microseconds, id)
    }
}
