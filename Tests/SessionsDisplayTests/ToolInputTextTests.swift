import SessionsDisplay
import SessionsKit
import Testing

/// A Claude Code tool call as the importer and the hook build it, from its
/// input written as JSON.
func toolCall(_ tool: String, _ input: String, id: String = "toolu_1") throws -> Interaction {
    guard case .object(let object) = try JSONParser.parse(input) else { throw JSONFixtureError() }
    return Interaction(command: ClaudeCodeTools.command(toolUseID: id, tool: tool, input: object, at: nil),
                       extra: JSONObject([ClaudeCodeTools.toolUseKey: .string(id)]))
}

struct JSONFixtureError: Error {}

@Suite("Tool inputs read as diffs and text")
struct ToolInputTextTests {
    let cwd = "/home/u/work/app"

    func lines(_ block: ToolInputText.Block?) -> [String] { block?.lines.map(\.text) ?? [] }

    @Test("an Edit is a diff of old_string to new_string, lines shared as context, under the file's path")
    func edit() throws {
        let call = try toolCall("Edit", #"""
            {"file_path":"/home/u/work/app/lib/app.ex","old_string":"defmodule App do\n  use Base\n  def a, do: 1\nend",
             "new_string":"defmodule App do\n  @moduledoc \"\"\"\n  The app.\n  \"\"\"\n  use Base\n  def a, do: 2\nend"}
            """#)
        let block = try #require(ToolInputText.block(call, directory: cwd))
        #expect(block.title == "edit of lib/app.ex")
        #expect(lines(block) == [
            "@@ 4 lines → 7 lines @@",
            " defmodule App do",
            "+  @moduledoc \"\"\"",
            "+  The app.",
            "+  \"\"\"",
            "   use Base",
            "-  def a, do: 1",
            "+  def a, do: 2",
            " end",
        ])
        #expect(block.lines.map(\.kind) == [.hunk, .context, .added, .added, .added, .context, .removed, .added, .context])
    }

    @Test("replace_all is noted in the hunk line, and members past an edit's are kept")
    func replaceAll() throws {
        let call = try toolCall("Edit", #"""
            {"file_path":"/srv/other/x.ex","old_string":"foo","new_string":"bar","replace_all":true,"note":"extra"}
            """#)
        let block = try #require(ToolInputText.block(call, directory: cwd))
        #expect(block.title == "edit of /srv/other/x.ex", "outside the working directory the path stays absolute")
        #expect(lines(block) == ["@@ 1 line → 1 line · replace all @@", "-foo", "+bar", "note: extra"])
    }

    @Test("a MultiEdit is one hunk per edit, numbered")
    func multiEdit() throws {
        let call = try toolCall("MultiEdit", #"""
            {"file_path":"/home/u/work/app/types/index.ts","edits":[
              {"old_string":"a\nb","new_string":"a\nB"},
              {"old_string":"","new_string":"// new\n","replace_all":true}]}
            """#)
        let block = try #require(ToolInputText.block(call, directory: cwd))
        #expect(block.title == "2 edits of types/index.ts")
        #expect(lines(block) == [
            "@@ edit 1 of 2 · 2 lines → 2 lines @@", " a", "-b", "+B",
            "@@ edit 2 of 2 · 0 lines → 1 line · replace all @@", "+// new",
        ])
    }

    @Test("a Write is the new file's text, line by line, under its path")
    func write() throws {
        let call = try toolCall("Write", #"""
            {"file_path":"/home/u/work/app/README.md","content":"# App\r\n\n\tIndented\n"}
            """#)
        let block = try #require(ToolInputText.block(call, directory: cwd))
        #expect(block.title == "new text of README.md · 3 lines")
        #expect(lines(block) == ["# App", "", "        Indented"])
        #expect(block.lines.allSatisfy { $0.kind == .text })
    }

    @Test("any other input reads member by member, multi-line strings as indented lines, not escaped JSON")
    func taskAsText() throws {
        let call = try toolCall("Task", #"""
            {"description":"Explore","prompt":"Look at lib/.\nThen say \"done\".","subagent_type":"Explore","limit":3,
             "todos":[{"content":"Write tests","status":"pending"},"plain"],"empty":[],"options":{"deep":true,"path":"/home/u/work/app/lib"}}
            """#)
        let block = try #require(ToolInputText.block(call, directory: cwd))
        #expect(block.title == "input")
        #expect(lines(block) == [
            "description: Explore",
            "prompt:",
            "  Look at lib/.",
            "  Then say \"done\".",
            "subagent_type: Explore",
            "limit: 3",
            "todos:",
            "  - content: Write tests",
            "    status: pending",
            "  - plain",
            "empty: []",
            "options:",
            "  deep: true",
            "  path: lib",
        ])
        #expect(block.lines[1].lead == "prompt:" && block.lines[2].lead == "  ", "names are leads, shown as labels")
        #expect(!lines(block).joined().contains("\\n"))
    }

    @Test("everything passes the sanitizer: names, values, diff lines and the path")
    func sanitized() throws {
        let call = try toolCall("Edit", #"""
            {"file_path":"/home/u/work/app/\u001b]2;x\u0007.ex","old_string":"a\u001b[2J","new_string":"b\u202e"}
            """#)
        let block = try #require(ToolInputText.block(call, directory: cwd))
        let text = ([block.title] + lines(block)).joined()
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
        #expect(block.lines.contains { line in line.segments.contains(where: \.isEscape) })
        let other = try toolCall("Bash", #"{"command":"ls","\u001b[31mkey":"v\u0007"}"#)
        let otherText = lines(ToolInputText.block(other, directory: cwd)).joined()
        #expect(!otherText.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }

    @Test("a tool call's result data reads member by member too, its file path from the cwd")
    func resultData() throws {
        var call = try toolCall("Edit", #"{"file_path":"/home/u/work/app/a.ex","old_string":"a","new_string":"b"}"#)
        #expect(ToolInputText.data(call, directory: cwd) == nil, "no result yet")
        call.result = CommandResult(status: .ok, data: JSONObject([
            "filePath": .string("/home/u/work/app/a.ex"), "oldString": .string("a\nb"), "replaceAll": .bool(false)]))
        let block = try #require(ToolInputText.data(call, directory: cwd))
        #expect(block.title == "result data")
        #expect(lines(block) == ["filePath: a.ex", "oldString:", "  a", "  b", "replaceAll: false"])
        var piped = Interaction(command: Command(module: "Elixir.App.Steps.Run", command: "mix test"))
        piped.result = call.result
        #expect(ToolInputText.data(piped, directory: cwd) == nil, "other interactions keep their data as it is")
    }

    @Test("only a Claude Code call's JSON input is read; a CodeMySpec pipe is its own text")
    func onlyToolCalls() throws {
        let piped = Interaction(command: Command(module: "Elixir.App.Steps.Run", command: "mix test", pipe: #"{"a":1}"#))
        #expect(ToolInputText.block(piped, directory: cwd) == nil)
        var notJSON = try toolCall("Bash", #"{"command":"ls","description":"list"}"#)
        notJSON.command.pipe = "not json"
        #expect(ToolInputText.block(notJSON, directory: cwd) == nil)
    }

    @Test("an edit too large to diff line by line is every old line removed, then every new one added")
    func largeEdit() {
        let old = (0..<2000).map { "old \($0)" }, new = (0..<2000).map { "new \($0)" }
        let changes = LineDiff.changes(from: ["same"] + old + ["end"], to: ["same"] + new + ["end"])
        #expect(changes.first == .same("same") && changes.last == .same("end"))
        #expect(changes[1] == .removed("old 0") && changes[2001] == .added("new 0"))
        #expect(changes.count == 4002)
    }
}
