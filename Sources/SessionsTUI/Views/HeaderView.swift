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

    /// Where each tab is drawn; mouse clicks use the same positions.
    static func tabColumns(_ state: AppState) -> [(SessionStatus, Range<Int>)] {
        var column = CellWidth.of(brand) + 1
        var result: [(SessionStatus, Range<Int>)] = []
        for section in SessionStatus.allCases {
            let width = CellWidth.of(label(section, count: state.rows[section]?.count ?? 0)) + 2
            result.append((section, column..<(column + width)))
            column += width + 1
        }
        return result
    }

    static func draw(into frame: inout Frame, _ state: AppState) {
        let row = 0
        frame.fill(row: row, columns: 0..<frame.width, role: .header)
        var column = frame.put(brand, row: row, column: 0, role: .brand) + 1
        for (section, columns) in tabColumns(state) {
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
