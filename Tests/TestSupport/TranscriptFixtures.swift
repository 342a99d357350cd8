import Glibc
import SessionsKit

/// Small Claude Code transcripts in the shapes real versions write: 1.0.x
/// (no tool_use ids in hooks, summaries, plain `toolUseResult`s) and 2.1.x
/// (split messages, progress records, `Exit code N` errors, subagent files).
public enum TranscriptFixtures {
    public static let oldSession = "11111111-1111-4111-8111-111111111111"
    public static let newSession = "22222222-2222-4222-8222-222222222222"
    public static let parentSession = "33333333-3333-4333-8333-333333333333"

    public static func common(_ session: String, _ version: String, cwd: String, branch: String = "") -> String {
        #""isSidechain":false,"userType":"external","cwd":"\#(cwd)","sessionId":"\#(session)","version":"\#(version)","gitBranch":"\#(branch)""#
    }

    /// 1.0.98: a Glob that finds nothing, then a Write that fails.
    public static var old: String {
        let c = common(oldSession, "1.0.98", cwd: "/home/u/work/todo")
        return [
            #"{"type":"summary","summary":"Set up the checklist app","leafUuid":"l1"}"#,
            #"{"parentUuid":null,\#(c),"type":"user","message":{"role":"user","content":"make a todo app"},"uuid":"o1","timestamp":"2025-09-03T00:52:31.217Z"}"#,
            #"{"parentUuid":"o1",\#(c),"type":"assistant","message":{"id":"msg_o1","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[{"type":"tool_use","id":"toolu_old_1","name":"Glob","input":{"pattern":"**/*.ts","path":"/home/u/work/todo"}}],"stop_reason":null,"usage":{"input_tokens":3,"output_tokens":10,"cache_creation_input_tokens":100,"cache_read_input_tokens":1000}},"uuid":"o2","timestamp":"2025-09-03T00:52:34.495Z"}"#,
            #"{"parentUuid":"o2",\#(c),"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_old_1","type":"tool_result","content":"No files found"}]},"uuid":"o3","timestamp":"2025-09-03T00:52:35.613Z","toolUseResult":{"filenames":[],"durationMs":4,"numFiles":0,"truncated":false}}"#,
            #"{"parentUuid":"o3",\#(c),"type":"assistant","message":{"id":"msg_o2","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[{"type":"tool_use","id":"toolu_old_2","name":"Write","input":{"file_path":"/home/u/work/todo/a.ts","content":"export {}"}}],"usage":{"input_tokens":1,"output_tokens":5,"cache_creation_input_tokens":0,"cache_read_input_tokens":50}},"uuid":"o4","timestamp":"2025-09-03T00:52:40.000Z"}"#,
            #"{"parentUuid":"o4",\#(c),"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":"<tool_use_error>File has not been read yet. Read it first before writing to it.</tool_use_error>","is_error":true,"tool_use_id":"toolu_old_2"}]},"uuid":"o5","timestamp":"2025-09-03T00:52:41.000Z","toolUseResult":"Error: File has not been read yet. Read it first before writing to it."}"#,
            #"{"parentUuid":"o5",\#(c),"type":"assistant","message":{"id":"msg_o3","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[{"type":"text","text":"Done."}]},"uuid":"o6","timestamp":"2025-09-03T00:53:00.000Z"}"#,
        ].joined(separator: "\n") + "\n"
    }

