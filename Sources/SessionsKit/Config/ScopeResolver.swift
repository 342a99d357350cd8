/// Decides the active account and project: `--account`/`--project`, else
/// `SESSIONS_ACCOUNT`/`SESSIONS_PROJECT`, else the config file's entry for this
/// store, else the store's default account (account 1 on a new store).
public struct ScopeResolver: Sendable {
    public var accountFlag: Account.ID?
    public var projectFlag: Project.ID?
    public var environment: SessionsEnvironment
    public var config: Config
    public var storeRoot: String

    public init(accountFlag: Account.ID?, projectFlag: Project.ID?, environment: SessionsEnvironment, config: Config, storeRoot: String) {
        self.accountFlag = accountFlag
        self.projectFlag = projectFlag
        self.environment = environment
        self.config = config
        self.storeRoot = storeRoot
    }

    public func resolve(_ registry: Registry) throws -> Scope {
        let remembered = config.scope(forStore: storeRoot)
        let account: (id: Account.ID, source: String)
        if let flag = accountFlag {
            account = (flag, "--account")
        } else if let variable: Account.ID = try environmentID("SESSIONS_ACCOUNT") {
            account = (variable, "SESSIONS_ACCOUNT")
        } else if let configured = remembered.accountID {
            account = (configured, "the config file \(config.path)")
        } else if let fallback = registry.defaultAccountID {
            account = (fallback, "the store's default account")
        } else {
            throw SessionError.notFound("active account (the store has none; create one with `sessions account add NAME`)")
        }
        guard registry.account(account.id) != nil else {
            throw SessionError.notFound("account \(account.id) (from \(account.source))")
        }

        var project: (id: Project.ID, source: String)?
        if let flag = projectFlag {
            project = (flag, "--project")
        } else if let variable: Project.ID = try environmentID("SESSIONS_PROJECT") {
            project = (variable, "SESSIONS_PROJECT")
        } else if let configured = remembered.projectID, remembered.accountID == nil || remembered.accountID == account.id,
                  registry.project(configured)?.accountID == account.id {
            // A remembered project that was deleted since is simply forgotten;
            // one named explicitly (flag, environment) must exist.
            project = (configured, "the config file \(config.path)")
        }
        if let project {
            guard let found = registry.project(project.id), found.accountID == account.id else {
                throw SessionError.notFound("project \(project.id) in account \(account.id) (from \(project.source))")
            }
        }
        return Scope(accountID: account.id, projectID: project?.id)
    }

    func environmentID<Entity>(_ name: String) throws -> Identifier<Entity>? {
        guard let text = environment[name] else { return nil }
        guard let id = Int(text), id >= 1 else {
            throw SessionError.invalid(SchemaError(name, "\(quoted(text)) is not an id (a positive integer)"))
        }
        return Identifier(id)
    }
}
