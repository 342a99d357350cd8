/// A rectangle of cells. The layout pass gives every pane one; the pane
/// draws inside it, scrolls by its height, and answers clicks inside it, so
/// no offset is ever worked out in two places.
public struct Rect: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var rows: Range<Int> { y..<(y + height) }
    public var columns: Range<Int> { x..<(x + width) }
    public var isEmpty: Bool { width == 0 || height == 0 }

    public func contains(row: Int, column: Int) -> Bool { rows.contains(row) && columns.contains(column) }

    /// The first `count` rows, and what is below them.
    public func splitTop(_ count: Int) -> (top: Rect, rest: Rect) {
        let count = min(max(0, count), height)
        return (Rect(x: x, y: y, width: width, height: count), Rect(x: x, y: y + count, width: width, height: height - count))
    }

    /// The rectangle with `left` columns and `top` rows taken off those sides.
    public func inset(left: Int = 0, top: Int = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: width - left, height: height - top)
    }

    /// One row of it.
    public func row(_ offset: Int) -> Rect { Rect(x: x, y: y + offset, width: width, height: offset < height ? 1 : 0) }
}
