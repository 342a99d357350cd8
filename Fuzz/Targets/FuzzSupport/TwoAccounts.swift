import SessionsKit

/// A fresh in-memory store with two accounts, the first active: what the
/// importer and hook targets write into, so they can check that nothing lands
/// in the other account.
public struct TwoAccounts {
    public let service: SessionService
    public let mine: Account.ID

    public init() {
        var registry = Registry()
        let mine = registry.addAccount(name: "mine", at: Timestamp(seconds: 0))
        _ = registry.addAccount(name: "other", at: Timestamp(seconds: 0))
        registry.defaultAccountID = mine.id
        self.mine = mine.id
        service = SessionService(store: MemoryStore(registry: registry), scope: Scope(accountID: mine.id))
    }

    /// Stops the fuzzer if the store cannot be read, or holds a session of the other account.
    public func requireIsolation(after what: String) {
        guard let catalog = try? service.catalog() else { fatalError("the store cannot be read after \(what)") }
        if catalog.summaries.contains(where: { $0.accountID != mine }) { fatalError("\(what) wrote into another account") }
    }
}
