/// Reads a Claude Code transcript (JSON Lines) leniently: a line that is not
/// JSON is noted by number and skipped, unknown record types are counted and
/// skipped, a time that cannot be read is noted by line and left out, and
/// everything else still imports.
public enum TranscriptParser {
    /// Record types that only carry Claude Code's own bookkeeping.
    static let bookkeepingTypes: Set<String> = ["file-history-snapshot", "queue-operation", "progress"]

    public static func parse(_ bytes: [UInt8], path: String) -> Transcript {
        var reader = Reader(path: path, splitsSidechains: !TranscriptFiles.isSubagent(path))
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            var number = 0
            while start < buffer.count {
                var end = start
                while end < buffer.count && buffer[end] != UInt8(ascii: "\n") { end += 1 }
                number += 1
                reader.line(UnsafeBufferPointer(rebasing: buffer[start..<end]), number: number)
                start = end + 1
            }
        }
        return reader.finish()
    }

    struct Reader {
        var transcript: Transcript
        var seenRecords = Set<String>()
        var callIndex: [String: Int] = [:]
        var outcomes: [String: ToolOutcome] = [:]
        var usage: [String: TokenTotals] = [:]
        var usageOrder: [String] = []
        var customTitle: String?
        /// The user and assistant messages, in order, and those another names as its parent.
        var messages: [String] = []
        var parents = Set<String>()
        /// 1.0.x kept a subagent's conversation inline, marked `isSidechain`
        /// and chained by `parentUuid` to its first prompt. Each chain is read
        /// apart, so it becomes its own session like a 2.1.x subagent file.
        let splitsSidechains: Bool
        var sidechains: [String: Reader] = [:]
        var sidechainOrder: [String] = []
        var sidechainRoot: [String: String] = [:]
        /// The first thing a sidechain was asked: the prompt of the call that started it.
        var firstPrompt: String?

        init(path: String, splitsSidechains: Bool) {
            transcript = Transcript(path: path)
            self.splitsSidechains = splitsSidechains
        }

        mutating func line(_ bytes: UnsafeBufferPointer<UInt8>, number: Int) {
            var end = bytes.count
            while end > 0, bytes[end - 1] == UInt8(ascii: "\r") || bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
            guard end > 0 else { return }
            transcript.stats.lines += 1
            var options = JSONParser.Options()
            options.repairInvalidUTF8 = true
            guard case .object(let record)? = try? JSONParser.parse(UnsafeBufferPointer(rebasing: bytes[0..<end]), options: options)
            else {
                transcript.stats.malformedLines.append(number)
                return
            }
            consume(record, line: number)
        }

        mutating func consume(_ record: JSONObject, line: Int) {
            let type = record["type"]?.stringValue ?? "(no type)"
            if let uuid = record["uuid"]?.stringValue, !seenRecords.insert(uuid).inserted {
                transcript.stats.duplicateRecords += 1
                return
            }
            switch type {
            case "user", "assistant", "system", "summary", "ai-title", "custom-title":
                break
            default:
                transcript.stats.skippedTypes[type, default: 0] += 1
                return
            }
            if splitsSidechains, record["isSidechain"] == .bool(true), record["agentId"] == nil,
               let uuid = record["uuid"]?.stringValue {
                let root = record["parentUuid"]?.stringValue.flatMap { sidechainRoot[$0] } ?? uuid
                sidechainRoot[uuid] = root
                if sidechains[root] == nil {
                    var reader = Reader(path: transcript.path, splitsSidechains: false)
                    reader.transcript.agentID = "sidechain-" + root
                    sidechains[root] = reader
                    sidechainOrder.append(root)
                }
                sidechains[root]?.consume(record, line: line)
                return
            }
            let time = record["timestamp"]?.stringValue.flatMap(Timestamp.init(iso8601:))
            // A time that does not read, or that the store cannot hold, is
            // left out and reported; the record still counts.
            if time == nil, let text = record["timestamp"]?.stringValue {
                let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
                transcript.stats.unreadableTimes.append("\(line): timestamp \(quoted(shown)) \(Timestamp.problem(text) ?? "")")
            }
            if let time {
                if transcript.firstTimestamp.map({ time < $0 }) ?? true { transcript.firstTimestamp = time }
                if transcript.lastTimestamp.map({ time > $0 }) ?? true { transcript.lastTimestamp = time }
            }
            if transcript.sessionID == nil, let id = nonEmpty(record["sessionId"]) { transcript.sessionID = id }
            if transcript.agentID == nil, let id = nonEmpty(record["agentId"]) { transcript.agentID = id }
            if transcript.cwd == nil, let cwd = nonEmpty(record["cwd"]) { transcript.cwd = cwd }
            if transcript.entrypoint == nil, let entry = nonEmpty(record["entrypoint"]) { transcript.entrypoint = entry }
            if let branch = nonEmpty(record["gitBranch"]) { transcript.gitBranch = branch }
            if let version = nonEmpty(record["version"]) { transcript.version = version }

            if type == "user" || type == "assistant", let uuid = record["uuid"]?.stringValue {
                messages.append(uuid)
                if let parent = record["parentUuid"]?.stringValue { parents.insert(parent) }
            }
            switch type {
            case "user": user(record, at: time)
            case "assistant": assistant(record, at: time)
            case "system":
                if record["subtype"]?.stringValue == "api_error" {
                    transcript.ending = .apiError(apiErrorText(record) ?? "API error")
                }
            case "summary":
                if let summary = nonEmpty(record["summary"]), let leaf = nonEmpty(record["leafUuid"]) {
                    transcript.summaries.append((leaf, summary))
                }
            case "ai-title":
                if let title = nonEmpty(record["aiTitle"]) ?? nonEmpty(record["title"]) { transcript.title = title }
            case "custom-title":
                if let title = nonEmpty(record["customTitle"]) ?? nonEmpty(record["title"]) { customTitle = title }
            default:
                break
            }
        }

        mutating func user(_ record: JSONObject, at time: Timestamp?) {
            guard let message = record["message"]?.objectValue else { return }
            let isMeta = record["isMeta"] == .bool(true)
            if firstPrompt == nil {
                firstPrompt = message["content"]?.stringValue ?? ClaudeCodeTools.text(of: message["content"])
            }
            if !isMeta { notePrompt(message["content"], at: time, uuid: record["uuid"]?.stringValue) }
            switch message["content"] {
            case .string(let text)?:
                transcript.hasConversation = true
                if !isMeta { noteUserText(text) }
            case .array(let blocks)?:
                transcript.hasConversation = true
                let results = blocks.filter { $0.objectValue?["type"]?.stringValue == "tool_result" }
                for block in blocks {
                    guard let block = block.objectValue else { continue }
                    switch block["type"]?.stringValue {
                    case "tool_result":
                        guard let id = nonEmpty(block["tool_use_id"]) else { continue }
                        // A record's toolUseResult describes its result only
                        // when the record carries exactly one.
                        let detail = results.count == 1 ? record["toolUseResult"] : nil
                        let outcome = ToolOutcome(content: block["content"], isError: block["is_error"] == .bool(true),
                                                  detail: detail, finishedAt: time)
                        if outcomes[id] == nil { outcomes[id] = outcome }
                        transcript.ending = isInterruption(outcome.content) ? .interrupted : .normal
                    case "text":
                        if !isMeta, let text = block["text"]?.stringValue { noteUserText(text) }
                    default:
                        break
                    }
                }
            default:
                break
            }
        }

        /// What the user said in a record, if it is a prompt: the user's own
        /// words (a slash command's arguments included), not a tool's result,
        /// a command's output or a reminder the client added.
        enum Said: Equatable {
            case prompt(String)
            /// A slash command without arguments (`/init`): it only names the
            /// conversation failing all else.
            case command(String)
        }

        static func said(_ content: JSONValue?) -> Said? {
            var text: String
            switch content {
            case .string(let string)?: text = string
            case .array(let blocks)?:
                guard !blocks.contains(where: { $0.objectValue?["type"]?.stringValue == "tool_result" }) else { return nil }
                text = blocks.compactMap { block -> String? in
                    guard let block = block.objectValue, block["type"]?.stringValue == "text" else { return nil }
                    return block["text"]?.stringValue
                }.joined(separator: "\n")
            default: return nil
            }
            while text.hasPrefix("<system-reminder>"), let end = text.firstRange(of: "</system-reminder>") {
                text = String(text[end.upperBound...]).trimmingSpaces()
            }
            if text.hasPrefix("<command-name>") || text.hasPrefix("<command-message>") {
                guard let name = element("command-name", in: text) else { return nil }
                let arguments = element("command-args", in: text) ?? ""
                return arguments.isEmpty ? .command(name) : .prompt(name + " " + arguments)
            }
            // Output, interruptions and the client's notes (a background task finishing) are not the user's words.
            if text.hasPrefix("<local-command-") || text.hasPrefix("<task-notification>") || text.hasPrefix("[Request interrupted")
                || text.hasPrefix("Caveat: ") { return nil }
            return text.trimmingSpaces().isEmpty ? nil : .prompt(text)
        }

        /// Notes the first real prompt, and the first bare slash command,
        /// which title the conversation; and keeps every prompt.
        mutating func notePrompt(_ content: JSONValue?, at time: Timestamp?, uuid: String?) {
            guard let said = Self.said(content) else { return }
            let text: String
            switch said {
            case .prompt(let prompt):
                if transcript.prompt == nil { transcript.prompt = oneLine(prompt) }
                text = prompt
            case .command(let name):
                if transcript.command == nil { transcript.command = oneLine(name) }
                text = name
            }
            transcript.messages.append(ConversationMessage(role: .user, text: text, at: time, uuid: uuid))
        }

        /// The text of `<name>…</name>` in `text`.
        static func element(_ name: String, in text: String) -> String? {
            guard let open = text.firstRange(of: "<\(name)>"), let close = text[open.upperBound...].firstRange(of: "</\(name)>")
            else { return nil }
            return String(text[open.upperBound..<close.lowerBound]).trimmingSpaces()
        }

        mutating func noteUserText(_ text: String) {
            transcript.ending = text.hasPrefix("[Request interrupted by user") ? .interrupted : .normal
        }

        func isInterruption(_ content: JSONValue?) -> Bool {
            ClaudeCodeTools.text(of: content).hasPrefix("[Request interrupted by user")
        }

        mutating func assistant(_ record: JSONObject, at time: Timestamp?) {
            guard let message = record["message"]?.objectValue else { return }
            transcript.hasConversation = true
            let model = message["model"]?.stringValue
            if let model, !model.isEmpty, model != "<synthetic>", !transcript.models.contains(model) {
                transcript.models.append(model)
            }
            if let id = nonEmpty(message["id"]), let usage = message["usage"]?.objectValue {
                var totals = TokenTotals()
                totals.input = usage["input_tokens"]?.intValue ?? 0
                totals.output = usage["output_tokens"]?.intValue ?? 0
                totals.cacheCreation = usage["cache_creation_input_tokens"]?.intValue ?? 0
                totals.cacheRead = usage["cache_read_input_tokens"]?.intValue ?? 0
                if self.usage.updateValue(totals, forKey: id) == nil { usageOrder.append(id) }
            }
            var text = ""
            var reply: [String] = []
            if case .array(let blocks)? = message["content"] {
                for block in blocks {
                    guard let block = block.objectValue else { continue }
                    switch block["type"]?.stringValue {
                    case "tool_use":
                        guard let id = nonEmpty(block["id"]), callIndex[id] == nil else { continue }
                        callIndex[id] = transcript.toolCalls.count
                        transcript.toolCalls.append(ToolCall(
                            id: id, name: block["name"]?.stringValue ?? "(unnamed tool)",
                            input: block["input"]?.objectValue ?? JSONObject(), startedAt: time))
                    case "text":
                        let blockText = block["text"]?.stringValue ?? ""
                        if text.isEmpty { text = blockText }
                        if !blockText.trimmingSpaces().isEmpty { reply.append(blockText) }
                    default:
                        break
                    }
                }
            }
            if case .string(let only)? = message["content"], !only.trimmingSpaces().isEmpty { reply.append(only) }
            if !reply.isEmpty {
                transcript.messages.append(ConversationMessage(role: .assistant, text: reply.joined(separator: "\n\n"), at: time,
                                                               uuid: record["uuid"]?.stringValue))
            }
            let isAPIError = record["isApiErrorMessage"] == .bool(true)
                || (model == "<synthetic>" && text.hasPrefix("API Error"))
            transcript.ending = isAPIError ? .apiError(firstLine(text).isEmpty ? "API error" : firstLine(text)) : .normal
        }

        func apiErrorText(_ record: JSONObject) -> String? {
            if let message = nonEmpty(record["content"]) { return firstLine(message) }
            if let error = record["error"]?.objectValue {
                if let message = nonEmpty(error["message"]) { return firstLine(message) }
                if let nested = error["error"]?.objectValue, let message = nonEmpty(nested["message"]) { return firstLine(message) }
            }
            return nil
        }

        mutating func finish() -> Transcript {
            for index in transcript.toolCalls.indices {
                transcript.toolCalls[index].outcome = outcomes.removeValue(forKey: transcript.toolCalls[index].id)
            }
            transcript.stats.orphanResults = outcomes.count
            for id in usageOrder {
                guard let totals = usage[id] else { continue }
                transcript.tokens.input += totals.input
                transcript.tokens.output += totals.output
                transcript.tokens.cacheCreation += totals.cacheCreation
                transcript.tokens.cacheRead += totals.cacheRead
            }
            if let customTitle { transcript.title = customTitle }
            transcript.leafUUIDs = messages.filter { !parents.contains($0) }
            // Claude Code names a transcript after its session; a file that
            // begins with records copied from an earlier session is still its own.
            let stem = TranscriptFiles.stem(transcript.path)
            if splitsSidechains, UUIDText.isValid(stem.lowercased()) {
                transcript.sessionID = stem
            } else if !splitsSidechains, transcript.agentID == nil, stem.hasPrefix("agent-") {
                transcript.agentID = String(stem.dropFirst("agent-".count))
            }
            var claimed = Set<String>()
            for root in sidechainOrder {
                guard var reader = sidechains[root] else { continue }
                var child = reader.finish()
                child.sessionID = transcript.sessionID
                child.cwd = child.cwd ?? transcript.cwd
                child.stats = TranscriptStats()  // its lines are counted in the file's own
                // The Task call whose prompt started this chain runs it.
                if let prompt = reader.firstPrompt, let index = transcript.toolCalls.firstIndex(where: {
                    !claimed.contains($0.id) && ($0.name == "Task" || $0.name == "Agent") && $0.input["prompt"]?.stringValue == prompt
                }) {
                    claimed.insert(transcript.toolCalls[index].id)
                    if var outcome = transcript.toolCalls[index].outcome {
                        var detail = outcome.detail?.objectValue ?? JSONObject()
                        if detail["agentId"] == nil, outcome.detail?.stringValue == nil {
                            detail["agentId"] = child.agentID.map(JSONValue.string)
                            outcome.detail = .object(detail)
                            transcript.toolCalls[index].outcome = outcome
                        }
                    }
                }
                transcript.sidechains.append(child)
            }
            return transcript
        }
    }
}

func nonEmpty(_ value: JSONValue?) -> String? {
    guard let text = value?.stringValue, !text.isEmpty else { return nil }
    return text
}

/// `text` as one line of at most 200 characters: its lines joined by spaces,
/// runs of white space made one.
func oneLine(_ text: String) -> String {
    var line = ""
    var pendingSpace = false
    for character in text {
        if character.isWhitespace {
            pendingSpace = !line.isEmpty
            continue
        }
        if pendingSpace { line.append(" ") }
        pendingSpace = false
        line.append(character)
        if line.count > 200 { return String(line.prefix(200)) + "…" }
    }
    return line
}

func firstLine(_ text: String) -> String {
    let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first.map(String.init) ?? ""
    return line.trimmingSpaces()
}
