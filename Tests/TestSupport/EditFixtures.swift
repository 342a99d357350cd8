/// A Claude Code session that edits files, for the diffs, file texts and
/// relative paths the pager, timelines and `show` draw: an Edit, a Write, a
/// MultiEdit, a Read outside the working directory and a Task, each with its
/// result.
public enum EditFixtures {
    public static let session = "77777777-7777-4777-8777-777777777777"
    public static let cwd = "/home/u/work/shop"

    public static var transcript: String {
        let c = TranscriptFixtures.common(session, "2.1.39", cwd: cwd, branch: "tidy")
        func call(_ n: Int, _ tool: String, _ input: String, result: String, at second: Int) -> [String] {
            let time = "2026-02-12T16:0\(n):\(second < 10 ? "0" : "")\(second)"
            return [
                #"{"parentUuid":"u\#(n)",\#(c),"type":"assistant","message":{"model":"claude-opus-4-6","id":"msg_\#(n)","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_edit_\#(n)","name":"\#(tool)","input":\#(input)}]},"uuid":"a\#(n)","timestamp":"\#(time).000Z"}"#,
                #"{"parentUuid":"a\#(n)",\#(c),"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_edit_\#(n)","type":"tool_result","content":"\#(result)"}]},"uuid":"u\#(n + 1)","timestamp":"\#(time).400Z"}"#,
            ]
        }
        let edit = #"{"file_path":"\#(cwd)/lib/shop/invoice.ex","old_string":"defmodule Shop.Invoice do\n  use Ecto.Schema\n\n  def total(lines), do: Enum.sum(lines)\nend","new_string":"defmodule Shop.Invoice do\n  @moduledoc \"\"\"\n  An invoice and its lines.\n  \"\"\"\n  use Ecto.Schema\n\n  def total(lines), do: lines |> Enum.map(& &1.amount) |> Enum.sum()\nend"}"#
        let write = #"{"file_path":"\#(cwd)/test/shop/invoice_test.exs","content":"defmodule Shop.InvoiceTest do\n  use ExUnit.Case, async: true\n\n  test \"sums the amounts\" do\n    assert Shop.Invoice.total([%{amount: 2}, %{amount: 3}]) == 5\n  end\nend\n"}"#
        let multi = #"{"file_path":"\#(cwd)/lib/shop/accounting/ledger/entries/posting_rules.ex","edits":[{"old_string":"@rate 0.19","new_string":"@rate 0.2"},{"old_string":"def post(e)","new_string":"def post(%Entry{} = e)","replace_all":true}]}"#
        let read = #"{"file_path":"/srv/shared/config/runtime.exs","offset":1,"limit":40}"#
        let task = #"{"description":"Check the tests","prompt":"Run the invoice tests.\nReport any failure with its file and line.","subagent_type":"general-purpose"}"#
        return ([#"{"parentUuid":null,\#(c),"type":"user","message":{"role":"user","content":"tidy the invoice module"},"uuid":"u1","timestamp":"2026-02-12T16:00:00.000Z"}"#]
            + call(1, "Edit", edit, result: "The file \(cwd)/lib/shop/invoice.ex has been updated.", at: 5)
            + call(2, "Write", write, result: "File created successfully at: \(cwd)/test/shop/invoice_test.exs", at: 10)
            + call(3, "MultiEdit", multi, result: "Applied 2 edits.", at: 15)
            + call(4, "Read", read, result: "import Config", at: 20)
            + call(5, "Task", task, result: "All 4 tests pass.", at: 25)).joined(separator: "\n") + "\n"
    }
}
