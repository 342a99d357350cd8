/// The reference matcher: what a search finds in decoded sessions. Every
/// backend gives exactly its answer; the file store's scan only skips, on
/// the evidence of raw bytes, what this would reject, and asks it about
/// everything else.
///
/// A place matches when its texts hold every term between them: a message
/// alone, an interaction across its command, pipe and outputs, the title,
/// the state.
public struct SessionSearch: Sendable {
    public let query: SearchQuery
    public let fields: Set<SearchField>
    /// How many hits of one session are kept with their lines; the rest are counted.
    public let kept: Int

    /// The most of a long line a hit keeps, around its match.
    public static let lineLimit = 2048

    /// Whether the query is one interaction id: interactions are then
    /// matched by their ids too, so the id leads straight to its interaction.
    public let seeksInteractionID: Bool

    public init(query: SearchQuery, fields: Set<SearchField> = Set(SearchField.allCases), kept: Int = 3) {
        self.query = query
        seeksInteractionID = query.pattern == nil && query.terms.count == 1 && UUIDText.isValid(query.terms[0].text.lowercased())
        self.fields = fields.isEmpty ? Set(SearchField.allCases) : fields
        self.kept = kept
    }

    /// What a session gives by its title alone, when nothing else of it can match.
    func titleHits(_ title: String?, id: Session.ID) -> SessionHits {
        var collector = Collector(search: self, sessionID: id)
        collector.head(title: title, state: nil)
        return collector.result
    }

    /// Every hit of a whole session, in timeline order: the messages that
    /// match fall among the interactions that match by time. Only places
    /// that match are ordered, as a scan that reads no others orders them:
    /// where times run out of order (a message without one, a call started
    /// before the one above it), the others would move them.
    ///
    /// `positions`, when given, are the places in the whole session of
    /// `session.interactions`, which then hold only some of them: a store
    /// that knows which of them may match reads only those.
    public func hits(in session: Session, positions: [Int]? = nil, title: String?) -> SessionHits {
        var collector = Collector(search: self, sessionID: session.id)
        collector.head(title: title, state: session.state)
        let messages = session.conversation
        let interactions = session.interactions.indices.filter { index in
            let parts = parts(of: session.interactions[index])
            return !parts.isEmpty && matches(parts.map(\.1))
        }
        let said = messages.indices.filter { collector.messageMatches(messages[$0]) }
        let entries = TimelineOrder.merge(interactionStarts: interactions.map { session.interactions[$0].startedAt },
                                          messageTimes: said.map { messages[$0].at })
        for entry in entries {
            switch entry {
            case .interaction(let index):
                let interaction = session.interactions[interactions[index]]
                let position = positions?[interactions[index]] ?? interactions[index]
                collector.addMatched(.interaction(position, id: interaction.id), parts(of: interaction), at: interaction.startedAt)
            case .message(let index): collector.message(messages[said[index]], index: said[index])
            }
        }
        return collector.result
    }

    // MARK: - Places

    /// The texts of an interaction this search reads, in the order a hit names them.
    func parts(of interaction: Interaction) -> [(SearchHit.Part, String)] {
        var parts: [(SearchHit.Part, String)] = []
        if seeksInteractionID { parts.append((.id, interaction.id)) }
        if fields.contains(.command) {
            parts.append((.command, interaction.command.command))
            if let pipe = interaction.command.pipe { parts.append((.pipe, pipe)) }
        }
        if fields.contains(.output), let result = interaction.result {
            if let stdout = result.stdout { parts.append((.stdout, stdout.lossyText)) }
            if let stderr = result.stderr { parts.append((.stderr, stderr.lossyText)) }
            if let error = result.errorMessage { parts.append((.error, error)) }
        }
        return parts
    }

    /// Whether texts that belong together hold every term between them.
    func matches(_ texts: [String]) -> Bool {
        if query.pattern != nil { return texts.contains { query.matches($0) } }
        if texts.count == 1 { return query.matches(texts[0]) }
        var found = Set<Int>()
        for text in texts {
            found.formUnion(query.termsFound(in: text))
            if found.count == query.terms.count { return true }
        }
        return found.count == query.terms.count
    }

