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

@Suite("show: tool calls read as diffs, file texts and text")
struct ShowToolInputTests {
    func imported() throws -> CLIHarness {
        let cli = CLIHarness()
        let transcripts = cli.directory.path + "/projects"
        TranscriptFixtures.write(EditFixtures.transcript, to: transcripts + "/-shop/\(EditFixtures.session).jsonl",
                                 modified: Timestamp(iso8601: "2026-03-01T00:00:00Z")!)
        _ = try cli.ok(["import", "claude-code", transcripts])
        return cli
    }

    @Test("show --full prints an Edit as the pager's diff, a Write's text, a Task's prompt as lines, paths from the cwd")
    func full() throws {
        let cli = try imported()
        let lines = try cli.ok(["show", "1", "--full"]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let edit = try #require(lines.firstIndex(of: "  edit of lib/shop/invoice.ex"))
        #expect(lines[edit - 1] == "  command   lib/shop/invoice.ex")
        #expect(Array(lines[(edit + 1)...(edit + 5)]) == [
            "    @@ 5 lines → 8 lines @@", "     defmodule Shop.Invoice do", "    +  @moduledoc \"\"\"",
            "    +  An invoice and its lines.", "    +  \"\"\"",
        ])
        #expect(lines.contains("    -  def total(lines), do: Enum.sum(lines)"))
        #expect(lines.contains("  new text of test/shop/invoice_test.exs · 7 lines"))
        #expect(lines.contains("      test \"sums the amounts\" do"))
        #expect(lines.contains("    @@ edit 2 of 2 · 1 line → 1 line · replace all @@"))
        #expect(lines.contains("  command   /srv/shared/config/runtime.exs"), "outside the cwd: absolute")
        #expect(lines.contains("    prompt:") && lines.contains("      Report any failure with its file and line."))
        #expect(!lines.contains { $0.contains("\\n") }, "no escaped JSON")
        // The JSON stays whole where it is asked for.
        let json = try cli.ok(["show", "1", "--json"])
        #expect(json.contains(#"\"file_path\": \"/home/u/work/shop/lib/shop/invoice.ex\""#))
    }

    @Test("show's timeline cuts a long path in its middle to fit the terminal, keeping the file name")
    func timelinePaths() throws {
        let cli = try imported()
        let wide = cli.run(["show", "1"], terminal: true, columns: 200).stdout
        #expect(wide.contains("lib/shop/accounting/ledger/entries/posting_rules.ex"))
        let narrow = cli.run(["show", "1"], terminal: true, columns: 80).stdout
        let row = try #require(narrow.split(separator: "\n").first { $0.contains("16:03:15") }, "\(narrow)")
        #expect(row.contains("…/posting_rules.ex"), "\(row)")
        #expect(!narrow.contains(EditFixtures.cwd + "/lib"))
    }
}

@Suite("show: the conversation")
struct ShowConversationTests {
    @Test("show prints prompts and replies among the calls by time, sanitized and cut to the calls' width; --full whole; --json as a last member")
    func conversation() throws {
        let cli = CLIHarness()
        _ = try cli.ok(["new", "--type", "ClaudeCodeSessions", "--agent", "claude_code"])
        _ = try cli.ok(["interaction", "add", "1", "--module", "Bash", "--command", "mix test"])
        let long = String(repeating: "word ", count: 60) + "END"
        try FileStore(root: cli.storeRoot).write { transaction in
            guard var session = try transaction.session(id: 1) else { return }
            let call = try #require(session.interactions.first?.startedAt)
            session.conversation = [
                ConversationMessage(role: .user, text: "why?\n\u{1B}[2Jsecond line", at: call.adding(microseconds: -1_000_000)),
                ConversationMessage(role: .assistant, text: long, at: call.adding(microseconds: 1_000_000)),
            ]
            transaction.put(session)
        }
        let lines = try cli.ok(["show", "1"]).split(separator: "\n").map(String.init)
        let prompt = try #require(lines.firstIndex { $0.contains("›  prompt") })
        let call = try #require(lines.firstIndex { $0.contains("mix test") })
        let reply = try #require(lines.firstIndex { $0.contains("‹  reply") })
        #expect(prompt < call && call < reply, "in time order")
        #expect(lines[prompt].contains("why? ⏎ ␛[2Jsecond line"), "one line, sanitized: \(lines[prompt])")
        #expect(!lines[reply].contains("END") && lines[reply].hasSuffix("…"), "cut to the calls' column")
        #expect(lines.contains { $0.hasPrefix("Timeline · 1 interaction") && $0.hasSuffix(" · 2 messages") })

        let full = try cli.ok(["show", "1", "--full"])
        #expect(full.contains("── › prompt") && full.contains(long))

        let json = try #require(try cli.json(["show", "1", "--json"]).objectValue)
        #expect(json.members.last?.key == "conversation")
        #expect(json["conversation"]?.arrayValue?.count == 2)
    }
}
