import ArgumentParser
import SessionsDisplay
import SessionsKit

/// What `account`, `project` and `component` differ in. Their subcommands
/// are one generic shape each, so `list`, `add`, `use` and `delete` read,
/// print and fail alike for all three.
protocol RegistryEntries {
    associatedtype Entity: NamedEntry
    static var texts: RegistryTexts { get }
    /// The entries a reference may name: those the active account can see.
    static func entries(_ workspace: Workspace) throws -> [Entity]
    /// Titles of the columns after ID and NAME.
    static var extraColumns: [String] { get }
    static func rows(_ workspace: Workspace) throws -> [RegistryRow]
    static func add(name: String, _ workspace: Workspace) throws -> Identifier<Entity>
    static func delete(_ id: Identifier<Entity>, _ workspace: Workspace) throws
}

/// Entries one can make active for a store, remembered in the config file.
protocol SelectableEntries: RegistryEntries {
    /// The scope entry to remember with `id` active, and the entry's name.
    static func select(_ id: Identifier<Entity>, _ workspace: Workspace) throws -> (Config.ScopeEntry, name: String)
}

struct RegistryTexts {
    var noun: String
    var abstract: String
    var list: String
    var add: String
    var name: String
    var use = ""
    var delete: String
}

struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: Accounts.texts.abstract,
        subcommands: [ListEntries<Accounts>.self, AddEntry<Accounts>.self, UseEntry<Accounts>.self, DeleteEntry<Accounts>.self])
}

struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project", abstract: Projects.texts.abstract,
        subcommands: [ListEntries<Projects>.self, AddEntry<Projects>.self, UseEntry<Projects>.self, DeleteEntry<Projects>.self])
}

struct ComponentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "component", abstract: Components.texts.abstract,
        subcommands: [ListEntries<Components>.self, AddEntry<Components>.self, DeleteEntry<Components>.self])
}

struct ListEntries<Kind: RegistryEntries>: ParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "list", abstract: Kind.texts.list) }
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        printRows(try Kind.rows(global.workspace()), json: json, columns: ["ID", "NAME"] + Kind.extraColumns)
    }
}

struct AddEntry<Kind: RegistryEntries>: ParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "add", abstract: Kind.texts.add) }
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Kind.texts.name)) var name: String

    func run() throws {
        CLIContext.current.stdout.line(try Kind.add(name: name, global.workspace()).description)
    }
}

struct UseEntry<Kind: SelectableEntries>: ParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "use", abstract: Kind.texts.use) }
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The \(Kind.texts.noun)'s id, or a name only one has.", valueName: "id-or-name"))
    var reference: EntryReference

    func run() throws {
        let workspace = try global.workspace()
        let id = try reference.resolve(among: Kind.entries(workspace), field: Kind.texts.noun).id
        let (entry, name) = try Kind.select(id, workspace)
        let store = Config.StoreKey(root: workspace.root)
        try Config.update(directory: workspace.context.environment.configDirectory) { $0.setScope(entry, for: store) }
        CLIContext.current.stderr.line("Now using \(Kind.texts.noun) \(id) (\(Sanitizer.line(name))).")
    }
}

struct DeleteEntry<Kind: RegistryEntries>: ParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "delete", abstract: Kind.texts.delete) }
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The \(Kind.texts.noun)'s id, or a name only one has.", valueName: "id-or-name"))
    var reference: EntryReference

    func run() throws {
        let workspace = try global.workspace()
        try Kind.delete(try reference.resolve(among: Kind.entries(workspace), field: Kind.texts.noun).id, workspace)
    }
}

enum Accounts: SelectableEntries {
    typealias Entity = Account
    static let texts = RegistryTexts(
        noun: "account", abstract: "List, add, switch and delete accounts.", list: "List accounts; * marks the active one.",
        add: "Add an account; prints its id.", name: "The account's name.",
        use: "Make an account active for this store (saved in the config file).",
        delete: "Delete an account that has no sessions, with its projects and components.")
    static let extraColumns: [String] = []

    static func entries(_ workspace: Workspace) throws -> [Account] { try workspace.directory.registry().accounts }

    static func rows(_ workspace: Workspace) throws -> [RegistryRow] {
        let registry = try workspace.directory.registry()
        let active = try? workspace.scope(registry: registry).accountID
        return registry.accounts.map { account in
            RegistryRow(id: account.id, name: account.name, active: account.id == active, insertedAt: account.insertedAt)
        }
    }

    static func add(name: String, _ workspace: Workspace) throws -> Account.ID {
        try workspace.directory.addAccount(name: name).id
    }

    /// A project belongs to one account, so switching accounts forgets it.
    static func select(_ id: Account.ID, _ workspace: Workspace) throws -> (Config.ScopeEntry, name: String) {
        guard let account = try workspace.directory.registry().account(id) else { throw SessionError.notFound("account \(id)") }
        return (Config.ScopeEntry(accountID: account.id, projectID: nil), account.name)
    }

    /// Works while the configured scope is broken: then no account is active.
    static func delete(_ id: Account.ID, _ workspace: Workspace) throws {
        let active = try? workspace.scope().accountID
        try workspace.directory.deleteAccount(id: id, active: active)
    }
}

