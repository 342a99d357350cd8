/// One turn of a Claude Code conversation: what the user asked, or what the
/// assistant answered in words (its `thinking` is never kept). Tool calls are
/// the session's interactions; the conversation is kept beside them, so every
/// figure that counts interactions stays as it was.
public struct ConversationMessage: Sendable, Hashable {
    public enum Role: String, Sendable, CaseIterable {
        case user, assistant
    }

    public var role: Role
    public var text: String
    /// When the message was written; a message without a time sorts where
    /// its neighbours put it.
    public var at: Timestamp?
    /// The transcript record it came from. A prompt the hook recorded live
    /// has none until an import finds it in the transcript.
    public var uuid: String?
    /// `hook` for a prompt recorded live, which an import may replace.
    public var source: String?

    public init(role: Role, text: String, at: Timestamp?, uuid: String? = nil, source: String? = nil) {
        self.role = role
        self.text = text
        self.at = at
        self.uuid = uuid
        self.source = source
    }

    public static let hookSource = "hook"

    var jsonObject: JSONObject {
        var object = JSONObject()
        object.append("role", .string(role.rawValue))
        object.append("text", .string(text))
        if let at { object.append("at", .string(at.iso8601)) }
        if let uuid { object.append("uuid", .string(uuid)) }
        if let source { object.append("source", .string(source)) }
        return object
    }

    /// Read leniently: an element written by hand that does not read is
    /// skipped here, and kept in the session's JSON (`appendMessage` adds to
    /// it as it is) until an import writes the conversation afresh.
    init?(_ value: JSONValue) {
        guard let object = value.objectValue, let role = object["role"]?.stringValue.flatMap(Role.init(rawValue:)),
              let text = object["text"]?.stringValue else { return nil }
        self.init(role: role, text: text, at: object["at"]?.stringValue.flatMap(Timestamp.init(iso8601:)),
                  uuid: object["uuid"]?.stringValue, source: object["source"]?.stringValue)
    }
}

extension Session {
    /// The member holding the conversation. It is one CodeMySpec does not
    /// model, so it travels as such members do: `show --json` prints it
    /// after `updated_at`, exports write it back, and imports keep it.
    public static let conversationKey = "conversation"

    /// The user's prompts and the assistant's replies, in time order.
    public var conversation: [ConversationMessage] {
        get {
            guard case .array(let elements)? = extra[Session.conversationKey] else { return [] }
            return elements.compactMap(ConversationMessage.init)
        }
        set {
            extra[Session.conversationKey] = newValue.isEmpty ? nil : .array(newValue.map { .object($0.jsonObject) })
        }
    }

    /// Adds `message` after what the member holds, as it holds it: a live
    /// prompt leaves every element before it untouched.
    public mutating func appendMessage(_ message: ConversationMessage) {
        var elements = extra[Session.conversationKey]?.arrayValue ?? []
        elements.append(.object(message.jsonObject))
        extra[Session.conversationKey] = .array(elements)
    }

    /// When the conversation last moved: its newest message's time.
    public var lastMessageAt: Timestamp? {
        guard case .array(let elements)? = extra[Session.conversationKey] else { return nil }
        return elements.lazy.compactMap { $0.objectValue?["at"]?.stringValue.flatMap(Timestamp.init(iso8601:)) }.max()
    }
}

extension [ConversationMessage] {
    /// The transcript's messages, with the prompts the hook recorded live
    /// that the transcript does not hold (yet): the transcript's text is the
    /// fuller one, so a prompt it holds replaces the hook's copy.
    public func merging(hookRecorded existing: [ConversationMessage]) -> [ConversationMessage] {
        let prompts = Set(lazy.filter { $0.role == .user }.map { $0.text.trimmingSpaces() })
        let kept = existing.filter { message in
            message.source == ConversationMessage.hookSource && !prompts.contains(message.text.trimmingSpaces())
                && !contains { $0.role == .user && $0.text.contains(message.text.trimmingSpaces()) }
        }
        var merged = self
        for message in kept {
            // After the last message no newer than it: a prompt goes before the reply it got.
            let index = message.at.map { at in merged.lastIndex { ($0.at ?? at) <= at }.map { $0 + 1 } ?? 0 } ?? merged.endIndex
            merged.insert(message, at: index)
        }
        return merged
    }
}
