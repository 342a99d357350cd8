import Testing
@testable import SessionsKit

@Suite("Schema decoding and encoding")
struct SchemaCodingTests {
    static let fullSession = """
        {
          "id": 42,
          "type": "ComponentCodingSessions",
          "agent": "claude_code",
          "environment": "vscode",
          "status": "failed",
          "state": {
            "zeta": 1.10,
            "alpha": [
              true,
              null
            ]
          },
          "account_id": 1,
          "project_id": 3,
          "component_id": 7,
          "interactions": [
            {
              "id": "6f1c2d3e-4b5a-4c6d-8e7f-001122334455",
              "step_name": "RunTests",
              "command": {
                "id": "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3",
                "module": "Elixir.CodeMySpec.ComponentCodingSessions.Steps.RunTests",
                "command": "mix test",
                "pipe": null,
                "timestamp": "2025-09-14T08:03:11.123456Z",
                "shell": "zsh"
              },
              "result": {
                "id": "1a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3",
                "status": "error",
                "data": {
                  "failures": 2
                },
                "code": 2,
                "error_message": "2 tests failed",
                "stdout": "....FF\\n",
                "stderr": "",
                "duration_ms": 5321,
                "timestamp": "2025-09-14T08:03:16Z",
                "retried": false
              },
              "completed_at": "2025-09-14T08:03:16.444444Z",
              "inserted_at": "2025-09-14T08:03:11.123456Z",
              "updated_at": "2025-09-14T08:03:16.444444Z",
              "interaction_events": []
            }
          ],
          "inserted_at": "2025-09-14T08:00:00Z",
          "updated_at": "2025-09-14T08:03:16Z",
          "execution_mode": "auto",
          "external_conversation_id": "abc-123"
        }

        """

