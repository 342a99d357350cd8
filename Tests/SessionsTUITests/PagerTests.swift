import SessionsDisplay
@testable import SessionsKit
@testable import SessionsTUI
import Testing

/// The pager as a new user found it: labels run into values, no way to the
/// next interaction or sideways, a wrap setting that forgot itself, a search
/// that did not say where it was, and a copy that could not reach a short
/// output. Each test pins one of those fixed.
@Suite("Pager: labels, moving, searching, copying", .serialized)
struct PagerTests {
    /// One session whose interactions print `outputs`, opened on the first.
    static func pager(_ outputs: [String], width: Int = 80, height: Int = 24,
                      adjust: (inout Session) -> Void = { _ in }) throws -> ScreenHarness {
        let screen = try ScreenHarness(width: width, height: height) { service in
            let session = try service.create(SessionDraft(type: "ClaudeCodeSessions"))
            for (number, output) in outputs.enumerated() {
                let step = try service.addInteraction(sessionID: session.id, CommandDraft(module: "Bash", command: "step \(number + 1)"))
                _ = try service.completeInteraction(sessionID: session.id, interactionID: step.id,
                                                    ResultDraft(status: "ok", code: 0, stdout: .text(output), durationMS: 10))
            }
            try service.store.write { transaction in
                guard var stored = try transaction.session(id: session.id) else { return }
                adjust(&stored)
                transaction.put(stored)
            }
        }
        screen.press("<enter>g<enter>")
        #expect(screen.state.focus == .pager)
        return screen
    }

    func footer(_ screen: ScreenHarness) -> String { screen.frame.line(screen.state.height - 1) }

    /// The text of the cells drawn in `role`, row by row.
    func cells(_ screen: ScreenHarness, _ role: StyleRole) -> [String] {
        let frame = screen.frame
        return (0..<frame.height).compactMap { row -> String? in
            let text = zip(frame.roles(row: row), Array(frame.line(row))).filter { $0.0 == role }.map { String($0.1) }.joined()
            return text.isEmpty ? nil : text
        }
    }

    // MARK: - Labels

    @Test("a member the schema does not model shows as `label  value`; a label too long for the column gets a line of its own")
    func unknownMemberLabels() throws {
        let long = "a_member_name_far_longer_than_any_label_column"
        let screen = try Self.pager(["done\n"]) { session in
            session.interactions[0].extra.append("tool_use_id", .string("toolu_01Uxds48rLmddUyyYGidT1Ey"))
            session.interactions[0].result?.extra.append(long, .int(7))
        }
        let lines = screen.text.split(separator: "\n").map(String.init)
        #expect(lines.contains(" tool_use_id  \"toolu_01Uxds48rLmddUyyYGidT1Ey\""), "\(screen.text)")
        // Every value starts in the same column, two cells past the widest label.
        #expect(lines.contains(" exit code    0"))
        #expect(lines.contains(" command      step 1"))
        let alone = try #require(lines.firstIndex(of: " " + long))
        #expect(lines[alone + 1] == " " + String(repeating: " ", count: 13) + "7")
        #expect(!screen.text.contains("…\""), "no label is cut into its value")
    }

    @Test("the session pane shows unknown members as `label  value`, aligned")
    func paneUnknownMembers() throws {
        let screen = try ScreenHarness(width: 120, height: 40) { service in
            let session = try service.create(SessionDraft(type: "ClaudeCodeSessions"))
            try service.store.write { transaction in
                guard var stored = try transaction.session(id: session.id) else { return }
                stored.extra.append("external_conversation_id", .string("9f0c7a52"))
                stored.extra.append("mode", .string("auto"))
                transaction.put(stored)
            }
        }
        #expect(screen.text.contains("external_conversation_id  \"9f0c7a52\""), "\(screen.text)")
        #expect(screen.text.contains("mode                      \"auto\""))
    }
}
