/// Decides the active account and project: `--account`/`--project`, else
/// `SESSIONS_ACCOUNT`/`SESSIONS_PROJECT`, else the config file's entry for this
/// store, else the store's default account (account 1 on a new store).
public struct ScopeResolver: Sendable {
    public var accountFlag: EntryReference?
    public var projectFlag: EntryReference?
    public var environment: SessionsEnvironment
    public var config: Config
    public var storeRoot: String

    public init(accountFlag: EntryReference?, projectFlag: EntryReference?, environment: SessionsEnvironment, config: Config, storeRoot: String) {
        self.accountFlag = accountFlag
        self.projectFlag = projectFlag
        self.environment = environment
        self.config = config
        self.storeRoot = storeRoot
    }

    public func resolve(_ registry: Registry) throws -> Scope {
        let remembered = config.scope(for: Config.StoreKey(root: storeRoot))
        let account: (id: Account.ID, source: String)
        if let flag = accountFlag {
            account = (try Self.lookup(flag, among: registry.accounts, field: "--account"), "--account")
        } else if let variable = environmentReference("SESSIONS_ACCOUNT") {
            account = (try Self.lookup(variable, among: registry.accounts, field: "SESSIONS_ACCOUNT"), "SESSIONS_ACCOUNT")
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
        let projects = registry.projects.filter { $0.accountID == account.id }
        if let flag = projectFlag {
            project = (try Self.lookup(flag, among: projects, field: "--project", in: " in account \(account.id)"), "--project")
        } else if let variable = environmentReference("SESSIONS_PROJECT") {
            project = (try Self.lookup(variable, among: projects, field: "SESSIONS_PROJECT", in: " in account \(account.id)"),
                       "SESSIONS_PROJECT")
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

    /// A variable that is set and not empty: empty counts as unset.
    func environmentReference(_ name: String) -> EntryReference? {
        environment[name].map(EntryReference.init)
    }

    /// The entry a flag or variable names, with a miss saying where the
    /// reference came from. Projects are looked up in the account only:
    /// another account's project is indistinguishable from one that does not exist.
    static func lookup<Entry: NamedEntry>(_ reference: EntryReference, among entries: [Entry], field: String,
                                          in place: String = "") throws(SessionError) -> Identifier<Entry> {
        do {
            return try reference.resolve(among: entries, field: field).id
        } catch .notFound(let what) {
            throw SessionError.notFound("\(what)\(place) (from \(field))")
        }
    }
}
