import ArgumentParser
import Glibc
import SessionsDisplay
import SessionsKit

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bring Claude Code transcripts or CodeMySpec JSON into the store.",
        discussion: """
            `sessions import FILE...` detects the format: directories and .jsonl files are Claude Code \
            transcripts, a JSON document is CodeMySpec's API shape. Importing again is safe: it adds \
            what is new and duplicates nothing.
            """,
        subcommands: [ImportAuto.self, ImportClaudeCode.self, ImportCodeMySpec.self],
        defaultSubcommand: ImportAuto.self)
}

struct ImportClaudeCode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claude-code",
        abstract: "Import Claude Code transcripts: one session per transcript, one interaction per tool call.",
        discussion: """
            PATH is a transcript (.jsonl) or a directory searched for them; the default is \
            $CLAUDE_CONFIG_DIR/projects, else ~/.claude/projects. Sessions are matched by their Claude \
            Code session id and tool calls by their tool_use id, so a session recorded live by \
            `sessions hook claude-code` and then imported stays one session. Unchanged files are not \
            read again. Malformed lines are reported as FILE:LINE and skipped.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Argument(help: ArgumentHelp("Transcripts or directories.", valueName: "PATH"), completion: .file())
    var paths: [String] = []

    func run() throws {
        let context = CLIContext.current
        let roots = paths.isEmpty ? [TranscriptFiles.defaultRoot(context.environment)] : paths
        let files = try TranscriptFiles.discover(roots)
        try ImportClaudeCode.importFiles(files, global: global, json: json)
    }

    static func importFiles(_ files: [String], global: GlobalOptions, json: Bool) throws {
        let context = CLIContext.current
        let service = try global.service()
        let showProgress = isatty(2) == 1 && context.stdoutIsTerminal
        let report = try ClaudeCodeImporter(service: service).run(files) { done, total in
            if showProgress { context.stderr.write("\rimporting \(Count.grouped(done))/\(Count.grouped(total)) files") }
        }
        if showProgress { context.stderr.write("\r\u{1B}[K") }
        if json {
            context.stdout.line(JSONWriter.string(.object(report.jsonObject), style: .pretty))
        } else {
            for line in report.humanLines { context.stdout.line(Sanitizer.line(line)) }
        }
        // Files that could not be read are a partial failure a script must see.
        if !report.unreadable.isEmpty { throw ExitCode.failure }
    }
}

extension ImportReport {
    var humanLines: [String] {
        var lines = [
            "Read \(Count.of(files, "transcript")) (\(Count.grouped(filesUnchanged)) unchanged since the last import).",
            "Sessions: \(Count.grouped(sessionsCreated)) created, \(Count.grouped(sessionsUpdated)) updated, "
                + "\(Count.grouped(sessionsUnchanged)) already up to date.",
            "Interactions: \(Count.grouped(interactionsAdded)) added, \(Count.grouped(interactionsUpdated)) updated"
                + (interactionsMoved == 0 ? "." : ", \(Count.grouped(interactionsMoved)) recorded on a parent moved to "
                    + (interactionsMoved == 1 ? "its subagent's session." : "their subagents' sessions.")),
        ]
        var skipped: [String] = []
        if !malformed.isEmpty { skipped.append("\(Count.grouped(malformed.count)) malformed") }
        for (type, count) in skippedTypes.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            skipped.append("\(Count.grouped(count)) \(type)")
        }
        if duplicateRecords > 0 { skipped.append("\(Count.grouped(duplicateRecords)) repeated records") }
        let total = malformed.count + skippedTypes.values.reduce(0, +) + duplicateRecords
        if total > 0 {
            lines.append("Skipped \(Count.of(total, "line")) of \(Count.grouped(linesRead)): " + skipped.joined(separator: ", ") + ".")
        }
        if filesWithoutConversation > 0 {
            lines.append("\(Count.of(filesWithoutConversation, "file")) held no conversation and made no session.")
        }
        if orphanResults > 0 { lines.append("\(Count.of(orphanResults, "tool result")) matched no tool call in its file.") }
        for location in malformed.prefix(10) { lines.append("malformed line: \(location)") }
        if malformed.count > 10 { lines.append("… and \(Count.grouped(malformed.count - 10)) more malformed lines") }
        for location in unreadableTimes.prefix(10) { lines.append("time left out: \(location)") }
        if unreadableTimes.count > 10 { lines.append("… and \(Count.grouped(unreadableTimes.count - 10)) more times left out") }
        for problem in unreadable { lines.append("not imported: \(problem)") }
        return lines
    }

    var jsonObject: JSONObject {
        var object = JSONObject()
        object.append("files", .int(files))
        object.append("files_unchanged", .int(filesUnchanged))
        object.append("files_without_conversation", .int(filesWithoutConversation))
        object.append("sessions_created", .int(sessionsCreated))
        object.append("sessions_updated", .int(sessionsUpdated))
        object.append("sessions_unchanged", .int(sessionsUnchanged))
        object.append("interactions_added", .int(interactionsAdded))
        object.append("interactions_updated", .int(interactionsUpdated))
        object.append("interactions_moved", .int(interactionsMoved))
        object.append("lines_read", .int(linesRead))
        object.append("malformed_lines", .array(malformed.map(JSONValue.string)))
        object.append("unreadable_times", .array(unreadableTimes.map(JSONValue.string)))
        object.append("skipped_types", .object(JSONObject(skippedTypes.sorted { $0.key < $1.key }.map {
            JSONObject.Member($0.key, .int($0.value))
        })))
        object.append("duplicate_records", .int(duplicateRecords))
        object.append("orphan_results", .int(orphanResults))
        object.append("unreadable", .array(unreadable.map(JSONValue.string)))
        return object
    }
}

/// Counts as people read them: 1,203 files.
enum Count {
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    static func of(_ value: Int, _ noun: String) -> String {
        "\(grouped(value)) \(noun)\(value == 1 ? "" : "s")"
    }
}

struct ImportCodeMySpec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codemyspec",
        abstract: "Import sessions in CodeMySpec's API JSON shape.",
        discussion: """
            Accepts {"data": [...]}, {"data": {...}} or a bare list, in the shape `sessions export` \
            writes (integer ids) or in the one CodeMySpec's API renders today (uuid ids, \
            environment_type, embedded project and component). Sessions join the active account \
            whatever account_id they carry. Projects and components are matched by the names the \
            records give, or created with them. A record that breaks the schema is skipped with the \
            rule it broke; the rest import. Use - to read standard input.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("map-status"), parsing: .singleValue,
            help: ArgumentHelp("Import status FROM as TO (active, complete or failed), e.g. cancelled=failed.",
                               valueName: "FROM=TO"))
    var mapStatus: [String] = []

    @Option(name: .customLong("map-environment"), parsing: .singleValue,
            help: ArgumentHelp("Import environment FROM as TO (local or vscode), e.g. cli=local; without it such a value is kept as it came.",
                               valueName: "FROM=TO"))
    var mapEnvironment: [String] = []

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Argument(help: ArgumentHelp("The JSON file, or - for standard input.", valueName: "FILE"), completion: .file())
    var file: String

    func run() throws {
        try ImportCodeMySpec.importFile(file, mapStatus: mapStatus, mapEnvironment: mapEnvironment, global: global, json: json)
    }

    /// `FROM=TO` pairs onto the schema's values of one field.
    static func parseMap<Value: CaseIterable & RawRepresentable>(_ pairs: [String], option: String, example: String)
        throws -> [String: Value] where Value.RawValue == String {
        var map: [String: Value] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw CLIError("\(option) \(pair): expected FROM=TO, e.g. \(example)")
            }
            guard let value = Value(rawValue: parts[1]) else {
                throw CLIError("\(option) \(pair): \(parts[1]) is not one of \(Value.allowedValues)")
            }
            map[parts[0]] = value
        }
        return map
    }

    static func importFile(_ file: String, mapStatus: [String], mapEnvironment: [String], global: GlobalOptions, json: Bool) throws {
        let context = CLIContext.current
        let statusMap: [String: SessionStatus] = try parseMap(mapStatus, option: "--map-status", example: "cancelled=failed")
        let environmentMap: [String: SessionEnvironment] = try parseMap(mapEnvironment, option: "--map-environment", example: "cli=local")
        let bytes: [UInt8]
        if file == "-" {
            bytes = try context.readStandardInput()
        } else {
            guard let read = try FileBytes.read(file) else { throw SessionError.notFound(file) }
            bytes = read
        }
        var importer = CodeMySpecImporter(service: try global.service())
        importer.statusMap = statusMap
        importer.environmentMap = environmentMap
        let report = try importer.run(bytes)
        if json {
            var object = JSONObject()
            object.append("records", .int(report.records))
            object.append("created", .int(report.created))
            object.append("updated", .int(report.updated))
            object.append("unchanged", .int(report.unchanged))
            object.append("interactions", .int(report.interactions))
            object.append("skipped", .array(report.skipped.map(JSONValue.string)))
            object.append("notes", .array(report.notes.map(JSONValue.string)))
            context.stdout.line(JSONWriter.string(.object(object), style: .pretty))
        } else {
            context.stdout.line("Read \(Count.of(report.records, "record")): \(Count.grouped(report.created)) created, "
                + "\(Count.grouped(report.updated)) updated, \(Count.grouped(report.unchanged)) already up to date, "
                + "\(Count.grouped(report.skipped.count)) skipped; \(Count.of(report.interactions, "interaction")) added.")
            for note in report.notes { context.stdout.line(Sanitizer.line(note)) }
            for skipped in report.skipped { context.stdout.line("skipped " + Sanitizer.line(skipped)) }
        }
        // Skipped records are a partial failure a script must be able to see.
        if !report.skipped.isEmpty { throw ExitCode.failure }
    }
}

