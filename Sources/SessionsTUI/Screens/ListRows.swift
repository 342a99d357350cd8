import SessionsKit

/// A section's cursor, by index and by id: the id keeps the selection when
/// sessions come and go, the index picks a neighbour when it leaves.
public struct ListCursor: Sendable, Equatable {
    public var index = 0
    public var id: Session.ID?
    /// The first row shown.
    public var top = 0
}

public struct FilterInput: Sendable, Equatable {
    public var text = ""
    /// Whether keys go into the filter line.
    public var isEditing = false
    /// Whether the text narrows anything (a bare `type:` does not yet).
    public var isActive: Bool { !FilterQuery(text).isEmpty }
}

/// A session's lower-cased search text and title as UTF-8, so a filter
/// keystroke over 10,000 sessions is a byte search, not a string comparison
/// per character.
public struct SearchEntry: Sendable {
    public var updatedAt: Timestamp
    public var bytes: [UInt8]
    public var title: [UInt8]
}

/// Everything the rows are made from. The rows are rebuilt when this
/// changes, and only then: a cursor move costs no filtering or sorting.
struct RowsKey: Sendable, Equatable {
    var catalogVersion: Int
    var filter: String
    var sort: SessionSort
    var account: Account.ID
    var project: Project.ID?
}

extension ListScreen {
    /// Brings the rows, cursors and marks in line with the catalog and the
    /// filter: rebuilt if anything they are made from changed, then every
    /// cursor kept on its session, or on the row that took its place.
    mutating func refresh(catalog: Catalog?, version: Int, scope: Scope, projectFilter: Project.ID?) {
        guard let catalog else { return }
        let key = RowsKey(catalogVersion: version, filter: filter.text, sort: sort, account: scope.accountID, project: projectFilter)
        if key != builtFor {
            rebuild(catalog, key: key)
            builtFor = key
        }
        for status in SessionStatus.allCases { settleCursor(status) }
    }

    private mutating func rebuild(_ catalog: Catalog, key: RowsKey) {
        let query = FilterQuery(filter.text)
        let registry = catalog.registry
        // One list of positions per status, in `SessionStatus.allCases` order.
        var sections: [[Int]] = Array(repeating: [], count: SessionStatus.allCases.count)
        // Moved out of the state so adding entries does not copy the table.
        var searchText = self.searchText
        self.searchText = [:]
        let all = catalog.table
        var survivors: [Session.ID: SessionStatus] = [:]
        let hasMarks = !marks.isEmpty
        // This loop runs over every session on each keystroke of the filter:
        // it reads the keys in place, and decodes a summary only for a
        // filter's first look at it.
        all.keys.withUnsafeBufferPointer { keys in
            for position in keys.indices where keys[position].accountID == key.account {
                if let project = key.project, keys[position].projectID != project { continue }
                let id = keys[position].id, status = keys[position].status
                // A mark lasts while its session stays in the section it was marked in.
                if hasMarks, marks[id] == status { survivors[id] = status }
                if !query.isEmpty {
                    let updatedAt = keys[position].updatedAt
                    func entry() -> SearchEntry {
                        if let entry = searchText[id], entry.updatedAt == updatedAt { return entry }
                        let summary = all[position]
                        let entry = SearchEntry(updatedAt: updatedAt,
                                                bytes: Array(FilterQuery.searchText(summary, registry: registry).utf8),
                                                title: Array(FilterQuery.titleText(summary, registry: registry).utf8))
                        searchText[id] = entry
                        return entry
                    }
                    let passes = query.matches(keys[position], text: { entry().bytes }, title: { entry().title },
                                               registry: registry)
                    if !passes { continue }
                }
                switch status {
                case .active: sections[0].append(position)
                case .complete: sections[1].append(position)
                case .failed: sections[2].append(position)
                }
            }
        }
        self.searchText = searchText
        marks = survivors
        sort.sort(&sections, of: all.keys)
        if key.sort == .activity {
            // A subagent is active within its parent's time, so by activity it sits under it.
            all.keys.withUnsafeBufferPointer { keys in
                for index in sections.indices { sections[index] = SessionLinks.subagentsUnderParents(sections[index], keys: keys) }
            }
        }
        for (status, order) in zip(SessionStatus.allCases, sections) {
            rows[status] = SessionRows(all: all, order: order, sort: key.sort)
        }
    }

    /// The cursor on its session if that is still listed, else on the row
    /// now at its index, clamped.
    private mutating func settleCursor(_ status: SessionStatus) {
        let rows = self.rows[status] ?? SessionRows()
        var cursor = cursors[status] ?? ListCursor()
        let onItsSession = cursor.index < rows.count && rows.id(at: cursor.index) == cursor.id
        if !onItsSession, let id = cursor.id, let index = rows.position(of: id) {
            cursor.index = index
        } else {
            cursor.index = max(0, min(cursor.index, rows.count - 1))
        }
        cursor.id = cursor.index < rows.count ? rows.id(at: cursor.index) : nil
        cursors[status] = cursor
    }

    /// Scrolls every section so that its cursor is among the `visible` rows.
    mutating func keepInView(visible: Int) {
        for status in SessionStatus.allCases {
            guard var cursor = cursors[status] else { continue }
            cursor.top = Movement.scrolled(top: cursor.top, cursor: cursor.index, visible: visible, count: rows[status]?.count ?? 0)
            cursors[status] = cursor
        }
    }
}
