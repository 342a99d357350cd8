import Testing
import TestSupport
@testable import SessionsKit

/// Fields far past anything ordinary: JSON nested as deep as input allows,
/// and output that is not text. What is accepted must read back exactly; what
/// is refused must leave the store as it was.
@Suite("Huge and hostile fields in the model and the store")
struct HugeFieldTests {
    /// `{"a": [[...]]}`: `levels` levels in all, the object counted.
    static func nested(_ levels: Int) -> String {
        #"{"a":"# + String(repeating: "[", count: levels - 1) + String(repeating: "]", count: levels - 1) + "}"
    }

    /// How deep a parsed value goes, following the first element of each level.
    static func depth(_ value: JSONValue) -> Int {
        var depth = 0
        var current: JSONValue? = value
        while let value = current {
            switch value {
            case .object(let object): depth += 1; current = object.members.first?.value
            case .array(let elements): depth += 1; current = elements.first
            default: current = nil
            }
        }
        return depth
    }

    /// Everything under the store, to show that a refusal wrote nothing.
    static func snapshot(_ fixture: StoreFixture) -> [String: [UInt8]] {
        TestFiles.snapshot(fixture.root).filter { !$0.key.hasPrefix("tmp/") && $0.key != "lock" }
    }

    @Test("nesting is measured without recursion, and stops at the first branch past the limit")
    func nestingMeasure() throws {
        #expect(!JSONValue.number("1").nests(deeperThan: 0))
        #expect(JSONValue.array([]).nests(deeperThan: 0))
        #expect(!JSONValue.array([]).nests(deeperThan: 1))
        let value = try JSONParser.parse(Self.nested(300))
        #expect(Self.depth(value) == 300)
        #expect(value.nests(deeperThan: 299))
        #expect(!value.nests(deeperThan: 300))
        // A wide value with one deep branch at the end is still found.
        let wide = JSONValue.array(Array(repeating: .array([]), count: 1000) + [value])
        #expect(wide.nests(deeperThan: 300))
        #expect(!wide.nests(deeperThan: 301))
    }

