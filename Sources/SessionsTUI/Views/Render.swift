import SessionsDisplay
import SessionsKit

/// The whole screen as a pure function of the state: what the terminal
/// backend draws and what headless tests compare with golden files.
public enum Render {
    public static func frame(_ state: AppState) -> Frame {
        var frame = Frame(width: state.width, height: state.height)
        let layout = state.layout
        guard !layout.isTooSmall else {
            TooSmallView.draw(into: &frame, state)
            return frame
        }
        HeaderView.draw(into: &frame, state)
        if state.focus == .detail, let detail = state.detail {
            PagerView.draw(into: &frame, state, detail)
        } else {
            if let columns = layout.listColumns(focus: state.focus) {
                ListView.draw(into: &frame, state, columns: columns)
            }
            if layout.isSplit {
                for row in layout.body { frame.put("│", row: row, column: layout.leftWidth, role: .border) }
            }
            if let columns = layout.sessionColumns(focus: state.focus) {
                SessionPaneView.draw(into: &frame, state, columns: columns)
            }
        }
        FooterView.draw(into: &frame, state)
        if let overlay = state.overlay { OverlayView.draw(into: &frame, state, overlay) }
        return frame
    }

    /// Left-aligned text in a fixed number of cells, cut with `…` if needed.
    static func fit(_ text: String, _ width: Int, right: Bool = false) -> String {
        CellWidth.fit(text, to: max(0, width), alignRight: right)
    }

    static func role(for status: SessionStatus) -> StyleRole {
        switch status {
        case .active: return .statusActive
        case .complete: return .statusComplete
        case .failed: return .statusFailed
        }
    }

    static func role(for result: LastResult?) -> StyleRole {
        switch result {
        case nil: return .dim
        case .pending?: return .resultPending
        case .ok?: return .resultOK
        case .error?: return .resultError
        case .warning?: return .resultWarning
        }
    }

    /// Text centred in `columns` on `row`.
    static func center(_ text: String, into frame: inout Frame, row: Int, columns: Range<Int>, role: StyleRole) {
        let width = columns.count
        let cut = CellWidth.truncate(text, to: width)
        let start = columns.lowerBound + max(0, (width - CellWidth.of(cut)) / 2)
        frame.put(cut, row: row, column: start, limit: columns.upperBound, role: role)
    }
}

enum TooSmallView {
    static func draw(into frame: inout Frame, _ state: AppState) {
        let lines = [
            "Terminal too small",
            "\(state.width)×\(state.height), need \(Layout.minimumWidth)×\(Layout.minimumHeight)",
            "enlarge it, or q to quit",
        ]
        let first = max(0, (state.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() where first + offset < state.height {
            Render.center(line, into: &frame, row: first + offset, columns: 0..<state.width, role: offset == 0 ? .header : .dim)
        }
    }
}
