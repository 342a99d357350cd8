import ArgumentParser
import SessionsDisplay
import SessionsKit

struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "List, add, switch and delete accounts.",
        subcommands: [List.self, Add.self, Use.self, Delete.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts; * marks the active one.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let workspace = try global.workspace()
            let registry = try workspace.store.registry()
            let active = try? workspace.scope(registry: registry).accountID
            let rows = registry.accounts.map { account in
                RegistryRow(id: account.id, name: account.name, extra: [], active: account.id == active,
                            json: accountJSON(account, active: account.id == active))
            }
            printRows(rows, json: json, columns: ["ID", "NAME"])
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account; prints its id.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account's name.") var name: String

        func run() throws {
            let workspace = try global.workspace()
            // Adding an account must work even when the current scope is broken.
            let service = SessionService(store: workspace.store, scope: Scope(accountID: 0), clock: workspace.context.now)
            CLIContext.current.stdout.line(String(try service.addAccount(name: name).id))
        }
    }

    struct Use: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an account active for this store (saved in the config file).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account id.") var id: Int

        func run() throws {
            let workspace = try global.workspace()
            guard let account = try workspace.store.registry().account(id) else { throw SessionError.notFound("account \(id)") }
            var config = workspace.config
            // A project belongs to one account, so switching accounts clears it.
            config.setScope(Config.ScopeEntry(accountID: account.id, projectID: nil), forStore: workspace.root)
            try config.save()
            CLIContext.current.stderr.line("Now using account \(account.id) (\(Sanitizer.line(account.name))).")
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an account that has no sessions, with its projects and components.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account id.") var id: Int

        func run() throws {
            let workspace = try global.workspace()
            let registry = try workspace.store.registry()
            let active = (try? workspace.scope(registry: registry).accountID) ?? 0
            try SessionService(store: workspace.store, scope: Scope(accountID: active), clock: workspace.context.now)
                .deleteAccount(id: id)
        }
    }
}

struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project", abstract: "List, add, switch and delete the active account's projects.",
        subcommands: [List.self, Add.self, Use.self, Delete.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List projects; * marks the active one.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let service = try global.service()
            let rows = try service.projects().map { project in
                RegistryRow(id: project.id, name: project.name, extra: [], active: project.id == service.scope.projectID,
                            json: projectJSON(project, active: project.id == service.scope.projectID))
            }
            printRows(rows, json: json, columns: ["ID", "NAME"])
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a project to the active account; prints its id.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The project's name.") var name: String

        func run() throws {
            CLIContext.current.stdout.line(String(try global.service().addProject(name: name).id))
        }
    }

    struct Use: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a project active for new sessions (saved in the config file).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The project id.") var id: Int

        func run() throws {
            let workspace = try global.workspace()
            let service = try workspace.service()
            guard let project = try service.projects().first(where: { $0.id == id }) else {
                throw SessionError.notFound("project \(id)")
            }
            var config = workspace.config
            config.setScope(Config.ScopeEntry(accountID: service.scope.accountID, projectID: project.id), forStore: workspace.root)
            try config.save()
            CLIContext.current.stderr.line("Now using project \(project.id) (\(Sanitizer.line(project.name))).")
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a project; its sessions and components keep existing without a project.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The project id.") var id: Int

        func run() throws {
            let workspace = try global.workspace()
            let changed = try workspace.service().deleteProject(id: id)
            // Forget it as this store's active project, so later commands do not trip on it.
            var config = workspace.config
            var remembered = config.scope(forStore: workspace.root)
            if remembered.projectID == id {
                remembered.projectID = nil
                config.setScope(remembered, forStore: workspace.root)
                try config.save()
            }
            if changed > 0 { CLIContext.current.stderr.line("\(changed) session\(changed == 1 ? "" : "s") no longer have a project.") }
        }
    }
}

struct ComponentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "component", abstract: "List, add and delete the active account's components.",
        subcommands: [List.self, Add.self, Delete.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List components.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let workspace = try global.workspace()
            let registry = try workspace.store.registry()
            let service = try workspace.service(registry: registry)
            let rows = try service.components().map { component in
                RegistryRow(id: component.id, name: component.name,
                            extra: [component.projectID.flatMap { registry.project($0)?.name } ?? "-"], active: false,
                            json: componentJSON(component))
            }
            printRows(rows, json: json, columns: ["ID", "NAME", "PROJECT"])
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a component to the active account and project; prints its id.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The component's name, e.g. Accounts.User.") var name: String

        func run() throws {
            CLIContext.current.stdout.line(String(try global.service().addComponent(name: name).id))
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a component; its sessions keep existing without one.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The component id.") var id: Int

        func run() throws {
            let changed = try global.service().deleteComponent(id: id)
            if changed > 0 { CLIContext.current.stderr.line("\(changed) session\(changed == 1 ? "" : "s") no longer have a component.") }
        }
    }
}

struct RegistryRow {
    var id: Int
    var name: String
    var extra: [String]
    var active: Bool
    var json: JSONObject
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
        table.rows.append([.init(row.active ? "*" : " "), .init(String(row.id)), .init(Sanitizer.line(row.name))]
            + row.extra.map { .init(Sanitizer.line($0)) })
    }
    context.stdout.write(table.render())
}

func accountJSON(_ account: Account, active: Bool) -> JSONObject {
    var object = JSONObject(["id": .int(account.id), "name": .string(account.name)])
    object.append("inserted_at", account.insertedAt.map { .string($0.iso8601) } ?? .null)
    object.append("active", .bool(active))
    return object
}

func projectJSON(_ project: Project, active: Bool) -> JSONObject {
    var object = JSONObject(["id": .int(project.id), "account_id": .int(project.accountID), "name": .string(project.name)])
    object.append("inserted_at", project.insertedAt.map { .string($0.iso8601) } ?? .null)
    object.append("active", .bool(active))
    return object
}

func componentJSON(_ component: Component) -> JSONObject {
    var object = JSONObject(["id": .int(component.id), "account_id": .int(component.accountID)])
    object.append("project_id", component.projectID.map { .int($0) } ?? .null)
    object.append("name", .string(component.name))
    object.append("inserted_at", component.insertedAt.map { .string($0.iso8601) } ?? .null)
    return object
}
