import SessionsDisplay
import SessionsKit
import Testing

@Suite("Paths from the session's working directory")
struct PathTextTests {
    let cwd = "/home/USER/projects/spotter-worktrees/spotter-dov"

    @Test("a path inside the working directory reads from it; outside it stays absolute", arguments: [
        ("/home/USER/projects/spotter-worktrees/spotter-dov/lib/spotter/foo.ex", "lib/spotter/foo.ex"),
        ("/home/USER/projects/spotter-worktrees/spotter-dov", "."),
        ("/home/USER/projects/spotter-worktrees/spotter-dov/", "."),
        ("/home/USER/projects/spotter-worktrees/spotter-dov-2/lib/a.ex", "/home/USER/projects/spotter-worktrees/spotter-dov-2/lib/a.ex"),
        ("/etc/hosts", "/etc/hosts"),
        ("lib/already.ex", "lib/already.ex"),
    ])
    func relative(path: String, expected: String) {
        #expect(PathText.relative(path, to: cwd) == expected)
        #expect(PathText.relative(path, to: cwd + "/") == expected, "a trailing slash on the directory changes nothing")
        #expect(PathText.relative(path, to: nil) == path)
    }

    @Test("the working directory is the state's cwd")
    func workingDirectory() {
        var session = Session(id: 1, type: SessionType("ClaudeCodeSessions"), accountID: 1,
                              insertedAt: Timestamp(microseconds: 0), updatedAt: Timestamp(microseconds: 0))
        #expect(PathText.workingDirectory(session) == nil)
        session.state = JSONObject(["cwd": .string(cwd)])
        #expect(PathText.workingDirectory(session) == cwd)
    }

    @Test("a path cut to fit keeps its file name, losing its start or its middle", arguments: [
        ("lib/spotter_web/live/session_live.ex", 40, "lib/spotter_web/live/session_live.ex"),
        ("lib/spotter_web/live/session_live.ex", 26, "lib/…/live/session_live.ex"),
        ("lib/spotter_web/live/session_live.ex", 24, "…/live/session_live.ex"),
        ("lib/spotter_web/live/session_live.ex", 17, "…/session_live.ex"),
        ("lib/spotter_web/live/session_live.ex", 16, "…session_live.ex"),
        ("lib/spotter_web/live/session_live.ex", 10, "…n_live.ex"),
        ("/home/USER/projects/app/lib/a.ex", 20, "/home/…/app/lib/a.ex"),
        ("/home/USER/projects/app/lib/a.ex", 19, "…/app/lib/a.ex"),
        ("a_very_long_file_name.ex", 10, "…e_name.ex"),
    ])
    func fit(path: String, width: Int, expected: String) {
        let fitted = PathText.fit(path, to: width)
        #expect(fitted == expected)
        #expect(CellWidth.of(fitted) <= width)
    }

    @Test("widths are counted in cells: wide file names are cut on a character, never past the width")
    func wideNames() {
        let path = "docs/設計/設計書.md"
        #expect(CellWidth.of(path) == 19)
        #expect(PathText.fit(path, to: 19) == path)
        #expect(PathText.fit(path, to: 13) == "…/設計書.md")
        // Nine cells hold "…" and eight of the name's: "設" would take the ninth and a tenth.
        #expect(PathText.fit(path, to: 9) == "…計書.md")
        #expect(PathText.fit(path, to: 7) == "…書.md", "a wide character that would straddle the edge goes")
        for width in 1...20 { #expect(CellWidth.of(PathText.fit(path, to: width)) <= width, "\(width)") }
        #expect(PathText.relative("/w/проект/файл.ex", to: "/w/проект") == "файл.ex")
    }

    @Test("timeline rows show a file tool's path from the cwd, cut keeping its name; a search's folder too")
    func timelineCommands() throws {
        let read = try toolCall("Read", #"{"file_path":"\#(cwd)/lib/spotter_web/live/session_live.ex","offset":10}"#)
        let text = TimelineText.command(read, directory: cwd)
        #expect(text == "lib/spotter_web/live/session_live.ex")
        #expect(TimelineText.fit(text, of: read, width: 20) == "…/session_live.ex")
        let grep = try toolCall("Grep", #"{"pattern":"def fire","path":"\#(cwd)/deps/ash"}"#)
        #expect(TimelineText.command(grep, directory: cwd) == "def fire in deps/ash")
        #expect(TimelineText.fit("def fire in deps/ash", of: grep, width: 10) == "def fire …", "not a path: cut at its end")
        let bash = try toolCall("Bash", #"{"command":"cat \#(cwd)/x"}"#)
        #expect(TimelineText.command(bash, directory: cwd) == "cat \(cwd)/x", "a shell command's paths are its own")
        #expect(TimelineText.command(read, directory: nil) == "\(cwd)/lib/spotter_web/live/session_live.ex")
    }
}
