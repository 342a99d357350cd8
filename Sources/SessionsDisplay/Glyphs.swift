import SessionsKit

/// Status is always shown by a glyph and a word or colour together, never by
/// colour alone, so it survives monochrome terminals and colour blindness.
public enum Glyphs {
    public static func status(_ status: SessionStatus) -> String {
        switch status {
        case .active: return "●"
        case .complete: return "✓"
        case .failed: return "✗"
        }
    }

    /// A session whose file cannot be read: its row says so in place of the
    /// status it last had, in the section of that status.
    public static let damaged = "!"

    /// The status glyph a list row shows for a session, `damaged` included.
    public static func status(_ summary: SessionSummary) -> String {
        summary.damaged == nil ? status(summary.status) : damaged
    }

    public static func result(_ result: LastResult?) -> String {
        switch result {
        case nil: return "·"
        case .pending?: return "…"
        case .ok?: return "✓"
        case .error?: return "✗"
        case .warning?: return "⚠"
        }
    }

    public static func result(_ result: CommandResult?) -> String { self.result(LastResult(result)) }
}
