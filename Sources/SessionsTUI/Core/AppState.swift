import SessionsKit

/// Everything the screen shows, as a value. `update` makes the next one from
/// an action; `render` draws one. Nothing else holds UI state.
public struct AppState: Sendable {
    public enum Focus: Sendable, Equatable { case list, timeline, detail }

    public var width: Int
    public var height: Int
    public var now: Timestamp
    public var keyMap: KeyMap = .standard

    /// The account (and optionally project) whose sessions are shown.
    public var scope: Scope
    /// Set by `--project`: list only that project's sessions, as `list` does.
    public var projectFilter: Project.ID?
    /// Types offered by the new-session form.
    public var sessionTypes: [SessionType]
    /// nil until the first load finishes.
    public var catalog: Catalog?

    public var section: SessionStatus = .active
    public var sort: SessionSort = .updated
    public var filter = FilterInput()
    /// Each section's sessions after filter and sort; what the lists show.
    public var rows: [SessionStatus: SessionRows] = [:]
    /// Each section's cursor, by index and by id: the id keeps the selection
    /// when sessions come and go, the index picks a neighbour when it leaves.
    public var cursors: [SessionStatus: ListCursor] = [:]

    public var focus: Focus = .list
    /// The selected session with its interactions, once loaded.
    public var timeline: TimelineState?
    public var detail: PagerState?
    public var overlay: Overlay?
    public var flash: Flash?
    public var undoStack: [StatusChange] = []
    /// Lower-cased text each session is filtered on, built on first use.
    public var searchText: [Session.ID: SearchEntry] = [:]

    public init(width: Int, height: Int, now: Timestamp, scope: Scope, projectFilter: Project.ID? = nil,
                sessionTypes: [SessionType] = SessionType.builtIn) {
        self.projectFilter = projectFilter
        self.width = width
        self.height = height
        self.now = now
        self.scope = scope
        self.sessionTypes = sessionTypes
    }

    public var layout: Layout { Layout(width: width, height: height) }

    public var currentRows: SessionRows { rows[section] ?? SessionRows() }

    public var cursor: ListCursor { cursors[section] ?? ListCursor() }

    public var selectedSummary: SessionSummary? {
        let rows = currentRows
        let index = cursor.index
        return index < rows.count ? rows[index] : nil
    }

    public var accountName: String {
        catalog?.registry.account(scope.accountID)?.name ?? "account \(scope.accountID)"
    }

    public var projectName: String? {
        guard let id = scope.projectID else { return nil }
        return catalog?.registry.project(id)?.name ?? "project \(id)"
    }

    /// The key context that input is dispatched in.
    public var keyContext: KeyContext {
        switch focus {
        case .list: return .list
        case .timeline: return .timeline
        case .detail: return .detail
        }
    }
}

public struct ListCursor: Sendable, Equatable {
    public var index = 0
    public var id: Session.ID?
    /// The first row shown.
    public var top = 0
}

public struct FilterInput: Sendable, Equatable {
    public var text = ""
    /// Whether keys go into the filter line.
    public var isEditing = false
    /// Whether the text narrows anything (a bare `type:` does not yet).
    public var isActive: Bool { !FilterQuery(text).isEmpty }
}

/// A session's lower-cased search text as UTF-8, so a filter keystroke over
/// 10,000 sessions is a byte search, not a string comparison per character.
public struct SearchEntry: Sendable {
    public var updatedAt: Timestamp
    public var bytes: [UInt8]
}

/// A transient message in the footer.
public struct Flash: Sendable, Equatable {
    public var text: String
    public var isError: Bool
    public var expires: Timestamp
}

/// Something drawn over the main screen that takes the keys while it is open.
public enum Overlay: Sendable, Equatable {
    case help(top: Int)
    case confirmDelete(sessionID: Session.ID, interactions: Int)
    case newSession(NewSessionForm)
    case accountPicker(accounts: [Account], cursor: Int)
}
