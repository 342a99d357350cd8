import SessionsDisplay
import SessionsKit

/// Boxes drawn over the screen: help, the delete confirmation, the new-session
/// form and the account picker.
enum OverlayView {
    static func draw(into frame: inout Frame, _ state: AppState, _ overlay: Overlay) {
        switch overlay {
        case .help(let top):
            drawHelp(into: &frame, state, top: top)
        case .confirmDelete(let id, let interactions):
            box(into: &frame, title: "Delete", lines: [
                [Span("Delete session #\(id) and its \(interactions) interaction\(interactions == 1 ? "" : "s")?", .dialog)],
                [Span("This cannot be undone.", .dialog)],
                [],
                [Span("y", .footerKey), Span(" delete   ", .dialog), Span("any other key", .footerKey), Span(" keep", .dialog)],
            ])
        case .newSession(let form):
            var lines: [[Span]] = []
            for field in NewSessionForm.Field.allCases {
                let selected = field == form.field
                let label = Render.fit(NewSessionForm.label(field), 12)
                let value = "‹ " + Sanitizer.line(form.value(of: field)) + " ›"
                lines.append([Span(selected ? "▸ " : "  ", .dialog), Span(label, .label),
                              Span(value, selected ? .selection : .dialog)])
            }
            lines.append([])
            lines.append([Span("↑↓", .footerKey), Span(" field  ", .dialog), Span("←→", .footerKey), Span(" choose  ", .dialog),
                          Span("Enter", .footerKey), Span(" create  ", .dialog), Span("Esc", .footerKey), Span(" cancel", .dialog)])
            box(into: &frame, title: "New session", lines: lines)
        case .accountPicker(let accounts, let cursor):
            var lines: [[Span]] = accounts.enumerated().map { index, account in
                let current = account.id == state.scope.accountID ? " (current)" : ""
                return [Span(index == cursor ? "▸ " : "  ", .dialog),
                        Span("\(account.id) " + Sanitizer.line(account.name) + current, index == cursor ? .selection : .dialog)]
            }
            lines.append([])
            lines.append([Span("Enter", .footerKey), Span(" switch  ", .dialog), Span("Esc", .footerKey), Span(" cancel", .dialog)])
            box(into: &frame, title: "Switch account", lines: lines)
        }
    }

    /// Every binding of the one key map, by context.
    static func helpLines(_ keyMap: KeyMap) -> [[Span]] {
        var lines: [[Span]] = []
        for context in KeyContext.allCases {
            let bindings = keyMap.bindings(in: context)
            guard !bindings.isEmpty else { continue }
            if !lines.isEmpty { lines.append([]) }
            lines.append([Span(context.title, .label)])
            for binding in bindings {
                lines.append([Span("  " + Render.fit(binding.keyLabel, 18), .footerKey), Span(" " + binding.summary, .dialog)])
            }
        }
        return lines
    }

    static func drawHelp(into frame: inout Frame, _ state: AppState, top: Int) {
        let all = helpLines(state.keyMap)
        let room = max(1, frame.height - 4)
        let start = max(0, min(top, all.count - room))
        var lines = Array(all[start..<min(all.count, start + room)])
        if all.count > room {
            lines[lines.count - 1] = [Span("… j/k scroll · any other key closes", .dim)]
        }
        box(into: &frame, title: "Keys", lines: lines, fillWidth: true)
    }

    /// A bordered box centred on the screen, sized to its lines.
    static func box(into frame: inout Frame, title: String, lines: [[Span]], fillWidth: Bool = false) {
        let contentWidth = lines.map { $0.reduce(0) { $0 + CellWidth.of($1.text) } }.max() ?? 0
        let width = min(frame.width - 2, fillWidth ? frame.width - 4 : max(contentWidth, CellWidth.of(title) + 4) + 4)
        let height = min(frame.height - 2, lines.count + 2)
        guard width >= 6, height >= 3 else { return }
        let left = (frame.width - width) / 2
        let top = max(1, (frame.height - height) / 2)
        let inner = (left + 1)..<(left + width - 1)
        frame.fill(rows: top..<(top + height), columns: left..<(left + width), role: .dialog)
        frame.put("┌" + String(repeating: "─", count: width - 2) + "┐", row: top, column: left, role: .dialog)
        frame.put(" " + title + " ", row: top, column: left + 2, limit: left + width - 2, role: .label)
        for row in (top + 1)..<(top + height - 1) {
            frame.put("│", row: row, column: left, role: .dialog)
            frame.put("│", row: row, column: left + width - 1, role: .dialog)
        }
        frame.put("└" + String(repeating: "─", count: width - 2) + "┘", row: top + height - 1, column: left, role: .dialog)
        for (offset, line) in lines.prefix(height - 2).enumerated() {
            frame.put(line, row: top + 1 + offset, column: inner.lowerBound + 1, limit: inner.upperBound - 1)
        }
    }
}
