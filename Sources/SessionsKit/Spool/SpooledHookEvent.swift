/// A hook event as it is recorded, now or later from the spool: the payload
/// exactly as Claude Code sent it, the time it came, and the scope it was
/// sent in (flags, environment, the config's choice for the store). The
/// scope is resolved when the event is recorded, but from what was asked
/// when it was sent, so an `account use` in between does not move it.
public struct SpooledHookEvent: Sendable {
    public var payload: [UInt8]
    public var scope: ScopeResolver
    public var receivedAt: Timestamp

    public init(payload: [UInt8], scope: ScopeResolver, receivedAt: Timestamp) {
        self.payload = payload
        self.scope = scope
        self.receivedAt = receivedAt
    }

    static let kind = "claude-code hook"

    /// A header line of JSON, then the payload's own bytes.
    public func encoded() -> [UInt8] {
        var header = JSONObject()
        header.append("format", .int(1))
        header.append("kind", .string(Self.kind))
        header.append("received_at", .string(receivedAt.iso8601))
        header.append("scope", .object(scope.request))
        return JSONWriter.bytes(.object(header), style: .compact) + [UInt8(ascii: "\n")] + payload
    }

    public init(decoding bytes: [UInt8], path: String) throws(StoreError) {
        let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
        let header: JSONValue
        do {
            header = try JSONParser.parse(Array(bytes[..<newline]))
        } catch {
            throw StoreError.corrupt(path, error)
        }
        guard case .object(let object) = header, object["kind"]?.stringValue == Self.kind,
              let time = object["received_at"]?.stringValue.flatMap(Timestamp.init(iso8601:)),
              let scope = object["scope"]?.objectValue.flatMap(ScopeResolver.init(request:))
        else {
            throw StoreError.corrupt(path: path, detail: "not a spooled hook event", hint: StoreError.doctorHint)
        }
        try StoreFormat.checkVersion(object, path: path)
        self.init(payload: newline < bytes.endIndex ? Array(bytes[(newline + 1)...]) : [], scope: scope, receivedAt: time)
    }
}

extension ScopeResolver {
    /// What this resolver was asked, without the rest of the environment
    /// and config, which a spooled event has no business keeping.
    var request: JSONObject {
        var object = JSONObject()
        object["account"] = accountFlag.map { .string($0.text) }
        object["project"] = projectFlag.map { .string($0.text) }
        var variables = JSONObject()
        for name in ["SESSIONS_ACCOUNT", "SESSIONS_PROJECT"] {
            if let value = environment[name] { variables.append(name, .string(value)) }
        }
        object.append("environment", .object(variables))
        let remembered = config.scope(forStore: storeRoot)
        object["config_account"] = remembered.accountID.map { .id($0) }
        object["config_project"] = remembered.projectID.map { .id($0) }
        object.append("config", .string(config.path))
        object.append("store", .string(storeRoot))
        return object
    }

    init?(request object: JSONObject) {
        guard let configPath = object["config"]?.stringValue, let store = object["store"]?.stringValue else { return nil }
        var variables: [String: String] = [:]
        for member in object["environment"]?.objectValue?.members ?? [] {
            if let value = member.value.stringValue { variables[member.key] = value }
        }
        var config = Config(path: configPath)
        config.setScope(Config.ScopeEntry(accountID: object["config_account"]?.intValue.map { Account.ID($0) },
                                          projectID: object["config_project"]?.intValue.map { Project.ID($0) }),
                        forStore: store)
        self.init(accountFlag: object["account"]?.stringValue.map(EntryReference.init),
                  projectFlag: object["project"]?.stringValue.map(EntryReference.init),
                  environment: SessionsEnvironment(variables: variables), config: config, storeRoot: store)
    }
}
