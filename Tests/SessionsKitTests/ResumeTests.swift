import Glibc
@testable import SessionsKit
import Testing
import TestSupport

@Suite("Resume command template")
struct ResumeCommandTests {
    @Test("the template splits into words as a shell splits a simple command")
    func splitting() throws {
        #expect(ResumeCommand.standard.words == ["claude", "--resume", "{id}"])
        #expect(try ResumeCommand(template: ResumeCommand.standardTemplate) == .standard)
        #expect(try ResumeCommand(template: "  'my wrapper'  --dir \"{cwd}\"\t-- {id} ").words
            == ["my wrapper", "--dir", "{cwd}", "--", "{id}"])
        #expect(try ResumeCommand(template: #"run a\ b "x\"y\\z\w" '\n' '' {id}"#).words
            == ["run", "a b", #"x"y\z\w"#, #"\n"#, "", "{id}"])
        #expect(try ResumeCommand(template: #"agent --session=sess-{id}"#).words == ["agent", "--session=sess-{id}"])
    }

    @Test("the id and directory go in after splitting, so blanks, quotes and braces in them stay in their word")
    func substitution() throws {
        let command = try ResumeCommand(template: #"run --in={cwd} {id} "{id} at {cwd}""#)
        let id = #"a b 'c' "d" {cwd} $(x)"#
        let directory = "/tmp/with space/{id}"
        #expect(command.arguments(conversation: id, directory: directory) == [
            "run", "--in=/tmp/with space/{id}", id, #"a b 'c' "d" {cwd} $(x) at /tmp/with space/{id}"#,
        ])
        // The program is taken as written, never substituted into.
        #expect(try ResumeCommand(template: "{cwd}/bin/agent {id}").arguments(conversation: "x", directory: "/d")
            == ["{cwd}/bin/agent", "x"])
    }

    @Test("a template with no program, an open quote, a last backslash or no {id} is refused with the member named")
    func refused() {
        let cases: [(String, String)] = [
            ("", "must name a program"),
            ("   ", "must name a program"),
            ("'' {id}", "must name a program"),
            ("claude --resume '{id}", "has a quote that is not closed"),
            (#"claude --resume "{id}"#, "has a quote that is not closed"),
            (#"claude --resume {id}\"#, "ends with a backslash"),
            ("claude --continue", "must pass the conversation with {id}"),
        ]
        for (template, message) in cases {
            do {
                _ = try ResumeCommand(template: template)
                Issue.record("accepted \(template)")
            } catch {
                #expect(error.description.hasPrefix("resume_command: ") && error.description.contains(message), "\(template): \(error)")
            }
        }
    }

    @Test("config.json's resume_command is read, defaults to claude --resume {id}, and a bad one stops the config loading")
    func config() throws {
        let directory = TemporaryDirectory("sessions-resume-config")
        #expect(try Config.load(directory: directory.path).resumeCommand == .standard)
        TestFiles.write(directory.file("config.json"), #"{"resume_command": "wrap 'claude code' -r {id}"}"#)
        #expect(try Config.load(directory: directory.path).resumeCommand.words == ["wrap", "claude code", "-r", "{id}"])
        for bad in [#"{"resume_command": ["claude", "{id}"]}"#, #"{"resume_command": "claude --resume"}"#] {
            TestFiles.write(directory.file("config.json"), bad)
            #expect(throws: StoreError.self) { try Config.load(directory: directory.path) }
            do {
                _ = try Config.load(directory: directory.path)
            } catch {
                #expect("\(error)".contains("resume_command"), "\(error)")
            }
        }
    }
}

@Suite("Resume target")
struct ResumeTargetTests {
    static let conversation = "0a1b2c3d-1111-4111-8111-111111111111"
    static let now = Timestamp(iso8601: "2026-01-15T09:30:00Z")!

    static func claudeSession(_ id: Int, key: String?, state: JSONObject) -> Session {
        var session = Session(id: Session.ID(id), type: .claudeCode, agent: .claudeCode, state: state, accountID: 1,
                              insertedAt: now, updatedAt: now)
        session.externalConversationID = key
        return session
    }

    /// #1 the conversation, started in `directory`; #2 its subagent, which
    /// ran `cd`; #3 a CodeMySpec session that names the conversation; #4 one
    /// made by hand; #5 a conversation whose directory is not known.
    static func sessions(directory: String) -> [Session] {
        let main = claudeSession(1, key: conversation, state: JSONObject(["session_id": .string(conversation), "cwd": .string(directory)]))
        let subagent = claudeSession(2, key: conversation + "/agent-abc1234", state: JSONObject([
            "session_id": .string(conversation), "agent_id": .string("abc1234"), "parent_session_id": .string(conversation),
            "cwd": .string(directory + "/lib"),
        ]))
        var codeMySpec = Session(id: 3, type: SessionType("ComponentCodingSessions"), accountID: 1, insertedAt: now, updatedAt: now)
        codeMySpec.externalConversationID = conversation
        let handMade = Session(id: 4, type: SessionType("ComponentCodingSessions"), accountID: 1, insertedAt: now, updatedAt: now)
        let noDirectory = claudeSession(5, key: "0a1b2c3d-5555-4555-8555-555555555555", state: JSONObject())
        return [main, subagent, codeMySpec, handMade, noDirectory]
    }

    @Test("a conversation resumes itself, a subagent and a CodeMySpec session the conversation they belong to, in its first directory")
    func targets() throws {
        let all = Self.sessions(directory: "/work/app")
        let table = SummaryTable(all.map(SessionSummary.init))
        for session in all.prefix(3) {
            #expect(try ResumeTarget.of(session, among: table)
                == ResumeTarget(sessionID: session.id, conversationID: Self.conversation, directory: "/work/app"))
        }
        // Without its conversation in the store, a subagent goes where it started.
        let alone = SummaryTable([SessionSummary(all[1])])
        #expect(try ResumeTarget.of(all[1], among: alone).directory == "/work/app/lib")
        #expect(throws: ResumeError.noConversation(4)) { try ResumeTarget.of(all[3], among: table) }
        #expect(throws: ResumeError.noDirectory(5)) { try ResumeTarget.of(all[4], among: table) }
        #expect(ResumeError.noConversation(4).description == "#4 has no Claude Code conversation to resume")
    }

    @Test("the program is found along PATH, or refused in one line; so is a directory that has gone")
    func executable() throws {
        let home = TemporaryDirectory("sessions-resume-path")
        let first = home.file("first"), second = home.file("second"), project = home.file("my project")
        for directory in [first, second, project] { mkdir(directory, 0o700) }
        TestFiles.write(first + "/claude", "not executable")
        TestFiles.write(second + "/claude", "#!/bin/sh\n")
        chmod(second + "/claude", 0o700)
        let target = ResumeTarget(sessionID: 7, conversationID: Self.conversation, directory: project)
        let plan = ResumePlan(target, command: .standard)
        #expect(plan.arguments == ["claude", "--resume", Self.conversation])
        #expect(try plan.executable(searchPath: "\(home.path)/none:\(first):\(second)") == second + "/claude")
        #expect(throws: ResumeError.programNotFound("claude")) { try plan.executable(searchPath: first) }
        #expect(ResumeError.programNotFound("claude").description
            == "cannot resume: claude is not on PATH; set resume_command in config.json")

        let byPath = ResumePlan(target, command: try ResumeCommand(template: "\(first)/claude {id}"))
        #expect(throws: ResumeError.programNotFound(first + "/claude")) { try byPath.executable(searchPath: second) }
        #expect(ResumeError.programNotFound("/x/claude").description.contains("/x/claude is not an executable file"))

        rmdir(project)
        #expect(throws: ResumeError.directoryGone(7, project)) { try plan.executable(searchPath: second) }
        #expect(ResumeError.directoryGone(7, "/gone").description == "cannot resume #7: its directory /gone no longer exists")
    }
}

