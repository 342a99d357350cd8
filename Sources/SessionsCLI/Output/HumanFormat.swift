import SessionsDisplay
import SessionsKit

/// Human-readable renderings of sessions. Every string that came from the store
/// passes through `Sanitizer` here, before any layout or styling.
struct HumanFormat {
    let registry: Registry
    let now: Timestamp
    let style: Style
    /// The terminal's width, when printing to one.
    var columns: Int? = nil
    /// The session's parent and the sessions that name it as theirs, when looked up.
    var links: (parent: Session.ID?, children: [Session.ID])? = nil

    func projectName(_ id: Project.ID?) -> String? {
        guard let id else { return nil }
        return registry.project(id).map { Sanitizer.line($0.name) } ?? "#\(id)"
    }

    func componentName(_ id: Component.ID?) -> String? {
        guard let id else { return nil }
        return registry.component(id).map { Sanitizer.line($0.name) } ?? "#\(id)"
    }

    /// The table `list` prints; its time column shows the time `sort` orders
    /// by. Sorted by activity, a subagent follows its parent when both are
    /// listed. The branch and tokens show when a Claude Code conversation is
    /// listed (no other session has them), and are the first a narrow
    /// terminal leaves out.
    func list(_ summaries: [SessionSummary], sort: SessionSort = .activity) -> String {
        var summaries = summaries
        if sort == .activity {
            let keys = summaries.map(SummaryKey.init)
            let order = keys.withUnsafeBufferPointer { SessionLinks.subagentsUnderParents(Array($0.indices), keys: $0) }
            summaries = order.map { summaries[$0] }
        }
        let conversations = summaries.contains { $0.type == .claudeCode }
        var columns: [Table.Column] = [
            .init(title: "ID", alignRight: true), .init(title: "STATUS"),
            .init(title: SessionListText.titleTitle, shrinks: true),
            .init(title: "TYPE", maxWidth: 34, shrinks: true, dropOrder: 5),
            .init(title: "AGENT", dropOrder: 4), .init(title: "ENV", dropOrder: 3),
        ]
        if conversations { columns.append(.init(title: SessionListText.branchTitle, maxWidth: 24, shrinks: true, dropOrder: 2)) }
        columns.append(.init(title: SessionListText.placeTitle, maxWidth: 36, shrinks: true))
        if conversations { columns.append(.init(title: SessionListText.tokensTitle, alignRight: true, dropOrder: 1)) }
        columns += [.init(title: "INTER", alignRight: true), .init(title: "LAST"), .init(title: SessionListText.timeTitle(sort))]
        var table = Table(columns: columns)
        for summary in summaries {
            let last = summary.lastResult
            var row: [Table.Cell] = [
                .init(summary.id.description),
                .init("\(Glyphs.status(summary)) \(Labels.status(summary))", style: { style.apply($0, Tone(summary)) }),
                .init(SessionListText.title(summary, registry: registry)),
                .init(Sanitizer.line(summary.type.name)),
                .init(summary.agent?.rawValue ?? Labels.none),
                .init(summary.environment?.rawValue ?? Labels.none),
            ]
            if conversations { row.append(.init(SessionListText.branch(summary))) }
            row.append(.init(SessionListText.place(summary, registry: registry)))
            if conversations { row.append(.init(SessionListText.tokens(summary))) }
            row += [
                .init(String(summary.interactionCount)),
                .init(Glyphs.result(last), style: { style.apply($0, Tone(last)) }),
                .init(SessionListText.timeText(summary, sort: sort, now: now)),
            ]
            table.rows.append(row)
        }
        return table.render(fitting: self.columns)
    }

