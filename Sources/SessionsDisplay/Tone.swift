import SessionsKit

/// What a status or a result means, named once for every front end. The
/// command line turns a tone into an SGR colour and the browser into a theme
/// role, and both choose the same hue for it: blue for running, green for
/// done, red for failure, yellow for a warning, magenta for waiting.
public enum Tone: Sendable, Equatable, CaseIterable {
    case active, complete, failed, ok, error, warning, pending
    /// Nothing to say: no result yet recorded.
    case muted

    public init(_ status: SessionStatus) {
        switch status {
        case .active: self = .active
        case .complete: self = .complete
        case .failed: self = .failed
        }
    }

    /// A list row's tone: its status, or a warning when its file is damaged.
    public init(_ summary: SessionSummary) {
        self = summary.damaged == nil ? Tone(summary.status) : .warning
    }

    public init(_ result: LastResult?) {
        switch result {
        case nil: self = .muted
        case .pending?: self = .pending
        case .ok?: self = .ok
        case .error?: self = .error
        case .warning?: self = .warning
        }
    }

    /// A finished result's tone.
    public init(_ status: ResultStatus) {
        switch status {
        case .ok: self = .ok
        case .error: self = .error
        case .warning: self = .warning
        }
    }
}
