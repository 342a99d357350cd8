/// How a command ended. Absent (nil on the interaction) while it is pending.
public struct CommandResult: Sendable, Hashable {
    public var id: String?
    public var status: ResultStatus
    public var data: JSONObject?
    /// The process exit code, where there was a process.
    public var code: Int?
    public var errorMessage: String?
    public var stdout: CapturedOutput?
    public var stderr: CapturedOutput?
    public var durationMS: Int?
    public var timestamp: Timestamp?
    public var extra: JSONObject

    public init(id: String? = UUIDText.random(), status: ResultStatus, data: JSONObject? = JSONObject(), code: Int? = nil,
                errorMessage: String? = nil, stdout: CapturedOutput? = nil, stderr: CapturedOutput? = nil,
                durationMS: Int? = nil, timestamp: Timestamp? = nil, extra: JSONObject = JSONObject()) {
        self.id = id
        self.status = status
        self.data = data
        self.code = code
        self.errorMessage = errorMessage
        self.stdout = stdout
        self.stderr = stderr
        self.durationMS = durationMS
        self.timestamp = timestamp
        self.extra = extra
    }

    public var jsonObject: JSONObject {
        var object = JSONObject()
        object.put("id", id)
        object.append("status", .string(status.rawValue))
        object.put("data", data)
        object.put("code", code)
        object.put("error_message", errorMessage)
        object.append("stdout", stdout?.jsonValue() ?? .null)
        object.append("stderr", stderr?.jsonValue() ?? .null)
        object.put("duration_ms", durationMS)
        object.put("timestamp", timestamp)
        if case .bytes = stdout { object.append("stdout_encoding", .string(CapturedOutput.base64Marker)) }
        if case .bytes = stderr { object.append("stderr_encoding", .string(CapturedOutput.base64Marker)) }
        object.appendExtras(extra)
        return object
    }

    static func decode(_ object: JSONObject, path: String) -> (CommandResult?, [FieldError]) {
        var reader = ObjectReader(object, path: path)
        let id = reader.uuid("id")
        let status = reader.enumeration("status", ResultStatus.self, required: true)
        let data = reader.object("data")
        let code = reader.int("code")
        let errorMessage = reader.string("error_message")
        let stdout = decodeOutput(&reader, "stdout")
        let stderr = decodeOutput(&reader, "stderr")
        let duration = reader.int("duration_ms", minimum: 0)
        let timestamp = reader.timestamp("timestamp")
        guard reader.errors.isEmpty, let status else { return (nil, reader.errors) }
        return (
            CommandResult(id: id, status: status, data: data, code: code, errorMessage: errorMessage, stdout: stdout,
                          stderr: stderr, durationMS: duration, timestamp: timestamp, extra: reader.extras),
            []
        )
    }

    private static func decodeOutput(_ reader: inout ObjectReader, _ key: String) -> CapturedOutput? {
        let text = reader.string(key)
        let encoding = reader.string("\(key)_encoding")
        guard let text else {
            if encoding != nil { reader.fail("\(key)_encoding", "is set but \(key) is null") }
            return nil
        }
        switch encoding {
        case nil:
            return .text(text)
        case CapturedOutput.base64Marker?:
            guard let bytes = Base64.decode(text) else {
                reader.fail(key, "is marked base64 but is not valid base64")
                return nil
            }
            return .bytes(bytes)
        case let other?:
            reader.fail("\(key)_encoding", "\(quoted(other)) is not a known encoding (only \"base64\")")
            return nil
        }
    }
}