    func show(_ session: Session, full: Bool) -> String {
        var out = ""
        let statusText = style.status(session.status)
        out += style.apply("Session \(session.id)", .bold) + "  \(statusText)  \(Sanitizer.line(session.type.name))\n"
        // Fields the schema does not model (`external_conversation_id`) by their own names, never cut.
        let extras = Labels.extraFields(session)
        let column = LabelColumn(["agent", "environment", "account", "project", "component", "created", "updated", "state"]
                                 + extras.map(\.0))
        func field(_ name: String, _ value: String) {
            for (lead, value) in column.lines(label: name, values: [value]) { out += "  " + lead + (value ?? "") + "\n" }
        }
        field("agent", session.agent?.rawValue ?? Labels.none)
        field("environment", session.environment?.rawValue ?? Labels.none)
        let account = registry.account(session.accountID).map { " " + Sanitizer.line($0.name) } ?? ""
        field("account", "\(session.accountID)\(account)")
        field("project", session.projectID.map { "\($0) \(projectName($0) ?? "")" } ?? Labels.none)
        field("component", session.componentID.map { "\($0) \(componentName($0) ?? "")" } ?? Labels.none)
        field("created", "\(TimeText.dateTime(session.insertedAt)) (\(TimeText.relative(session.insertedAt, now: now)))")
        field("updated", "\(TimeText.dateTime(session.updatedAt)) (\(TimeText.relative(session.updatedAt, now: now)))")
        if let links {
            if SessionLinks.hasParent(session) { field("parent", links.parent.map { "#\($0)" } ?? "not in this store") }
            if !links.children.isEmpty { field("children", links.children.map { "#\($0)" }.joined(separator: " ")) }
        }
        for (name, value) in extras { field(name, value) }
        if let state = session.state {
            out += "  state\n"
            for line in Sanitizer.lines(JSONWriter.string(.object(state), style: .pretty)) {
                out += "    " + line + "\n"
            }
        } else {
            field("state", Labels.none)
        }
        out += "\n" + timeline(session, full: full)
        return out
    }

    func timeline(_ session: Session, full: Bool) -> String {
        let messages = session.conversation
        let rows = TimelineText.rows(session.interactions, messages)
        let heading = (TimelineText.heading(session.interactions)
            + TimelineText.conversationHeading(messages: messages.count, shown: messages.count))
            .map { style.apply($0.text, $0.tone) }.joined()
        guard !rows.isEmpty else { return heading + "\n  (no interactions yet)\n" }

        var table = Table(columns: [
            .init(title: "#", alignRight: true), .init(title: "TIME", alignRight: true), .init(title: "R"),
            .init(title: "STEP", maxWidth: 28, shrinks: true), .init(title: "COMMAND", maxWidth: full ? .max : 60, shrinks: true),
            .init(title: "EXIT", alignRight: true), .init(title: "DURATION", alignRight: true), .init(title: ""),
        ])
        let longest = session.interactions.compactMap { $0.result?.durationMS }.max() ?? 0
        let directory = PathText.workingDirectory(session)
        let times = TimelineText.startTimes(TimelineText.times(of: rows, session.interactions, messages),
                                            createdAt: session.insertedAt, now: now)
        let commands = session.interactions.map { TimelineText.command($0, directory: directory) }
        // A message's line never widens the command column past what the calls
        // need (or 60 cells): read whole with --full, below the table.
        let messageWidth = commands.reduce(60) { max($0, min(200, CellWidth.of($1))) }
        for (row, time) in zip(rows, times) {
            switch row {
            case .message(let position):
                let message = messages[position]
                table.rows.append([.init(""), .init(time), .init(ConversationText.mark(message.role)),
                                   .init(ConversationText.speaker(message.role)),
                                   .init(CellWidth.truncate(ConversationText.line(message, limit: messageWidth + 1), to: messageWidth)),
                                   .init(""), .init(""), .init("")])
            case .interaction(let index):
                let interaction = session.interactions[index]
                let last = LastResult(interaction.result)
                table.rows.append([
                    .init(String(index + 1)),
                    .init(time),
                    .init(Glyphs.result(last), style: { style.apply($0, Tone(last)) }),
                    .init(Sanitizer.line(Labels.step(interaction))),
                    .init(commands[index], cut: { TimelineText.fit($0, of: interaction, width: $1) }),
                    .init(TimelineText.exitCode(interaction.result)),
                    .init(TimelineText.duration(interaction.result)),
                    .init(DurationBar.text(interaction.result?.durationMS, longest: longest)),
                ])
            }
        }
        var out = heading + "\n" + indent(table.render(fitting: columns.map { $0 - 2 }))
        if full {
            out += "\n" + details(session)
        } else {
            let notes = session.interactions.enumerated().compactMap { index, interaction -> String? in
                guard let result = interaction.result, result.status != .ok, let message = result.errorMessage else { return nil }
                let first = Sanitizer.line(String(message.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""))
                return "  #\(index + 1) \(Glyphs.result(result)) \(columns == nil ? first : CellWidth.truncate(first, to: 100))"
            }
            if !notes.isEmpty { out += "\n" + notes.joined(separator: "\n") + "\n" }
        }
        return out
    }

