/// Labels in a column before their values, as `sessions show`, the session
/// pane and the pager list fields. The column is as wide as its widest label,
/// so a member name the schema does not model (`tool_use_id`,
/// `external_conversation_id`) is never cut into its value; a label too long
/// for any sensible column takes a line of its own, with its value below,
/// rather than pushing every value off a narrow screen.
public struct LabelColumn: Sendable, Equatable {
    /// Cells between a label and its value: with one space, a label and its
    /// value read as one word when the label fills the column.
    public static let gap = 2
    /// The widest the column grows for a long label.
    public static let widestLabel = 24

    /// Cells the labels take, without the gap.
    public let width: Int

    /// A column for `labels`, already sanitized to one line each.
    public init(_ labels: some Sequence<String>, widestLabel: Int = LabelColumn.widestLabel) {
        width = labels.lazy.map { CellWidth.of($0) }.filter { $0 <= widestLabel }.max() ?? 0
    }

    /// Where values start, in cells from the start of the label.
    public var valueColumn: Int { width + Self.gap }

    /// What goes before a value's later lines, and before the value of a
    /// label that has a line of its own.
    public var blank: String { String(repeating: " ", count: valueColumn) }

    /// `label` padded to the value column, or nil when it is too long to
    /// share a line with its value.
    public func lead(_ label: String) -> String? {
        let cells = CellWidth.of(label)
        guard cells <= width else { return nil }
        return label + String(repeating: " ", count: valueColumn - cells)
    }

    /// The lines a labelled value takes, each a lead and a line of the
    /// value: the label beside the first line when it fits, else alone on a
    /// line above the value; later lines under the first. A value with no
    /// lines still shows its label.
    public func lines<Value>(label: String, values: [Value]) -> [(lead: String, value: Value?)] {
        var lines: [(lead: String, value: Value?)] = []
        var values = values[...]
        if let lead = lead(label) {
            lines.append((lead, values.popFirst()))
        } else {
            lines.append((label, nil))
        }
        for value in values { lines.append((blank, value)) }
        return lines
    }
}
