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
    /// The newest interactions of a long session; the whole one follows.
    case sessionPageLoaded(SessionPage)
    /// The session to load no longer exists (or is not this account's).
    case sessionMissing(Session.ID)
    /// The session exists but its file cannot be read (it is damaged); the
    /// message says why and what to do.
    case sessionUnreadable(Session.ID, String)
    case statusChanged(StatusWrite)
    case sessionCreated(Session)
    case sessionsDeleted([Session.ID])
    case accountSwitched(Scope)
    /// An effect failed; the message is shown as a flash.
    case failed(String)
    /// An effect succeeded with something to say (e.g. "copied").
    case notice(String)
    /// A read or write has waited a second or more for another process's
    /// lock on the store; nil once none does.
    case storeWait(StoreWait?)
    /// A step of the search the search screen started.
    case searchProgress(SearchProgress)
}

/// A wait for the store's lock long enough to show, with whoever holds it.
public struct StoreWait: Sendable, Equatable {
    public var holder: LockHolder?

    public init(holder: LockHolder?) { self.holder = holder }
}

/// A status change as written, kept so that `u` can write it back: every
/// session it moved, each with the status it had, and the status it got.
public struct StatusChange: Sendable, Equatable {
    public var before: [StatusTarget]
    public var to: SessionStatus

    public init(before: [StatusTarget], to: SessionStatus) {
        self.before = before
        self.to = to
    }

    public var sessionIDs: [Session.ID] { before.map(\.id) }
}

/// What a status write did: the change, and the sessions as it left them,
/// so the lists update without a reload.
public struct StatusWrite: Sendable, Equatable {
    public var change: StatusChange
    /// The sessions as written, without their interactions.
    public var sessions: [SessionSummary]
    /// The change this one wrote back, for an undo.
    public var undoing: StatusChange?
    public var leftAlone: [Session.ID]

    public init(change: StatusChange, sessions: [SessionSummary], undoing: StatusChange? = nil, leftAlone: [Session.ID] = []) {
        self.change = change
        self.sessions = sessions
        self.undoing = undoing
        self.leftAlone = leftAlone
    }
}
