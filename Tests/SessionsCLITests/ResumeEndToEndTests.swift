import Glibc
@testable import SessionsKit
import Testing
import TestSupport

/// `R` and `→ #N` in the real binary in a real terminal, with a fake
/// `claude` first on PATH that tells what it was run with and where.
@Suite("Browser end to end: resume and subagents", .serialized, .enabled(if: access("/usr/bin/tmux", X_OK) == 0))
struct ResumeEndToEndTests {
    typealias Pane = BrowserEndToEndTests.Pane

    /// A pane whose store holds the conversation (#1, started in a folder
    /// whose name has a blank) and its subagent (#2), and whose PATH starts
    /// with a `claude` that records its arguments, its directory and the
    /// terminal's modes, then waits for a line.
    static func pane() throws -> (pane: Pane, project: String) {
        let pane = Pane()
        let project = pane.home.file("my project")
        mkdir(project, 0o700)
        TranscriptFixtures.writeConversation(projects: pane.home.file("projects"), directory: project,
                                             modified: Timestamp(iso8601: "2026-03-01T00:00:00Z")!)
        let imported = pane.cli.run(["import", "claude-code", pane.home.file("projects")])
        #expect(imported.status == 0, "\(imported.stderr)")
        let bin = pane.home.file("bin")
        mkdir(bin, 0o700)
        TestFiles.write(bin + "/claude", """
            #!/bin/sh
            for a in "$@"; do printf '%s\\n' "$a"; done > '\(pane.home.file("claude-arguments"))'
            pwd -P > '\(pane.home.file("claude-directory"))'
            stty -a > '\(pane.home.file("claude-stty"))'
            echo "fake claude is running"
            read line
            """)
        chmod(bin + "/claude", 0o700)
        pane.start(environment: "PATH='\(bin):/usr/bin:/bin'")
        #expect(pane.waitFor("Complete (2)") != nil, "first frame:\n\(pane.screen)")
        return (pane, project)
    }

    @Test("R runs claude --resume <id> in the conversation's first directory, and the browser comes back with the terminal sane")
    func resume() throws {
        let (pane, project) = try Self.pane()
        pane.keys("2")
        #expect(pane.waitFor("#1 ✓ complete") != nil, "\(pane.screen)")
        pane.keys("R")
        #expect(pane.waitFor("fake claude is running") != nil, "the screen is claude's: \(pane.screen)")
        #expect(!pane.screen.contains("Complete (2)"))
        #expect(pane.file("claude-arguments") == "--resume\n\(TranscriptFixtures.parentSession)\n")
        #expect(pane.file("claude-directory") == project + "\n")
        #expect(BrowserEndToEndTests.saneTerminal(pane.file("claude-stty") ?? ""), "claude got the terminal in line mode")
        pane.keys("Enter")
        #expect(pane.waitFor("Complete (2)") != nil, "the browser comes back: \(pane.screen)")
        #expect(pane.screen.contains("#1 ✓ complete"))

        // Each refusal is one line in the footer, and the browser stays as it was.
        rename(project, project + " moved")
        pane.keys("R")
        #expect(pane.waitFor("cannot resume #1: its directory \(project) no longer exists") != nil, "\(pane.screen)")
        #expect(pane.screen.contains("Complete (2)") && pane.screen.contains("#1 ✓ complete"))
        rename(project + " moved", project)
        unlink(pane.home.file("bin/claude"))
        pane.keys("R")
        #expect(pane.waitFor("cannot resume: claude is not on PATH") != nil, "\(pane.screen)")

        pane.keys("q")
        let exit = try #require(pane.exit())
        #expect(exit.status == "0")
        #expect(BrowserEndToEndTests.saneTerminal(exit.stty), "stty after q: \(exit.stty)")
    }

    @Test("Enter on → #N opens the subagent, and p comes back to the parent")
    func subagent() throws {
        let (pane, _) = try Self.pane()
        pane.keys("2", "Enter")
        #expect(pane.waitFor("Timeline · 2 interactions") != nil, "\(pane.screen)")
        pane.keys("k", "Enter")
        #expect(pane.waitFor("#2, a subagent of #1 (p: back)") != nil, "\(pane.screen)")
        #expect(pane.waitFor("#2 ✓ complete") != nil && pane.waitFor("Timeline · 1 interaction") != nil, "\(pane.screen)")
        pane.keys("p")
        #expect(pane.waitFor("#1, the parent of #2") != nil, "\(pane.screen)")
        #expect(pane.waitFor("Timeline · 2 interactions") != nil && pane.screen.contains("#1 ✓ complete"), "\(pane.screen)")
        pane.keys("q", "q")
        #expect(pane.exit()?.status == "0")
    }
}
