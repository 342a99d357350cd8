/// One step of a session: a command and, once it has finished, its result.
public struct Interaction: Sendable, Hashable {
    public var id: String
    public var stepName: String?
    public var command: Command
    public var result: CommandResult?
    public var completedAt: Timestamp?
    public var insertedAt: Timestamp?
    public var updatedAt: Timestamp?
    public var extra: JSONObject

    public init(id: String = UUIDText.random(), stepName: String? = nil, command: Command, result: CommandResult? = nil,
                completedAt: Timestamp? = nil, insertedAt: Timestamp? = nil, updatedAt: Timestamp? = nil,
                extra: JSONObject = JSONObject()) {
        self.id = id
        self.stepName = stepName
        self.command = command
        self.result = result
        self.completedAt = completedAt
        self.insertedAt = insertedAt
        self.updatedAt = updatedAt
        self.extra = extra
    }

    public var isPending: Bool { result == nil }

    /// `interactions` by start time; interactions that started together (or
    /// have no time) keep the order they were given in. Merging two histories
    /// of one session (a transcript and live hooks, a file and this store) must
    /// never reorder steps that were already in order.
    public static func chronological(_ interactions: [Interaction]) -> [Interaction] {
        interactions.enumerated().sorted { lhs, rhs in
            let left = lhs.element.startedAt?.microseconds ?? .max, right = rhs.element.startedAt?.microseconds ?? .max
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// When this interaction last did something: its result, else its command.
    public var latestActivity: Timestamp? {
        completedAt ?? result?.timestamp ?? command.timestamp ?? insertedAt
    }

    /// Start time for the timeline.
    public var startedAt: Timestamp? { command.timestamp ?? insertedAt }

    public var jsonObject: JSONObject {
        var object = JSONObject()
        object.append("id", .string(id))
        object.put("step_name", stepName)
        object.append("command", .object(command.jsonObject))
        object.append("result", result.map { .object($0.jsonObject) } ?? .null)
        object.put("completed_at", completedAt)
        object.put("inserted_at", insertedAt)
        object.put("updated_at", updatedAt)
        object.appendExtras(extra)
        return object
    }

    static func decode(_ object: JSONObject, path: String) -> (Interaction?, [FieldError]) {
        var reader = ObjectReader(object, path: path)
        let id = reader.uuid("id", required: true)
        let stepName = reader.string("step_name")
        var command: Command?
        if let commandObject = reader.object("command") {
            let (decoded, errors) = Command.decode(commandObject, path: reader.fieldPath("command"))
            command = decoded
            reader.absorb(errors)
        } else if reader.errors.allSatisfy({ $0.field != reader.fieldPath("command") }) {
            reader.fail("command", "is required")
        }
        var result: CommandResult?
        if let resultObject = reader.object("result") {
            let (decoded, errors) = CommandResult.decode(resultObject, path: reader.fieldPath("result"))
            result = decoded
            reader.absorb(errors)
        }
        let completedAt = reader.timestamp("completed_at")
        let insertedAt = reader.timestamp("inserted_at")
        let updatedAt = reader.timestamp("updated_at")
        guard reader.errors.isEmpty, let id, let command else { return (nil, reader.errors) }
        return (
            Interaction(id: id, stepName: stepName, command: command, result: result, completedAt: completedAt,
                        insertedAt: insertedAt, updatedAt: updatedAt, extra: reader.extras),
            []
        )
    }
}
