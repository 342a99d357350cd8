/// Someone's sessions live under an account; every query is scoped to one.
public struct Account: Sendable, Hashable {
    public var id: ID
    public var name: String
    public var insertedAt: Timestamp?
    public var extra: JSONObject

    public init(id: ID, name: String, insertedAt: Timestamp? = nil, extra: JSONObject = JSONObject()) {
        self.id = id
        self.name = name
        self.insertedAt = insertedAt
        self.extra = extra
    }
}

/// A project belongs to an account; new sessions take the active one.
public struct Project: Sendable, Hashable {
    public var id: ID
    public var accountID: Account.ID
    public var name: String
    public var insertedAt: Timestamp?
    public var extra: JSONObject

    public init(id: ID, accountID: Account.ID, name: String, insertedAt: Timestamp? = nil, extra: JSONObject = JSONObject()) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.insertedAt = insertedAt
        self.extra = extra
    }
}

/// A component (a module of the user's code) that a session works on.
public struct Component: Sendable, Hashable {
    public var id: ID
    public var accountID: Account.ID
    public var projectID: Project.ID?
    public var name: String
    public var insertedAt: Timestamp?
    public var extra: JSONObject

    public init(id: ID, accountID: Account.ID, projectID: Project.ID? = nil, name: String, insertedAt: Timestamp? = nil,
                extra: JSONObject = JSONObject()) {
        self.id = id
        self.accountID = accountID
        self.projectID = projectID
        self.name = name
        self.insertedAt = insertedAt
        self.extra = extra
    }
}

/// A project or a component: an entry of the registry that one account owns.
protocol AccountEntry: NamedEntry {
    /// The table a database keeps it in.
    static var table: RegistryTable { get }
    var accountID: Account.ID { get }
    /// Members this version does not model (a CodeMySpec `module_name`, a path).
    var extra: JSONObject { get set }
}

extension AccountEntry {
    typealias Entity = Self
}

extension Project: AccountEntry { static let table = RegistryTable.projects }
extension Component: AccountEntry { static let table = RegistryTable.components }

/// Everything about a store except its sessions: the registries and the id
/// counters. It is small, read on every command, and written inside the same
/// transaction as the sessions it affects.
public struct Registry: Sendable, Hashable {
    public var accounts: [Account] = []
    public var projects: [Project] = []
    public var components: [Component] = []
    /// The account used when no flag, environment variable or config names one.
    public var defaultAccountID: Account.ID?
    public var nextSessionID = 1
    public var nextAccountID = 1
    public var nextProjectID = 1
    public var nextComponentID = 1
    /// Keys of spooled events the last delivery recorded (see `SpoolDelivery`):
    /// committed with the events themselves, so that a delivery cut short
    /// before it removed them from the spool never records them twice.
    public var deliveredEvents: [String] = []
    public var extra = JSONObject()

    public init() {}

    public func account(_ id: Account.ID) -> Account? { accounts.first { $0.id == id } }
    public func project(_ id: Project.ID) -> Project? { projects.first { $0.id == id } }
    public func component(_ id: Component.ID) -> Component? { components.first { $0.id == id } }

    /// Reserves the next session id from the counter. Callers go through
    /// `StoreTransaction.newSessionID()`, which also skips ids a stale counter
    /// (a registry restored from a backup) would hand out twice.
    mutating func allocateSessionID() -> Session.ID {
        defer { nextSessionID += 1 }
        return Session.ID(nextSessionID)
    }

    /// Moves `counter` above every id in `used`. New ids always lie above
    /// every id in use, even if the counter was restored from an older copy
    /// of the file.
    mutating func raise(_ counter: WritableKeyPath<Registry, Int>, above used: some Sequence<Int>) {
        self[keyPath: counter] = Swift.max(self[keyPath: counter], (used.max() ?? 0) + 1)
    }

    @discardableResult
    public mutating func addAccount(name: String, at time: Timestamp) -> Account {
        raise(\.nextAccountID, above: accounts.map(\.id.rawValue))
        let account = Account(id: Account.ID(nextAccountID), name: name, insertedAt: time)
        nextAccountID += 1
        accounts.append(account)
        return account
    }

    @discardableResult
    public mutating func addProject(name: String, accountID: Account.ID, at time: Timestamp) -> Project {
        raise(\.nextProjectID, above: projects.map(\.id.rawValue))
        let project = Project(id: Project.ID(nextProjectID), accountID: accountID, name: name, insertedAt: time)
        nextProjectID += 1
        projects.append(project)
        return project
    }

    @discardableResult
    public mutating func addComponent(name: String, accountID: Account.ID, projectID: Project.ID?, at time: Timestamp) -> Component {
        raise(\.nextComponentID, above: components.map(\.id.rawValue))
        let component = Component(id: Component.ID(nextComponentID), accountID: accountID, projectID: projectID, name: name, insertedAt: time)
        nextComponentID += 1
        components.append(component)
        return component
    }
}

