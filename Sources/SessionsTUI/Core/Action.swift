import SessionsKit

/// Everything that can change the state: input, time, and the results of
/// effects the runtime performed. `update` is the only consumer.
public enum Action: Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
    /// Time passed: flashes expire and relative times move on.
    case tick(Timestamp)
    /// The store's registries and summaries, at first and after any change.
    case catalogLoaded(Catalog)
    case sessionLoaded(Session)
    /// The session to load no longer exists (or is not this account's).
    case sessionMissing(Session.ID)
    case statusChanged(StatusChange, isUndo: Bool)
    case sessionCreated(Session)
    case sessionDeleted(Session.ID)
    case accountSwitched(Scope)
    /// An effect failed; the message is shown as a flash.
    case failed(String)
    /// An effect succeeded with something to say (e.g. "copied").
    case notice(String)
}

/// A status change as written, kept so that `u` can write it back.
public struct StatusChange: Sendable, Equatable {
    public var sessionID: Session.ID
    public var from: SessionStatus
    public var to: SessionStatus
    /// The session as the write left it, so lists update without a reload.
    public var session: Session?

    public init(sessionID: Session.ID, from: SessionStatus, to: SessionStatus, session: Session? = nil) {
        self.sessionID = sessionID
        self.from = from
        self.to = to
        self.session = session
    }
}
