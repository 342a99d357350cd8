import SessionsKit

/// Work `update` asks the runtime to do: everything that touches the store or
/// the terminal. Keeping it out of `update` is what makes update pure and the
/// whole browser testable without a terminal. Each kind is its own type, so
/// every switch over one names all its cases: a new effect cannot compile
/// and then be dropped by a `default:`.
public enum Effect: Sendable, Equatable {
    case store(StoreEffect)
    case load(LoadEffect)
    case terminal(TerminalEffect)
}

/// Writes through the model, each one commit.
public enum StoreEffect: Sendable, Equatable {
    /// Sessions to move to new statuses, all in one commit.
    case setStatus(StatusRequest)
    case createSession(SessionDraft)
    case deleteSessions([Session.ID])
    case switchAccount(Account.ID)
}

/// Reads that may take long; the runtime may do them off the loop's thread.
public enum LoadEffect: Sendable, Equatable {
    case session(Session.ID)
    /// Search every session; the steps come back as `searchProgress`.
    case search(SearchRequest)
    /// Stop the search that runs, if one does.
    case stopSearch
}

/// What only the terminal can do.
public enum TerminalEffect: Sendable, Equatable {
    /// Show text in the user's own pager, leaving the browser meanwhile.
    case openPager(String)
    /// Run the command that resumes a conversation, leaving the browser
    /// until it ends; the store is read again after, as it may have changed.
    case resume(ResumePlan)
    /// Put text on the system clipboard through the terminal; `what` names
    /// it for the flash that follows ("stdout", "the command").
    case copyToClipboard(String, what: String)
    /// Repaint every cell, discarding what the terminal is believed to show.
    case redraw
    case quit
}

/// A status write as asked for: each session and the status it goes to.
public struct StatusRequest: Sendable, Equatable {
    public var targets: [StatusTarget]
    /// An undo writes an earlier change back; it names the sessions it left
    /// alone because they changed since.
    public var undoing: StatusChange?
    public var leftAlone: [Session.ID] = []

    public init(targets: [StatusTarget], undoing: StatusChange? = nil, leftAlone: [Session.ID] = []) {
        self.targets = targets
        self.undoing = undoing
        self.leftAlone = leftAlone
    }
}

/// A session and a status: where a write takes it, or where it was.
public struct StatusTarget: Sendable, Equatable {
    public var id: Session.ID
    public var status: SessionStatus

    public init(id: Session.ID, status: SessionStatus) {
        self.id = id
        self.status = status
    }
}

/// What the terminal can put on the clipboard, and what the flash says of it.
public enum Clipboard {
    /// The most a copy sends: terminals refuse, or cut without a word, a
    /// clipboard write much larger than this.
    public static let limit = 1 << 20

    /// "copied stdout: 20480 bytes", saying so when only the start went;
    /// short, to fit beside the footer's position at 80 columns.
    public static func notice(what: String, byteCount: Int) -> String {
        guard byteCount > limit else { return "copied \(what): \(byteCount) byte\(byteCount == 1 ? "" : "s")" }
        return "copied the first \(limit / (1 << 20)) MB of \(what), of \(byteCount) bytes"
    }
}