    /// 2.1.38, first part: a split message, a failing Bash call, a passing
    /// one, a rejected edit, a repeated record, a malformed line (line 11),
    /// an unknown record type, and a Read still waiting for its result.
    public static var newPart1: String {
        let c = common(newSession, "2.1.38", cwd: "/home/u/work/api", branch: "main")
        return [
            #"{"type":"file-history-snapshot","messageId":"m0","snapshot":{"trackedFileBackups":{}},"isSnapshotUpdate":false}"#,
            #"{"parentUuid":null,\#(c),"type":"user","message":{"role":"user","content":"run the tests"},"uuid":"n1","timestamp":"2026-02-10T21:11:56.000Z","entrypoint":"cli"}"#,
            #"{"parentUuid":"n1",\#(c),"type":"progress","data":{"type":"hook_progress","hookEvent":"SessionStart"},"uuid":"p1","timestamp":"2026-02-10T21:11:56.100Z"}"#,
            #"{"parentUuid":"n1",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_A","type":"message","role":"assistant","content":[{"type":"text","text":"Running them."}],"usage":{"input_tokens":5,"output_tokens":1,"cache_creation_input_tokens":10,"cache_read_input_tokens":20}},"uuid":"n2","timestamp":"2026-02-10T21:11:58.000Z"}"#,
            #"{"parentUuid":"n2",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_A","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_new_1","name":"Bash","input":{"command":"mix test\n  --trace","description":"Run the tests"}}],"usage":{"input_tokens":5,"output_tokens":20,"cache_creation_input_tokens":10,"cache_read_input_tokens":20}},"uuid":"n3","timestamp":"2026-02-10T21:11:58.500Z"}"#,
            #"{"parentUuid":"n3",\#(c),"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_new_1","type":"tool_result","content":"Exit code 2\n3 tests, 1 failure","is_error":true}]},"uuid":"n4","timestamp":"2026-02-10T21:12:10.000Z","toolUseResult":"Error: Exit code 2\n3 tests, 1 failure"}"#,
            #"{"parentUuid":"n4",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_B","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_new_2","name":"Bash","input":{"command":"git status"}}]},"uuid":"n5","timestamp":"2026-02-10T21:12:11.000Z"}"#,
            #"{"parentUuid":"n5",\#(c),"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_new_2","type":"tool_result","content":"On branch main","is_error":false}]},"uuid":"n6","timestamp":"2026-02-10T21:12:12.250Z","toolUseResult":{"stdout":"On branch main","stderr":"","interrupted":false,"isImage":false}}"#,
            #"{"parentUuid":"n6",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_C","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_new_3","name":"Edit","input":{"file_path":"/home/u/work/api/lib/a.ex","old_string":"a","new_string":"b"}}]},"uuid":"n7","timestamp":"2026-02-10T21:12:20.000Z"}"#,
            #"{"parentUuid":"n7",\#(c),"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":"The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). STOP what you are doing and wait for the user to tell you how to proceed.","is_error":true,"tool_use_id":"toolu_new_3"}]},"uuid":"n8","timestamp":"2026-02-10T21:12:25.000Z","toolUseResult":"User rejected tool use"}"#,
            #"{"parentUuid":"n7", this line was cut off mid-write"#,
            #"{"parentUuid":"n5",\#(c),"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_new_2","type":"tool_result","content":"On branch main","is_error":false}]},"uuid":"n6","timestamp":"2026-02-10T21:12:12.250Z","toolUseResult":{"stdout":"On branch main","stderr":"","interrupted":false,"isImage":false}}"#,
            #"{"type":"mystery-record","uuid":"z1","timestamp":"2026-02-10T21:12:26.000Z"}"#,
            #"{"parentUuid":"n8",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_D","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_new_4","name":"Read","input":{"file_path":"/home/u/work/api/mix.exs"}}]},"uuid":"n9","timestamp":"2026-02-10T21:12:30.000Z"}"#,
        ].joined(separator: "\n") + "\n"
    }

    /// What the same session appends later: the Read's result, one more call, the end.
    public static var newPart2: String {
        let c = common(newSession, "2.1.39", cwd: "/home/u/work/api", branch: "fix-tests")
        return [
            #"{"parentUuid":"n9",\#(c),"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_new_4","type":"tool_result","content":"     1\tdefmodule Api.MixProject do"}]},"uuid":"n10","timestamp":"2026-02-10T21:12:31.000Z","toolUseResult":{"type":"text","file":{"filePath":"/home/u/work/api/mix.exs","content":"defmodule Api.MixProject do","numLines":1,"startLine":1,"totalLines":1}}}"#,
            #"{"parentUuid":"n10",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_E","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_new_5","name":"Grep","input":{"pattern":"defmodule","path":"lib"}}]},"uuid":"n11","timestamp":"2026-02-10T21:12:40.000Z"}"#,
            #"{"parentUuid":"n11",\#(c),"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_new_5","type":"tool_result","content":"Found 3 files"}]},"uuid":"n12","timestamp":"2026-02-10T21:12:40.500Z","toolUseResult":{"mode":"files_with_matches","filenames":["a","b","c"],"numFiles":3}}"#,
            #"{"parentUuid":"n12",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_F","type":"message","role":"assistant","content":[{"type":"text","text":"All done."}]},"uuid":"n13","timestamp":"2026-02-10T21:13:00.000Z"}"#,
        ].joined(separator: "\n") + "\n"
    }

    /// A transcript that ends in an API error, run from the editor extension.
    public static var apiError: String {
        let c = common("44444444-4444-4444-8444-444444444444", "2.1.38", cwd: "/home/u/work/api")
        return [
            #"{"parentUuid":null,\#(c),"type":"user","message":{"role":"user","content":"hello"},"uuid":"e1","timestamp":"2026-02-11T10:00:00.000Z","entrypoint":"claude-vscode"}"#,
            #"{"parentUuid":"e1",\#(c),"type":"assistant","message":{"model":"<synthetic>","id":"msg_err","type":"message","role":"assistant","content":[{"type":"text","text":"API Error: 529 Overloaded"}]},"isApiErrorMessage":true,"uuid":"e2","timestamp":"2026-02-11T10:00:05.000Z"}"#,
        ].joined(separator: "\n") + "\n"
    }

