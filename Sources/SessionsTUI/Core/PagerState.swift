import SessionsDisplay
import SessionsKit

/// One interaction opened in full: its fields, stdout and stderr as one
/// scrollable document of sanitized lines.
public struct PagerState: Sendable {
    public enum Part: Sendable, Equatable { case fields, command, pipe, stdout, stderr }

    public typealias Line = PagerDocument.Line

    /// Which interaction of the open session this is.
    public var index: Int
    /// What the document was built from, to tell whether a reload changed it.
    public let interaction: Interaction
    public var title: String
    public var lines: PagerDocument
    /// The first line shown, and how many of its wrapped rows are scrolled past.
    public var top = 0
    public var topRow = 0
    public var wrap = true
    /// The search being typed, while `/` is open.
    public var searchInput: String?
    /// The last search, which `n` and `N` repeat.
    public var search: String?
    /// Raw text per part, for `y` and `o`: the user gets the bytes they asked
    /// for, not the escaped display form.
    public var copyText: [Part: String]

    public init(session: Session, index: Int) {
        self.index = index
        let interaction = session.interactions[index]
        self.interaction = interaction
        let glyph = Glyphs.result(interaction.result)
        let status = interaction.result?.status.rawValue ?? "pending"
        title = "#\(session.id) · interaction \(index + 1) of \(session.interactions.count) · \(glyph) \(status)"
        var lines = PagerDocument()
        var copy: [Part: String] = [:]

        func field(_ name: String, _ value: String, part: Part = .fields, role: StyleRole = .normal) {
            let label = Span(CellWidth.fit(Sanitizer.line(name), to: 10), .label)
            let segments = Sanitizer.lineSegments(value)
            for (number, segment) in segments.enumerated() {
                let lead = number == 0 ? label : Span(String(repeating: " ", count: 10), .label)
                lines.append(Line(spans: [lead] + PagerState.spans(segment, role: role), part: part))
            }
            if segments.isEmpty { lines.append(Line(spans: [label], part: part)) }
        }
        func heading(_ text: String, part: Part) {
            lines.append(Line(spans: [], part: part))
            lines.append(Line(spans: [Span("── " + text + " ", .border)], part: part))
        }

        field("step", Labels.step(interaction))
        field("module", interaction.command.module ?? Labels.unknownModule)
        field("id", interaction.id)
        field("command", interaction.command.command, part: .command)
        copy[.command] = interaction.command.command
        copy[.fields] = interaction.command.command
        if let pipe = interaction.command.pipe {
            field("pipe", pipe, part: .pipe)
            copy[.pipe] = pipe
        }
        if let started = interaction.startedAt { field("started", TimeText.dateTime(started)) }
        if let result = interaction.result {
            let role = PagerState.role(for: result.status)
            lines.append(Line(spans: [Span(CellWidth.fit("result", to: 10), .label), Span(glyph + " " + status, role)],
                              part: .fields))
            field("exit code", result.code.map(String.init) ?? "—")
            field("duration", result.durationMS.map { TimeText.duration(milliseconds: $0) } ?? "—")
            if let finished = interaction.completedAt ?? result.timestamp { field("finished", TimeText.dateTime(finished)) }
            if let message = result.errorMessage { field("error", message, role: .resultError) }
            if let data = result.data, !data.isEmpty { field("data", JSONWriter.string(.object(data), style: .pretty)) }
            for member in result.extra.members {
                field(member.key, JSONWriter.string(member.value, style: .compact))
            }
            for (name, output, part) in [("stdout", result.stdout, Part.stdout), ("stderr", result.stderr, Part.stderr)] {
                guard let output, output.byteCount > 0 else {
                    heading("\(name) · empty", part: part)
                    continue
                }
                var note = ""
                let text: String
                switch output {
                case .text(let value):
                    text = value
                case .bytes(let bytes):
                    text = Sanitizer.visibleBytes(bytes)
                    note = " · not UTF-8, invalid bytes shown as \\xNN"
                }
                let block = PagerDocument.Output(part: part, text: text)
                let count = block.count
                heading("\(name) · \(count) line\(count == 1 ? "" : "s") · \(PagerState.size(output.byteCount))\(note)", part: part)
                lines.append(block)
                copy[part] = output.lossyText
            }
        } else {
            lines.append(Line(spans: [Span(CellWidth.fit("result", to: 10), .label), Span("… pending", .resultPending)],
                              part: .fields))
        }
        for member in interaction.extra.members {
            field(member.key, JSONWriter.string(member.value, style: .compact))
        }
        self.lines = lines
        copyText = copy
    }