    /// A hit on `part`'s first matching line, if it has one: with
    /// `holdingAll`, only a line that holds every term.
    func hit(_ place: SearchHit.Place, _ part: SearchHit.Part, _ text: String, at: Timestamp?, holdingAll: Bool = false) -> SearchHit? {
        guard let (line, number) = Self.firstMatchingLine(of: text, query: query, holdingAll: holdingAll) else { return nil }
        return SearchHit(place: place, part: part, line: line, lineNumber: number, at: at)
    }

    /// The line of `text` holding the first match and its number, cut to
    /// `lineLimit` bytes around the match when it is longer. Lines are
    /// split and folded as bytes, one at a time into one buffer; only the
    /// line found becomes a string.
    static func firstMatchingLine(of text: String, query: SearchQuery, holdingAll: Bool = false) -> (String, Int)? {
        if query.pattern != nil { return firstMatchingLine(slowly: text, query: query) }
        if holdingAll && query.terms.count < 2 { return nil }
        var text = text
        return text.withUTF8 { bytes -> (String, Int)? in
            var folded: [UInt8] = []
            var number = 0
            var start = 0
            while start <= bytes.count {
                let end = ByteSearch.firstIndex(of: 0x0A, in: bytes, from: start, end: bytes.count) ?? bytes.count
                // A CRLF's carriage return is not part of the line, as the pager shows it.
                let last = end > start && bytes[end - 1] == 0x0D ? end - 1 : end
                let line = UnsafeBufferPointer(rebasing: bytes[start..<last])
                folded.removeAll(keepingCapacity: true)
                if query.caseSensitive {
                    folded.append(contentsOf: line)
                } else if line.allSatisfy({ $0 < 0x80 }) {
                    for byte in line { folded.append(SearchFold.lower(byte)) }
                } else {
                    folded = SearchFold.fold(String(decoding: line, as: UTF8.self))
                }
                let hit = folded.withUnsafeBufferPointer { buffer in
                    holdingAll ? query.terms.allSatisfy { ByteSearch.firstIndex(of: $0.bytes, in: buffer) != nil }
                        : query.terms.contains { ByteSearch.firstIndex(of: $0.bytes, in: buffer) != nil }
                }
                if hit {
                    return shown(String(decoding: line, as: UTF8.self), query: query).map { ($0, number) }
                }
                start = end + 1
                number += 1
            }
            return nil
        }
    }

    private static func firstMatchingLine(slowly text: String, query: SearchQuery) -> (String, Int)? {
        guard let regex = query.compiled() else { return nil }
        for (number, line) in SearchQuery.lines(text).enumerated() {
            if let first = line.ranges(of: regex).first(where: { !$0.isEmpty }) { return (cut(line, around: first), number) }
        }
        return nil
    }

    /// At most `lineLimit` bytes of `line`, starting a little before `match`.
    /// A matching line as a hit keeps it: whole when it is short, which
    /// is almost always, and without looking for the match again; else cut
    /// around its first match. Nil when a long line holds no match after all.
    static func shown(_ line: String, query: SearchQuery) -> String? {
        guard line.utf8.count > lineLimit else { return line }
        return query.matchRanges(in: line).first.map { cut(line, around: $0) }
    }

    static func cut(_ line: String, around match: Range<String.Index>) -> String {
        let utf8 = line.utf8
        guard utf8.count > lineLimit else { return line }
        let before = utf8.distance(from: utf8.startIndex, to: match.lowerBound)
        var start = utf8.index(utf8.startIndex, offsetBy: max(0, before - lineLimit / 4))
        while start > utf8.startIndex && !line.unicodeScalars.indices.contains(start) { start = utf8.index(before: start) }
        var end = utf8.index(start, offsetBy: lineLimit, limitedBy: utf8.endIndex) ?? utf8.endIndex
        while end < utf8.endIndex && !line.unicodeScalars.indices.contains(end) { end = utf8.index(before: end) }
        return String(line[start..<end])
    }

