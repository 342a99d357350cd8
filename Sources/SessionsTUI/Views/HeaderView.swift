import SessionsDisplay
import SessionsKit

/// The top bar: product, section tabs with live counts, account and sort.
enum HeaderView {
    static let brand = " sessions "

    static func label(_ section: SessionStatus, count: Int) -> String {
        switch section {
        case .active: return "Active (\(count))"
        case .complete: return "Complete (\(count))"
        case .failed: return "Failed (\(count))"
        }
    }

    /// Where each tab is drawn; mouse clicks use the same positions. On a
    /// narrow screen the product name gives way, so every count stays visible.
    static func tabColumns(_ state: AppState) -> [(SessionStatus, Range<Int>)] {
        let widths = SessionStatus.allCases.map { CellWidth.of(label($0, count: state.rows[$0]?.count ?? 0)) + 2 }
        let tabs = widths.reduce(0, +) + widths.count - 1
        var column = showsBrand(state, tabs: tabs) ? CellWidth.of(brand) + 1 : 0
        var result: [(SessionStatus, Range<Int>)] = []
        for (section, width) in zip(SessionStatus.allCases, widths) {
            result.append((section, column..<(column + width)))
            column += width + 1
        }
        return result
    }

    static func showsBrand(_ state: AppState, tabs: Int) -> Bool { CellWidth.of(brand) + 1 + tabs <= state.width }

    static func draw(into frame: inout Frame, _ state: AppState) {
        let row = 0
        frame.fill(row: row, columns: 0..<frame.width, role: .header)
        let tabs = tabColumns(state)
        var column = 0
        if tabs.first.map({ $0.1.lowerBound > 0 }) == true { column = frame.put(brand, row: row, column: 0, role: .brand) + 1 }
        for (section, columns) in tabs {
            let count = state.rows[section]?.count ?? 0
            let selected = section == state.section
            column = frame.put(" ", row: row, column: columns.lowerBound, role: selected ? .tabSelected : .tab)
            column = frame.put(label(section, count: count), row: row, column: column, role: selected ? .tabSelected : .tab)
            column = frame.put(" ", row: row, column: column, role: selected ? .tabSelected : .tab)
        }
        var right = Sanitizer.line(state.accountName)
        if let project = state.projectName { right += " · " + Sanitizer.line(project) }
        if state.filter.isActive { right += " · filtered" }
        right += " · sort: \(state.sort.rawValue) "
        let space = frame.width - column - 2
        if space > 8 {
            let text = CellWidth.truncate(right, to: space)
            frame.put(text, row: row, column: frame.width - CellWidth.of(text), role: .header)
        }
    }
}
