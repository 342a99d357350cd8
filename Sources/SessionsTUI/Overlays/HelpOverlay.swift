import SessionsDisplay

/// `?`: every binding of the key map, by context, generated from the map
/// the program dispatches through. Summaries wrap to the box, and the page
/// scrolls, so every line can be read on an 80×24 screen.
public struct HelpOverlay: Sendable, Equatable {
    /// The first line shown.
    public var top = 0

    public init(top: Int = 0) { self.top = top }

    /// Key names take this many cells; a longer name gets a line of its own.
    static let keyWidth = 18
    static let indent = 2

    /// Every binding, laid out for `width` cells.
    static func lines(_ keyMap: KeyMap, width: Int) -> [[Span]] {
        let summaryColumn = indent + keyWidth + 1
        let summaryWidth = max(10, width - summaryColumn)
        let pad = String(repeating: " ", count: summaryColumn)
        var lines: [[Span]] = []
        for context in KeyContext.allCases {
            let bindings = keyMap.bindings(in: context)
            guard !bindings.isEmpty else { continue }
            if !lines.isEmpty { lines.append([]) }
            lines.append([Span(context.title, .label)])
            for binding in bindings {
                let label = binding.keyLabel
                var summary = TextLayout.wrapWords(binding.summary, width: summaryWidth)
                if CellWidth.of(label) > keyWidth {
                    lines.append([Span(String(repeating: " ", count: indent) + label, .footerKey)])
                } else {
                    let first = summary.removeFirst()
                    lines.append([Span(String(repeating: " ", count: indent) + CellWidth.fit(label, to: keyWidth), .footerKey),
                                  Span(" " + first, .dialog)])
                }
                lines += summary.map { [Span(pad + $0, .dialog)] }
            }
        }
        return lines
    }

    /// The box and what it shows: every line if they fit, else a page of
    /// them above a line that says where the page is and how to move.
    func page(in area: Rect, keyMap: KeyMap) -> (box: DialogBox, lines: [[Span]], scrollable: Int) {
        let all = Self.lines(keyMap, width: DialogBox.fullContentWidth(in: area))
        let box = DialogBox(title: "Keys", contentWidth: 0, lineCount: all.count, fillWidth: true, in: area)
        let room = max(1, box.content.height)
        guard all.count > room else { return (box, all, 0) }
        let page = max(1, room - 1)
        let last = all.count - page
        let start = max(0, min(top, last))
        let end = min(all.count, start + page)
        let note = "j/k scroll · lines \(start + 1)–\(end) of \(all.count) · any other key closes"
        return (box, Array(all[start..<end]) + [[Span(note, .dim)]], last)
    }

    /// Scrolls; false when the key closes the help.
    mutating func handle(_ intent: Intent, in area: Rect, keyMap: KeyMap) -> Bool {
        let (box, _, last) = page(in: area, keyMap: keyMap)
        let step = max(1, box.content.height - 2)
        switch intent {
        case .moveDown: top += 1
        case .moveUp: top -= 1
        case .pageDown: top += step
        case .pageUp: top -= step
        default: return false
        }
        top = max(0, min(top, last))
        return true
    }

    func draw(into frame: inout Frame, in area: Rect, keyMap: KeyMap) {
        let (box, lines, _) = page(in: area, keyMap: keyMap)
        box.draw(into: &frame, title: "Keys", lines: lines)
    }
}
