/// Where every pane goes, worked out once from the size and what is open.
/// The normalising pass scrolls by these rectangles, render draws in them,
/// and clicks are tested against them, so the three can never disagree.
public struct ScreenLayout: Sendable, Equatable {
    public static let minimumWidth = 50
    public static let minimumHeight = 12
    /// From this width the list and the session sit side by side; below it
    /// the focused one takes the whole width, which reads better than two
    /// cramped columns.
    public static let splitWidth = 100
    /// Wide enough for the session's timeline to read well: on screens
    /// wider than the list's share and this, the list takes the rest (up to
    /// its own maximum), so its names show whole.
    public static let sessionComfortWidth = 100
    public static let listMaximumWidth = 120

    public let width: Int
    public let height: Int
    /// The whole screen, which overlays centre themselves in.
    public let screen: Rect
    public let header: Rect
    public let footer: Rect
    /// Everything between the header and the footer.
    public let body: Rect
    /// The session list, its column titles on the first row; nil when hidden.
    public let list: Rect?
    /// The rule between the list and the session.
    public let divider: Rect?
    /// The selected session's fields and timeline; nil when hidden.
    public let session: SessionPaneLayout?
    /// One interaction in full, over the whole body; nil when none is open.
    public let pager: Rect?
    /// The search screen, over the whole body, while it has the focus.
    public let search: Rect?

    public var isTooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }
    public var isSplit: Bool { width >= Self.splitWidth }

    /// - Parameter sessionHeader: how many rows the session's fields take in
    ///   a pane of the given height (they depend on the session shown).
    public init(width: Int, height: Int, focus: Focus, showsPager: Bool, showsSearch: Bool = false, sessionHeader: (Int) -> Int) {
        self.width = width
        self.height = height
        screen = Rect(x: 0, y: 0, width: width, height: height)
        header = screen.row(0)
        footer = screen.row(max(0, height - 1))
        body = Rect(x: 0, y: 1, width: width, height: height - 2)
        if showsSearch && focus == .search {
            (list, divider, session, pager, search) = (nil, nil, nil, nil, body)
            return
        }
        search = nil
        if showsPager && focus == .pager {
            (list, divider, session, pager) = (nil, nil, nil, body)
            return
        }
        pager = nil
        let sessionPane: Rect?
        if width >= Self.splitWidth {
            let share = min(max(44, width * 2 / 5), 84)
            let left = min(max(share, width - Self.sessionComfortWidth), Self.listMaximumWidth)
            list = Rect(x: 0, y: body.y, width: left, height: body.height)
            divider = Rect(x: left, y: body.y, width: 1, height: body.height)
            sessionPane = Rect(x: left + 1, y: body.y, width: width - left - 1, height: body.height)
        } else {
            divider = nil
            list = focus == .list ? body : nil
            sessionPane = focus == .list ? nil : body
        }
        session = sessionPane.map { SessionPaneLayout(pane: $0, headerHeight: sessionHeader($0.height)) }
    }
}

/// The session pane from top to bottom: the session's fields, the timeline's
/// title, and one row per interaction.
public struct SessionPaneLayout: Sendable, Equatable {
    public let pane: Rect
    public let fields: Rect
    public let title: Rect
    public let rows: Rect

    init(pane: Rect, headerHeight: Int) {
        self.pane = pane
        let split = pane.splitTop(headerHeight)
        fields = split.top
        let rest = split.rest.splitTop(1)
        title = rest.top
        rows = rest.rest
    }
}
