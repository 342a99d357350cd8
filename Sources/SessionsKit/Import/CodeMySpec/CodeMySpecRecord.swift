/// One session record as a CodeMySpec file gives it, brought to the store's
/// shape before it is decoded. Two shapes arrive: the one the store keeps
/// (integer ids, `environment`), which older versions of the API wrote and
/// `export` writes, and the one the API renders today (uuid ids,
/// `environment_type`, the project and component embedded as objects, a
/// `metadata` object on each command). What the store does not model is
/// kept as it came, so it can be written back.
struct CodeMySpecRecord {
    /// The record with its ids, environment and embedded entries taken out
    /// or made integers: ready for `Session.decode`.
    var object: JSONObject
    /// The id the record came with, as it came: an integer, or a uuid.
    var sourceID: JSONValue?
    /// What names the record's project and component: an id, an embedded
    /// object, or both.
    var project: EntryMention?
    var component: EntryMention?
    /// An `environment_type` the schema's `environment` does not allow
    /// (`cli`), left in the record to be kept as it came.
    var keptEnvironment: String?

    /// A project or component as a record mentions it.
    struct EntryMention {
        /// `project_id` or `component_id`: an integer or a uuid.
        var id: JSONValue?
        /// The embedded `project` or `component` object.
        var embedded: JSONObject?

        /// The name the embedded object gives, if it gives one.
        var name: String? {
            guard let name = embedded?["name"]?.stringValue, !name.isEmpty else { return nil }
            return name
        }

        /// The embedded object's members other than its id and name, kept on
        /// the registry entry (`module_name`, `status`, `type`, a path).
        var details: JSONObject {
            JSONObject(embedded?.members.filter { $0.key != "id" && $0.key != "name" } ?? [])
        }
    }

    /// The member today's API renders the environment as.
    static let environmentTypeKey = "environment_type"

    init(_ record: JSONObject, account: Account.ID, statusMap: [String: SessionStatus], environmentMap: [String: SessionEnvironment]) {
        object = record
        sourceID = record["id"]
        if let status = record["status"]?.stringValue, let mapped = statusMap[status] {
            object["status"] = .string(mapped.rawValue)
        }
        // The account always comes from the scope, never from the record.
        object["account_id"] = .id(account)
        // A uuid id names the record where it came from; the session gets a
        // local id, set once it is known.
        if case .string = record["id"] { object["id"] = .int(1) }
        project = takeMention(id: "project_id", embedded: "project")
        component = takeMention(id: "component_id", embedded: "component")
        if let given = record["environment"]?.stringValue, SessionEnvironment(rawValue: given) == nil,
           let mapped = environmentMap[given] {
            object["environment"] = .string(mapped.rawValue)
        }
        if let type = record[Self.environmentTypeKey], object["environment"] == nil {
            switch type {
            case .null:
                object[Self.environmentTypeKey] = nil
            case .string(let value):
                if let known = environmentMap[value] ?? SessionEnvironment(rawValue: value) {
                    object[Self.environmentTypeKey] = nil
                    object["environment"] = .string(known.rawValue)
                } else {
                    keptEnvironment = value
                }
            default:
                break  // kept as it came, like any member the store does not model
            }
        }
    }

    /// Takes a project's or component's embedded object, and a uuid id, out
    /// of the record: they are resolved against the registry. An integer id
    /// stays for the decoder to check, as it always did.
    private mutating func takeMention(id idKey: String, embedded embeddedKey: String) -> EntryMention? {
        var mention = EntryMention(id: object[idKey], embedded: object[embeddedKey]?.objectValue)
        if mention.id?.isNull == true { mention.id = nil }
        if object[embeddedKey]?.objectValue != nil || object[embeddedKey]?.isNull == true { object[embeddedKey] = nil }
        if case .string = mention.id { object[idKey] = nil }
        return mention.id != nil || mention.embedded != nil ? mention : nil
    }

    /// How the record is named in messages: its position and the id it came with.
    static func label(_ path: String, _ record: JSONObject) -> String {
        switch record["id"] {
        case .number(let literal)?: return "\(path) (id \(literal))"
        case .string(let text)?: return "\(path) (id \(text))"
        default: return path
        }
    }
}
