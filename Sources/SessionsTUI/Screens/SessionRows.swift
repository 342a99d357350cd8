import SessionsKit

/// One section's sessions in display order: positions into the catalog's
/// summaries, which are shared rather than copied, so filtering and sorting
/// 10,000 sessions on a key press moves integers, not records.
public struct SessionRows: RandomAccessCollection, Sendable {
    let all: [SessionSummary]
    let order: [Int]
    /// The largest id, which sizes the id column; found once here rather
    /// than on every frame.
    public let widestID: Int

    public init() {
        all = []
        order = []
        widestID = 0
    }

    init(all: [SessionSummary], order: [Int]) {
        self.all = all
        self.order = order
        widestID = all.withUnsafeBufferPointer { all in order.reduce(0) { Swift.max($0, all[$1].session.id.rawValue) } }
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
