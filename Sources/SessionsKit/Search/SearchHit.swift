/// Which texts a search reads: `--in` names them.
public enum SearchField: String, Sendable, Hashable, CaseIterable {
    case title, prompt, reply, command, output, state

    /// Parses `--in title,command`: each name once, in any order.
    public static func parseList(_ text: String) -> Result<Set<SearchField>, SearchFieldError> {
        var fields = Set<SearchField>()
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = String(name).trimmingSpaces().lowercased()
            guard let field = SearchField(rawValue: trimmed) else { return .failure(SearchFieldError(name: trimmed)) }
            fields.insert(field)
        }
        return .success(fields)
    }
}

public struct SearchFieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var description: String {
        "unknown field \"\(name)\" for --in: choose from \(SearchField.allCases.map(\.rawValue).joined(separator: ", "))"
    }
}

/// One text that matched: the unit it belongs to, the part of that unit, and
/// the line the match is on.
public struct SearchHit: Sendable, Hashable {
    /// Where in the session: its title, its state, a message, or an interaction.
    public enum Place: Sendable, Hashable {
        case title
        case state
        /// A message of the conversation, by its index.
        case message(Int)
        /// An interaction, by its position in the timeline, with its id.
        case interaction(Int, id: String)
    }

    /// The text within the place; an interaction has several.
    public enum Part: String, Sendable, Hashable {
        case title, state, prompt, reply, command, pipe, stdout, stderr, error
        /// The interaction's id, matched only when the query is one.
        case id

        public var field: SearchField {
            switch self {
            case .title: .title
            case .state: .state
            case .prompt: .prompt
            case .reply: .reply
            case .command, .pipe, .id: .command
            case .stdout, .stderr, .error: .output
            }
        }
    }

    public var place: Place
    public var part: Part
    /// The line of the part's text holding the first match, raw: front ends
    /// sanitize and cut it. At most `SessionSearch.lineLimit` bytes around the match.
    public var line: String
    /// Which line of the part's text it is, from 0: where the pager lands.
    public var lineNumber: Int
    /// When the interaction started or the message was written.
    public var at: Timestamp?

    public init(place: Place, part: Part, line: String, lineNumber: Int, at: Timestamp?) {
        self.place = place
        self.part = part
        self.line = line
        self.lineNumber = lineNumber
        self.at = at
    }
}

/// What one session gave a search: its first hits in timeline order, and
/// how many places matched in all.
public struct SessionHits: Sendable, Hashable {
    public var sessionID: Session.ID
    public var hits: [SearchHit]
    public var total: Int

    public init(sessionID: Session.ID, hits: [SearchHit], total: Int) {
        self.sessionID = sessionID
        self.hits = hits
        self.total = total
    }
}