    /// A transcript the user interrupted during a tool call.
    public static var interrupted: String {
        let c = common("55555555-5555-4555-8555-555555555555", "2.1.38", cwd: "/home/u/work/api")
        return [
            #"{"parentUuid":null,\#(c),"type":"user","message":{"role":"user","content":"deploy"},"uuid":"i1","timestamp":"2026-02-11T11:00:00.000Z"}"#,
            #"{"parentUuid":"i1",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_i","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_int_1","name":"Bash","input":{"command":"make deploy"}}]},"uuid":"i2","timestamp":"2026-02-11T11:00:01.000Z"}"#,
            #"{"parentUuid":"i2",\#(c),"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":"[Request interrupted by user for tool use]","is_error":true,"tool_use_id":"toolu_int_1"}]},"uuid":"i3","timestamp":"2026-02-11T11:00:09.000Z","toolUseResult":"Error: [Request interrupted by user for tool use]"}"#,
            #"{"parentUuid":"i3",\#(c),"type":"user","message":{"role":"user","content":[{"type":"text","text":"[Request interrupted by user for tool use]"}]},"uuid":"i4","timestamp":"2026-02-11T11:00:09.100Z"}"#,
        ].joined(separator: "\n") + "\n"
    }

    /// A parent whose Task call ran subagent `abc1234`.
    public static var parent: String {
        let c = common(parentSession, "2.1.39", cwd: "/home/u/work/api")
        return [
            #"{"parentUuid":null,\#(c),"type":"user","message":{"role":"user","content":"explore"},"uuid":"t1","timestamp":"2026-02-12T16:02:25.000Z"}"#,
            #"{"parentUuid":"t1",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_t","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_task_1","name":"Task","input":{"subagent_type":"Explore","description":"Explore the codebase","prompt":"Look around."}}]},"uuid":"t2","timestamp":"2026-02-12T16:02:30.000Z"}"#,
            #"{"parentUuid":"t2",\#(c),"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_task_1","type":"tool_result","content":[{"type":"text","text":"Found it."}]}]},"uuid":"t3","timestamp":"2026-02-12T16:03:00.000Z","toolUseResult":{"status":"completed","prompt":"Look around.","agentId":"abc1234","content":[{"type":"text","text":"Found it."}],"totalDurationMs":30000,"totalTokens":1200,"totalToolUseCount":1}}"#,
        ].joined(separator: "\n") + "\n"
    }

    /// The subagent's own transcript: its records carry the parent's session id.
    public static var subagent: String {
        let c = common(parentSession, "2.1.39", cwd: "/home/u/work/api")
        return [
            #"{"parentUuid":null,"isSidechain":true,\#(c.replacing(#""isSidechain":false,"#, with: "")),"agentId":"abc1234","type":"user","message":{"role":"user","content":"Look around."},"uuid":"s1","timestamp":"2026-02-12T16:02:31.000Z"}"#,
            #"{"parentUuid":"s1","isSidechain":true,\#(c.replacing(#""isSidechain":false,"#, with: "")),"agentId":"abc1234","type":"assistant","message":{"model":"claude-haiku-4-5","id":"msg_s","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_sub_1","name":"Bash","input":{"command":"ls"}}]},"uuid":"s2","timestamp":"2026-02-12T16:02:32.000Z"}"#,
            #"{"parentUuid":"s2","isSidechain":true,\#(c.replacing(#""isSidechain":false,"#, with: "")),"agentId":"abc1234","type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_sub_1","type":"tool_result","content":"lib\ntest","is_error":false}]},"uuid":"s3","timestamp":"2026-02-12T16:02:33.000Z","toolUseResult":{"stdout":"lib\ntest","stderr":"","interrupted":false,"isImage":false}}"#,
        ].joined(separator: "\n") + "\n"
    }

    /// A call the parent makes after its Task, so the Task is not its last row.
    public static var parentFollowUp: String {
        let c = common(parentSession, "2.1.39", cwd: "/home/u/work/api")
        return [
            #"{"parentUuid":"t3",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_u","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_after_1","name":"Bash","input":{"command":"mix test"}}]},"uuid":"t4","timestamp":"2026-02-12T16:03:10.000Z"}"#,
            #"{"parentUuid":"t4",\#(c),"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_after_1","type":"tool_result","content":"ok","is_error":false}]},"uuid":"t5","timestamp":"2026-02-12T16:03:12.000Z","toolUseResult":{"stdout":"ok","stderr":"","interrupted":false,"isImage":false}}"#,
        ].joined(separator: "\n") + "\n"
    }

