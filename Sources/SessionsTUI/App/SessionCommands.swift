import SessionsKit

/// What the keys do to sessions themselves: `c`/`f`/`a` on the session being
/// read, else every marked one, else the selected one, each as one commit;
/// `u` writes the last change back; `D` deletes after one confirmation.
enum SessionCommands {
    /// The sessions a command acts on, with their statuses now.
    static func targets(_ state: AppState) -> [(id: Session.ID, status: SessionStatus)] {
        if state.focus != .list, let session = state.timeline?.session { return [(session.id, session.status)] }
        let marked = state.list.markedIDs
        if !marked.isEmpty { return marked.map { ($0, state.list.section) } }
        return state.selectedSummary.map { [($0.id, $0.status)] } ?? []
    }

    static func requestStatus(_ state: inout AppState, _ status: SessionStatus) -> [Effect] {
        let targets = targets(state)
        guard !targets.isEmpty else {
            Update.flash(&state, "no session selected", isError: true)
            return []
        }
        let moving = targets.filter { $0.status != status }
        guard !moving.isEmpty else {
            Update.flash(&state, targets.count == 1 ? "#\(targets[0].id) is already \(status.rawValue)"
                                                    : "the marked sessions are already \(status.rawValue)")
            return []
        }
        return [.store(.setStatus(StatusRequest(targets: moving.map { StatusTarget(id: $0.id, status: status) })))]
    }

    static func requestUndo(_ state: inout AppState) -> [Effect] {
        guard let last = state.undoStack.last else {
            Update.flash(&state, "nothing to undo")
            return []
        }
        // A session changed since by someone else keeps that change.
        let unchanged = last.before.filter { state.catalog?.summary(id: $0.id)?.status == last.to }
        let leftAlone = last.before.filter { !unchanged.contains($0) }.map(\.id)
        guard !unchanged.isEmpty else {
            nothingUndone(&state, last, leftAlone: leftAlone)
            return []
        }
        return [.store(.setStatus(StatusRequest(targets: unchanged, undoing: last, leftAlone: leftAlone)))]
    }

    /// Every session of `change` moved on since it was made: the change
    /// leaves the undo stack, and the flash says whose.
    static func nothingUndone(_ state: inout AppState, _ change: StatusChange, leftAlone: [Session.ID]) {
        if let index = state.undoStack.lastIndex(of: change) { state.undoStack.remove(at: index) }
        Update.flash(&state, "\(names(leftAlone)) changed since; nothing undone", isError: true)
    }

    /// A write came back: the lists take the sessions as written, the change
    /// goes on the undo stack (or an undone one comes off it), and the flash
    /// says what happened.
    static func statusChanged(_ state: inout AppState, _ write: StatusWrite) {
        state.catalog?.apply(deletes: [], puts: write.sessions)
        let ids = write.change.sessionIDs
        if let undone = write.undoing, ids.isEmpty {
            // Every one was changed by someone else before the undo could hold the store.
            nothingUndone(&state, undone, leftAlone: write.leftAlone)
            return
        }
        let subject = ids.count == 1 ? "#\(ids[0])" : "\(ids.count) sessions"
        if let undone = write.undoing {
            if let index = state.undoStack.lastIndex(of: undone) { state.undoStack.remove(at: index) }
            var text = "\(subject) → \(write.change.to.rawValue) (undone)"
            if !write.leftAlone.isEmpty { text += "; \(names(write.leftAlone)) changed since, left alone" }
            Update.flash(&state, text, isError: !write.leftAlone.isEmpty)
        } else {
            state.undoStack.append(write.change)
            if state.undoStack.count > 100 { state.undoStack.removeFirst() }
            Update.flash(&state, "\(subject) → \(write.change.to.rawValue) (u: undo)")
        }
        if let summary = write.sessions.first(where: { $0.id == state.timeline?.session.id }), let timeline = state.timeline {
            // The fields as written; the interactions, which a status change leaves, as read.
            var session = summary.session
            session.interactions = timeline.session.interactions
            state.timeline?.session = session
        }
        let isReading = state.focus != .list && state.reading.map(ids.contains) == true
        if isReading || write.undoing != nil {
            // Follow the sessions to their new section: the reader keeps
            // reading, and an undo puts the cursor, and the marks, back.
            let followed = state.reading.flatMap { ids.contains($0) ? $0 : nil } ?? ids[0]
            state.list.select(id: followed, in: write.change.to)
            if write.undoing.map({ $0.before.count > 1 }) == true { state.list.mark(ids, in: write.change.to) }
        }
    }

    static func requestDelete(_ state: inout AppState) {
        let ids = state.list.markedIDs.isEmpty ? state.selectedSummary.map { [$0.id] } ?? [] : state.list.markedIDs
        guard !ids.isEmpty else { return }
        let interactions = ids.reduce(0) { $0 + (state.catalog?.summary(id: $1)?.interactionCount ?? 0) }
        state.overlay = .confirmDelete(ConfirmDelete(sessionIDs: ids, interactions: interactions))
    }

    static func sessionsDeleted(_ state: inout AppState, _ ids: [Session.ID]) {
        state.catalog?.apply(deletes: ids, puts: [])
        let gone = Set(ids)
        state.undoStack = state.undoStack.compactMap { change in
            let before = change.before.filter { !gone.contains($0.id) }
            return before.isEmpty ? nil : StatusChange(before: before, to: change.to)
        }
        Update.flash(&state, ids.count == 1 ? "#\(ids[0]) deleted" : "\(ids.count) sessions deleted")
    }

    /// "#3", "#3, #7", or "#3, #7 and 4 more".
    static func names(_ ids: [Session.ID]) -> String {
        let shown = ids.prefix(3).map { "#\($0)" }.joined(separator: ", ")
        return ids.count > 3 ? "\(shown) and \(ids.count - 3) more" : shown
    }
}
