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

    /// "Timeline · 100000 interactions · reading 99500 earlier…": a long
    /// session's newest page, shown while the rest is read. Errors and
    /// pending ones are counted once all are read.
    public static func heading(count: Int, reading earlier: Int) -> [Part] {
        heading(count: count, errors: 0, pending: 0) + [Part(text: " · reading \(earlier) earlier…", tone: nil)]
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

    /// One row of a timeline: an interaction or a message, by its index.
    public typealias Row = TimelineEntry

    /// The rows of a timeline, in `TimelineOrder`'s order.
    public static func rows(_ interactions: [Interaction], _ messages: [ConversationMessage], partial: Bool = false) -> [Row] {
        TimelineOrder.merge(interactionStarts: interactions.map(\.startedAt), messageTimes: messages.map(\.at), partial: partial)
    }

    /// When each of `rows` starts.
    public static func times(of rows: some Sequence<Row>, _ interactions: [Interaction],
                             _ messages: [ConversationMessage]) -> [Timestamp?] {
        rows.map { row in
            switch row {
            case .interaction(let index): interactions[index].startedAt
            case .message(let index): messages[index].at
            }
        }
    }

    /// The time cells of `rows`: each start on the local clock, after its
    /// day (`Feb 12 14:02:11`) where the day is not the one last named
    /// above the row. Above the first row that is the session's creation,
    /// which the fields over every timeline name; further down, the row
    /// before. So a session that spans days says on which day each row is,
    /// wherever the rows start (a scrolled pane passes the rows it shows),
    /// and still takes one row per interaction.
    public static func startTimes(_ interactions: [Interaction], rows: Range<Int>, createdAt: Timestamp,
                                  now: Timestamp) -> [String] {
        startTimes(interactions[rows].map(\.startedAt), createdAt: createdAt, now: now)
    }

    /// The time cells of rows that start at `times`, in order, as above.
    public static func startTimes(_ times: [Timestamp?], createdAt: Timestamp, now: Timestamp) -> [String] {
        var named = TimeText.local(createdAt).dayKey
        return times.map { started in
            guard let started else { return Labels.none }
            let time = TimeText.local(started)
            guard time.dayKey != named else { return TimeText.clock(time) }
            named = time.dayKey
            return TimeText.day(started, now: now) + " " + TimeText.clock(time)
        }
    }

    /// The first and last start on another day than the session's creation,
    /// if any: whether `startTimes` will name days, and which, for a column
    /// sized once rather than as rows scroll by.
    public static func otherDays(_ interactions: [Interaction], createdAt: Timestamp) -> ClosedRange<Timestamp>? {
        otherDays(interactions.map(\.startedAt), createdAt: createdAt)
    }

    public static func otherDays(_ times: [Timestamp?], createdAt: Timestamp) -> ClosedRange<Timestamp>? {
        let created = TimeText.local(createdAt).dayKey
        var range: ClosedRange<Timestamp>?
        for started in times {
            guard let started, TimeText.local(started).dayKey != created else { continue }
            range = range.map { min($0.lowerBound, started)...max($0.upperBound, started) } ?? started...started
        }
        return range
    }

    /// " · 12 messages", after the interaction counts; " · 12 messages
    /// hidden" when their rows are, so the heading says they exist; and of a
    /// page, how many of them it shows.
    public static func conversationHeading(messages: Int, shown: Int, partial: Bool = false) -> [Part] {
        guard messages > 0 else { return [] }
        let counted = "\(messages) message\(messages == 1 ? "" : "s")"
        if shown == 0 && !partial { return [Part(text: " · \(counted) hidden", tone: nil)] }
        return [Part(text: " · " + counted, tone: nil)]
    }

    /// Cells wide enough for every start time `startTimes` gives when the
    /// days other than the creation's are `otherDays`.
    public static func startTimeWidth(otherDays: ClosedRange<Timestamp>?, now: Timestamp) -> Int {
        let clock = 8
        guard let days = otherDays else { return clock }
        let day = [days.lowerBound, days.upperBound].map { CellWidth.of(TimeText.day($0, now: now)) }.reduce("Feb 12".count, max)
        return day + 1 + clock
    }

    public static func exitCode(_ result: CommandResult?) -> String {
        result?.code.map(String.init) ?? Labels.none
    }

    public static func duration(_ result: CommandResult?) -> String {
        result?.durationMS.map { TimeText.duration(milliseconds: $0) } ?? Labels.none
    }

    /// The command, after a marker naming the subagent session it started,
    /// sanitized, with the paths of file tools shown from the session's
    /// working `directory`. Of a command longer than 4 KB only the first
    /// `limit` characters are read: every character takes a cell at least,
    /// so a megabyte command costs a row. A shorter one is read whole, for
    /// a path is made relative, then cut keeping its file name.
    public static func command(_ interaction: Interaction, directory: String? = nil, limit: Int = .max) -> String {
        let command = interaction.command.command
        let shown = limit == .max || command.utf8.count <= 4096 ? command : String(command.prefix(limit))
        return (Labels.subagentMarker(interaction) ?? "") + Sanitizer.line(PathText.command(shown, tool: interaction.command.module,
                                                                                         directory: directory))
    }

    /// The command text `command` gives, cut to `width` cells: a file
    /// tool's path keeps its file name (`…/spotter/foo.ex`), anything else
    /// keeps its start.
    public static func fit(_ text: String, of interaction: Interaction, width: Int) -> String {
        guard let tool = interaction.command.module, PathText.fileTools.contains(tool) else { return CellWidth.truncate(text, to: width) }
        return PathText.fit(text, to: width)
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
