import SessionsKit
import Synchronization

/// A clock that starts at a fixed instant and ticks one second per reading,
/// so stored times are predictable and always move forward.
public final class TestClock: Sendable {
    private let state: Mutex<Int64>
    public let step: Int64

    public init(start: Timestamp = Timestamp(iso8601: "2026-01-15T09:30:00Z")!, stepSeconds: Int64 = 1) {
        state = Mutex(start.microseconds)
        step = stepSeconds * 1_000_000
    }

    public func now() -> Timestamp {
        state.withLock { value in
            defer { value += step }
            return Timestamp(microseconds: value)
        }
    }

    public var function: @Sendable () -> Timestamp { { self.now() } }
}

/// A fresh file store in a temporary directory, with account 1 named "alice".
public final class StoreFixture: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let store: FileStore
    public let clock = TestClock()

    public init(options: FileStore.Options = FileStore.Options(initialAccountName: "alice")) throws {
        directory = TemporaryDirectory()
        store = try FileStore(root: directory.path + "/store", options: options)
    }

    public var root: String { store.root }

    public func service(account: Account.ID = 1, project: Project.ID? = nil, custom: [SessionType] = []) -> SessionService {
        SessionService(store: store, scope: Scope(accountID: account, projectID: project),
                       types: SessionTypeRegistry(custom: custom), clock: clock.function)
    }

    /// Reopens the same directory, as another process would.
    public func reopen(options: FileStore.Options = FileStore.Options(initialAccountName: "alice")) throws -> FileStore {
        try FileStore(root: root, options: options)
    }
}
