/// One tracked piece of work, in the shape of CodeMySpec's `Sessions.Session`.
public struct Session: Sendable, Hashable {
    public var id: ID
    public var type: SessionType
    public var agent: Agent?
    public var environment: SessionEnvironment?
    public var status: SessionStatus
    /// The workflow's own state, kept exactly as given.
    public var state: JSONObject?
    public var accountID: Account.ID
    public var projectID: Project.ID?
    public var componentID: Component.ID?
    public var interactions: [Interaction]
    public var insertedAt: Timestamp
    public var updatedAt: Timestamp
    /// Members this version does not model (e.g. `execution_mode`), kept in order.
    public var extra: JSONObject

    public init(id: ID, type: SessionType, agent: Agent? = nil, environment: SessionEnvironment? = nil,
                status: SessionStatus = .active, state: JSONObject? = nil, accountID: Account.ID, projectID: Project.ID? = nil,
                componentID: Component.ID? = nil, interactions: [Interaction] = [], insertedAt: Timestamp, updatedAt: Timestamp,
                extra: JSONObject = JSONObject()) {
        self.id = id
        self.type = type
        self.agent = agent
        self.environment = environment
        self.status = status
        self.state = state
        self.accountID = accountID
        self.projectID = projectID
        self.componentID = componentID
        self.interactions = interactions
        self.insertedAt = insertedAt
        self.updatedAt = updatedAt
        self.extra = extra
    }

    public func interaction(id: String) -> Interaction? { interactions.first { $0.id == id } }

    /// The member CodeMySpec uses for the agent's own id of the conversation
    /// (a Claude Code session id). Importers and hooks find sessions by it.
    public static let externalConversationKey = "external_conversation_id"

    public var externalConversationID: String? {
        get { extra[Session.externalConversationKey]?.stringValue }
        set { extra[Session.externalConversationKey] = newValue.map(JSONValue.string) }
    }

    /// The member holding when a person last changed the session's status
    /// (`set-status`, the browser): from then on the status is theirs.
    public static let statusSetKey = "status_set_at"

    public var statusSetAt: Timestamp? {
        get { extra[Session.statusSetKey]?.stringValue.flatMap(Timestamp.init(iso8601:)) }
        set { extra[Session.statusSetKey] = newValue.map { .string($0.iso8601) } }
    }

    /// Takes the status an import or a hook derives from the conversation,
    /// which it has seen up to `lastRecord` (nil: it brings no record of its
    /// own). A status a person set stands until the conversation itself
    /// continues past that change: only then does the derived status win,
    /// and the status is the conversation's again.
    public mutating func propose(_ derived: SessionStatus, recordsThrough lastRecord: Timestamp?) {
        if let set = statusSetAt {
            guard let lastRecord, lastRecord > set else { return }
            statusSetAt = nil
        }
        status = derived
    }

    /// The full record, as stored and as `show --json` prints it.
    public var jsonObject: JSONObject { jsonObject(includeInteractions: true) }

    func jsonObject(includeInteractions: Bool) -> JSONObject {
        var object = JSONObject()
        object.append("id", .id(id))
        object.append("type", .string(type.name))
        object.put("agent", agent?.rawValue)
        object.put("environment", environment?.rawValue)
        object.append("status", .string(status.rawValue))
        object.put("state", state)
        object.append("account_id", .id(accountID))
        object.put("project_id", projectID)
        object.put("component_id", componentID)
        if includeInteractions {
            object.append("interactions", .array(interactions.map { .object($0.jsonObject) }))
        }
        object.put("inserted_at", insertedAt)
        object.put("updated_at", updatedAt)
        object.appendExtras(extra)
        return object
    }