    @Test("input nested past the parser's limit is refused with the position, not a crash")
    func parserRefusesDeepInput() {
        // The error names where the 513th level opens.
        for (text, column) in [(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), 513),
                               (String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000), 2561)] {
            #expect {
                _ = try JSONParser.parse(text)
            } throws: { error in
                "\(error)" == "line 1, column \(column): nesting deeper than 512 levels"
            }
        }
    }

    @Test("state at the model's limit is stored, and reads back from the journal, the index and the file")
    func stateAtTheLimitRoundTrips() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        let state = try JSONParser.parse(Self.nested(Session.maximumNesting))
        let session = try service.create(SessionDraft(type: "ContextSpecSessions", state: state))
        // Another process: the journal and the session file are read afresh.
        let reopened = try fixture.reopen()
        let summary = try #require(try reopened.catalog().summary(id: session.id))
        #expect(summary.session.state.map { JSONValue.object($0) } == state)
        #expect(try reopened.session(id: session.id)?.state.map { JSONValue.object($0) } == state)
        // Folding the journal into the index, and reading that back, too.
        let report = StoreDoctor(root: fixture.root).run(repair: true)
        #expect(report.isHealthy, "\(report)")
        #expect(try fixture.reopen().catalog().summary(id: session.id)?.session.state.map { JSONValue.object($0) } == state)
    }

    @Test("state deeper than the model's limit is refused naming the field, and nothing is written",
          arguments: [Session.maximumNesting + 1, 509, 510, 512])
    func deepStateRefused(levels: Int) throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        _ = try service.create(SessionDraft(type: "ContextSpecSessions"))
        let before = Self.snapshot(fixture)
        let state = try JSONParser.parse(Self.nested(levels))
        #expect(throws: SessionError.invalid(SchemaError("state", "nests deeper than 256 levels"))) {
            try service.create(SessionDraft(type: "ContextSpecSessions", state: state))
        }
        #expect(Self.snapshot(fixture) == before)
        #expect(try fixture.reopen().catalog().summaries.count == 1)
    }

    @Test("result data deeper than the limit is refused, and the interaction stays pending")
    func deepResultDataRefused() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        let session = try service.create(SessionDraft(type: "ContextSpecSessions"))
        let interaction = try service.addInteraction(sessionID: session.id, CommandDraft(module: "Bash", command: "ls"))
        let before = Self.snapshot(fixture)
        #expect(throws: SessionError.invalid(SchemaError("result.data", "nests deeper than 256 levels"))) {
            try service.completeInteraction(sessionID: session.id, interactionID: interaction.id,
                                            ResultDraft(status: "ok", data: try JSONParser.parse(Self.nested(507))))
        }
        #expect(Self.snapshot(fixture) == before)
        #expect(try fixture.reopen().session(id: session.id)?.interactions.first?.isPending == true)
    }

    @Test("an import whose state is too deep skips that record with the rule and keeps the store readable")
    func deepImportSkipped() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        // A bare array puts state one level higher than the journal does:
        // 510 levels here would be 514 there, past what the parser reads.
        let document = """
            [{"id": 5, "type": "ContextSpecSessions", "status": "active", "inserted_at": "2026-11-01T00:00:00Z",
              "updated_at": "2026-11-01T00:00:00Z", "interactions": [], "state": \(Self.nested(510))},
             {"id": 6, "type": "ContextSpecSessions", "status": "active", "inserted_at": "2026-11-01T00:00:00Z",
              "updated_at": "2026-11-01T00:00:00Z", "interactions": [], "state": {"ok": true}}]
            """
        let report = try CodeMySpecImporter(service: service).run(Array(document.utf8))
        #expect(report.skipped == ["[0] (id 5): state: nests deeper than 256 levels"])
        #expect(report.created == 1)
        let summaries = try fixture.reopen().catalog().summaries
        #expect(summaries.map(\.session.state) == [JSONObject(["ok": .bool(true)])])
    }

    @Test("the store refuses to commit a session it could not read back, whatever path it came by")
    func storeRefusesUnreadableNesting() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        let session = try service.create(SessionDraft(type: "ContextSpecSessions"))
        let before = Self.snapshot(fixture)
        var deep = session
        let data = try #require(try JSONParser.parse(Self.nested(400)).objectValue)
        deep.interactions = [Interaction(command: Command(module: "Bash", command: "ls"),
                                         insertedAt: session.insertedAt, updatedAt: session.updatedAt)]
        deep.interactions[0].result = CommandResult(status: .ok, data: data)
        #expect(throws: SessionError.invalid(SchemaError("interactions[0].result.data", "nests deeper than 256 levels"))) {
            try fixture.store.write { transaction in transaction.put(deep) }
        }
        #expect(Self.snapshot(fixture) == before)
        #expect(try fixture.reopen().session(id: session.id) == session)
    }

    @Test("output that is not UTF-8 comes back byte for byte, from the store and from its JSON")
    func invalidUTF8RoundTrips() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        // Lone continuation bytes, 0xFF, an overlong '/', an encoded
        // surrogate, a cut sequence, NUL, ESC, and every byte value.
        let hostile: [UInt8] = [0x80, 0xBF, 0xFF, 0xFE, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xE2, 0x82, 0x00, 0x1B, 0x5B, 0x32, 0x4A]
            + (0...255).map { UInt8($0) } + Array("tail\n".utf8)
        let session = try service.create(SessionDraft(type: "ContextSpecSessions"))
        let interaction = try service.addInteraction(sessionID: session.id, CommandDraft(module: "Bash", command: "cat bin"))
        _ = try service.completeInteraction(sessionID: session.id, interactionID: interaction.id,
                                            ResultDraft(status: "ok", stdout: CapturedOutput(bytes: hostile),
                                                        stderr: CapturedOutput(bytes: [0xFF, 0x00])))
        let stored = try #require(try fixture.reopen().session(id: session.id)?.interactions.first?.result)
        #expect(stored.stdout == .bytes(hostile))
        #expect(stored.stderr == .bytes([0xFF, 0x00]))
        // The JSON `show --json` and `export` print: base64 with a marker, decoded exactly.
        let json = try JSONParser.parse(JSONWriter.string(.object(stored.jsonObject)))
        let object = try #require(json.objectValue)
        #expect(object["stdout_encoding"] == .string("base64"))
        #expect(Base64.decode(try #require(object["stdout"]?.stringValue)) == hostile)
        let (decoded, errors) = CommandResult.decode(object, path: "result")
        #expect(errors.isEmpty)
        #expect(decoded == stored)
    }

    @Test("NUL and lone surrogate escapes in state: NUL is kept, a lone surrogate becomes U+FFFD, a pair its scalar")
    func escapesInState() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        let state = try JSONParser.parse(#"{"nul":"a\u0000b","high":"\ud800","low":"\udc00x","pair":"\ud83d\ude42"}"#)
        let session = try service.create(SessionDraft(type: "ContextSpecSessions", state: state))
        let back = try #require(try fixture.reopen().session(id: session.id)?.state)
        #expect(back["nul"] == .string("a\u{0}b"))
        #expect(back["high"] == .string("\u{FFFD}"))
        #expect(back["low"] == .string("\u{FFFD}x"))
        #expect(back["pair"] == .string("🙂"))
        // Written back, NUL is escaped, never a raw byte in the file.
        let file = try #require(TestFiles.readText(fixture.root + "/sessions/\(session.id).json"))
        #expect(file.contains(#""a\u0000b""#))
        #expect(!file.utf8.contains(0))
    }
}
