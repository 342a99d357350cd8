import SessionsDisplay
import SessionsKit

/// The CLI's own styling: a few SGR colours around text it has already
/// sanitised. Off unless stdout is a terminal and `NO_COLOR` is unset.
struct Style {
    enum Color: String {
        case red = "31", green = "32", yellow = "33", blue = "34", dim = "2", bold = "1"
    }

    let enabled: Bool

    func apply(_ text: String, _ color: Color) -> String {
        enabled ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    func color(for status: SessionStatus) -> Color {
        switch status {
        case .active: return .yellow
        case .complete: return .green
        case .failed: return .red
        }
    }

    func color(for result: LastResult?) -> Color {
        switch result {
        case .ok?: return .green
        case .error?: return .red
        case .warning?: return .yellow
        case .pending?, nil: return .dim
        }
    }

    func status(_ status: SessionStatus) -> String {
        apply("\(Glyphs.status(status)) \(status.rawValue)", color(for: status))
    }

    func result(_ result: LastResult?) -> String {
        apply(Glyphs.result(result), color(for: result))
    }
}
