import SessionsKit

/// What a command, or the browser's footer, says while another process
/// holds the store: `waiting for the store, locked by pid 4242 (sessions import)`.
public enum StoreWaitText {
    /// The holder's command comes from the lock file, a store file like any other.
    public static func line(_ holder: LockHolder?) -> String {
        Sanitizer.line("waiting for the store, " + LockHolder.lockedBy(holder))
    }
}
