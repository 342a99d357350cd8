import Glibc
import SessionsKit
import Testing
import TestSupport

/// `sessions resume`, and Claude Code ids wherever a session id goes.
@Suite("Resume and Claude Code ids on the command line")
struct ResumeCLITests {
    static let written = Timestamp(iso8601: "2026-03-01T00:00:00Z")!
    static let conversation = TranscriptFixtures.parentSession

    /// A store with the conversation (#1) and its subagent (#2), started in
    /// `directory`, and a session made by hand (#3).
    static func harness(directory: String) throws -> CLIHarness {
        let cli = CLIHarness()
        TranscriptFixtures.writeConversation(projects: cli.directory.file("projects"), directory: directory, modified: written)
        try cli.ok(["import", "claude-code", cli.directory.file("projects")])
        try cli.ok(["new", "--type", "ContextSpecSessions"])
        return cli
    }

    @Test("show and set-status take a Claude Code id or its start of 8 or more characters; too short is a usage error")
    func conversationIDs() throws {
        let cli = try Self.harness(directory: "/home/u/work/api")
        for word in [Self.conversation, String(Self.conversation.prefix(8)) + "-3", "33333333", Self.conversation.uppercased()] {
            #expect(try cli.ok(["show", word]).hasPrefix("Session 1 "), "\(word)")
        }
        #expect(try cli.json(["show", "33333333-3333", "--json"]).objectValue?["id"] == .int(1))
        try cli.ok(["set-status", "33333333-33", "3", "failed"])
        #expect(try cli.json(["show", "1", "--json"]).objectValue?["status"] == .string("failed"))
        #expect(try cli.json(["show", "3", "--json"]).objectValue?["status"] == .string("failed"))
        let short = cli.run(["show", "3333abc"])
        #expect(short.status == 64 && short.stderr
            == "error: 3333abc is not an id: ids are whole numbers from 1, or 8 or more characters of a Claude Code session id\n")
    }

    @Test("an id another account has is not found, as one nobody has; a start several ids share names them")
    func notFoundAndAmbiguous() throws {
        let cli = try Self.harness(directory: "/home/u/work/api")
        try cli.ok(["account", "add", "bob"])
        let other = cli.run(["show", Self.conversation, "--account", "bob"])
        let nobody = cli.run(["show", "33333333-3333-4333-8333-000000000000"])
        #expect(other.status == 1 && other.stderr == "error: Claude Code session \(Self.conversation) not found\n")
        #expect(nobody.status == 1 && nobody.stderr == "error: Claude Code session 33333333-3333-4333-8333-000000000000 not found\n")

        let twin = "33333333-3333-4333-8333-999999999999"
        TranscriptFixtures.write(TranscriptFixtures.apiError.replacing("44444444-4444-4444-8444-444444444444", with: twin),
                                 to: cli.directory.file("more/p/\(twin).jsonl"), modified: Self.written)
        try cli.ok(["import", "claude-code", cli.directory.file("more")])
        let ambiguous = cli.run(["show", "33333333-3333-4333"])
        #expect(ambiguous.status == 1)
        #expect(ambiguous.stderr == "error: 33333333-3333-4333 starts 2 Claude Code session ids (#1 \(Self.conversation), #4 \(twin)); give more of it\n")
    }

    @Test("resume refuses, in one line, a session with no conversation, a program not on PATH and a directory that has gone")
    func refusals() throws {
        let project = TemporaryDirectory("sessions-resume-project")
        let cli = try Self.harness(directory: project.path)
        let bin = cli.directory.file("bin")
        mkdir(bin, 0o700)
        TestFiles.write(bin + "/claude", "#!/bin/sh\nexit 0\n")
        chmod(bin + "/claude", 0o700)

        let none = cli.run(["resume", "3"], env: ["PATH": bin])
        #expect(none.status == 1 && none.stderr == "error: #3 has no Claude Code conversation to resume\n")
        let missing = cli.run(["resume", "1"], env: ["PATH": "/nonexistent"])
        #expect(missing.status == 1 && missing.stderr == "error: cannot resume: claude is not on PATH; set resume_command in config.json\n")
        rmdir(project.path)
        let gone = cli.run(["resume", "33333333-3333"], env: ["PATH": bin])
        #expect(gone.status == 1 && gone.stderr == "error: cannot resume #1: its directory \(project.path) no longer exists\n")
        let bad = cli.run(["resume", "1"], env: ["PATH": bin, "XDG_CONFIG_HOME": cli.directory.file("badconfig")])
        #expect(bad.status == 1)
        mkdir(cli.directory.file("badconfig"), 0o700)
        mkdir(cli.directory.file("badconfig/sessions"), 0o700)
        TestFiles.write(cli.directory.file("badconfig/sessions/config.json"), #"{"resume_command": "claude '{id}"}"#)
        let unclosed = cli.run(["resume", "1"], env: ["PATH": bin, "XDG_CONFIG_HOME": cli.directory.file("badconfig")])
        #expect(unclosed.status == 2 && unclosed.stderr.contains("resume_command: has a quote that is not closed"), "\(unclosed.stderr)")
    }

    @Test("resume becomes the configured command, in the conversation's first directory; a subagent resumes its parent")
    func execs() throws {
        let project = TemporaryDirectory("sessions resume 'project'")
        let cli = try Self.harness(directory: project.path)
        let bin = cli.directory.file("bin"), record = cli.directory.file("ran")
        mkdir(bin, 0o700)
        TestFiles.write(bin + "/agent-wrapper", "#!/bin/sh\n{ for a in \"$@\"; do printf '%s\\n' \"$a\"; done; pwd -P; } > '\(record)'\nexit 7\n")
        chmod(bin + "/agent-wrapper", 0o700)
        mkdir(cli.directory.file("config"), 0o700)
        mkdir(cli.directory.file("config/sessions"), 0o700)
        TestFiles.write(cli.directory.file("config/sessions/config.json"),
                        #"{"resume_command": "agent-wrapper --dir \"{cwd}\" --resume={id}"}"#)
        let runner = ProcessRunner(environment: cli.variables.merging(["PATH": bin + ":/usr/bin:/bin"]) { $1 })
        for id in ["1", "2"] {
            unlink(record)
            let output = runner.run(["resume", id])
            #expect(output.status == 7, "the command's own status: \(output.stderr)")
            #expect(TestFiles.readText(record) == "--dir\n\(project.path)\n--resume=\(Self.conversation)\n\(project.path)\n")
        }
    }
}