@Suite("Sessions named by Claude Code id")
struct ConversationIDLookupTests {
    static let first = "0a1b2c3d-1111-4111-8111-111111111111"
    static let second = "0a1b2c3d-2222-4222-8222-222222222222"
    static let third = "9f8e7d6c-3333-4333-8333-333333333333"

    /// Account 1: #1 and #2 share their first 8 characters, #3 is a
    /// subagent of #1, #5 a CodeMySpec session naming #1's conversation.
    /// Account 2: #4, with an id of its own. Some are in the index, the
    /// rest in the journal, as a live store has them.
    static func fixture() throws -> StoreFixture {
        let fixture = try StoreFixture()
        _ = try StoreDirectory(store: fixture.store).addAccount(name: "bob")
        let sessions = ResumeTargetTests.sessions(directory: "/w")
        func claude(_ id: Int, _ key: String, account: Account.ID = 1, agent: Bool = false) -> Session {
            var session = ResumeTargetTests.claudeSession(id, key: key, state: agent ? JSONObject(["agent_id": .string("a")]) : JSONObject())
            session.accountID = account
            return session
        }
        try fixture.store.write { transaction in
            transaction.put(claude(1, first))
            transaction.put(claude(2, second))
            transaction.put(claude(3, first + "/agent-a", agent: true))
        }
        try fixture.store.compact()
        try fixture.store.write { transaction in
            transaction.put(claude(4, third, account: 2))
            var codeMySpec = sessions[2]
            codeMySpec.id = 5
            transaction.put(codeMySpec)
        }
        return fixture
    }

