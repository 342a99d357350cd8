/// How one Claude Code tool call becomes an interaction. The transcript
/// importer and the live hook both build interactions here, so a call
/// recorded live and later imported from its transcript is the same
/// interaction, with the same id.
public enum ClaudeCodeTools {
    /// Namespace of the name-based ids given to imported records.
    static let namespace = "6f1c1b8e-4a0d-5d3e-9a57-5e55104f0c0d"
    /// The interaction member holding Claude Code's `tool_use` id.
    public static let toolUseKey = "tool_use_id"
    static let summaryLimit = 240

    public static func interactionID(toolUseID: String) -> String {
        UUIDText.named("tool_use/" + toolUseID, in: namespace)
    }

    public static func interaction(_ call: ToolCall) -> Interaction {
        var extra = JSONObject()
        extra.append(toolUseKey, .string(call.id))
        let result = call.outcome.map { self.result(toolUseID: call.id, tool: call.name, outcome: $0, startedAt: call.startedAt) }
        let finished = call.outcome?.finishedAt
        return Interaction(
            id: interactionID(toolUseID: call.id),
            command: command(toolUseID: call.id, tool: call.name, input: call.input, at: call.startedAt),
            result: result, completedAt: result == nil ? nil : finished,
            insertedAt: call.startedAt, updatedAt: (result == nil ? nil : finished) ?? call.startedAt, extra: extra)
    }

    public static func command(toolUseID: String, tool: String, input: JSONObject, at time: Timestamp?) -> Command {
        let line = summary(tool: tool, input: input)
        return Command(id: UUIDText.named("command/" + toolUseID, in: namespace), module: tool, command: line,
                       pipe: pipe(input: input, summary: line), timestamp: time)
    }

    /// A one-line description of the call: the Bash command, the file, the
    /// pattern, the task.
    public static func summary(tool: String, input: JSONObject) -> String {
        func field(_ key: String) -> String? { nonEmpty(input[key]) }
        var text: String?
        switch tool {
        case "Bash": text = field("command")
        case "Read", "Write", "Edit", "MultiEdit": text = field("file_path")
        case "NotebookEdit", "NotebookRead": text = field("notebook_path")
        case "Glob", "Grep":
            text = field("pattern").map { pattern in field("path").map { "\(pattern) in \($0)" } ?? pattern }
        case "Task", "Agent":
            text = field("description").map { description in
                field("subagent_type").map { "\(description) (\($0))" } ?? description
            }
        case "WebFetch": text = field("url")
        case "WebSearch": text = field("query")
        case "TodoWrite":
            if let todos = input["todos"]?.arrayValue { text = "\(todos.count) todo\(todos.count == 1 ? "" : "s")" }
        case "BashOutput": text = field("bash_id")
        case "KillBash", "KillShell", "TaskOutput": text = field("shell_id") ?? field("bash_id") ?? field("task_id")
        default: break
        }
        if text == nil {
            for key in ["command", "file_path", "path", "pattern", "url", "query", "description", "prompt", "name", "skill"] {
                if let value = field(key) {
                    text = value
                    break
                }
            }
        }
        if text == nil, !input.isEmpty { text = JSONWriter.string(.object(input), style: .compact) }
        return oneLine(text ?? tool)
    }

    /// The first line, cut to a readable length; the marker says more exists.
    static func oneLine(_ text: String) -> String {
        var line = firstLine(text)
        var cut = line.count < text.trimmingSpaces().count
        if line.count > summaryLimit {
            line = String(line.prefix(summaryLimit)).trimmingSpaces()
            cut = true
        }
        if line.isEmpty { return "(empty)" }
        return cut ? line + " …" : line
    }

    /// The whole input, unless the summary already says all of it.
    static func pipe(input: JSONObject, summary: String) -> String? {
        if input.isEmpty { return nil }
        if input.count == 1, input.members[0].value.stringValue == summary { return nil }
        return JSONWriter.string(.object(input), style: .pretty)
    }

