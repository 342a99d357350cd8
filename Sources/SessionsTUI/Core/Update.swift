import SessionsDisplay
import SessionsKit

/// The next state from the current one and an action, plus the effects the
/// runtime must perform. Pure: no I/O, no clock, no terminal.
public enum Update {
    static let flashSeconds: Int64 = 4

    public static func update(_ state: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .key(let key):
            return handleKey(&state, key)
        case .mouse(let event):
            return handleMouse(&state, event)
        case .resize(let width, let height):
            state.width = width
            state.height = height
            keepInView(&state)
            return []
        case .tick(let now):
            state.now = now
            if let flash = state.flash, flash.expires <= now { state.flash = nil }
            return []
        case .catalogLoaded(let catalog):
            state.catalog = catalog
            rebuildRows(&state)
            return refreshTimeline(&state, catalogChanged: true)
        case .sessionLoaded(let session):
            return sessionLoaded(&state, session)
        case .sessionMissing(let id):
            if state.timeline?.session.id == id {
                state.timeline = nil
                state.detail = nil
                if state.focus != .list {
                    state.focus = .list
                    flash(&state, "#\(id) no longer exists", isError: true)
                }
            }
            return []
        case .statusChanged(let change, let isUndo):
            return statusChanged(&state, change, isUndo: isUndo)
        case .sessionCreated(let session):
            replaceSummary(&state, id: session.id, with: SessionSummary(session))
            state.section = session.status
            state.filter = FilterInput()
            rebuildRows(&state)
            select(&state, id: session.id)
            flash(&state, "#\(session.id) created")
            return refreshTimeline(&state, catalogChanged: false)
        case .sessionDeleted(let id):
            replaceSummary(&state, id: id, with: nil)
            state.undoStack.removeAll { $0.sessionID == id }
            rebuildRows(&state)
            flash(&state, "#\(id) deleted")
            return refreshTimeline(&state, catalogChanged: false)
        case .accountSwitched(let scope):
            state.scope = scope
            // A project belongs to one account: kept, the filter would hide
            // every session of the next one, with nothing on screen saying why.
            state.projectFilter = nil
            state.cursors = [:]
            state.timeline = nil
            state.detail = nil
            state.focus = .list
            state.undoStack = []
            state.filter = FilterInput()
            rebuildRows(&state)
            flash(&state, "account: \(Sanitizer.line(state.accountName))")
            return refreshTimeline(&state, catalogChanged: false)
        case .failed(let message):
            flash(&state, message, isError: true)
            return []
        case .notice(let message):
            flash(&state, message)
            return []
        }
    }

    static func flash(_ state: inout AppState, _ text: String, isError: Bool = false) {
        state.flash = Flash(text: text, isError: isError,
                            expires: Timestamp(microseconds: state.now.microseconds + flashSeconds * 1_000_000))
    }

    // MARK: - Rows and selection

    /// Re-derives every section's rows from the catalog, filter and sort,
    /// keeping each cursor on its session, or on the row that took its place.
    static func rebuildRows(_ state: inout AppState) {
        guard let catalog = state.catalog else { return }
        let query = FilterQuery(state.filter.text)
        let registry = catalog.registry
        // One list of positions per status, in `SessionStatus.allCases` order.
        var sections: [[Int]] = Array(repeating: [], count: SessionStatus.allCases.count)
        // Moved out of the state so adding entries does not copy the table.
        var searchText = state.searchText
        state.searchText = [:]
        let all = catalog.summaries
        let account = state.scope.accountID, project = state.projectFilter
        // This loop runs over every session on each keystroke of the filter:
        // it reads stored fields in place instead of copying each summary.
        all.withUnsafeBufferPointer { all in
            for position in all.indices where all[position].session.accountID == account {
                if let project, all[position].session.projectID != project { continue }
                if !query.isEmpty {
                    let summary = all[position]
                    let passes = query.matches(summary, text: {
                        if let entry = searchText[summary.session.id], entry.updatedAt == summary.session.updatedAt { return entry.bytes }
                        let bytes = Array(FilterQuery.searchText(summary, registry: registry).utf8)
                        searchText[summary.session.id] = SearchEntry(updatedAt: summary.session.updatedAt, bytes: bytes)
                        return bytes
                    }, registry: registry)
                    if !passes { continue }
                }
                switch all[position].session.status {
                case .active: sections[0].append(position)
                case .complete: sections[1].append(position)
                case .failed: sections[2].append(position)
                }
            }
        }
        state.searchText = searchText
        state.sort.sort(&sections, of: all)
        for (status, order) in zip(SessionStatus.allCases, sections) {
            state.rows[status] = SessionRows(all: all, order: order)
            var cursor = state.cursors[status] ?? ListCursor()
            let rows = state.rows[status] ?? SessionRows()
            if let id = cursor.id, let index = all.withUnsafeBufferPointer({ all in order.firstIndex { all[$0].session.id == id } }) {
                cursor.index = index
            } else {
                cursor.index = max(0, min(cursor.index, rows.count - 1))
            }
            cursor.id = cursor.index < rows.count ? rows[cursor.index].id : nil
            state.cursors[status] = cursor
        }
        keepInView(&state)
    }

    static func replaceSummary(_ state: inout AppState, id: Session.ID, with summary: SessionSummary?) {
        if let summary {
            state.catalog?.apply(deletes: [], puts: [summary])
        } else {
            state.catalog?.apply(deletes: [id], puts: [])
        }
    }

    static func select(_ state: inout AppState, id: Session.ID) {
        let rows = state.currentRows
        guard let index = rows.firstIndex(where: { $0.id == id }) else { return }
        setCursor(&state, index)
    }

    static func setCursor(_ state: inout AppState, _ index: Int) {
        let rows = state.currentRows
        var cursor = state.cursor
        cursor.index = max(0, min(index, rows.count - 1))
        cursor.id = cursor.index < rows.count ? rows[cursor.index].id : nil
        state.cursors[state.section] = cursor
        keepInView(&state)
    }

    /// Scrolls each view so its cursor is on screen.
    static func keepInView(_ state: inout AppState) {
        let layout = state.layout
        for status in SessionStatus.allCases {
            guard var cursor = state.cursors[status] else { continue }
            let count = state.rows[status]?.count ?? 0
            cursor.top = scrolled(top: cursor.top, cursor: cursor.index, visible: layout.contentRows, count: count)
            state.cursors[status] = cursor
        }
        if var timeline = state.timeline {
            let visible = timeline.visibleRows(paneHeight: layout.bodyHeight)
            let count = timeline.interactions.count
            if state.focus == .list {
                // Unfocused, the pane follows the newest interactions.
                timeline.top = max(0, count - visible)
                timeline.cursor = max(0, min(timeline.cursor, count - 1))
            } else {
                timeline.top = scrolled(top: timeline.top, cursor: timeline.cursor, visible: visible, count: count)
            }
            state.timeline = timeline
        }
        if var detail = state.detail {
            detail.clampToEnd(width: pagerWidth(state), rows: layout.contentRows)
            state.detail = detail
        }
    }

    static func scrolled(top: Int, cursor: Int, visible: Int, count: Int) -> Int {
        var top = top
        if cursor < top { top = cursor }
        if cursor >= top + visible { top = cursor - visible + 1 }
        return max(0, min(top, max(0, count - visible)))
    }

    static func pagerWidth(_ state: AppState) -> Int { max(1, state.width - 1) }

    /// After the selection or the catalog changed: asks for the selected
    /// session when the pane shows another one or an older version of it.
    static func refreshTimeline(_ state: inout AppState, catalogChanged: Bool) -> [Effect] {
        // While reading a session, keep it even if the list moved on.
        if state.focus != .list, let open = state.timeline?.session {
            guard catalogChanged else { return [] }
            guard let summary = state.catalog?.summary(id: open.id),
                  summary.accountID == state.scope.accountID else {
                return [.loadSession(open.id)]
            }
            return isStale(open, summary) ? [.loadSession(open.id)] : []
        }
        guard let selected = state.selectedSummary else {
            state.timeline = nil
            return []
        }
        if let open = state.timeline?.session, open.id == selected.id {
            return isStale(open, selected) ? [.loadSession(selected.id)] : []
        }
        return [.loadSession(selected.id)]
    }

    static func isStale(_ session: Session, _ summary: SessionSummary) -> Bool {
        session.updatedAt != summary.updatedAt || session.interactions.count != summary.interactionCount
            || session.status != summary.status
    }

    static func sessionLoaded(_ state: inout AppState, _ session: Session) -> [Effect] {
        let wanted = state.focus == .list || state.timeline == nil ? state.selectedSummary?.id : state.timeline?.session.id
        guard session.id == wanted else { return [] }
        var next = TimelineState(session: session)
        if let old = state.timeline, old.session.id == session.id {
            let wasAtEnd = old.cursor >= old.interactions.count - 1
            next.cursor = max(0, wasAtEnd ? session.interactions.count - 1 : min(old.cursor, session.interactions.count - 1))
            next.top = old.top
        }
        state.timeline = next
        if let detail = state.detail, detail.index >= session.interactions.count {
            // The interaction read is gone (the session was rewritten).
            state.detail = nil
            if state.focus == .detail { state.focus = .timeline }
        }
        if var detail = state.detail {
            // A pending interaction that finished while open shows its result.
            var fresh = PagerState(session: session, index: detail.index)
            if fresh.interaction != detail.interaction || fresh.title != detail.title {
                fresh.top = min(detail.top, max(0, fresh.lines.count - 1))
                fresh.wrap = detail.wrap
                fresh.search = detail.search
                fresh.searchInput = detail.searchInput
                detail = fresh
                state.detail = detail
            }
        }
        keepInView(&state)
        return []
    }

    // MARK: - Status changes

    /// The session the status keys act on: the open one while reading it,
    /// else the list's selection.
    static func targetSession(_ state: AppState) -> (id: Session.ID, status: SessionStatus)? {
        if state.focus != .list, let session = state.timeline?.session { return (session.id, session.status) }
        return state.selectedSummary.map { ($0.id, $0.status) }
    }

    static func requestStatus(_ state: inout AppState, _ status: SessionStatus) -> [Effect] {
        guard let target = targetSession(state) else {
            flash(&state, "no session selected", isError: true)
            return []
        }
        guard target.status != status else {
            flash(&state, "#\(target.id) is already \(status.rawValue)")
            return []
        }
        return [.setStatus(sessionID: target.id, to: status, isUndo: false)]
    }

    static func requestUndo(_ state: inout AppState) -> [Effect] {
        guard let last = state.undoStack.last else {
            flash(&state, "nothing to undo")
            return []
        }
        let current = state.catalog?.summary(id: last.sessionID)?.status
        guard current == last.to else {
            state.undoStack.removeLast()
            flash(&state, "#\(last.sessionID) changed since; nothing undone", isError: true)
            return []
        }
        return [.setStatus(sessionID: last.sessionID, to: last.from, isUndo: true)]
    }

    static func statusChanged(_ state: inout AppState, _ change: StatusChange, isUndo: Bool) -> [Effect] {
        if let session = change.session {
            replaceSummary(&state, id: change.sessionID, with: SessionSummary(session))
        }
        if isUndo {
            if state.undoStack.last?.sessionID == change.sessionID { state.undoStack.removeLast() }
            flash(&state, "#\(change.sessionID) → \(change.to.rawValue) (undone)")
        } else {
            state.undoStack.append(StatusChange(sessionID: change.sessionID, from: change.from, to: change.to))
            if state.undoStack.count > 100 { state.undoStack.removeFirst() }
            flash(&state, "#\(change.sessionID) → \(change.to.rawValue) (u: undo)")
        }
        if var timeline = state.timeline, timeline.session.id == change.sessionID, let session = change.session {
            timeline.session = session
            state.timeline = timeline
        }
        let reading = state.focus != .list && state.timeline?.session.id == change.sessionID
        rebuildRows(&state)
        if reading || isUndo {
            // Follow the session to its new section: the reader keeps reading
            // it, and an undo puts the cursor back where the change began.
            state.section = change.to
            rebuildRows(&state)
            select(&state, id: change.sessionID)
        }
        return refreshTimeline(&state, catalogChanged: false)
    }

    // MARK: - Keys

    static func handleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
        if state.overlay != nil { return overlayKey(&state, key) }
        if state.filter.isEditing { return filterKey(&state, key) }
        if state.detail?.searchInput != nil { return searchKey(&state, key) }
        guard let command = state.keyMap.command(for: key, in: state.keyContext) else { return [] }
        return perform(&state, command)
    }

    static func perform(_ state: inout AppState, _ command: Intent) -> [Effect] {
        switch command {
        case .help:
            state.overlay = .help(top: 0)
            return []
        case .redraw:
            return [.redraw]
        case .quit:
            return [.quit]
        default:
            break
        }
        switch state.focus {
        case .list: return listCommand(&state, command)
        case .timeline: return timelineCommand(&state, command)
        case .detail: return detailCommand(&state, command)
        }
    }

    static func moveTarget(_ command: Intent, current: Int, count: Int, page: Int) -> Int? {
        switch command {
        case .moveDown: return current + 1
        case .moveUp: return current - 1
        case .moveTop: return 0
        case .moveBottom: return count - 1
        case .pageDown: return current + page
        case .pageUp: return current - page
        default: return nil
        }
    }

    static func switchSection(_ state: inout AppState, to section: SessionStatus) -> [Effect] {
        state.section = section
        state.focus = .list
        state.detail = nil
        keepInView(&state)
        return refreshTimeline(&state, catalogChanged: false)
    }

    static func listCommand(_ state: inout AppState, _ command: Intent) -> [Effect] {
        let sections = SessionStatus.allCases
        let position = sections.firstIndex(of: state.section) ?? 0
        if let target = moveTarget(command, current: state.cursor.index, count: state.currentRows.count,
                                   page: state.layout.contentRows) {
            setCursor(&state, target)
            return refreshTimeline(&state, catalogChanged: false)
        }
        switch command {
        case .nextSection: return switchSection(&state, to: sections[(position + 1) % sections.count])
        case .previousSection: return switchSection(&state, to: sections[(position + sections.count - 1) % sections.count])
        case .sectionActive: return switchSection(&state, to: .active)
        case .sectionComplete: return switchSection(&state, to: .complete)
        case .sectionFailed: return switchSection(&state, to: .failed)
        case .open:
            guard let selected = state.selectedSummary else { return [] }
            state.focus = .timeline
            if var timeline = state.timeline, timeline.session.id == selected.id {
                timeline.cursor = max(0, timeline.interactions.count - 1)
                state.timeline = timeline
                keepInView(&state)
                return []
            }
            // The pane shows another session until this one loads; never let
            // the keys act on that one meanwhile.
            state.timeline = nil
            state.detail = nil
            return [.loadSession(selected.id)]
        case .back:
            if state.filter.isActive {
                state.filter = FilterInput()
                rebuildRows(&state)
                return refreshTimeline(&state, catalogChanged: false)
            }
            return []
        case .filter:
            state.filter.isEditing = true
            return []
        case .cycleSort:
            let sorts = SessionSort.allCases
            state.sort = sorts[((sorts.firstIndex(of: state.sort) ?? 0) + 1) % sorts.count]
            rebuildRows(&state)
            flash(&state, "sort: \(state.sort.rawValue)")
            return refreshTimeline(&state, catalogChanged: false)
        case .markComplete: return requestStatus(&state, .complete)
        case .markFailed: return requestStatus(&state, .failed)
        case .markActive: return requestStatus(&state, .active)
        case .undo: return requestUndo(&state)
        case .newSession:
            let components = state.catalog?.registry.components.filter { $0.accountID == state.scope.accountID } ?? []
            state.overlay = .newSession(NewSessionForm(types: state.sessionTypes, components: components))
            return []
        case .deleteSession:
            guard let selected = state.selectedSummary else { return [] }
            state.overlay = .confirmDelete(sessionID: selected.id, interactions: selected.interactionCount)
            return []
        case .switchAccount:
            let accounts = state.catalog?.registry.accounts ?? []
            guard accounts.count > 1 else {
                flash(&state, "only one account; add one with `sessions account add NAME`")
                return []
            }
            let index = accounts.firstIndex { $0.id == state.scope.accountID } ?? 0
            state.overlay = .accountPicker(accounts: accounts, cursor: index)
            return []
        default:
            return []
        }
    }

    static func timelineCommand(_ state: inout AppState, _ command: Intent) -> [Effect] {
        guard var timeline = state.timeline else {
            if command == .back || command == .nextSection || command == .previousSection { state.focus = .list }
            return []
        }
        let visible = timeline.visibleRows(paneHeight: state.layout.bodyHeight)
        let count = timeline.interactions.count
        if let target = moveTarget(command, current: timeline.cursor, count: count, page: visible) {
            timeline.cursor = max(0, min(target, count - 1))
            state.timeline = timeline
            keepInView(&state)
            return []
        }
        switch command {
        case .open:
            guard timeline.cursor >= 0, timeline.cursor < count else { return [] }
            state.detail = PagerState(session: timeline.session, index: timeline.cursor)
            state.focus = .detail
            return []
        case .nextError, .previousError:
            guard let index = errorIndex(timeline, from: timeline.cursor, forward: command == .nextError) else {
                flash(&state, command == .nextError ? "no later error" : "no earlier error")
                return []
            }
            timeline.cursor = index
            state.timeline = timeline
            keepInView(&state)
            return []
        case .back:
            state.focus = .list
            keepInView(&state)
            return refreshTimeline(&state, catalogChanged: false)
        case .nextSection, .previousSection:
            state.focus = .list
            return listCommand(&state, command)
        case .markComplete: return requestStatus(&state, .complete)
        case .markFailed: return requestStatus(&state, .failed)
        case .markActive: return requestStatus(&state, .active)
        case .undo: return requestUndo(&state)
        default:
            return []
        }
    }

    static func errorIndex(_ timeline: TimelineState, from start: Int, forward: Bool) -> Int? {
        let interactions = timeline.interactions
        let start = min(start, interactions.count)
        let candidates = forward ? Array((start + 1)..<max(start + 1, interactions.count))
                                 : Array((0..<max(0, start)).reversed())
        return candidates.first { interactions[$0].result?.status == .error }
    }

    static func detailCommand(_ state: inout AppState, _ command: Intent) -> [Effect] {
        guard var detail = state.detail else {
            state.focus = .timeline
            return []
        }
        let width = pagerWidth(state), rows = state.layout.contentRows
        switch command {
        case .moveDown: detail.scroll(by: 1, width: width, rows: rows)
        case .moveUp: detail.scroll(by: -1, width: width, rows: rows)
        case .pageDown: detail.scroll(by: rows - 1, width: width, rows: rows)
        case .pageUp: detail.scroll(by: -(rows - 1), width: width, rows: rows)
        case .moveTop: (detail.top, detail.topRow) = (0, 0)
        case .moveBottom: detail.scrollToEnd(width: width, rows: rows)
        case .toggleWrap:
            detail.wrap.toggle()
            detail.topRow = 0
            detail.clampToEnd(width: width, rows: rows)
            flash(&state, detail.wrap ? "wrap on" : "wrap off")
        case .search:
            detail.searchInput = ""
        case .searchNext, .searchPrevious:
            guard let needle = detail.search else {
                flash(&state, "no search yet: press /")
                return []
            }
            let forward = command == .searchNext
            if let line = detail.find(needle, from: forward ? detail.top + 1 : detail.top - 1, forward: forward) {
                (detail.top, detail.topRow) = (line, 0)
                detail.clampToEnd(width: width, rows: rows)
            } else {
                flash(&state, "not found: \(needle)", isError: true)
            }
        case .openInPager:
            let text = (0..<detail.lines.count).map { detail.lines.line($0).spans.map(\.text).joined() }
                .joined(separator: "\n") + "\n"
            return [.openPager(text)]
        case .copy:
            let part = detail.partAtTop
            let text = detail.copyText[part] ?? ""
            return [.copyToClipboard(text)]
        case .nextError, .previousError:
            guard let timeline = state.timeline,
                  let index = errorIndex(timeline, from: detail.index, forward: command == .nextError) else {
                flash(&state, command == .nextError ? "no later error" : "no earlier error")
                return []
            }
            var next = PagerState(session: timeline.session, index: index)
            next.wrap = detail.wrap
            next.search = detail.search
            detail = next
            state.timeline?.cursor = index
        case .back:
            state.detail = nil
            state.focus = .timeline
            keepInView(&state)
            return []
        default:
            return []
        }
        state.detail = detail
        return []
    }

    // MARK: - Text input

    static func filterKey(_ state: inout AppState, _ key: Key) -> [Effect] {
        switch key {
        case .enter:
            state.filter.isEditing = false
            return []
        case .escape:
            state.filter = FilterInput()
        case .backspace, .delete:
            guard !state.filter.text.isEmpty else { return [] }
            state.filter.text.removeLast()
        case .control("u"):
            state.filter.text = ""
        case .down, .up, .pageDown, .pageUp:
            let command: Intent = key == .down ? .moveDown : key == .up ? .moveUp : key == .pageDown ? .pageDown : .pageUp
            return listCommand(&state, command)
        case .character(let character):
            state.filter.text.append(character)
        default:
            return []
        }
        rebuildRows(&state)
        return refreshTimeline(&state, catalogChanged: false)
    }

    static func searchKey(_ state: inout AppState, _ key: Key) -> [Effect] {
        guard var detail = state.detail, var input = detail.searchInput else { return [] }
        switch key {
        case .enter:
            detail.searchInput = nil
            if !input.isEmpty {
                detail.search = input
                if let line = detail.find(input, from: detail.top, forward: true) {
                    (detail.top, detail.topRow) = (line, 0)
                    detail.clampToEnd(width: pagerWidth(state), rows: state.layout.contentRows)
                } else {
                    flash(&state, "not found: \(input)", isError: true)
                }
            }
        case .escape:
            detail.searchInput = nil
        case .backspace, .delete:
            if !input.isEmpty { input.removeLast() }
            detail.searchInput = input
        case .character(let character):
            input.append(character)
            detail.searchInput = input
        default:
            break
        }
        state.detail = detail
        return []
    }

    // MARK: - Overlays

    static func overlayKey(_ state: inout AppState, _ key: Key) -> [Effect] {
        guard let overlay = state.overlay else { return [] }
        // Esc and q cancel either dialog that edits or picks something.
        if key == .escape || key == .character("q") {
            switch overlay {
            case .newSession, .accountPicker:
                state.overlay = nil
                return []
            default:
                break
            }
        }
        switch overlay {
        case .help(let top):
            let last = max(0, OverlayView.helpLines(state.keyMap).count - max(1, state.height - 4))
            func scrolled(_ value: Int) -> Overlay { .help(top: max(0, min(value, last))) }
            switch key {
            case .character("j"), .down: state.overlay = scrolled(top + 1)
            case .character("k"), .up: state.overlay = scrolled(top - 1)
            case .pageDown, .character(" "): state.overlay = scrolled(top + max(1, state.height - 6))
            case .pageUp: state.overlay = scrolled(top - max(1, state.height - 6))
            default: state.overlay = nil
            }
            return []
        case .confirmDelete(let id, _):
            state.overlay = nil
            if key == .character("y") || key == .character("Y") { return [.deleteSession(id)] }
            flash(&state, "#\(id) kept")
            return []
        case .newSession(var form):
            switch key {
            case .enter:
                state.overlay = nil
                guard let draft = form.draft else { return [] }
                return [.createSession(draft)]
            case .tab, .down, .character("j"): form.moveField(by: 1)
            case .backTab, .up, .character("k"): form.moveField(by: -1)
            case .left, .character("h"): form.cycle(by: -1)
            case .right, .character("l"), .character(" "): form.cycle(by: 1)
            default: break
            }
            state.overlay = .newSession(form)
            return []
        case .accountPicker(let accounts, var cursor):
            switch key {
            case .enter:
                state.overlay = nil
                guard cursor < accounts.count else { return [] }
                return [.switchAccount(accounts[cursor].id)]
            case .down, .character("j"): cursor = min(cursor + 1, accounts.count - 1)
            case .up, .character("k"): cursor = max(cursor - 1, 0)
            default: break
            }
            state.overlay = .accountPicker(accounts: accounts, cursor: cursor)
            return []
        }
    }

    // MARK: - Mouse

    static func handleMouse(_ state: inout AppState, _ event: MouseEvent) -> [Effect] {
        let layout = state.layout
        guard !layout.isTooSmall, state.overlay == nil else { return [] }
        if event.row == layout.headerRow, event.kind == .press {
            for (section, columns) in HeaderView.tabColumns(state) where columns.contains(event.column) {
                return switchSection(&state, to: section)
            }
            return []
        }
        guard layout.body.contains(event.row) else { return [] }
        let wheel = event.kind == .wheelDown ? 3 : event.kind == .wheelUp ? -3 : 0
        if state.focus == .detail, var detail = state.detail {
            if wheel != 0 {
                detail.scroll(by: wheel, width: pagerWidth(state), rows: layout.contentRows)
                state.detail = detail
            }
            return []
        }
        if let columns = layout.listColumns(focus: state.focus), columns.contains(event.column) {
            if wheel != 0 {
                setCursor(&state, state.cursor.index + wheel)
            } else {
                let row = event.row - layout.body.lowerBound - 1
                guard row >= 0 else { return [] }
                let index = state.cursor.top + row
                guard index < state.currentRows.count else { return [] }
                state.focus = .list
                setCursor(&state, index)
            }
            return refreshTimeline(&state, catalogChanged: false)
        }
        if let columns = layout.sessionColumns(focus: state.focus), columns.contains(event.column),
           var timeline = state.timeline {
            let count = timeline.interactions.count
            if wheel != 0 {
                state.focus = .timeline
                timeline.cursor = max(0, min(timeline.cursor + wheel, count - 1))
            } else {
                let firstRow = layout.body.lowerBound + timeline.headerHeight(paneHeight: layout.bodyHeight) + 1
                let index = timeline.top + (event.row - firstRow)
                guard event.row >= firstRow, index < count else { return [] }
                state.focus = .timeline
                timeline.cursor = index
            }
            state.timeline = timeline
            keepInView(&state)
        }
        return []
    }
}
