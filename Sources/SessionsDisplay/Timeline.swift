import SessionsKit

/// A session's timeline as both front ends write it: the heading with its
/// counts, and the cells of each interaction's row. `sessions show` and the
/// browser's pane say the same words, in the same order, with the same bars.
public enum TimelineText {
    /// One piece of the heading, with the tone it is shown in, if any.
    public struct Part: Sendable, Equatable {
        public let text: String
        public let tone: Tone?
    }

    /// "Timeline · 5 interactions · 2 errors · 1 pending".
    public static func heading(count: Int, errors: Int, pending: Int) -> [Part] {
        var parts = [Part(text: "Timeline · \(count) interaction\(count == 1 ? "" : "s")", tone: nil)]
        if errors > 0 { parts.append(Part(text: " · \(errors) error\(errors == 1 ? "" : "s")", tone: .error)) }
        if pending > 0 { parts.append(Part(text: " · \(pending) pending", tone: nil)) }
        return parts
    }

    public static func heading(_ interactions: [Interaction]) -> [Part] {
        heading(count: interactions.count, errors: interactions.count { $0.result?.status == .error },
                pending: interactions.count(where: \.isPending))
    }

    /// When it started, on the local clock.
    public static func startTime(_ interaction: Interaction) -> String {
        interaction.startedAt.map(TimeText.clock) ?? Labels.none
    }

    public static func exitCode(_ result: CommandResult?) -> String {
        result?.code.map(String.init) ?? Labels.none
    }

    public static func duration(_ result: CommandResult?) -> String {
        result?.durationMS.map { TimeText.duration(milliseconds: $0) } ?? Labels.none
    }

    /// The command, after a marker naming the subagent session it started,
    /// sanitized. Only the first `limit` characters are read: every
    /// character takes a cell at least, so a megabyte command costs a row.
    public static func command(_ interaction: Interaction, limit: Int = .max) -> String {
        let command = interaction.command.command
        let shown = limit == .max ? command : String(command.prefix(limit))
        return (Labels.subagentMarker(interaction) ?? "") + Sanitizer.line(shown)
    }
}

/// A bar beside a duration makes slow steps stand out in a column of
/// numbers. It is `width` cells long at the longest duration, in eighths of
/// a cell so that short steps still differ, and any duration above zero
/// shows at least a sliver.
public enum DurationBar {
    public static let width = 8

    public static func text(_ milliseconds: Int?, longest: Int, width: Int = DurationBar.width) -> String {
        guard let ms = milliseconds, longest > 0, ms > 0 else { return "" }
        let eighths = max(1, Int((Double(ms) / Double(longest) * Double(width * 8)).rounded()))
        let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partials[eighths % 8]
    }
}
