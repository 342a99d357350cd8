/// One entry of a session's timeline: an interaction or a message of its
/// conversation, by its index in its own list.
public enum TimelineEntry: Sendable, Hashable {
    case interaction(Int)
    case message(Int)
}

/// The one rule for where the conversation's messages fall among the
/// interactions: the timeline's rows, `show`, and the order of search hits
/// all follow it.
public enum TimelineOrder {
    /// Interactions and messages merged by time, each list keeping its own
    /// order; an entry without a time stays after the one before it. Of a
    /// newest page (`partial`), only the messages from its first interaction on.
    public static func merge(interactionStarts starts: [Timestamp?], messageTimes times: [Timestamp?],
                             partial: Bool = false) -> [TimelineEntry] {
        var entries: [TimelineEntry] = []
        entries.reserveCapacity(starts.count + times.count)
        var next = 0
        if partial, let first = starts.first ?? nil {
            next = times.firstIndex { ($0 ?? first) >= first } ?? times.count
        }
        for (index, started) in starts.enumerated() {
            if let started {
                while next < times.count, let at = times[next], at <= started {
                    entries.append(.message(next))
                    next += 1
                }
            }
            entries.append(.interaction(index))
        }
        entries += (next..<times.count).map(TimelineEntry.message)
        return entries
    }
}
