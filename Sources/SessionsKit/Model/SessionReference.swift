/// A session as a person names it on the command line: by the store's id
/// (`12`), or by the Claude Code conversation it records (its session id,
/// a uuid, or as much of it as tells it apart, 8 characters at least).
public enum SessionReference: Sendable, Hashable, CustomStringConvertible {
    case id(Session.ID)
    /// A Claude Code session id or its start, in lower case.
    case conversation(String)
    /// 8 or more digits: the store's id if the account has a session of
    /// that id, else the start of a Claude Code id (one in 40 starts with
    /// 8 digits).
    case idOrConversation(Session.ID, String)

    /// The fewest characters of a Claude Code session id that name one:
    /// fewer would match many sessions in a store of any size.
    public static let shortestPrefix = 8

    /// Digits alone are the store's id; 8 or more of the characters a uuid
    /// is written with are a Claude Code id or its start. Anything else
    /// names no session.
    public init?(_ text: String) {
        if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            guard let value = Int(text), value >= 1 else {
                guard text.utf8.count >= Self.shortestPrefix, text.utf8.count <= 36 else { return nil }
                self = .conversation(text)
                return
            }
            self = text.utf8.count >= Self.shortestPrefix ? .idOrConversation(Session.ID(value), text) : .id(Session.ID(value))
            return
        }
        let lower = text.lowercased()
        guard lower.utf8.count >= Self.shortestPrefix, lower.utf8.count <= 36,
              lower.utf8.allSatisfy({ UUIDText.isHex($0) || $0 == UInt8(ascii: "-") })
        else { return nil }
        self = .conversation(lower)
    }

    public var description: String {
        switch self {
        case .id(let id): return id.description
        case .conversation(let prefix), .idOrConversation(_, let prefix): return prefix
        }
    }
}
