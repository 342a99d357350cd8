import SessionsDisplay
import SessionsKit

/// The CLI's own styling: a few SGR colours around text it has already
/// sanitised. Off unless stdout is a terminal and `NO_COLOR` is unset.
struct Style {
    enum Color: String {
        case red = "31", green = "32", yellow = "33", blue = "34", magenta = "35", dim = "2", bold = "1"
    }

    let enabled: Bool

    func apply(_ text: String, _ color: Color) -> String {
        enabled ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// The same hue the browser's default theme gives the tone.
    func color(for tone: Tone) -> Color {
        switch tone {
        case .active: return .blue
        case .complete, .ok: return .green
        case .failed, .error: return .red
        case .warning: return .yellow
        case .pending: return .magenta
        case .muted: return .dim
        }
    }

    /// Text in a tone's colour; text without a tone as it is.
    func apply(_ text: String, _ tone: Tone?) -> String { tone.map { apply(text, color(for: $0)) } ?? text }

    func status(_ status: SessionStatus) -> String {
        apply("\(Glyphs.status(status)) \(status.rawValue)", Tone(status))
    }

    func result(_ result: LastResult?) -> String {
        apply(Glyphs.result(result), Tone(result))
    }
}
