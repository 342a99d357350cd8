import SessionsDisplay
import SessionsKit

/// One section's sessions in display order: positions into the catalog's
/// summaries, which are shared rather than copied, so filtering and sorting
/// 10,000 sessions on a key press moves integers, not records. A row's
/// summary is decoded when it is read, so only the rows drawn are.
public struct SessionRows: RandomAccessCollection, Sendable {
    let all: SummaryTable
    let order: [Int]
    /// The largest id, which sizes the id column; found once here rather
    /// than on every frame, like those below.
    public let widestID: Int
    /// The longest type name, in bytes (at least its cells), which the
    /// type column is given when there is room.
    public let longestType: Int
    /// The earliest and latest of the time the sort shows
    /// (`SessionListText.time`): the time column's widest text is the age
    /// of the oldest (a date past a year) or of the newest (a date, when it
    /// lies more than a week ahead).
    public let oldestTime: Timestamp?
    public let newestTime: Timestamp?
    /// Whether a Claude Code conversation is among the rows: only those
    /// have a branch and tokens to show.
    public let hasConversations: Bool

    public init() {
        all = SummaryTable()
        order = []
        widestID = 0
        longestType = 0
        (oldestTime, newestTime) = (nil, nil)
        hasConversations = false
    }

    init(all: SummaryTable, order: [Int], sort: SessionSort) {
        self.all = all
        self.order = order
        var (id, type, oldest, newest, conversations) = (0, 0, Int64.max, Int64.min, false)
        all.keys.withUnsafeBufferPointer { all in
            // Read in place: a key copied out costs a retain and release of its type's name.
            for position in order {
                id = Swift.max(id, all[position].id.rawValue)
                type = Swift.max(type, all[position].type.name.utf8.count)
                let time = SessionListText.time(all[position], sort: sort).microseconds
                oldest = Swift.min(oldest, time)
                newest = Swift.max(newest, time)
                if !conversations, all[position].type == .claudeCode { conversations = true }
            }
        }
        (widestID, longestType, hasConversations) = (id, type, conversations)
        oldestTime = order.isEmpty ? nil : Timestamp(microseconds: oldest)
        newestTime = order.isEmpty ? nil : Timestamp(microseconds: newest)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { order.count }
    public subscript(position: Int) -> SessionSummary { all[order[position]] }

    /// The id of the session at `position`, from its key: cursors and marks
    /// only need the id, and decoding the summary would cost far more.
    public func id(at position: Int) -> Session.ID { all.keys[order[position]].id }

    /// Every id, in order.
    public var ids: [Session.ID] { all.keys.withUnsafeBufferPointer { keys in order.map { keys[$0].id } } }

    /// Where session `id` is, if it is shown.
    public func position(of id: Session.ID) -> Int? {
        all.keys.withUnsafeBufferPointer { keys in order.firstIndex { keys[$0].id == id } }
    }
}
