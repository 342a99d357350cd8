import SessionsKit

/// How a prompt or a reply reads among the interactions, in the browser's
/// timeline and in `sessions show` alike: a mark and a word that tell the two
/// apart without colour, then the text.
public enum ConversationText {
    /// `›` before what the user asked, `‹` before what came back.
    public static func mark(_ role: ConversationMessage.Role) -> String {
        switch role {
        case .user: return "›"
        case .assistant: return "‹"
        }
    }

    /// The word in the step column.
    public static func speaker(_ role: ConversationMessage.Role) -> String {
        switch role {
        case .user: return "prompt"
        case .assistant: return "reply"
        }
    }

    /// The message on one line, sanitized: its lines joined by ` ⏎ `, so a
    /// row shows how it goes on. Only the first `limit` characters are read.
    public static func line(_ message: ConversationMessage, limit: Int = .max) -> String {
        let text = limit == .max ? Substring(message.text) : message.text.prefix(limit)
        let lines = text.split(whereSeparator: \.isNewline).map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        return Sanitizer.line(lines.joined(separator: " ⏎ "))
    }
}