    @Test("a record of 100,000 unknown members decodes in linear time, not quadratic")
    func manyUnknownMembers() throws {
        var text = #"{"id":3,"type":"ComponentTestSessions","account_id":1,"inserted_at":"2026-10-18T20:14:04Z","updated_at":"2026-10-18T20:14:04Z""#
        for index in 0..<100_000 { text += #","k\#(index)":\#(index % 7)"# }
        text += #","k5":"repeated"}"#
        let value = try JSONParser.parse(text)
        let start = Timestamp.now()
        let session = try Session.decode(value)
        let seconds = Double(Timestamp.now().microseconds - start.microseconds) / 1e6
        #expect(session.extra.members.count == 100_000)
        #expect(session.extra["k5"] == .number("5"))
        // Quadratic work would take minutes here.
        #expect(seconds < 5, "took \(seconds) s")
    }

    @Test("a repeated unknown member keeps its first value, so a session reads back as it was written")
    func repeatedUnknownMembers() throws {
        let text = #"{"id":3,"type":"ComponentTestSessions","mode":"a","account_id":1,"mode":"b","note":1,"inserted_at":"2026-10-18T20:14:04Z","updated_at":"2026-10-18T20:14:04Z","note":2}"#
        let session = try Session.decode(JSONParser.parse(text))
        #expect(session.extra.members.map(\.key) == ["mode", "note"])
        #expect(session.extra["mode"] == .string("a"))
        #expect(session.extra["note"] == .number("1"))
        let again = try Session.decode(JSONParser.parse(JSONWriter.bytes(.object(session.jsonObject))))
        #expect(again == session)
    }

    @Test("a canonical session file is byte-stable through decode and encode")
    func byteStable() throws {
        let session = try Session.decode(try JSONParser.parse(Self.fullSession))
        #expect(SessionFile.encode(session) == Array(Self.fullSession.utf8))
    }

    @Test("fields this version does not model are kept, in order, at every level")
    func keepsUnknownFields() throws {
        let session = try Session.decode(try JSONParser.parse(Self.fullSession))
        #expect(session.extra.members.map(\.key) == ["execution_mode", "external_conversation_id"])
        let interaction = try #require(session.interactions.first)
        #expect(interaction.extra["interaction_events"] == .array([]))
        #expect(interaction.command.extra["shell"] == .string("zsh"))
        #expect(interaction.result?.extra["retried"] == .bool(false))
        #expect(session.state?.members.map(\.key) == ["zeta", "alpha"])
        #expect(session.state?["zeta"] == .number("1.10"))
    }

    @Test("every broken rule is reported with its field path")
    func reportsEveryError() throws {
        let text = """
            {"id": 0, "type": 5, "agent": "robot", "environment": "cloud", "status": "cancelled", "state": [1],
             "account_id": null, "project_id": "x", "interactions": [
               {"id": "nope", "command": {"module": "", "command": null}, "result": {"status": "done", "duration_ms": -1, "code": 1.5}},
               7
             ], "inserted_at": "yesterday"}
            """
        let value = try JSONParser.parse(text)
        do {
            _ = try Session.decode(value)
            Issue.record("accepted an invalid session")
        } catch {
            let messages = error.errors.map(\.description)
            let expected = [
                "id: must be at least 1, not 0",
                "type: must be a string, not a number",
                "agent: \"robot\" is not one of claude_code",
                "environment: \"cloud\" is not one of local, vscode",
                "status: \"cancelled\" is not one of active, complete, failed",
                "state: must be a JSON object, not an array",
                "account_id: is required",
                "project_id: must be an integer, not a string",
                "interactions[0].id: \"nope\" is not a UUID",
                "interactions[0].command.module: must not be empty",
                "interactions[0].command.command: is required",
                "interactions[0].result.status: \"done\" is not one of ok, error, warning",
                "interactions[0].result.code: must be an integer, not 1.5",
                "interactions[0].result.duration_ms: must be at least 0, not -1",
                "interactions[1]: must be a JSON object, not a number",
                "inserted_at: \"yesterday\" is not an ISO 8601 UTC timestamp",
                "updated_at: is required",
            ]
            for message in expected { #expect(messages.contains(message), "missing: \(message)\nin \(messages)") }
        }
    }

    @Test("status defaults to active, and Elixir module names of types are shortened")
    func defaults() throws {
        let session = try Session.decode(try JSONParser.parse("""
            {"id": 1, "type": "Elixir.CodeMySpec.ContextSpecSessions", "account_id": 1,
             "inserted_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}
            """))
        #expect(session.status == .active)
        #expect(session.type.name == "ContextSpecSessions")
        #expect(session.interactions.isEmpty)
    }

    @Test("output that is not UTF-8 is stored exactly, as base64 with a marker")
    func binaryOutput() throws {
        let bytes: [UInt8] = [0x6F, 0x6B, 0xFF, 0x00, 0xC3]
        let result = CommandResult(id: nil, status: .ok, stdout: CapturedOutput(bytes: bytes), stderr: .text("fine"))
        let object = result.jsonObject
        #expect(object["stdout"] == .string("b2v/AMM="))
        #expect(object["stdout_encoding"] == .string("base64"))
        #expect(object["stderr_encoding"] == nil)
        let (decoded, errors) = CommandResult.decode(object, path: "result")
        #expect(errors.isEmpty)
        #expect(decoded?.stdout == .bytes(bytes))
        #expect(decoded?.stderr == .text("fine"))
        #expect(decoded?.extra.isEmpty == true)
        #expect(CapturedOutput(bytes: Array("héllo".utf8)) == .text("héllo"))
    }

    @Test("base64 round-trips every length and rejects non-canonical text")
    func base64() {
        var rng = SplitMix64(seed: 3)
        for length in 0..<64 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.decode("Zm9vYg==") == Array("foob".utf8))
        for bad in ["Zm9", "Zm9v!mFy", "Zm=vYmFy", "Zg=a"] { #expect(Base64.decode(bad) == nil) }
    }

    @Test("a summary carries everything but the interactions, plus what lists need")
    func summary() throws {
        let session = try Session.decode(try JSONParser.parse(Self.fullSession))
        let summary = SessionSummary(session)
        #expect(summary.interactionCount == 1)
        #expect(summary.lastResult == .error)
        #expect(summary.lastInteractionAt?.iso8601 == "2025-09-14T08:03:16.444444Z")
        let object = summary.jsonObject
        #expect(object["interactions"] == nil)
        #expect(object["interaction_count"] == .int(1))
        #expect(object["execution_mode"] == .string("auto"))
        let decoded = try SessionSummary.decode(.object(object))
        #expect(decoded == summary)
    }

    @Test("registered session types: the built-ins and the user's own")
    func sessionTypes() {
        let registry = SessionTypeRegistry(custom: [SessionType("MyReviewSessions"), SessionType("ContextSpecSessions")])
        #expect(registry.types.count == 14)
        #expect(registry.contains(SessionType("ClaudeCodeSessions")))
        #expect(registry.contains(SessionType("MyReviewSessions")))
        #expect(registry.validate(SessionType("Foo"))?.description == "type: \"Foo\" is not a registered session type")
        #expect(SessionType.isWellFormed("My_Review.Sessions2"))
        #expect(!SessionType.isWellFormed("has space") && !SessionType.isWellFormed("") && !SessionType.isWellFormed("9Lives"))
    }
}