    /// The result of a finished call: `error` if the tool failed, `warning`
    /// if the user rejected it, otherwise `ok`.
    public static func result(toolUseID: String, tool: String, outcome: ToolOutcome, startedAt: Timestamp?) -> CommandResult {
        let detailObject = outcome.detail?.objectValue
        let detailText = outcome.detail?.stringValue
        let content = outcome.content.map { text(of: $0) } ?? detailFallbackText(outcome.detail)
        let rejected = isRejection(detailText: detailText, content: content)
        let status: ResultStatus = rejected ? .warning : (outcome.isError ? .error : .ok)

        var stdout: String?
        var stderr: String?
        if let detailObject, detailObject["stdout"]?.stringValue != nil || detailObject["stderr"]?.stringValue != nil {
            stdout = detailObject["stdout"]?.stringValue
            stderr = detailObject["stderr"]?.stringValue
        } else if status == .ok {
            stdout = content
        } else {
            stderr = cleanedError(content)
        }
        let interrupted = detailObject?["interrupted"] == .bool(true)
        var code = exitCode(in: content) ?? detailText.flatMap(exitCode(in:))
        if code == nil, tool == "Bash", status == .ok, !interrupted { code = 0 }
        var errorMessage: String?
        if rejected {
            errorMessage = "rejected by the user"
        } else if status != .ok {
            let message = firstLine(cleanedError(content.isEmpty ? (detailText ?? "") : content))
            errorMessage = message.isEmpty ? nil : String(message.prefix(500))
        }
        var duration: Int?
        if let startedAt, let finished = outcome.finishedAt {
            duration = Int(max(0, finished.microseconds - startedAt.microseconds) / 1000)
        }
        return CommandResult(
            id: UUIDText.named("result/" + toolUseID, in: namespace), status: status, data: data(from: detailObject),
            code: code, errorMessage: errorMessage, stdout: stdout.flatMap { $0.isEmpty ? nil : .text($0) },
            stderr: stderr.flatMap { $0.isEmpty ? nil : .text($0) }, durationMS: duration, timestamp: outcome.finishedAt)
    }

    /// The text of a `tool_result` content: a string, or its text blocks.
    public static func text(of content: JSONValue?) -> String {
        switch content {
        case .string(let text)?: return text
        case .array(let blocks)?:
            var parts: [String] = []
            for block in blocks {
                guard let object = block.objectValue else { continue }
                switch object["type"]?.stringValue {
                case "text": parts.append(object["text"]?.stringValue ?? "")
                case "image": parts.append("[image]")
                case let other?: parts.append("[\(other)]")
                case nil: break
                }
            }
            return parts.joined(separator: "\n")
        default: return ""
        }
    }

    /// Output for a hook's `tool_response`, which has no content blocks.
    static func detailFallbackText(_ detail: JSONValue?) -> String {
        switch detail {
        case nil, .null?: return ""
        case .string(let text)?: return text
        case .object(let object)?:
            if let content = object["content"], content.stringValue != nil || content.arrayValue != nil { return text(of: content) }
            if let file = object["file"]?.objectValue, let content = file["content"]?.stringValue { return content }
            return JSONWriter.string(.object(object), style: .pretty)
        case let other?: return JSONWriter.string(other, style: .pretty)
        }
    }

    static func isRejection(detailText: String?, content: String) -> Bool {
        if let detailText, detailText.hasPrefix("User rejected") { return true }
        return content.hasPrefix("The user doesn't want to proceed with this tool use")
            || content.hasPrefix("The user doesn't want to take this action")
    }

    /// `Exit code N` at the start of an error (after an `Error: ` prefix).
    static func exitCode(in text: String) -> Int? {
        var rest = Substring(text)
        if rest.hasPrefix("Error: ") { rest = rest.dropFirst("Error: ".count) }
        guard rest.hasPrefix("Exit code ") else { return nil }
        let digits = rest.dropFirst("Exit code ".count).prefix { $0 == "-" || $0.isNumber }
        return Int(digits)
    }

    /// Without the markup Claude Code wraps tool errors in.
    static func cleanedError(_ text: String) -> String {
        var cleaned = text
        for tag in ["<tool_use_error>", "</tool_use_error>"] { cleaned = cleaned.replacing(tag, with: "") }
        return cleaned
    }

    /// The short facts of a structured result (counts, flags, the subagent's
    /// id), without the bulky text that stdout already holds.
    static func data(from detail: JSONObject?) -> JSONObject {
        var data = JSONObject()
        guard let detail else { return data }
        for member in detail.members where member.key != "stdout" && member.key != "stderr" {
            switch member.value {
            case .bool, .number: data.append(member.key, member.value)
            case .string(let text) where text.utf8.count <= 200: data.append(member.key, member.value)
            default: break
            }
        }
        return data
    }
}
