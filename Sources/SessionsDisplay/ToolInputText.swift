import SessionsKit

/// A Claude Code tool call's input as people read it, for the pager and
/// `sessions show --full` alike. The importer keeps the input as JSON, where
/// a file's text is one escaped string (`"defmodule …\n  @moduledoc …"`).
/// Here an Edit or MultiEdit reads as a diff of the text it replaced, a
/// Write as the file's new text, and any other input member by member,
/// each string's lines as lines. The JSON itself stays the interaction's
/// pipe, for copying and `show --json`.
public enum ToolInputText {
    public struct Line: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// `@@ edit 1 of 2 · 3 lines → 4 lines @@`
            case hunk
            /// A line both texts have, after a space.
            case context
            /// A line the edit took out, after `-`.
            case removed
            /// A line the edit put in, after `+`.
            case added
            /// A file's text, or a member's value.
            case text
        }

        public var kind: Kind
        /// The indent and the member's name (`  prompt: `), sanitized: shown as a label.
        public var lead: String
        /// The rest, sanitized, with its escape marks; a diff line starts
        /// with its `-`, `+` or space.
        public var segments: [Sanitizer.Segment]

        public init(_ kind: Kind, lead: String = "", _ segments: [Sanitizer.Segment]) {
            self.kind = kind
            self.lead = lead
            self.segments = segments
        }

        /// The line as plain text.
        public var text: String { lead + segments.map(\.text).joined() }
    }

    /// What the input is, such as `edit of lib/app.ex`, then its lines.
    public struct Block: Sendable, Equatable {
        public var title: String
        public var lines: [Line]
    }

    /// Inputs longer than this are shown as stored: reading a larger one as
    /// JSON would hold the pager up for seconds.
    public static let largestInput = 8 << 20

    /// The input of a Claude Code tool call, read; nil for any other
    /// interaction, or one whose pipe is not a JSON object. Paths are shown
    /// from `directory`, the session's working directory.
    public static func block(_ interaction: Interaction, directory: String?) -> Block? {
        guard interaction.extra[ClaudeCodeTools.toolUseKey] != nil, let pipe = interaction.command.pipe,
              pipe.utf8.count <= largestInput, case .object(let input)? = try? JSONParser.parse(pipe) else { return nil }
        return block(tool: interaction.command.module ?? "", input: input, directory: directory)
    }

    /// The facts a Claude Code tool call's result holds (`filePath`,
    /// `oldString`, `numFiles`), read member by member as an input is, and
    /// titled `result data`; nil for any other interaction, or none.
    public static func data(_ interaction: Interaction, directory: String?) -> Block? {
        guard interaction.extra[ClaudeCodeTools.toolUseKey] != nil, let data = interaction.result?.data, !data.isEmpty else {
            return nil
        }
        return Block(title: "result data", lines: rest(of: data, without: [], directory: directory))
    }

    public static func block(tool: String, input: JSONObject, directory: String?) -> Block {
        let path = input["file_path"]?.stringValue.map { Sanitizer.line(PathText.relative($0, to: directory)) }
        let of = path.map { " of " + $0 } ?? ""
        switch tool {
        case "Edit":
            if let edit = Edit(input) {
                return Block(title: "edit" + of, lines: hunk(edit, number: nil)
                    + rest(of: input, without: ["file_path", "old_string", "new_string", "replace_all"], directory: directory))
            }
        case "MultiEdit":
            if let list = input["edits"]?.arrayValue, !list.isEmpty {
                let edits = list.compactMap { $0.objectValue.flatMap(Edit.init) }
                if edits.count == list.count {
                    let numbered = edits.enumerated().flatMap { index, edit in
                        hunk(edit, number: (index + 1, edits.count))
                            + rest(of: edit.others, without: [], directory: directory)
                    }
                    return Block(title: "\(count(edits.count, "edit"))" + of,
                                 lines: numbered + rest(of: input, without: ["file_path", "edits"], directory: directory))
                }
            }
        case "Write":
            if let content = input["content"]?.stringValue {
                let lines = rawLines(content).map { Line(.text, segments($0)) }
                return Block(title: "new text" + of + " · " + count(lines.count, "line"),
                             lines: lines + rest(of: input, without: ["file_path", "content"], directory: directory))
            }
        default:
            break
        }
        var lines: [Line] = []
        for member in input.members { append(member.value, name: member.key, indent: 0, directory: directory, to: &lines) }
        return Block(title: "input", lines: lines)
    }

    /// One replacement of an Edit or of a MultiEdit's `edits`.
    struct Edit {
        var old: String
        var new: String
        var everywhere: Bool
        /// Members past the three an edit has (and the Edit's path), shown
        /// after its diff.
        var others: JSONObject

        init?(_ object: JSONObject) {
            guard let old = object["old_string"]?.stringValue, let new = object["new_string"]?.stringValue else { return nil }
            (self.old, self.new) = (old, new)
            everywhere = object["replace_all"] == .bool(true)
            others = JSONObject(object.members.filter { !["old_string", "new_string", "replace_all", "file_path"].contains($0.key) })
        }
    }

    /// `@@ edit 2 of 3 · 1 line → 2 lines · replace all @@`, then the lines.
    static func hunk(_ edit: Edit, number: (Int, of: Int)?) -> [Line] {
        let old = rawLines(edit.old), new = rawLines(edit.new)
        var header = number.map { "edit \($0.0) of \($0.of) · " } ?? ""
        header += count(old.count, "line") + " → " + count(new.count, "line")
        if edit.everywhere { header += " · replace all" }
        var lines = [Line(.hunk, [Sanitizer.Segment("@@ " + header + " @@")])]
        for change in LineDiff.changes(from: old, to: new) {
            switch change {
            case .same(let text): lines.append(Line(.context, [Sanitizer.Segment(" ")] + segments(text)))
            case .removed(let text): lines.append(Line(.removed, [Sanitizer.Segment("-")] + segments(text)))
            case .added(let text): lines.append(Line(.added, [Sanitizer.Segment("+")] + segments(text)))
            }
        }
        return lines
    }

    /// The members a tool's own reading left out, so nothing is lost.
    static func rest(of input: JSONObject, without shown: Set<String>, directory: String?) -> [Line] {
        var lines: [Line] = []
        for member in input.members where !shown.contains(member.key) {
            append(member.value, name: member.key, indent: 0, directory: directory, to: &lines)
        }
        return lines
    }

    /// Members whose string value is a path, shown from the working directory.
    static let pathMembers: Set<String> = ["file_path", "notebook_path", "path", "filePath"]

    /// A value as `name: value`: a string as its text, unquoted, on the
    /// name's line if it has one line, else on lines of its own below it,
    /// indented; an object's members and an array's items (`- `) below it
    /// likewise; numbers, true, false and null as JSON writes them.
    static func append(_ value: JSONValue, name: String?, indent: Int, directory: String?, to lines: inout [Line]) {
        let pad = String(repeating: " ", count: indent)
        let lead = pad + (name.map { Sanitizer.line($0) + ":" } ?? "-")
        switch value {
        case .string(var text):
            if let name, pathMembers.contains(name) { text = PathText.relative(text, to: directory) }
            let split = rawLines(text)
            if split.count == 1 {
                lines.append(Line(.text, lead: lead + " ", segments(split[0])))
            } else if split.isEmpty {
                lines.append(Line(.text, lead: lead + " ", [Sanitizer.Segment("\"\"")]))
            } else {
                lines.append(Line(.text, lead: lead, []))
                for line in split { lines.append(Line(.text, lead: pad + "  ", segments(line))) }
            }
        case .object(let object) where !object.isEmpty:
            lines.append(Line(.text, lead: lead, []))
            for member in object.members {
                append(member.value, name: member.key, indent: indent + 2, directory: directory, to: &lines)
            }
        case .array(let items) where !items.isEmpty:
            lines.append(Line(.text, lead: lead, []))
            for item in items { appendItem(item, indent: indent + 2, directory: directory, to: &lines) }
        default:
            lines.append(Line(.text, lead: lead + " ", segments(JSONWriter.string(value, style: .compact))))
        }
    }

    /// An array's item after `- `: an object's first member on the dash's
    /// line and the rest under it, as a list of records reads.
    static func appendItem(_ item: JSONValue, indent: Int, directory: String?, to lines: inout [Line]) {
        guard case .object(let object) = item, !object.isEmpty else {
            append(item, name: nil, indent: indent, directory: directory, to: &lines)
            return
        }
        let first = lines.count
        for member in object.members { append(member.value, name: member.key, indent: indent + 2, directory: directory, to: &lines) }
        lines[first].lead = String(repeating: " ", count: indent) + "- " + lines[first].lead.dropFirst(indent + 2)
    }

    /// The lines of a text: LF or CRLF ends a line, a final one starts no
    /// other, and the empty text has none.
    static func rawLines(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
        if text.utf8.last == 0x0A { lines.removeLast() }
        return lines
    }

    /// One line, sanitized.
    static func segments(_ line: String) -> [Sanitizer.Segment] {
        Sanitizer.lineSegments(line).first ?? []
    }

    static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
}