    /// What `y` copies: the part at the top of the screen.
    public var partAtTop: Part { top < lines.count ? lines.part(of: top) : .fields }

    static func spans(_ segments: [Sanitizer.Segment], role: StyleRole) -> [Span] {
        segments.map { Span($0.text, $0.isEscape ? .escape : role) }
    }

    static func role(for status: ResultStatus) -> StyleRole {
        switch status {
        case .ok: return .resultOK
        case .error: return .resultError
        case .warning: return .resultWarning
        }
    }

    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return "\(bytes * 10 / 1024 / 10).\(bytes * 10 / 1024 % 10) KB" }
        return "\(bytes * 10 / (1024 * 1024) / 10).\(bytes * 10 / (1024 * 1024) % 10) MB"
    }

    /// Rows a line takes at `width`: one unless wrapping splits it.
    public func rowCount(of line: Int, width: Int) -> Int {
        guard wrap, width > 0 else { return 1 }
        if lines.byteCount(of: line) > LongLineLayouts.threshold { return rows(of: line, width: width).count }
        let spans = lines.line(line).spans
        let cells = spans.reduce(0) { $0 + CellWidth.of($1.text) }
        if cells <= width { return 1 }
        // Counted the way the view wraps: a wide character never straddles the edge.
        return PagerView.wrap(spans, width: width).count
    }

    /// Line `line` as the screen shows it at `width`: wrapped into rows, or
    /// cut to one, with search matches marked. Long lines are laid out once.
    public func rows(of line: Int, width: Int) -> [[Span]] {
        let needle = search.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        let layout = { [lines, wrap] () -> [[Span]] in
            var spans = lines.line(line).spans
            if let needle { spans = PagerView.highlight(spans, needle) }
            return wrap ? PagerView.wrap(spans, width: width) : [PagerView.cut(spans, width: width)]
        }
        guard lines.byteCount(of: line) > LongLineLayouts.threshold else { return layout() }
        return lines.layouts.rows(.init(line: line, width: width, wrap: wrap, needle: needle), layout: layout)
    }

    /// Scrolls by `delta` screen rows, wrapping-aware, clamped so the last
    /// page stays full.
    public mutating func scroll(by delta: Int, width: Int, rows: Int) {
        guard !lines.isEmpty else { return }
        if delta > 0 {
            for _ in 0..<delta {
                if topRow + 1 < rowCount(of: top, width: width) {
                    topRow += 1
                } else if top + 1 < lines.count {
                    top += 1
                    topRow = 0
                } else { break }
            }
        } else {
            for _ in 0..<(-delta) {
                if topRow > 0 {
                    topRow -= 1
                } else if top > 0 {
                    top -= 1
                    topRow = rowCount(of: top, width: width) - 1
                } else { break }
            }
        }
        clampToEnd(width: width, rows: rows)
    }

    /// Keeps the last page full: never scroll past the point where the final
    /// line sits on the bottom row.
    public mutating func clampToEnd(width: Int, rows: Int) {
        let limit = lastTop(width: width, rows: rows)
        if (top, topRow) > (limit.line, limit.row) { (top, topRow) = (limit.line, limit.row) }
    }

    public mutating func scrollToEnd(width: Int, rows: Int) {
        let limit = lastTop(width: width, rows: rows)
        (top, topRow) = (limit.line, limit.row)
    }

    func lastTop(width: Int, rows: Int) -> (line: Int, row: Int) {
        var remaining = rows
        var line = lines.count - 1
        while line >= 0 {
            let count = rowCount(of: line, width: width)
            if count >= remaining { return (line, count - remaining) }
            remaining -= count
            line -= 1
        }
        return (0, 0)
    }

    /// The next line at or after (`forward`) or before `start` containing
    /// `needle`, wrapping around the document.
    public func find(_ needle: String, from start: Int, forward: Bool) -> Int? {
        guard !needle.isEmpty, !lines.isEmpty else { return nil }
        let count = lines.count
        let start = (start % count + count) % count
        if forward {
            return lines.match(needle, in: start..<count, last: false) ?? lines.match(needle, in: 0..<start, last: false)
        }
        return lines.match(needle, in: 0..<(start + 1), last: true) ?? lines.match(needle, in: (start + 1)..<count, last: true)
    }
}
