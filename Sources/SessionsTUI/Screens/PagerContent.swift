import SessionsDisplay
import SessionsKit

/// One interaction as the pager shows it: its fields, a tool call's input
/// and result data as `ToolInputText` reads them, then stdout and stderr,
/// as one document of sanitized lines, and the raw text of each part for
/// `y`, so the user gets the bytes they asked for, not the escaped display form.
public struct PagerContent: Sendable {
    public enum Part: Sendable, Equatable { case fields, command, pipe, stdout, stderr }

    typealias Line = PagerDocument.Line

    let title: String
    let lines: PagerDocument
    let copyText: [PagerCopyMenu.Choice: String]

    /// The labels the pager may show before values of the model's own fields.
    static let knownLabels = ["step", "module", "id", "command", "pipe", "started", "result", "exit code", "duration",
                              "finished", "error", "data"]

    init(session: Session, index: Int, earlier: Int = 0) {
        let interaction = session.interactions[index]
        let glyph = Glyphs.result(interaction.result)
        let status = interaction.result?.status.rawValue ?? "pending"
        title = Self.title(session: session, index: index, earlier: earlier)
        var lines = PagerDocument()
        var copy: [PagerCopyMenu.Choice: String] = [:]
        // Members the schema does not model are shown by their own names,
        // which can be longer than any of the pager's.
        let unknown = (interaction.result?.extra.members ?? []) + interaction.extra.members
        let column = LabelColumn(Self.knownLabels + unknown.map { Sanitizer.line($0.key) })

        func field(_ name: String, _ value: String, part: Part = .fields, role: StyleRole = .normal) {
            for (lead, segments) in column.lines(label: Sanitizer.line(name), values: Sanitizer.lineSegments(value)) {
                let value = (segments ?? []).map { Span($0.text, $0.isEscape ? .escape : role) }
                lines.append(Line(spans: [Span(lead, .label)] + value, part: part))
            }
        }
        func heading(_ text: String, part: Part) {
            lines.append(Line(spans: [], part: part))
            lines.append(Line(spans: [Span("── " + text + " ", .border)], part: part))
        }
        func resultLine(_ text: String, role: StyleRole) {
            lines.append(Line(spans: [Span(column.lead("result") ?? "result", .label), Span(text, role)], part: .fields))
        }

        field("step", Labels.step(interaction))
        field("module", interaction.command.module ?? Labels.unknownModule)
        field("id", interaction.id)
        let directory = PathText.workingDirectory(session)
        field("command", PathText.command(interaction.command.command, tool: interaction.command.module, directory: directory),
              part: .command)
        copy[.command] = interaction.command.command
        // A tool call's input reads as a diff, a file's text or its members,
        // in a section of its own below the fields, and so does its result's
        // data; `y p` still copies the JSON.
        let input = ToolInputText.block(interaction, directory: directory)
        if let pipe = interaction.command.pipe {
            if input == nil { field("pipe", pipe, part: .pipe) }
            copy[.pipe] = pipe
        }
        let data = ToolInputText.data(interaction, directory: directory)
        func section(_ block: ToolInputText.Block?, part: Part) {
            guard let block else { return }
            heading(block.title, part: part)
            for line in block.lines {
                let role = Self.role(of: line.kind)
                lines.append(Line(spans: (line.lead.isEmpty ? [] : [Span(line.lead, .label)])
                    + line.segments.map { Span($0.text, $0.isEscape ? .escape : role) }, part: part))
            }
        }
        if let started = interaction.startedAt { field("started", TimeText.dateTime(started)) }
        if let result = interaction.result {
            resultLine(glyph + " " + status, role: StyleRole(Tone(result.status)))
            field("exit code", TimelineText.exitCode(result))
            field("duration", TimelineText.duration(result))
            if let finished = interaction.completedAt ?? result.timestamp { field("finished", TimeText.dateTime(finished)) }
            if let message = result.errorMessage { field("error", message, role: .resultError) }
            if data == nil, let data = result.data, !data.isEmpty { field("data", JSONWriter.string(.object(data), style: .pretty)) }
            for member in result.extra.members {
                field(member.key, JSONWriter.string(member.value, style: .compact))
            }
            section(input, part: .pipe)
            section(data, part: .fields)
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
                heading("\(name) · \(count) line\(count == 1 ? "" : "s") · \(Self.size(output.byteCount))\(note)", part: part)
                lines.append(block)
                copy[part == .stdout ? .stdout : .stderr] = output.lossyText
            }
        } else {
            resultLine("… pending", role: .resultPending)
            section(input, part: .pipe)
        }
        for member in interaction.extra.members {
            field(member.key, JSONWriter.string(member.value, style: .compact))
        }
        self.lines = lines
        copyText = copy
    }

    static func role(of kind: ToolInputText.Line.Kind) -> StyleRole {
        switch kind {
        case .hunk: return .diffHunk
        case .removed: return .diffRemoved
        case .added: return .diffAdded
        case .context, .text: return .normal
        }
    }

    /// The pager's title line, which says where in the session this is.
    static func title(session: Session, index: Int, earlier: Int = 0) -> String {
        let result = session.interactions[index].result
        return "#\(session.id) · interaction \(earlier + index + 1) of \(earlier + session.interactions.count) · "
            + "\(Glyphs.result(result)) \(result?.status.rawValue ?? "pending")"
    }

    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return "\(bytes * 10 / 1024 / 10).\(bytes * 10 / 1024 % 10) KB" }
        return "\(bytes * 10 / (1024 * 1024) / 10).\(bytes * 10 / (1024 * 1024) % 10) MB"
    }
}

extension PagerContent {
    /// A prompt or a reply: who and when, then its text, line by line.
    init(session: Session, message index: Int, of messages: [ConversationMessage]) {
        let message = messages[index]
        let speaker = ConversationText.speaker(message.role)
        title = "#\(session.id) · \(speaker) · message \(index + 1) of \(messages.count)"
        var lines = PagerDocument()
        let column = LabelColumn(["said", "at", "record", "recorded"])
        func field(_ name: String, _ value: String) {
            for (lead, segments) in column.lines(label: name, values: Sanitizer.lineSegments(value)) {
                lines.append(Line(spans: [Span(lead, .label)] + (segments ?? []).map { Span($0.text, $0.isEscape ? .escape : .normal) },
                                  part: .fields))
            }
        }
        let role: StyleRole = message.role == .user ? .prompt : .reply
        lines.append(Line(spans: [Span(column.lead("said") ?? "said", .label),
                                  Span(ConversationText.mark(message.role) + " " + (message.role == .user ? "the user's prompt" : "the assistant's reply"), role)],
                          part: .fields))
        if let at = message.at { field("at", TimeText.dateTime(at)) }
        if let uuid = message.uuid { field("record", uuid) }
        if message.source == ConversationMessage.hookSource { field("recorded", "live, by the hook; an import puts the transcript's record in its place") }
        lines.append(Line(spans: [], part: .command))
        lines.append(PagerDocument.Output(part: .command, text: message.text))
        self.lines = lines
        copyText = [.command: message.text]
    }
}
