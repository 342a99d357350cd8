/// What was run: a CodeMySpec step module and its command line.
public struct Command: Sendable, Hashable {
    public var id: String?
    /// The step module, e.g. `Elixir.CodeMySpec.ComponentCodingSessions.Steps.RunTests`,
    /// or a tool name for Claude Code sessions. CodeMySpec writes null for
    /// modules that have since been renamed; that is kept, not invented.
    public var module: String?
    public var command: String
    /// Input piped to the command, such as a prompt.
    public var pipe: String?
    public var timestamp: Timestamp?
    /// Members this version does not model, kept in order.
    public var extra: JSONObject

    public init(id: String? = UUIDText.random(), module: String?, command: String, pipe: String? = nil,
                timestamp: Timestamp? = nil, extra: JSONObject = JSONObject()) {
        self.id = id
        self.module = module
        self.command = command
        self.pipe = pipe
        self.timestamp = timestamp
        self.extra = extra
    }

    public var jsonObject: JSONObject {
        var object = JSONObject()
        object.put("id", id)
        object.append("module", module.map { .string($0) } ?? .null)
        object.put("command", command)
        object.put("pipe", pipe)
        object.put("timestamp", timestamp)
        object.appendExtras(extra)
        return object
    }

    static func decode(_ object: JSONObject, path: String) -> (Command?, [FieldError]) {
        var reader = ObjectReader(object, path: path)
        let id = reader.uuid("id")
        // Null is how CodeMySpec writes a module since renamed; an empty name is no module at all.
        let module = reader.string("module")
        if module?.isEmpty == true { reader.fail("module", "must not be empty") }
        let command = reader.string("command", required: true)
        let pipe = reader.string("pipe")
        let timestamp = reader.timestamp("timestamp")
        guard reader.errors.isEmpty, let command else { return (nil, reader.errors) }
        return (Command(id: id, module: module, command: command, pipe: pipe, timestamp: timestamp, extra: reader.extras), [])
    }
}
