import SessionsDisplay
import SessionsKit

/// The top bar: product, section tabs with live counts, account and sort.
enum HeaderBar {
    static let brand = " sessions "

    static func label(_ section: SessionStatus, count: Int) -> String {
        switch section {
        case .active: return "Active (\(count))"
        case .complete: return "Complete (\(count))"
        case .failed: return "Failed (\(count))"
        }
    }

    /// Where each tab is drawn, and so where a click selects it. On a narrow
    /// screen the product name gives way, so every count stays visible.
    static func tabs(_ list: ListScreen, in rect: Rect) -> [(section: SessionStatus, columns: Range<Int>)] {
        let widths = SessionStatus.allCases.map { CellWidth.of(label($0, count: list.rows[$0]?.count ?? 0)) + 2 }
        let tabs = widths.reduce(0, +) + widths.count - 1
        var column = rect.x + (CellWidth.of(brand) + 1 + tabs <= rect.width ? CellWidth.of(brand) + 1 : 0)
        var result: [(SessionStatus, Range<Int>)] = []
        for (section, tabWidth) in zip(SessionStatus.allCases, widths) {
            result.append((section, column..<(column + tabWidth)))
            column += tabWidth + 1
        }
        return result
    }

    /// The section whose tab is at `column`.
    static func section(atColumn column: Int, _ list: ListScreen, in rect: Rect) -> SessionStatus? {
        tabs(list, in: rect).first { $0.columns.contains(column) }?.section
    }

    static func draw(into frame: inout Frame, in rect: Rect, _ state: AppState) {
        let row = rect.y
        frame.fill(row: row, columns: rect.columns, role: .header)
        let tabs = tabs(state.list, in: rect)
        var column = rect.x
        if tabs.first.map({ $0.columns.lowerBound > rect.x }) == true { column = frame.put(brand, row: row, column: rect.x, role: .brand) + 1 }
        for (section, columns) in tabs {
            let role: StyleRole = section == state.list.section ? .tabSelected : .tab
            column = frame.put(" " + label(section, count: state.list.rows[section]?.count ?? 0) + " ",
                               row: row, column: columns.lowerBound, role: role)
        }
        var right = Sanitizer.line(state.accountName)
        if let project = state.projectName { right += " · " + Sanitizer.line(project) }
        if state.list.filter.isActive { right += " · filtered" }
        right += " · sort: \(state.list.sort.rawValue) "
        let end = rect.columns.upperBound
        let space = end - column - 2
        if space > 8 {
            let text = CellWidth.truncate(right, to: space)
            frame.put(text, row: row, column: end - CellWidth.of(text), limit: end, role: .header)
        }
    }
}
