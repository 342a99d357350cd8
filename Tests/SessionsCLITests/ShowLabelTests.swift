@testable import SessionsKit
import Testing
import TestSupport

@Suite("show: fields the schema does not model")
struct ShowLabelTests {
    @Test("show puts two spaces between every label and its value, and a label too long for the column on a line of its own")
    func unknownMembers() throws {
        let cli = CLIHarness()
        _ = try cli.ok(["new", "--type", "ContextSpecSessions", "--agent", "claude_code"])
        let long = "a_member_name_far_longer_than_any_label_column"
        try FileStore(root: cli.storeRoot).write { transaction in
            guard var session = try transaction.session(id: 1) else { return }
            session.extra.append("external_conversation_id", .string("9f0c7a52"))
            session.extra.append(long, .int(7))
            transaction.put(session)
        }
        let lines = try cli.ok(["show", "1"]).split(separator: "\n").map(String.init)
        #expect(lines.contains("  external_conversation_id  \"9f0c7a52\""), "\(lines)")
        #expect(lines.contains("  agent                     claude_code"))
        let alone = try #require(lines.firstIndex(of: "  " + long))
        #expect(lines[alone + 1] == "  " + String(repeating: " ", count: 26) + "7")
    }
}
