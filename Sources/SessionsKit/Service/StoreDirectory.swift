/// What a front end may ask of a store before, or without, acting within an
/// account: the accounts themselves, and the registry a scope is resolved
/// against. `SessionService` acts within one account; this acts within none,
/// so adding an account works even while the configured scope names one that
/// is gone, which is how a user gets out of that state.
public struct StoreDirectory: Sendable {
    public let store: any SessionStore
    let clock: @Sendable () -> Timestamp

    public init(store: any SessionStore, clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.store = store
        self.clock = clock
    }

    /// The registries as of the last commit; what a scope is resolved against.
    public func registry() throws -> Registry { try store.registry() }

    public func accounts() throws -> [Account] { try store.registry().accounts }

    public func addAccount(name: String) throws -> Account {
        try checkName(name)
        return try store.write { transaction in
            if let problem = Registry.nameProblem(name, among: transaction.registry.accounts) { throw problem }
            return transaction.registry.addAccount(name: name, at: clock())
        }
    }

    /// Refused while the account has sessions (restrict), and for `active`,
    /// the account the caller acts as, if it has one. Its projects and
    /// components go with it.
    public func deleteAccount(id: Account.ID, active: Account.ID?) throws {
        try store.write { transaction in
            guard transaction.registry.account(id) != nil else { throw SessionError.notFound("account \(id)") }
            if id == active {
                throw SessionError.conflict("account \(id) is the active account; switch to another with `sessions account use` first")
            }
            let count = try transaction.summaries().values.filter { $0.accountID == id }.count
            if count > 0 {
                throw SessionError.conflict(
                    "account \(id) still has \(count) session\(count == 1 ? "" : "s"); delete them first")
            }
            transaction.registry.accounts.removeAll { $0.id == id }
            transaction.registry.projects.removeAll { $0.accountID == id }
            transaction.registry.components.removeAll { $0.accountID == id }
            if transaction.registry.defaultAccountID == id {
                transaction.registry.defaultAccountID = transaction.registry.accounts.first?.id
            }
        }
    }
}

/// Names of accounts, projects and components: anything but blank.
func checkName(_ name: String) throws {
    if name.allSatisfy(\.isWhitespace) {
        throw SessionError.invalid(SchemaError("name", "must not be empty"))
    }
}
