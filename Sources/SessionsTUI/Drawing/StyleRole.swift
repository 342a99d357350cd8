import SessionsDisplay

/// What a cell *means*, not how it looks. Screens paint roles; a theme decides
/// colours and attributes for each role, so frames stay theme-independent and
/// golden tests compare text alone.
public enum StyleRole: String, CaseIterable, Sendable, Hashable {
    /// Ordinary text.
    case normal
    /// Secondary text: column titles, times, hints.
    case dim
    /// The top bar.
    case header
    /// The product name in the top bar.
    case brand
    /// A section tab that is not selected.
    case tab
    /// The selected section tab.
    case tabSelected
    /// Pane titles and separators.
    case border
    /// The cursor row in the focused pane.
    case selection
    /// The cursor row in a pane without focus.
    case selectionInactive
    case statusActive
    case statusComplete
    case statusFailed
    case resultOK
    case resultError
    case resultWarning
    case resultPending
    /// Duration bars in the timeline.
    case bar
    /// Duration bars of the slowest steps.
    case barSlow
    /// Control characters and invalid bytes the sanitizer made visible.
    case escape
    /// Search matches in the pager.
    case match
    /// The match `n` and `N` are on, apart from the rest.
    case matchCurrent
    /// Keys and labels of JSON and field lists.
    case label
    /// A diff's `@@` line, which says what each hunk of an edit is.
    case diffHunk
    /// Lines an edit took out, after their `-`.
    case diffRemoved
    /// Lines an edit put in, after their `+`.
    case diffAdded
    /// The bottom status line.
    case footer
    /// A key name in the footer or help.
    case footerKey
    /// A flash message reporting success.
    case flash
    /// A flash message reporting a failure.
    case flashError
    /// Dialogs: the new-session form, confirmations, pickers, help.
    case dialog
    /// The glyph beside a marked session.
    case marked
    /// A prompt of the user's in the timeline.
    case prompt
    /// A reply of the assistant's in the timeline.
    case reply
}

extension StyleRole {
    /// The role that shows a tone, as the command line's colour shows it.
    init(_ tone: Tone) {
        switch tone {
        case .active: self = .statusActive
        case .complete: self = .statusComplete
        case .failed: self = .statusFailed
        case .ok: self = .resultOK
        case .error: self = .resultError
        case .warning: self = .resultWarning
        case .pending: self = .resultPending
        case .muted: self = .dim
        }
    }
}
