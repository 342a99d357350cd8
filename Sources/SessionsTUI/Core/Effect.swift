import SessionsKit

/// Work `update` asks the runtime to do: everything that touches the store or
/// the terminal. Keeping it out of `update` is what makes update pure and the
/// whole UI testable without a terminal.
public enum Effect: Sendable, Equatable {
    case loadSession(Session.ID)
    /// Write a status; `isUndo` marks the write-back of an earlier change.
    case setStatus(sessionID: Session.ID, to: SessionStatus, isUndo: Bool)
    case createSession(SessionDraft)
    case deleteSession(Session.ID)
    case switchAccount(Account.ID)
    /// Show text in the user's own pager, leaving the UI meanwhile.
    case openPager(String)
    /// Put text on the system clipboard through the terminal.
    case copyToClipboard(String)
    /// Repaint every cell, discarding what the terminal is believed to show.
    case redraw
    case quit
}
