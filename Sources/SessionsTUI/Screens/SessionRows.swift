import SessionsKit

/// One section's sessions in display order: positions into the catalog's
/// summaries, which are shared rather than copied, so filtering and sorting
/// 10,000 sessions on a key press moves integers, not records.
public struct SessionRows: RandomAccessCollection, Sendable {
    let all: [SessionSummary]
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
        all = []
        order = []
        widestID = 0
        longestType = 0
        (oldestUpdate, oldestCreation, newestUpdate, newestCreation) = (nil, nil, nil, nil)
    }

    init(all: [SessionSummary], order: [Int]) {
        self.all = all
        self.order = order
        var (id, type, updated, created) = (0, 0, Int64.max, Int64.max)
        var (latestUpdate, latestCreation) = (Int64.min, Int64.min)
        all.withUnsafeBufferPointer { all in
            // Read in place: a summary copied out costs a retain and release
            // of each of its strings.
            for position in order {
                id = Swift.max(id, all[position].session.id.rawValue)
                type = Swift.max(type, all[position].session.type.name.utf8.count)
                updated = Swift.min(updated, all[position].session.updatedAt.microseconds)
                created = Swift.min(created, all[position].session.insertedAt.microseconds)
                latestUpdate = Swift.max(latestUpdate, all[position].session.updatedAt.microseconds)
                latestCreation = Swift.max(latestCreation, all[position].session.insertedAt.microseconds)
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

    /// The id of the session at `position`, read in place: a summary copied
    /// out costs a retain and release of each of its strings and objects,
    /// and cursors and marks only need the id.
    public func id(at position: Int) -> Session.ID { all[order[position]].session.id }

    /// Every id, in order.
    public var ids: [Session.ID] { all.withUnsafeBufferPointer { all in order.map { all[$0].session.id } } }

    /// Where session `id` is, if it is shown.
    public func position(of id: Session.ID) -> Int? {
        all.withUnsafeBufferPointer { all in order.firstIndex { all[$0].session.id == id } }
    }
}