extension Registry {
    var jsonObject: JSONObject {
        var object = JSONObject()
        object.put("default_account_id", defaultAccountID)
        object.append("next_ids", .object(JSONObject([
            "session": .int(nextSessionID), "account": .int(nextAccountID),
            "project": .int(nextProjectID), "component": .int(nextComponentID),
        ])))
        object.append("accounts", .array(accounts.map { account in
            var entry = JSONObject()
            entry.append("id", .id(account.id))
            entry.append("name", .string(account.name))
            entry.put("inserted_at", account.insertedAt)
            entry.appendExtras(account.extra)
            return .object(entry)
        }))
        object.append("projects", .array(projects.map { project in
            var entry = JSONObject()
            entry.append("id", .id(project.id))
            entry.append("account_id", .id(project.accountID))
            entry.append("name", .string(project.name))
            entry.put("inserted_at", project.insertedAt)
            entry.appendExtras(project.extra)
            return .object(entry)
        }))
        object.append("components", .array(components.map { component in
            var entry = JSONObject()
            entry.append("id", .id(component.id))
            entry.append("account_id", .id(component.accountID))
            entry.put("project_id", component.projectID)
            entry.append("name", .string(component.name))
            entry.put("inserted_at", component.insertedAt)
            entry.appendExtras(component.extra)
            return .object(entry)
        }))
        // Only while there are any, so that a store that never spooled keeps its bytes.
        if !deliveredEvents.isEmpty { object.append("delivered_events", .array(deliveredEvents.map { .string($0) })) }
        object.appendExtras(extra)
        return object
    }

    /// Decodes the registry part of `store.json`; `skipping` names members that
    /// belong to the file's envelope (the format version).
    static func decode(_ object: JSONObject, skipping: [String]) throws(SchemaError) -> Registry {
        var reader = ObjectReader(object, path: "")
        for key in skipping { reader.consume(key) }
        var registry = Registry()
        registry.defaultAccountID = reader.id("default_account_id")
        if let ids = reader.object("next_ids") {
            var idReader = ObjectReader(ids, path: "next_ids")
            registry.nextSessionID = idReader.int("session", required: true, minimum: 1) ?? 1
            registry.nextAccountID = idReader.int("account", required: true, minimum: 1) ?? 1
            registry.nextProjectID = idReader.int("project", required: true, minimum: 1) ?? 1
            registry.nextComponentID = idReader.int("component", required: true, minimum: 1) ?? 1
            reader.absorb(idReader.errors)
        } else {
            reader.fail("next_ids", "is required")
        }
        func entries(_ key: String) -> [(ObjectReader, Int)] {
            guard let list = reader.array(key) else { return [] }
            var result: [(ObjectReader, Int)] = []
            for (index, element) in list.enumerated() {
                guard case .object(let entry) = element else {
                    reader.fail("\(key)[\(index)]", "must be a JSON object, not \(element.kindName)")
                    continue
                }
                result.append((ObjectReader(entry, path: "\(key)[\(index)]"), index))
            }
            return result
        }
        for (var entry, _) in entries("accounts") {
            let id: Account.ID? = entry.id("id", required: true)
            let name = entry.string("name", required: true)
            let inserted = entry.timestamp("inserted_at")
            if let id, let name, entry.errors.isEmpty {
                registry.accounts.append(Account(id: id, name: name, insertedAt: inserted, extra: entry.extras))
            }
            reader.absorb(entry.errors)
        }
        for (var entry, _) in entries("projects") {
            let id: Project.ID? = entry.id("id", required: true)
            let account: Account.ID? = entry.id("account_id", required: true)
            let name = entry.string("name", required: true)
            let inserted = entry.timestamp("inserted_at")
            if let id, let account, let name, entry.errors.isEmpty {
                registry.projects.append(Project(id: id, accountID: account, name: name, insertedAt: inserted, extra: entry.extras))
            }
            reader.absorb(entry.errors)
        }
        for (var entry, _) in entries("components") {
            let id: Component.ID? = entry.id("id", required: true)
            let account: Account.ID? = entry.id("account_id", required: true)
            let project: Project.ID? = entry.id("project_id")
            let name = entry.string("name", required: true)
            let inserted = entry.timestamp("inserted_at")
            if let id, let account, let name, entry.errors.isEmpty {
                registry.components.append(Component(id: id, accountID: account, projectID: project, name: name,
                                                      insertedAt: inserted, extra: entry.extras))
            }
            reader.absorb(entry.errors)
        }
        for (index, element) in (reader.array("delivered_events") ?? []).enumerated() {
            guard let key = element.stringValue else {
                reader.fail("delivered_events[\(index)]", "must be a string")
                continue
            }
            registry.deliveredEvents.append(key)
        }
        registry.extra = reader.extras
        guard reader.errors.isEmpty else { throw SchemaError(reader.errors) }
        return registry
    }
}