struct ImportAuto: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auto", abstract: "Import FILEs, detecting each one's format.",
        usage: "sessions import FILE...\n       sessions import claude-code [PATH...]\n       sessions import codemyspec FILE",
        shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("map-status"), parsing: .singleValue,
            help: ArgumentHelp("For CodeMySpec files: import status FROM as TO.", valueName: "FROM=TO"))
    var mapStatus: [String] = []

    @Option(name: .customLong("map-environment"), parsing: .singleValue,
            help: ArgumentHelp("For CodeMySpec files: import environment FROM as TO.", valueName: "FROM=TO"))
    var mapEnvironment: [String] = []

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Argument(help: ArgumentHelp("Files or directories to import.", valueName: "FILE"), completion: .file())
    var files: [String] = []

    func run() throws {
        // Not a `ValidationError`: that prints this hidden default command's
        // own usage, `sessions import auto`, a name the user never typed.
        if files.isEmpty {
            throw UsageError("name what to import: `sessions import FILE...` detects each file's format, "
                + "`sessions import claude-code` reads ~/.claude/projects, `sessions import codemyspec FILE` reads CodeMySpec JSON")
        }
        var transcripts: [String] = []
        var documents: [String] = []
        for file in files {
            switch try ImportFormat.detect(file) {
            case .claudeCode: transcripts.append(file)
            case .codeMySpec: documents.append(file)
            }
        }
        if json && !transcripts.isEmpty && !documents.isEmpty {
            throw CLIError("--json prints one summary; import the transcripts and the CodeMySpec files separately")
        }
        // Every file is imported even if an earlier one was not entirely;
        // the exit status still says so.
        var partial = false
        if !transcripts.isEmpty {
            do {
                try ImportClaudeCode.importFiles(try TranscriptFiles.discover(transcripts), global: global, json: json)
            } catch let exit as ExitCode where exit == .failure {
                partial = true
            }
        }
        for document in documents {
            do {
                try ImportCodeMySpec.importFile(document, mapStatus: mapStatus, mapEnvironment: mapEnvironment, global: global, json: json)
            } catch let exit as ExitCode where exit == .failure {
                partial = true
            }
        }
        if partial { throw ExitCode.failure }
    }
}