    func details(_ session: Session) -> String {
        let directory = PathText.workingDirectory(session)
        let messages = session.conversation
        return TimelineText.rows(session.interactions, messages).map { row in
            switch row {
            case .message(let index): details(messages[index])
            case .interaction(let index): details(session.interactions[index], number: index + 1, directory: directory)
            }
        }.joined()
    }

    /// A prompt or a reply, whole.
    func details(_ message: ConversationMessage) -> String {
        let at = message.at.map { "  " + TimeText.dateTime($0) } ?? ""
        return style.apply("── \(ConversationText.mark(message.role)) \(ConversationText.speaker(message.role))", .bold) + at + "\n"
            + indented(message.text) + "\n"
    }

    /// Interaction `number` (from 1), whole.
    func details(_ interaction: Interaction, number: Int, directory: String?) -> String {
        var out = ""
        out += style.apply("── #\(number) \(Sanitizer.line(interaction.command.module ?? Labels.unknownModule))", .bold) + "\n"
        out += "  id        \(Sanitizer.line(interaction.id))\n"
        let command = PathText.command(interaction.command.command, tool: interaction.command.module, directory: directory)
        out += "  command   \(Sanitizer.line(command))\n"
        if let input = ToolInputText.block(interaction, directory: directory) {
            out += "  " + input.title + "\n"
            for line in input.lines { out += "    " + styled(line) + "\n" }
        } else if let pipe = interaction.command.pipe {
            out += "  pipe\n" + indented(pipe)
        }
        guard let result = interaction.result else { return out + "  result    pending\n\n" }
        out += "  result    \(Glyphs.result(result)) \(result.status.rawValue)"
        if let code = result.code { out += "  exit \(code)" }
        if let duration = result.durationMS { out += "  \(TimeText.duration(milliseconds: duration))" }
        out += "\n"
        if let message = result.errorMessage {
            out += "  error\n" + indented(message)
        }
        if let data = ToolInputText.data(interaction, directory: directory) {
            out += "  data\n" + data.lines.map { "    " + $0.text + "\n" }.joined()
        } else if let data = result.data, !data.isEmpty {
            out += "  data\n" + indented(JSONWriter.string(.object(data)))
        }
        for (name, output) in [("stdout", result.stdout), ("stderr", result.stderr)] {
            guard let output, output.byteCount > 0 else { continue }
            var label = "  \(name)"
            if case .bytes = output { label += " (not UTF-8; invalid bytes shown as \\xNN)" }
            out += label + "\n" + indented(output)
        }
        out += "\n"
        return out
    }

    /// A line of a tool call's input, coloured as the browser's default
    /// theme colours it: what an edit took out red, what it put in green.
    func styled(_ line: ToolInputText.Line) -> String {
        switch line.kind {
        case .removed: return style.apply(line.text, .red)
        case .added: return style.apply(line.text, .green)
        case .hunk: return style.apply(line.text, .blue)
        case .context, .text: return line.text
        }
    }

    /// Text as sanitized lines, each four spaces in, written out as it is
    /// split rather than collected first: a split by characters walked a
    /// 100 MB output grapheme by grapheme, and a list of its lines cost more
    /// than the output itself when they were many and short.
    func indented(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + text.utf8.count / 16 + 16)
        Sanitizer.forEachLine(text) { segments in
            if !segments.isEmpty {
                out += "    "
                for segment in segments { out += segment.text }
            }
            out += "\n"
        }
        return out
    }

    func indented(_ output: CapturedOutput) -> String {
        switch output {
        case .text(let text): return indented(text)
        case .bytes(let bytes): return indented(Sanitizer.visibleBytes(bytes))
        }
    }

    func indent(_ text: String, by spaces: Int = 2) -> String {
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
            line.isEmpty ? "" : pad + line
        }.joined(separator: "\n")
    }
}
