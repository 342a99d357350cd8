import SessionsDisplay
import SessionsKit

/// The open session: its interactions and what the timeline pane derives from
/// them once, at load, rather than on every frame.
public struct TimelineState: Sendable {
    public var session: Session
    public var cursor = 0
    public var top = 0
    /// The longest duration, which scales the bars.
    public let longestMS: Int
    /// Durations at or above this are drawn as slow.
    public let slowMS: Int
    /// The state map as sanitized, pretty JSON lines.
    public let stateLines: [String]
    /// Fields this version does not model, as sanitized `key value` lines.
    public let extraLines: [String]
    /// For the timeline's title, counted once per load rather than per frame.
    public let errorCount: Int
    public let pendingCount: Int

    public init(session: Session) {
        self.session = session
        let durations = session.interactions.compactMap { $0.result?.durationMS }.sorted()
        longestMS = durations.last ?? 0
        // The slowest tenth stands out, but never steps under a second, nor in
        // a session whose steps all took about as long.
        let p90 = durations.isEmpty ? 0 : durations[min(durations.count - 1, durations.count * 9 / 10)]
        slowMS = max(1000, p90, longestMS / 2)
        if let state = session.state {
            stateLines = Sanitizer.lines(JSONWriter.string(.object(state), style: .pretty))
        } else {
            stateLines = []
        }
        errorCount = session.interactions.count { $0.result?.status == .error }
        pendingCount = session.interactions.count(where: \.isPending)
        extraLines = session.extra.members.map {
            Sanitizer.line($0.key) + " " + Sanitizer.line(JSONWriter.string($0.value, style: .compact))
        }
    }

    public var interactions: [Interaction] { session.interactions }

    /// How many state lines the header shows in a pane `height` rows tall: all
    /// of them when they fit in a third of it, else a cut ending in a note.
    public func visibleStateLines(paneHeight: Int) -> Int {
        let budget = max(1, paneHeight / 3)
        return stateLines.count <= budget ? stateLines.count : budget
    }

    /// Rows above the timeline: four field lines, the extras, `state`, and its JSON.
    public func headerHeight(paneHeight: Int) -> Int {
        4 + extraLines.count + max(1, visibleStateLines(paneHeight: paneHeight))
    }

    /// Timeline rows that fit below the header and the timeline's title.
    public func visibleRows(paneHeight: Int) -> Int {
        max(1, paneHeight - headerHeight(paneHeight: paneHeight) - 1)
    }
}