enum Projects: SelectableEntries {
    typealias Entity = Project
    static let texts = RegistryTexts(
        noun: "project", abstract: "List, add, switch and delete the active account's projects.",
        list: "List projects; * marks the active one.", add: "Add a project to the active account; prints its id.",
        name: "The project's name.", use: "Make a project active for new sessions (saved in the config file).",
        delete: "Delete a project; its sessions and components keep existing without a project.")
    static let extraColumns: [String] = []

    static func entries(_ workspace: Workspace) throws -> [Project] { try workspace.service().projects() }

    static func rows(_ workspace: Workspace) throws -> [RegistryRow] {
        let service = try workspace.service()
        return try service.projects().map { project in
            RegistryRow(id: project.id, name: project.name, active: project.id == service.scope.projectID,
                        insertedAt: project.insertedAt, fields: [("account_id", .id(project.accountID))])
        }
    }

    static func add(name: String, _ workspace: Workspace) throws -> Project.ID {
        try workspace.service().addProject(name: name).id
    }

    static func select(_ id: Project.ID, _ workspace: Workspace) throws -> (Config.ScopeEntry, name: String) {
        let service = try workspace.service()
        guard let project = try service.projects().first(where: { $0.id == id }) else { throw SessionError.notFound("project \(id)") }
        return (Config.ScopeEntry(accountID: service.scope.accountID, projectID: project.id), project.name)
    }

    /// Also forgets it as this store's active project, so later commands do not trip on it.
    static func delete(_ id: Project.ID, _ workspace: Workspace) throws {
        let changed = try workspace.service().deleteProject(id: id)
        let store = Config.StoreKey(root: workspace.root)
        if workspace.config.scope(for: store).projectID == id {
            try Config.update(directory: workspace.context.environment.configDirectory) { config in
                var remembered = config.scope(for: store)
                guard remembered.projectID == id else { return }
                remembered.projectID = nil
                config.setScope(remembered, for: store)
            }
        }
        reportOrphans(changed, noun: texts.noun)
    }
}

enum Components: RegistryEntries {
    typealias Entity = Component
    static let texts = RegistryTexts(
        noun: "component", abstract: "List, add and delete the active account's components.", list: "List components.",
        add: "Add a component to the active account and project; prints its id.",
        name: "The component's name, e.g. Accounts.User.", delete: "Delete a component; its sessions keep existing without one.")
    static let extraColumns = ["PROJECT"]

    static func entries(_ workspace: Workspace) throws -> [Component] { try workspace.service().components() }

    static func rows(_ workspace: Workspace) throws -> [RegistryRow] {
        let service = try workspace.service()
        let registry = try service.registry()
        return try service.components().map { component in
            RegistryRow(id: component.id, name: component.name, extra: [component.projectID.flatMap { registry.project($0)?.name } ?? Labels.none],
                        insertedAt: component.insertedAt,
                        fields: [("account_id", .id(component.accountID)), ("project_id", component.projectID.map { .id($0) } ?? .null)])
        }
    }

    static func add(name: String, _ workspace: Workspace) throws -> Component.ID {
        try workspace.service().addComponent(name: name).id
    }

    static func delete(_ id: Component.ID, _ workspace: Workspace) throws {
        reportOrphans(try workspace.service().deleteComponent(id: id), noun: texts.noun)
    }
}

/// Deleting a project or component keeps its sessions, without it.
private func reportOrphans(_ count: Int, noun: String) {
    guard count > 0 else { return }
    CLIContext.current.stderr.line("\(count) session\(count == 1 ? "" : "s") no longer have a \(noun).")
}

/// One line of a registry listing, as a table row and as JSON.
struct RegistryRow {
    var id: Int
    var name: String
    var extra: [String]
    /// nil where nothing can be active (components): JSON then has no `active`.
    var active: Bool?
    var json: JSONObject

    /// `fields` go between `name`'s neighbours as the schema orders them:
    /// after `id`, with `name` and `inserted_at` after them.
    init<Entity>(id: Identifier<Entity>, name: String, extra: [String] = [], active: Bool? = nil, insertedAt: Timestamp?,
                 fields: [(String, JSONValue)] = []) {
        self.id = id.rawValue
        self.name = name
        self.extra = extra
        self.active = active
        var object = JSONObject([JSONObject.Member("id", .id(id))] + fields.map { JSONObject.Member($0.0, $0.1) })
        object.append("name", .string(name))
        object.append("inserted_at", insertedAt.map { .string($0.iso8601) } ?? .null)
        if let active { object.append("active", .bool(active)) }
        json = object
    }
}

func printRows(_ rows: [RegistryRow], json: Bool, columns: [String]) {
    let context = CLIContext.current
    if json {
        context.stdout.write(JSONWriter.bytes(.array(rows.map { .object($0.json) })) + [UInt8(ascii: "\n")])
        return
    }
    var table = Table(columns: [Table.Column(title: "", maxWidth: 1)] + columns.enumerated().map { index, title in
        Table.Column(title: title, maxWidth: index == 0 ? .max : 48, alignRight: index == 0)
    })
    for row in rows {
        table.rows.append([.init(row.active == true ? "*" : " "), .init(String(row.id)), .init(Sanitizer.line(row.name))]
            + row.extra.map { .init(Sanitizer.line($0)) })
    }
    context.stdout.write(table.render())
}
