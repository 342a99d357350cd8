import SessionsDisplay
import SessionsKit

/// The next state from the current one and an action, plus the effects the
/// runtime must perform. Pure: no I/O, no clock, no terminal. It dispatches
/// the action to whichever screen owns it, then runs one normalising pass
/// that makes rows, cursors, scrolling and the loaded session agree with the
/// new state, so no handler has to remember to.
public enum Update {
    static let flashSeconds: Int64 = 4

    public static func update(_ state: inout AppState, _ action: Action) -> [Effect] {
        let effects = apply(&state, action)
        return effects + normalize(&state)
    }

    static func apply(_ state: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .key(let key):
            return handleKey(&state, key)
        case .mouse(let event):
            state.flash = nil
            MouseInput.handle(&state, event)
        case .resize(let width, let height):
            (state.width, state.height) = (width, height)
        case .tick(let now):
            state.now = now
            if let flash = state.flash, flash.expires <= now { state.flash = nil }
        case .catalogLoaded(let catalog):
            if state.catalog == nil {
                state.list.openOnLatestActivity(catalog, scope: state.scope, projectFilter: state.projectFilter)
            }
            state.catalog = catalog
        case .sessionLoaded(let session):
            sessionLoaded(&state, session)
        case .sessionPageLoaded(let page):
            sessionPageLoaded(&state, page)
        case .sessionMissing(let id):
            sessionMissing(&state, id)
        case .sessionUnreadable(let id, let message):
            sessionUnreadable(&state, id, message)
        case .statusChanged(let write):
            SessionCommands.statusChanged(&state, write)
        case .sessionCreated(let session):
            state.catalog?.apply(deletes: [], puts: [SessionSummary(session)])
            state.list.filter = FilterInput()
            state.list.select(id: session.id, in: session.status)
            flash(&state, "#\(session.id) created")
        case .sessionsDeleted(let ids):
            SessionCommands.sessionsDeleted(&state, ids)
        case .accountSwitched(let scope):
            state.scope = scope
            // A project belongs to one account: kept, the filter would hide
            // every session of the next one, with nothing on screen saying why.
            state.projectFilter = nil
            state.list.cursors = [:]
            state.list.marks = [:]
            state.list.filter = FilterInput()
            state.timeline = nil
            state.pager = nil
            state.focus = .list
            state.undoStack = []
            flash(&state, "account: \(Sanitizer.line(state.accountName))")
        case .failed(let message):
            flash(&state, message, isError: true)
        case .notice(let message):
            flash(&state, message)
        case .storeWait(let wait):
            state.storeWait = wait
        case .searchProgress(let progress):
            state.search?.receive(progress)
        }
        return []
    }

    static func flash(_ state: inout AppState, _ text: String, isError: Bool = false) {
        state.flash = Flash(text: text, isError: isError,
                            expires: Timestamp(microseconds: state.now.microseconds + flashSeconds * 1_000_000))
    }

    /// The effects a screen asked for, after showing its message.
    static func deliver(_ state: inout AppState, _ reply: Reply) -> [Effect] {
        if let message = reply.message { flash(&state, message.text, isError: message.isError) }
        return reply.effects
    }

    // MARK: - Loads

    /// The session the pane is for: the one being read, else the selection.
    static func wantedSession(_ state: AppState) -> Session.ID? {
        state.focus == .list ? state.list.selectedID : state.reading
    }

    /// A long session's newest page, shown while the whole session is read.
    /// A whole copy already shown stays until the newer whole one comes.
    static func sessionPageLoaded(_ state: inout AppState, _ page: SessionPage) {
        guard page.session.id == wantedSession(state) else { return }
        if let old = state.timeline, old.session.id == page.session.id, old.earlier == 0 { return }
        sessionLoaded(&state, page.session, earlier: page.earlier)
    }

    static func sessionLoaded(_ state: inout AppState, _ session: Session, earlier: Int = 0) {
        guard session.id == wantedSession(state) else {
            // Asked for, then left behind: ask again if it is wanted later.
            if state.requestedLoad?.id == session.id { state.requestedLoad = nil }
            return
        }
        if state.unreadable?.id == session.id { state.unreadable = nil }
        if let old = state.timeline, old.session.id == session.id {
            state.timeline = old.reloaded(with: session, earlier: earlier, showsConversation: state.showsConversation)
        } else {
            var timeline = TimelineScreen(session: session, earlier: earlier, showsConversation: state.showsConversation)
            SubagentNavigation.land(&timeline, &state.landing)
            state.timeline = timeline
        }
        state.timeline?.links = state.catalog.flatMap { TimelineScreen.Links.of(session, among: $0.table) }
        if state.searchLanding != nil {
            SearchNavigation.land(&state)
            return
        }
        if let pager = state.pager {
            // The interaction read is gone if the session was rewritten shorter.
            state.pager = pager.reloaded(with: session, earlier: earlier)
            if state.pager == nil { state.focus = .timeline }
        }
    }

    /// Missing sessions are not asked for again until the catalog says they
    /// changed, so a summary whose file is gone cannot start a loop of loads.
    static func sessionMissing(_ state: inout AppState, _ id: Session.ID) {
        guard state.timeline?.session.id == id || wantedSession(state) == id else { return }
        state.timeline = nil
        state.pager = nil
        if state.focus != .list {
            state.focus = .list
            flash(&state, "#\(id) no longer exists", isError: true)
        }
    }

    /// A session whose file cannot be read stays where it is, and the pane
    /// says what is wrong with it in place of its timeline. Like a missing
    /// one, it is not asked for again until the catalog says it changed.
    static func sessionUnreadable(_ state: inout AppState, _ id: Session.ID, _ message: String) {
        guard state.timeline?.session.id == id || wantedSession(state) == id else { return }
        state.timeline = nil
        state.pager = nil
        if state.focus == .pager { state.focus = .timeline }
        state.unreadable = UnreadableSession(id: id, message: message)
    }

    // MARK: - Keys

    static func handleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
        let context = state.keyContext
        guard let intent = state.keyMap.command(for: key, in: context) else { return [] }
        // A flash tells of the last thing that happened; after any key that
        // does something (a redraw shows the same) it would tell of an older one.
        if intent != .redraw { state.flash = nil }
        let layout = state.layout
        if let overlay = state.overlay {
            switch overlay.handle(intent, in: layout.screen, keyMap: state.keyMap) {
            case .stay(let next):
                state.overlay = next
                return []
            case .close(let reply):
                state.overlay = nil
                return deliver(&state, reply)
            }
        }
        switch context {
        case .filter:
            return deliver(&state, state.list.handleTyping(intent, key: key, page: listPage(layout)))
        case .search:
            guard let rect = layout.pager else { return [] }
            return deliver(&state, state.pager?.handleTyping(intent, key: key, text: PagerScreen.textArea(of: rect)) ?? .none)
        case .copyMenu:
            return deliver(&state, state.pager?.handleCopyMenu(intent) ?? .none)
        case .searchQuery:
            guard var search = state.search else { return [] }
            let reply = search.handleTyping(intent, key: key)
            state.search = search
            return deliver(&state, reply)
        default:
            return perform(&state, intent)
        }
    }

    /// Rows of sessions the list shows, below its column titles.
    static func listPage(_ layout: ScreenLayout) -> Int { max(1, (layout.list ?? layout.body).height - 1) }

    static func perform(_ state: inout AppState, _ intent: Intent) -> [Effect] {
        switch intent {
        case .help:
            state.overlay = .help(HelpOverlay())
        case .redraw:
            return [.terminal(.redraw)]
        case .quit:
            return [.terminal(.quit)]
        case .markComplete:
            return SessionCommands.requestStatus(&state, .complete)
        case .markFailed:
            return SessionCommands.requestStatus(&state, .failed)
        case .markActive:
            return SessionCommands.requestStatus(&state, .active)
        case .undo:
            return SessionCommands.requestUndo(&state)
        case .openParent:
            openParent(&state)
        case .searchAll:
            SearchNavigation.show(&state)
        case .nextHit, .previousHit:
            SearchNavigation.step(&state, forward: intent == .nextHit)
        case .resume:
            return SessionResume.request(&state)
        case .deleteSession:
            SessionCommands.requestDelete(&state)
        case .newSession:
            let components = state.catalog?.registry.components.filter { $0.accountID == state.scope.accountID } ?? []
            state.overlay = .newSession(NewSessionForm(types: state.sessionTypes, components: components))
        case .switchAccount:
            let accounts = state.catalog?.registry.accounts ?? []
            guard accounts.count > 1 else {
                flash(&state, "only one account; add one with `sessions account add NAME`")
                return []
            }
            let index = accounts.firstIndex { $0.id == state.scope.accountID } ?? 0
            state.overlay = .accountPicker(AccountPicker(accounts: accounts, cursor: index))
        default:
            switch state.focus {
            case .list: return listIntent(&state, intent)
            case .timeline: return timelineIntent(&state, intent)
            case .pager: return pagerIntent(&state, intent)
            case .search: return searchIntent(&state, intent)
            }
        }
        return []
    }

    static func listIntent(_ state: inout AppState, _ intent: Intent) -> [Effect] {
        guard intent == .open else {
            return deliver(&state, state.list.handle(intent, page: listPage(state.layout)) ?? .none)
        }
        guard let selected = state.selectedSummary else { return [] }
        state.focus = .timeline
        state.reading = selected.id
        if var timeline = state.timeline, timeline.session.id == selected.id {
            timeline.cursor = max(0, timeline.rows.count - 1)
            state.timeline = timeline
        } else {
            // The pane shows another session until this one loads; never let
            // the keys act on that one meanwhile.
            state.timeline = nil
        }
        return []
    }

    static func timelineIntent(_ state: inout AppState, _ intent: Intent) -> [Effect] {
        switch intent {
        case .back:
            state.focus = .list
        case .nextSection, .previousSection:
            state.focus = .list
            return listIntent(&state, intent)
        case .open where SubagentNavigation.open(&state):
            break
        case .open, .openInteraction:
            guard let timeline = state.timeline else { return [] }
            if let index = timeline.selectedInteraction {
                state.pager = PagerScreen(session: timeline.session, index: index, wrap: state.pagerWraps, earlier: timeline.earlier)
            } else if let message = timeline.selectedMessage {
                state.pager = PagerScreen(session: timeline.session, message: message, wrap: state.pagerWraps)
            } else {
                return []
            }
            state.focus = .pager
        case .toggleConversation:
            guard let timeline = state.timeline else { return [] }
            state.showsConversation.toggle()
            state.timeline = timeline.reloaded(with: timeline.session, earlier: timeline.earlier, showsConversation: state.showsConversation)
            let count = timeline.messages.count
            flash(&state, count == 0 ? "this session has no conversation kept"
                : state.showsConversation ? "conversation shown: \(count) message\(count == 1 ? "" : "s")" : "conversation hidden")
        default:
            let rows = max(1, state.layout.session?.rows.height ?? 1)
            return deliver(&state, state.timeline?.handle(intent, page: rows) ?? .none)
        }
        return []
    }

    static func searchIntent(_ state: inout AppState, _ intent: Intent) -> [Effect] {
        switch intent {
        case .open:
            SearchNavigation.open(&state)
            return []
        case .back:
            return SearchNavigation.back(&state)
        default:
            let rows = max(1, (state.layout.search?.height ?? 1) - SearchScreen.headerRows)
            let reply = state.search?.handle(intent, page: rows) ?? .none
            return deliver(&state, reply)
        }
    }

    static func pagerIntent(_ state: inout AppState, _ intent: Intent) -> [Effect] {
        // Left at the left edge goes back, as it does in the timeline.
        if intent == .back || (intent == .scrollLeft && state.pager?.column == 0) {
            state.pager = nil
            state.focus = .timeline
            return []
        }
        guard let rect = state.layout.pager else { return [] }
        let session = state.timeline?.session
        let effects = deliver(&state, state.pager?.handle(intent, text: PagerScreen.textArea(of: rect), session: session) ?? .none)
        state.pagerWraps = state.pager?.wrap ?? state.pagerWraps
        return effects
    }

    /// `p`: the parent of the session in the pane. From the list the cursor
    /// goes to it; from the timeline its timeline opens, on its section.
    static func openParent(_ state: inout AppState) {
        guard let timeline = state.timeline, timeline.session.id == wantedSession(state) else { return }
        guard let links = timeline.links, links.namesParent else {
            flash(&state, "#\(timeline.session.id) has no parent session")
            return
        }
        guard let parent = links.parent, let summary = state.catalog?.summary(id: parent) else {
            flash(&state, "#\(timeline.session.id)'s parent is not in this store", isError: true)
            return
        }
        // The filter would hide the parent from the list it is selected in.
        if !state.list.currentRowsContain(parent, in: summary.status) { state.list.filter = FilterInput() }
        state.list.select(id: parent, in: summary.status)
        if state.focus != .list { state.reading = parent }
        state.landing = SubagentNavigation.Landing(session: parent, subagent: timeline.session.id)
        flash(&state, "#\(parent), the parent of #\(timeline.session.id)")
    }

    /// Tabs, the header and clicks on a section: the list, on that section.
    static func show(_ state: inout AppState, section: SessionStatus) {
        state.list.section = section
        state.focus = .list
    }
}
