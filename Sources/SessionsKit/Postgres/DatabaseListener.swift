import Dispatch
import Synchronization

/// Hears of every commit to a PostgreSQL store, without asking: a
/// connection of its own that listens on the store's channel, whose
/// descriptor a `poll` loop waits on beside the terminal. The notification
/// carries only the generation; what changed is read again, under the
/// reader's own policies. Notifications sent while it is disconnected are
/// lost, so after reconnecting everything is read again.
public final class DatabaseListener: Sendable {
    private let conninfo: String
    private let state = Mutex(State())
    /// Where reconnecting happens: connecting to a host that does not answer
    /// blocks for as long as the network lets it, never the loop's thread.
    private let queue = DispatchQueue(label: "sessions.database-listener")

    private struct State {
        var connection: DatabaseConnection?
        var trying = false
        var lastTry = Timestamp(microseconds: 0)
    }

    /// How long after one attempt the next may start.
    static let retryMicroseconds: Int64 = 1_000_000

    /// Connects and listens; a listener that cannot connect yet is
    /// disconnected, and `reconnectInBackground` tries again.
    public init(conninfo: String) {
        self.conninfo = conninfo
        let made = Self.connect(conninfo)
        state.withLock { $0.connection = made }
    }

    public var isConnected: Bool { state.withLock { $0.connection != nil } }

    /// What a `poll` loop waits on; -1 while disconnected.
    public var descriptor: Int32 { state.withLock { $0.connection?.socket ?? -1 } }

    /// Starts connecting again off the caller's thread, unless an attempt is
    /// under way or the last began less than a second ago; `isConnected`
    /// says when one has succeeded.
    public func reconnectInBackground() {
        let now = Timestamp.now()
        let starts = state.withLock { state -> Bool in
            guard state.connection == nil, !state.trying,
                  now.microseconds - state.lastTry.microseconds >= Self.retryMicroseconds else { return false }
            state.trying = true
            state.lastTry = now
            return true
        }
        guard starts else { return }
        queue.async { [self] in
            let made = Self.connect(conninfo)
            state.withLock { state in
                state.connection = made
                state.trying = false
            }
        }
    }

    private static func connect(_ conninfo: String) -> DatabaseConnection? {
        guard let made = try? DatabaseConnection(conninfo), (try? made.execute("LISTEN \(DatabaseSchema.changesChannel)")) != nil else {
            return nil
        }
        return made
    }

    /// What arrived since the last call, when the descriptor is readable:
    /// whether any commit was announced. A lost connection is dropped, and
    /// `isConnected` says so.
    public func drain() -> Bool {
        state.withLock { state in
            guard let connection = state.connection else { return false }
            guard connection.consumeInput() else {
                state.connection = nil
                return false
            }
            return connection.takeNotifications() > 0
        }
    }
}