    /// The state's keys and its scalar values, strings decoded, each a text
    /// of its own: what a search of the state matches, so that no term is
    /// found across what `stateText` puts between them (a path's `.` or
    /// `[0]`, a `: `), which the state's JSON does not hold.
    public static func stateWords(_ state: JSONObject) -> [String] {
        var words: [String] = []
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let object):
                for member in object.members {
                    words.append(member.key)
                    walk(member.value)
                }
            case .array(let elements): elements.forEach(walk)
            case .string(let text): words.append(text)
            case .number(let literal): words.append(literal)
            case .bool(let flag): words.append(flag ? "true" : "false")
            case .null: words.append("null")
            }
        }
        walk(.object(state))
        return words
    }

    /// The state's leaves as `path: value` lines, strings decoded: what the
    /// state says, searched as read, never its JSON.
    public static func stateText(_ state: JSONObject) -> String {
        var lines: [String] = []
        func walk(_ value: JSONValue, _ path: String) {
            switch value {
            case .object(let object):
                if object.members.isEmpty { lines.append("\(path): {}") }
                for member in object.members { walk(member.value, path.isEmpty ? member.key : "\(path).\(member.key)") }
            case .array(let elements):
                if elements.isEmpty { lines.append("\(path): []") }
                for (index, element) in elements.enumerated() { walk(element, "\(path)[\(index)]") }
            case .string(let text): lines.append("\(path): \(text)")
            case .number(let literal): lines.append("\(path): \(literal)")
            case .bool(let flag): lines.append("\(path): \(flag)")
            case .null: lines.append("\(path): null")
            }
        }
        walk(.object(state), "")
        return lines.joined(separator: "\n")
    }

    /// Gathers one session's hits in timeline order: the first `kept` with
    /// their lines, the rest counted.
    struct Collector {
        let search: SessionSearch
        let sessionID: Session.ID
        var hits: [SearchHit] = []
        var total = 0

        init(search: SessionSearch, sessionID: Session.ID) {
            self.search = search
            self.sessionID = sessionID
        }

        var result: SessionHits { SessionHits(sessionID: sessionID, hits: hits, total: total) }

        /// Starts from the hits of a title matched once for every session
        /// that shares it (`head(title:)` would match it again for each).
        mutating func seed(_ titleHits: SessionHits) {
            hits = titleHits.hits
            total = titleHits.total
        }

        /// The title and the state, which come before the timeline.
        mutating func head(title: String?, state: JSONObject?) {
            if search.fields.contains(.title), let title {
                add(.title, [(.title, title)], at: nil)
            }
            // The state matches on its keys and values, each whole, as they
            // stand in its JSON; its hit shows the `path: value` line.
            if search.fields.contains(.state), let state, !state.members.isEmpty,
               search.matches(SessionSearch.stateWords(state)) {
                addMatched(.state, [(.state, SessionSearch.stateText(state))], at: nil)
            }
        }

        mutating func message(_ message: ConversationMessage, index: Int) {
            let part: SearchHit.Part = message.role == .user ? .prompt : .reply
            guard search.fields.contains(part.field) else { return }
            add(.message(index), [(part, message.text)], at: message.at)
        }

        /// Whether the next match is shown with its line, or only counted.
        var wantsLine: Bool { hits.count < search.kept }

        func messageMatches(_ message: ConversationMessage) -> Bool {
            let part: SearchHit.Part = message.role == .user ? .prompt : .reply
            return search.fields.contains(part.field) && search.matches([message.text])
        }

        mutating func add(_ place: SearchHit.Place, _ parts: [(SearchHit.Part, String)], at: Timestamp?) {
            guard !parts.isEmpty, search.matches(parts.map(\.1)) else { return }
            addMatched(place, parts, at: at)
        }

        /// A place already known to match, with the hit its line shows.
        mutating func addMatched(_ hit: SearchHit) {
            total += 1
            if hits.count < search.kept { hits.append(hit) }
        }

        /// A place already known to match.
        mutating func addMatched(_ place: SearchHit.Place, _ parts: [(SearchHit.Part, String)], at: Timestamp?) {
            total += 1
            guard hits.count < search.kept else { return }
            // The line that shows why the place matched: one holding every
            // term if there is one, else the first holding any.
            for holdingAll in [true, false] {
                for (part, text) in parts {
                    if let hit = search.hit(place, part, text, at: at, holdingAll: holdingAll) {
                        hits.append(hit)
                        return
                    }
                }
            }
        }
    }
}
