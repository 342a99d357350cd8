import Glibc
import Testing
@testable import SessionsKit
import TestSupport

@Suite("Interaction log")
struct InteractionLogTests {
    static func interaction(_ n: Int, result: ResultStatus? = nil) -> Interaction {
        Interaction(id: "00000000-0000-4000-8000-\(String(repeating: "0", count: 12 - String(n).count))\(n)",
                    command: Command(id: nil, module: "M", command: "step \(n)"),
                    result: result.map { CommandResult(id: nil, status: $0, stdout: .text("out \(n)")) })
    }

    func log(_ lines: [(Int, Interaction)]) -> [UInt8] {
        lines.flatMap { InteractionLog.line(position: $0.0, $0.1) }
    }

    @Test("a later line of a position replaces the earlier; the timeline keeps first-appearance order")
    func folding() throws {
        let bytes = log([(0, Self.interaction(0)), (1, Self.interaction(1)), (0, Self.interaction(0, result: .ok)),
                         (2, Self.interaction(2)), (1, Self.interaction(1, result: .error))])
        let all = try bytes.withUnsafeBufferPointer { try InteractionLog.decodeAll($0, length: bytes.count, path: "log") }
        #expect(all.map(\.command.command) == ["step 0", "step 1", "step 2"])
        #expect(all.map { $0.result?.status } == [.ok, .error, nil])
        let newest = try bytes.withUnsafeBufferPointer {
            try InteractionLog.newest($0, count: 3, wanted: 2, whole: true, path: "log")
        }
        #expect(newest?.map(\.command.command) == ["step 1", "step 2"] && newest?[0].result?.status == .error)
        // The last two lines hold the newest version of 1 but not 2's only line.
        let tail = Array(bytes.suffix(log([(1, Self.interaction(1, result: .error))]).count))
        #expect(try tail.withUnsafeBufferPointer { try InteractionLog.newest($0, count: 3, wanted: 2, whole: false, path: "log") } == nil)
        #expect(throws: StoreError.self) {
            _ = try tail.withUnsafeBufferPointer { try InteractionLog.newest($0, count: 3, wanted: 2, whole: true, path: "log") }
        }
    }

    @Test("bytes past the committed length are not read; a length inside a line, or a gap in positions, is damage")
    func committedLength() throws {
        let committed = log([(0, Self.interaction(0)), (1, Self.interaction(1))])
        let bytes = committed + log([(2, Self.interaction(2))]) + Array("{\"n\":3,\"inter".utf8)
        let read = try bytes.withUnsafeBufferPointer { try InteractionLog.decodeAll($0, length: committed.count, path: "log") }
        #expect(read.count == 2)
        #expect(throws: StoreError.self) {
            try bytes.withUnsafeBufferPointer { _ = try InteractionLog.decodeAll($0, length: committed.count - 3, path: "log") }
        }
        let gap = log([(0, Self.interaction(0)), (2, Self.interaction(2))])
        #expect(errorText { try gap.withUnsafeBufferPointer { _ = try InteractionLog.decodeAll($0, length: gap.count, path: "log") } }?
            .contains("line 2: interaction 2 comes before interaction 1") == true)
    }

    @Test("a line edited by hand, in another member order, still reads")
    func handEdited() throws {
        let bytes = Array(#"{"interaction": {"id": "00000000-0000-4000-8000-000000000000", "command": {"module": "M", "command": "x"}}, "n": 0}"#.utf8) + [10]
        let all = try bytes.withUnsafeBufferPointer { try InteractionLog.decodeAll($0, length: bytes.count, path: "log") }
        #expect(all.map(\.command.command) == ["x"])
    }

    @Test("the newest page of a long session is read from the log's end, completions and other accounts included")
    func newestPage() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        let id = try service.create(SessionDraft(type: "ContextSpecSessions")).id
        // A third of the lines hold 10 KB: the first megabyte read from the end
        // falls short of the oldest pending interaction, so the read widens.
        var ids: [String] = []
        for n in 0..<400 {
            ids.append(try service.addInteraction(sessionID: id, CommandDraft(module: "M", command: "step \(n)")).id)
            if n % 3 == 0 {
                _ = try service.completeInteraction(sessionID: id, interactionID: ids[n],
                    ResultDraft(status: "ok", stdout: .text(String(repeating: "x", count: 10_000))))
            }
        }
        // The oldest pending one completes last: its newest line is the log's last.
        _ = try service.completeInteraction(sessionID: id, interactionID: ids[1], ResultDraft(status: "error"))
        let whole = try service.session(id: id)
        for wanted in [1, 50, 399, 400, 1_000] {
            let page = try service.session(id: id, newest: wanted)
            #expect(page.earlier == max(0, 400 - wanted))
            #expect(page.session.interactions == Array(whole.interactions.suffix(wanted)))
            var fields = page.session
            fields.interactions = whole.interactions
            #expect(fields == whole)
        }
        #expect(try service.session(id: id, newest: 399).session.interactions.first?.result?.status == .error)
        #expect(throws: SessionError.self) { _ = try fixture.service(account: 2).session(id: id, newest: 10) }
    }

    @Test("show --json streamed from a split session, a whole one and an empty one prints the bytes of the session written whole")
    func streamedJSON() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        let empty = try service.create(SessionDraft(type: "ContextSpecSessions", state: try JSONParser.parse(Array(#"{"step": "one", "nested": {"interactions": []}}"#.utf8))))
        let long = try service.create(SessionDraft(type: "ContextSpecSessions"))
        for n in 0..<30 {
            let added = try service.addInteraction(sessionID: long.id, CommandDraft(module: "M", command: "step \(n)\u{1B}[31m"))
            if n % 2 == 0 {
                // Interaction 10's line is 3 MB: longer than the chunks the log is scanned in.
                let stdout = n == 10 ? String(repeating: "0123456789\n", count: 300_000) : "line\n" + String(repeating: "é", count: n * 100)
                _ = try service.completeInteraction(sessionID: long.id, interactionID: added.id,
                                                    ResultDraft(status: n % 4 == 0 ? "ok" : "error", stdout: .text(stdout)))
            }
        }
        func streamed(_ id: Session.ID, _ service: SessionService) throws -> [UInt8] {
            var bytes: [UInt8] = []
            try service.writeJSON(id: id) { bytes += $0 }
            return bytes
        }
        for id in [empty.id, long.id] {
            let whole = JSONWriter.bytes(.object(try service.session(id: id).jsonObject)) + [10]
            #expect(try streamed(id, service) == whole)
        }
        // A session still kept whole, as format 1 kept it, streams the same.
        let session = try service.session(id: long.id)
        TestFiles.write(fixture.root + "/" + StoreFormat.sessionFile(long.id), SessionFile.encode(session))
        unlink(fixture.root + "/" + StoreFormat.logFile(long.id))
        #expect(try streamed(long.id, service) == JSONWriter.bytes(.object(session.jsonObject)) + [10])
        #expect(throws: SessionError.self) { _ = try streamed(long.id, fixture.service(account: 2)) }
        #expect(throws: SessionError.self) { _ = try streamed(99, service) }
    }

    @Test("whether a tool call is recorded is answered by the head, without reading the log")
    func toolCallsInHead() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        let id = try service.create(SessionDraft(type: "ContextSpecSessions")).id
        try service.store.write { transaction in
            var edit = SessionEdit(session: try #require(try transaction.head(id: id)).session)
            for n in 0..<3 {
                var call = Self.interaction(n, result: n == 2 ? nil : .ok)
                call.extra[ClaudeCodeTools.toolUseKey] = .string("toolu_\(n)")
                edit.appended.append(call)
            }
            try transaction.stage(edit)
        }
        let stored = StoredSession(root: fixture.root, id: id)
        let head = try #require(try stored.head())
        #expect(head.toolCalls == ToolCallDigest(["toolu_2", "toolu_0", "toolu_1"]))
        #expect(head.toolCalls?.text.count == 24)
        #expect(try SessionHeadFile.decode(SessionHeadFile.encode(head), path: "h", expectedID: id) == head)
        // With the log gone, a call the head rules out, or one still pending,
        // needs no read; a recorded one is confirmed in the log.
        unlink(stored.logPath)
        #expect(try stored.position(of: .toolUse("toolu_9"), in: head) == nil)
        #expect(try stored.position(of: .toolUse("toolu_2"), in: head) == 2)
        #expect(throws: StoreError.self) { _ = try stored.position(of: .toolUse("toolu_1"), in: head) }
        var unlisted = head
        unlisted.toolCalls = nil
        #expect(throws: StoreError.self) { _ = try stored.position(of: .toolUse("toolu_9"), in: unlisted) }
        // The text is checked: hashes out of order are damage, not a guess.
        #expect(ToolCallDigest(text: "0000000200000001") == nil)
        #expect(ToolCallDigest(text: "0000000100000002")?.hashes == [1, 2])
    }

    @Test("a head round-trips, and a head naming another session is damage")
    func headFile() throws {
        var session = Session(id: 7, type: SessionType("ContextSpecSessions"), accountID: 1, interactions: [Self.interaction(0), Self.interaction(1, result: .ok)],
                              insertedAt: Timestamp(seconds: 100), updatedAt: Timestamp(seconds: 200))
        session.extra["execution_mode"] = .string("auto")
        var head = SessionHead(session, logLength: 321, lines: [0..<160, 160..<321])
        head.pending[0].toolUseID = "toolu_1"
        #expect(head.pending.map(\.position) == [0] && head.interactionCount == 2 && head.lastResult == .ok)
        let bytes = SessionHeadFile.encode(head)
        #expect(try SessionHeadFile.decode(bytes, path: "h", expectedID: 7) == head)
        #expect(throws: StoreError.self) { _ = try SessionHeadFile.decode(bytes, path: "h", expectedID: 8) }
        #expect(throws: StoreError.self) { _ = try SessionHeadFile.decode(Array("{}".utf8), path: "h", expectedID: 7) }
    }
}