/// Which importer a file is for, from its contents rather than its name.
enum ImportFormat: Equatable {
    case claudeCode, codeMySpec

    static func detect(_ path: String) throws -> ImportFormat {
        guard let info = try FileBytes.status(path) else { throw SessionError.notFound(path) }
        // Transcripts are JSON Lines; their first line may be the malformed one.
        if info.isDirectory || path.hasSuffix(".jsonl") { return .claudeCode }
        guard let bytes = try FileBytes.read(path) else { throw SessionError.notFound(path) }
        // Only the first line is parsed: the importer parses the whole file
        // once, and a large export should not be parsed twice to be recognised.
        let firstLine = Array(bytes.prefix { $0 != UInt8(ascii: "\n") })
        switch try? JSONParser.parse(firstLine) {
        case .array?:
            return .codeMySpec
        case .object(let object)?:
            if object["data"] != nil || object["errors"] != nil { return .codeMySpec }
            let isRecord = object["sessionId"] != nil || object["uuid"] != nil || object["leafUuid"] != nil
            if isRecord || (object["type"] != nil && object["id"] == nil) { return .claudeCode }
            if object["id"] != nil && object["type"] != nil { return .codeMySpec }
        case nil:
            // A first line that is not JSON on its own starts a document
            // spread over lines: `{"data": [` as export writes, or pretty JSON.
            let start = bytes.first { ![UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n")].contains($0) }
            if start == UInt8(ascii: "{") || start == UInt8(ascii: "[") { return .codeMySpec }
        default:
            break
        }
        throw CLIError("cannot tell what \(path) holds; use `sessions import claude-code` or `sessions import codemyspec`")
    }
}
