/// Cursor movement shared by every list-like screen: the session list, the
/// timeline, the account picker.
enum Movement {
    /// Where a move intent takes a cursor at `current` among `count` rows
    /// shown `page` at a time, clamped; nil for an intent that is no move.
    static func target(_ intent: Intent, from current: Int, count: Int, page: Int) -> Int? {
        let target: Int
        switch intent {
        case .moveDown: target = current + 1
        case .moveUp: target = current - 1
        case .moveTop: target = 0
        case .moveBottom: target = count - 1
        case .pageDown: target = current + page
        case .pageUp: target = current - page
        default: return nil
        }
        return max(0, min(target, count - 1))
    }

    /// The first row to show so that `cursor` is on screen, moving `top` as
    /// little as possible, and never leaving blank rows past the end.
    static func scrolled(top: Int, cursor: Int, visible: Int, count: Int) -> Int {
        var top = top
        if cursor < top { top = cursor }
        if cursor >= top + visible { top = cursor - visible + 1 }
        return max(0, min(top, max(0, count - visible)))
    }
}
