/// What a screen's handling of an intent asks of the app beyond the screen's
/// own state: effects to perform, and a message for the footer.
struct Reply: Sendable, Equatable {
    struct Message: Sendable, Equatable {
        var text: String
        var isError: Bool
    }

    var effects: [Effect] = []
    var message: Message?

    static let none = Reply()

    static func say(_ text: String, isError: Bool = false) -> Reply { Reply(message: Message(text: text, isError: isError)) }

    static func perform(_ effects: Effect...) -> Reply { Reply(effects: effects) }
}