    /// `parent` (with `parentFollowUp`) and its `subagent`, laid out under
    /// `projects` as Claude Code lays them out, both started in `directory`
    /// (a path JSON need not escape) rather than one no test machine has.
    public static func writeConversation(projects: String, directory: String, modified: Timestamp) {
        let folder = projects + "/p"
        func placed(_ text: String) -> String { text.replacing("/home/u/work/api", with: directory) }
        write(placed(parent + parentFollowUp), to: folder + "/\(parentSession).jsonl", modified: modified)
        write(placed(subagent), to: folder + "/\(parentSession)/subagents/agent-abc1234.jsonl", modified: modified)
    }

    public static let inlineSession = "66666666-6666-4666-8666-666666666666"

    /// 1.0.x: a Task whose subagent's conversation is inline, marked
    /// `isSidechain` and chained from its prompt (root record `c1`).
    public static var inlineSidechain: String {
        let c = common(inlineSession, "1.0.98", cwd: "/home/u/work/todo")
        let side = c.replacing(#""isSidechain":false"#, with: #""isSidechain":true"#)
        return [
            #"{"parentUuid":null,\#(c),"type":"user","message":{"role":"user","content":"count the files"},"uuid":"m1","timestamp":"2025-09-04T10:00:00.000Z"}"#,
            #"{"parentUuid":"m1",\#(c),"type":"assistant","message":{"id":"msg_m1","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[{"type":"tool_use","id":"toolu_inline_task","name":"Task","input":{"description":"Count files","prompt":"Count the files.","subagent_type":"general-purpose"}}],"usage":{"input_tokens":10,"output_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}},"uuid":"m2","timestamp":"2025-09-04T10:00:01.000Z"}"#,
            #"{"parentUuid":null,\#(side),"type":"user","message":{"role":"user","content":"Count the files."},"uuid":"c1","timestamp":"2025-09-04T10:00:02.000Z"}"#,
            #"{"parentUuid":"c1",\#(side),"type":"assistant","message":{"id":"msg_c1","type":"message","role":"assistant","model":"claude-haiku-3-5","content":[{"type":"tool_use","id":"toolu_inline_ls","name":"Bash","input":{"command":"ls | wc -l"}}],"usage":{"input_tokens":500,"output_tokens":500,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}},"uuid":"c2","timestamp":"2025-09-04T10:00:03.000Z"}"#,
            #"{"parentUuid":"c2",\#(side),"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_inline_ls","type":"tool_result","content":"12","is_error":false}]},"uuid":"c3","timestamp":"2025-09-04T10:00:04.000Z","toolUseResult":{"stdout":"12","stderr":"","interrupted":false,"isImage":false}}"#,
            #"{"parentUuid":"c3",\#(side),"type":"assistant","message":{"id":"msg_c2","type":"message","role":"assistant","model":"claude-haiku-3-5","content":[{"type":"text","text":"API Error: 500"}]},"isApiErrorMessage":true,"uuid":"c4","timestamp":"2025-09-04T10:00:05.000Z"}"#,
            #"{"parentUuid":"m2",\#(c),"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_inline_task","type":"tool_result","content":[{"type":"text","text":"There are 12 files."}]}]},"uuid":"m3","timestamp":"2025-09-04T10:00:06.000Z","toolUseResult":{"content":[{"type":"text","text":"There are 12 files."}],"totalDurationMs":4000,"totalTokens":1000,"totalToolUseCount":1}}"#,
            #"{"parentUuid":"m3",\#(c),"type":"assistant","message":{"id":"msg_m2","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[{"type":"text","text":"12 files."}]},"uuid":"m4","timestamp":"2025-09-04T10:00:07.000Z"}"#,
        ].joined(separator: "\n") + "\n"
    }

    /// Writes `text` at `path` (creating directories) and dates it `modified`.
    public static func write(_ text: String, to path: String, modified: Timestamp) {
        var directory = ""
        for part in path.split(separator: "/").dropLast() {
            directory += "/" + part
            mkdir(directory, 0o700)
        }
        TestFiles.write(path, text)
        setModified(path, modified)
    }

    public static func append(_ text: String, to path: String, modified: Timestamp) {
        TestFiles.write(path, (TestFiles.readText(path) ?? "") + text)
        setModified(path, modified)
    }

    public static func setModified(_ path: String, _ time: Timestamp) {
        let spec = timespec(tv_sec: Int(time.seconds), tv_nsec: 0)
        var times = [spec, spec]
        _ = utimensat(AT_FDCWD, path, &times, 0)
    }
}
