/// Hears of every commit to a PostgreSQL store, without asking: a
/// connection of its own that listens on the store's channel, whose
/// descriptor a `poll` loop waits on beside the terminal. The notification
/// carries only the generation; what changed is read again, under the
/// reader's own policies. Notifications sent while it is disconnected are
/// lost, so after reconnecting everything is read again.
public final class DatabaseListener: @unchecked Sendable {
    private let conninfo: String
    private var connection: DatabaseConnection?

    /// Connects and listens; a listener that cannot connect yet is
    /// disconnected, and `reconnect` tries again.
    public init(conninfo: String) {
        self.conninfo = conninfo
        _ = reconnect()
    }

    public var isConnected: Bool { connection != nil }

    /// What a `poll` loop waits on; -1 while disconnected.
    public var descriptor: Int32 { connection?.socket ?? -1 }

    /// Connects again and listens: whether it could.
    @discardableResult
    public func reconnect() -> Bool {
        do {
            let made = try DatabaseConnection(conninfo)
            try made.execute("LISTEN \(DatabaseSchema.changesChannel)")
            connection = made
            return true
        } catch {
            connection = nil
            return false
        }
    }

    /// What arrived since the last call, when the descriptor is readable:
    /// whether any commit was announced. A lost connection is dropped, and
    /// `isConnected` says so.
    public func drain() -> Bool {
        guard let connection else { return false }
        guard connection.consumeInput() else {
            self.connection = nil
            return false
        }
        return connection.takeNotifications() > 0
    }
}