    /// Decodes a stored session, reporting every schema violation at once.
    /// `skipping` names members that belong to an enclosing record (the
    /// summary fields of an index entry) rather than to the session.
    public static func decode(_ value: JSONValue, path: String = "", skipping: [String] = []) throws(SchemaError) -> Session {
        guard case .object(let object) = value else {
            throw SchemaError(path, "must be a JSON object, not \(value.kindName)")
        }
        var reader = ObjectReader(object, path: path)
        for key in skipping { reader.consume(key) }
        let id: ID? = reader.id("id", required: true)
        let typeName = reader.string("type", required: true)
        let agent = reader.enumeration("agent", Agent.self)
        let environment = reader.enumeration("environment", SessionEnvironment.self)
        let status = reader.enumeration("status", SessionStatus.self) ?? .active
        let state = reader.object("state")
        let accountID: Account.ID? = reader.id("account_id", required: true)
        let projectID: Project.ID? = reader.id("project_id")
        let componentID: Component.ID? = reader.id("component_id")
        var interactions: [Interaction] = []
        if let elements = reader.array("interactions") {
            interactions.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                let elementPath = reader.fieldPath("interactions[\(index)]")
                guard case .object(let elementObject) = element else {
                    reader.absorb([FieldError(elementPath, "must be a JSON object, not \(element.kindName)")])
                    continue
                }
                let (interaction, errors) = Interaction.decode(elementObject, path: elementPath)
                if let interaction { interactions.append(interaction) }
                reader.absorb(errors)
            }
        }
        let insertedAt = reader.timestamp("inserted_at", required: true)
        let updatedAt = reader.timestamp("updated_at", required: true)
        guard reader.errors.isEmpty, let id, let typeName, let accountID, let insertedAt, let updatedAt else {
            throw SchemaError(reader.errors)
        }
        return Session(id: id, type: SessionType(normalizing: typeName), agent: agent, environment: environment,
                       status: status, state: state, accountID: accountID, projectID: projectID,
                       componentID: componentID, interactions: interactions, insertedAt: insertedAt,
                       updatedAt: updatedAt, extra: reader.extras)
    }
}

extension Session {
    /// How deep the JSON a session carries (its state, result data, and
    /// members this version does not model) may nest. The store writes such
    /// values up to seven levels below the top of a file (an export puts
    /// result data at `data[].interactions[].result.data`), and the parser
    /// refuses anything past 512 levels; without a limit of its own, a value a
    /// little under the parser's limit is accepted, written, and then makes
    /// its session file, or for `state` the whole journal, unreadable. Half
    /// the parser's limit leaves room for every placement.
    public static let maximumNesting = 256

    /// The first field whose JSON nests deeper than `maximumNesting`, as a
    /// field error, or nil.
    public func nestingError() -> FieldError? {
        func check(_ field: String, _ object: JSONObject?) -> FieldError? {
            guard let object, JSONValue.object(object).nests(deeperThan: Session.maximumNesting) else { return nil }
            return FieldError(field, "nests deeper than \(Session.maximumNesting) levels")
        }
        // Unknown members sit in their parent object, one level in, as a
        // member of `state` does.
        func checkMembers(_ path: String, _ extra: JSONObject) -> FieldError? {
            for member in extra.members where member.value.nests(deeperThan: Session.maximumNesting - 1) {
                return FieldError(path + member.key, "nests deeper than \(Session.maximumNesting) levels")
            }
            return nil
        }
        if let error = check("state", state) ?? checkMembers("", extra) { return error }
        for (index, interaction) in interactions.enumerated() {
            let path = "interactions[\(index)]."
            if let error = checkMembers(path, interaction.extra) ?? checkMembers(path + "command.", interaction.command.extra) {
                return error
            }
            if let result = interaction.result,
               let error = check(path + "result.data", result.data) ?? checkMembers(path + "result.", result.extra) {
                return error
            }
        }
        return nil
    }
}

extension Session {
    /// The first time the store cannot write as it is (outside the years
    /// 0000–9999 in UTC), as a field error, or nil. Input is refused when it
    /// is read; this stops a time that arithmetic carried past the range.
    public func timeError() -> FieldError? {
        func check(_ field: String, _ time: Timestamp?) -> FieldError? {
            guard let time, !time.isWritable else { return nil }
            return FieldError(field, "\(time.iso8601) is outside the years 0000 to 9999 the store can hold")
        }
        if let error = check("inserted_at", insertedAt) ?? check("updated_at", updatedAt) { return error }
        for (index, interaction) in interactions.enumerated() {
            let path = "interactions[\(index)]."
            if let error = check(path + "command.timestamp", interaction.command.timestamp)
                ?? check(path + "result.timestamp", interaction.result?.timestamp)
                ?? check(path + "completed_at", interaction.completedAt) ?? check(path + "inserted_at", interaction.insertedAt)
                ?? check(path + "updated_at", interaction.updatedAt) {
                return error
            }
        }
        return nil
    }
}
