import SessionsKit

/// One section's sessions in display order: positions into the catalog's
/// summaries, which are shared rather than copied, so filtering and sorting
/// 10,000 sessions on a key press moves integers, not records. A row's
/// summary is decoded when it is read, so only the rows drawn are.
public struct SessionRows: RandomAccessCollection, Sendable {
    let all: SummaryTable
    let order: [Int]
    /// The largest id, which sizes the id column; found once here rather
    /// than on every frame, like the two below.
    public let widestID: Int
    /// The longest type name, in bytes (at least its cells), which the
    /// type column is given when there is room.
    public let longestType: Int
    /// The earliest and latest update and creation: the time column's widest
    /// text is the age of the oldest (a date past a year) or of the newest
    /// (a date, when it lies more than a week ahead).
    public let oldestUpdate: Timestamp?
    public let oldestCreation: Timestamp?
    public let newestUpdate: Timestamp?
    public let newestCreation: Timestamp?

    public init() {
        all = SummaryTable()
        order = []
        widestID = 0
        longestType = 0
        (oldestUpdate, oldestCreation, newestUpdate, newestCreation) = (nil, nil, nil, nil)
    }

    init(all: SummaryTable, order: [Int]) {
        self.all = all
        self.order = order
        var (id, type, updated, created) = (0, 0, Int64.max, Int64.max)
        var (latestUpdate, latestCreation) = (Int64.min, Int64.min)
        all.keys.withUnsafeBufferPointer { all in
            // Read in place: a key copied out costs a retain and release of its type's name.
            for position in order {
                id = Swift.max(id, all[position].id.rawValue)
                type = Swift.max(type, all[position].type.name.utf8.count)
                updated = Swift.min(updated, all[position].updatedAt.microseconds)
                created = Swift.min(created, all[position].insertedAt.microseconds)
                latestUpdate = Swift.max(latestUpdate, all[position].updatedAt.microseconds)
                latestCreation = Swift.max(latestCreation, all[position].insertedAt.microseconds)
            }
        }
        (widestID, longestType) = (id, type)
        oldestUpdate = order.isEmpty ? nil : Timestamp(microseconds: updated)
        oldestCreation = order.isEmpty ? nil : Timestamp(microseconds: created)
        newestUpdate = order.isEmpty ? nil : Timestamp(microseconds: latestUpdate)
        newestCreation = order.isEmpty ? nil : Timestamp(microseconds: latestCreation)
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