    @Test("a whole id, or a unique start of 8 or more characters, names the account's conversation; store ids pass through")
    func unique() throws {
        let fixture = try Self.fixture()
        let service = fixture.service()
        let references = try [Self.first, Self.second.uppercased(), "0a1b2c3d-2", "0a1b2c3d-1", "12"].map { try #require(SessionReference($0)) }
        #expect(try service.sessionIDs(for: references) == [1, 2, 2, 1, 12])
        #expect(try fixture.service(account: 2).sessionID(for: #require(SessionReference("9f8e7d6c"))) == 4)
    }

    @Test("a start that several ids share is refused, naming them")
    func ambiguous() throws {
        let fixture = try Self.fixture()
        let service = fixture.service()
        #expect(throws: SessionError.conflict("0a1b2c3d starts 2 Claude Code session ids (#1 \(Self.first), #2 \(Self.second)); give more of it")) {
            try service.sessionID(for: #require(SessionReference("0a1b2c3d")))
        }
    }

    @Test("fewer than 8 characters, or characters no uuid has, are not an id")
    func tooShort() {
        for word in ["0a1b2c3", "0a1b", "-", "0a1b2c3d-zz", "0", "0000000", "", "0a1b2c3d-1111-4111-8111-1111111111112"] {
            #expect(SessionReference(word) == nil, "\(word)")
        }
        #expect(SessionReference("00000000") == .conversation("00000000"))
        #expect(SessionReference("1234567") == .id(1_234_567))
        #expect(SessionReference("12345678") == .idOrConversation(12_345_678, "12345678"))
    }

    @Test("another account's conversation is not found, in the same words as one that does not exist")
    func otherAccount() throws {
        let fixture = try Self.fixture()
        let service = fixture.service()
        var messages: [String] = []
        for word in [Self.third, "12345678-aaaa"] {
            do {
                _ = try service.sessionID(for: #require(SessionReference(word)))
                Issue.record("found \(word)")
            } catch let error as SessionError {
                messages.append(error.description)
            }
        }
        #expect(messages == ["Claude Code session \(Self.third) not found", "Claude Code session 12345678-aaaa not found"])
    }

    @Test("8 or more digits are the store's id when the account has it, else the start of a Claude Code id")
    func digits() throws {
        let fixture = try StoreFixture()
        try fixture.store.write { transaction in
            transaction.put(ResumeTargetTests.claudeSession(1, key: "12345678-aaaa-4aaa-8aaa-aaaaaaaaaaaa", state: JSONObject()))
            transaction.put(ResumeTargetTests.claudeSession(12_345_678, key: "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", state: JSONObject()))
            transaction.put(ResumeTargetTests.claudeSession(2, key: "87654321-aaaa-4aaa-8aaa-aaaaaaaaaaaa", state: JSONObject()))
        }
        let service = fixture.service()
        #expect(try service.sessionIDs(for: [.idOrConversation(12_345_678, "12345678"), .idOrConversation(87_654_321, "87654321")])
            == [12_345_678, 2])
        #expect(throws: SessionError.notFound("session 99999999")) {
            try service.sessionID(for: .idOrConversation(99_999_999, "99999999"))
        }
    }
}
