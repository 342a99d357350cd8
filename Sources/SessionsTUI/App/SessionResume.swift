import SessionsKit

/// `R`: the conversation of the session in the pane, resumed in Claude
/// Code. What can be known from the summaries (that there is a
/// conversation, and where it started) is checked here, so a session
/// without one says so in the footer; what only the system knows (that
/// the program and the directory are there) the terminal checks before it
/// leaves the screen.
enum SessionResume {
    static func request(_ state: inout AppState) -> [Effect] {
        guard let id = Update.wantedSession(state), let catalog = state.catalog, let summary = catalog.summary(id: id) else { return [] }
        do {
            let target = try ResumeTarget.of(summary.session, among: catalog.table)
            return [.terminal(.resume(ResumePlan(target, command: state.resumeCommand)))]
        } catch {
            Update.flash(&state, error.description, isError: true)
            return []
        }
    }
}
