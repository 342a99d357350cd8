import SessionsKit

/// `Enter` on a Task row marked `→ #N` opens the subagent's session; `p`
/// there comes back to the parent, on the row that started it.
enum SubagentNavigation {
    /// Where a timeline should open once its session is read: on the call
    /// that started `subagent`, the session just left.
    struct Landing: Sendable, Equatable {
        var session: Session.ID
        var subagent: Session.ID
    }

    /// Opens the subagent the row under the timeline's cursor started, and
    /// says whether it did: a row that started none, or one whose session
    /// this account does not have, is left to the pager.
    static func open(_ state: inout AppState) -> Bool {
        guard let timeline = state.timeline, let row = timeline.selectedInteraction,
              let child = timeline.interactions[row].subagentSessionID,
              let summary = state.catalog?.summary(id: child), summary.accountID == state.scope.accountID
        else { return false }
        // The filter would hide the subagent from the list it is selected in.
        if !state.list.currentRowsContain(child, in: summary.status) { state.list.filter = FilterInput() }
        state.list.select(id: child, in: summary.status)
        state.reading = child
        // The parent shows until the subagent loads; the keys must not act on it meanwhile.
        state.timeline = nil
        state.landing = nil
        Update.flash(&state, "#\(child), a subagent of #\(timeline.session.id) (p: back)")
        return true
    }

    /// Puts a timeline just read on the call that started the subagent
    /// left for it, if it is the landing's session and holds that call; the
    /// landing waits for the whole session when the call is not in the
    /// first page read.
    static func land(_ timeline: inout TimelineScreen, _ landing: inout Landing?) {
        guard let wanted = landing, wanted.session == timeline.session.id else { return }
        if let index = timeline.interactions.firstIndex(where: { $0.subagentSessionID == wanted.subagent }) {
            timeline.select(.interaction(index))
            landing = nil
        } else if timeline.earlier == 0 {
            landing = nil
        }
    }
}
