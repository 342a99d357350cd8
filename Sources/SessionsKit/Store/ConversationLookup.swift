import CSupport

extension SummaryTable {
    /// The account's main Claude Code sessions (not subagents) whose
    /// conversation id starts with `prefix`, ascending by id. Only summaries
    /// whose keys say they are the account's Claude Code sessions with
    /// members the schema does not model are looked at, and one still held
    /// as bytes is decoded only if its bytes hold the id. A catalog opened
    /// from keys or a skim holds them as bytes, so a lookup decodes only
    /// the sessions it finds.
    public func conversationSessions(startingWith prefix: String, account: Account.ID) -> [SessionSummary] {
        var needle: [UInt8] = []
        JSONWriter.writeString(Session.externalConversationKey, into: &needle)
        needle.append(UInt8(ascii: ":"))
        JSONWriter.writeString(prefix, into: &needle)
        needle.removeLast()  // the closing quote: longer ids start the same way
        var found: [SessionSummary] = []
        for position in keys.indices {
            let key = keys[position]
            guard key.accountID == account, key.type == .claudeCode, key.hasExtra, mentions(needle, at: position) else { continue }
            let summary = self[position]
            guard let conversation = summary.session.externalConversationID, conversation.hasPrefix(prefix),
                  !conversation.contains("/"), summary.session.state?["agent_id"] == nil
            else { continue }
            found.append(summary)
        }
        return found
    }

    /// Whether the summary at `position` holds `needle` in its stored bytes;
    /// true for one decoded already, which the caller checks itself.
    private func mentions(_ needle: [UInt8], at position: Int) -> Bool {
        let place = places[position]
        guard place.buffer >= 0 else { return true }
        return buffers[Int(place.buffer)].withBytes(place.start..<place.end) { buffer, line in
            guard line.count >= needle.count else { return false }
            return needle.withUnsafeBufferPointer { pattern in
                sessions_memmem(buffer.baseAddress! + line.lowerBound, UInt(line.count), pattern.baseAddress!, UInt(pattern.count)) >= 0
            }
        }
    }
}
