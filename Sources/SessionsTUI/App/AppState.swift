import SessionsKit

/// Which part of the browser has the keys.
public enum Focus: Sendable, Equatable { case list, timeline, pager, search }

/// Everything the screen shows, as a value. `update` makes the next one from
/// an action; `render` draws one. Nothing else holds browser state. Each
/// screen owns its part; this holds what they share.
public struct AppState: Sendable {
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
    /// What `R` runs (`resume_command` in the config).
    public var resumeCommand: ResumeCommand = .standard
    /// nil until the first load finishes. Every change moves `catalogVersion`,
    /// which is how the normalising pass knows the rows must be rebuilt.
    public var catalog: Catalog? { didSet { catalogVersion &+= 1 } }
    public private(set) var catalogVersion = 0

    public var list = ListScreen()
    public var focus: Focus = .list
    /// The session in the pane, once loaded.
    public var timeline: TimelineScreen?
    /// The interaction open in full; there is one exactly while the focus is on it.
    public var pager: PagerScreen?
    /// The last session the pane could not read, and why: the pane shows
    /// this in place of its timeline while that session is the one wanted.
    public var unreadable: UnreadableSession?
    /// Whether the pager wraps lines: `w` sets it for every pager opened
    /// after, for the rest of the run.
    public var pagerWraps = true
    /// Whether timelines show the conversation's prompts and replies: `t`
    /// sets it for every timeline, for the rest of the run.
    public var showsConversation = true
    public var overlay: Overlay?
    public var flash: Flash?
    /// Shown in the footer while the store keeps a read or write waiting.
    public var storeWait: StoreWait?
    public var undoStack: [StatusChange] = []
    /// The session being read while the focus is off the list: the pane
    /// keeps it however the list moves underneath.
    public var reading: Session.ID?
    /// The last session load asked for, so that it is asked for once.
    var requestedLoad: LoadTicket?
    /// Where the next timeline read opens: on the call that started the
    /// subagent `p` came back from.
    var landing: SubagentNavigation.Landing?
    /// The search screen, kept while the user reads what it found: `F`
    /// goes back to it, `}` and `{` on to the next hit.
    public var search: SearchScreen?
    /// Where the next timeline read opens when a search hit was chosen.
    var searchLanding: SearchNavigation.Landing?
    /// Where `Esc` on the search screen goes back to.
    var focusBeforeSearch: Focus = .list

    public init(width: Int, height: Int, now: Timestamp, scope: Scope, projectFilter: Project.ID? = nil,
                sessionTypes: [SessionType] = SessionType.builtIn) {
        self.projectFilter = projectFilter
        self.width = width
        self.height = height
        self.now = now
        self.scope = scope
        self.sessionTypes = sessionTypes
    }

    public var layout: ScreenLayout {
        let context = paneContext
        return ScreenLayout(width: width, height: height, focus: focus, showsPager: pager != nil, showsSearch: search != nil) { [timeline] height in
            timeline?.headerLines(paneHeight: height, context: context).count ?? 0
        }
    }

    var paneContext: PaneContext { PaneContext(registry: catalog?.registry, now: now) }

    public var section: SessionStatus { list.section }
    public var currentRows: SessionRows { list.currentRows }
    public var selectedSummary: SessionSummary? { list.selected }

    public var accountName: String {
        catalog?.registry.account(scope.accountID)?.name ?? "account \(scope.accountID)"
    }

    public var projectName: String? {
        guard let id = scope.projectID else { return nil }
        return catalog?.registry.project(id)?.name ?? "project \(id)"
    }

    /// The key context input is dispatched in: a dialog, a line being typed,
    /// else the focused screen.
    public var keyContext: KeyContext {
        if let overlay { return overlay.keyContext }
        if focus == .search { return search?.input != nil ? .searchQuery : .searchScreen }
        if list.filter.isEditing { return .filter }
        if pager?.searchInput != nil { return .search }
        if pager?.copyMenu != nil { return .copyMenu }
        switch focus {
        case .list: return .list
        case .timeline: return .timeline
        case .pager: return .detail
        case .search: return .searchScreen
        }
    }
}

/// What a pane needs from outside itself to draw a session: names from the
/// registry and the time, for "3m ago".
public struct PaneContext: Sendable {
    public var registry: Registry?
    public var now: Timestamp
}

/// A session as a summary describes it: when two differ, the one loaded is stale.
struct SessionVersion: Sendable, Equatable {
    var updatedAt: Timestamp
    var interactionCount: Int
    var status: SessionStatus
    /// A summary newly marked damaged, or no longer, asks for the session
    /// again: its pane shows the error, or the timeline once the file reads.
    var damaged = false

    init(_ summary: SessionSummary) {
        (updatedAt, interactionCount, status) = (summary.updatedAt, summary.interactionCount, summary.status)
        damaged = summary.damaged != nil
    }

    init(_ session: Session) {
        (updatedAt, interactionCount, status) = (session.updatedAt, session.interactions.count, session.status)
    }
}

/// A load asked for: the session, and the version the catalog had of it
/// (nil when the catalog no longer has it).
struct LoadTicket: Sendable, Equatable {
    var id: Session.ID
    var version: SessionVersion?
}

/// A session whose file could not be read, with the error that says why.
public struct UnreadableSession: Sendable, Equatable {
    public var id: Session.ID
    public var message: String
}

/// A transient message in the footer.
public struct Flash: Sendable, Equatable {
    public var text: String
    public var isError: Bool
    public var expires: Timestamp
}
