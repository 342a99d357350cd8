/// Where each part of the screen goes at a given size. `update` uses it to
/// keep cursors in view and `render` to draw, so the two always agree.
public struct Layout: Sendable, Equatable {
    public static let minimumWidth = 50
    public static let minimumHeight = 12
    /// From this width the list and the timeline sit side by side; below it
    /// the focused one takes the whole width, which reads better than two
    /// cramped columns.
    public static let splitWidth = 100

    public let width: Int
    public let height: Int

    public var isTooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }
    public var isSplit: Bool { width >= Self.splitWidth }
    public var headerRow: Int { 0 }
    public var footerRow: Int { height - 1 }
    /// Rows between the header and the footer.
    public var body: Range<Int> { 1..<max(1, height - 1) }
    public var bodyHeight: Int { body.count }

    /// The list's columns, when it is visible.
    public func listColumns(focus: AppState.Focus) -> Range<Int>? {
        if isSplit { return 0..<leftWidth }
        return focus == .list ? 0..<width : nil
    }

    /// The session pane's columns (header and timeline), when it is visible.
    public func sessionColumns(focus: AppState.Focus) -> Range<Int>? {
        if isSplit { return (leftWidth + 1)..<width }
        return focus == .list ? nil : 0..<width
    }

    var leftWidth: Int { min(max(44, width * 2 / 5), 84) }

    /// Rows the list or the pager can show: the body less their title line.
    public var contentRows: Int { max(1, bodyHeight - 1) }
}
