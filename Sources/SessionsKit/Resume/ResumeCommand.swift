/// The command that resumes a conversation, from `resume_command` in the
/// config: a template with `{id}` (the Claude Code session id) and `{cwd}`
/// (the directory the conversation started in), so a wrapper or another
/// agent's command line works as well as the default.
///
/// The template is split into words once, when it is read, as a shell
/// splits a simple command: blanks separate words, single quotes keep what
/// they hold, double quotes keep it but for `\"` and `\\`, and a backslash
/// keeps the next character. The id and directory go into the words after
/// that, so a value holding blanks or quotes stays within its word and is
/// never read as part of a command.
public struct ResumeCommand: Sendable, Equatable {
    /// The words of the template, placeholders still in them.
    public let words: [String]

    public static let configKey = "resume_command"
    public static let standardTemplate = "claude --resume {id}"
    public static let standard = ResumeCommand(trusted: ["claude", "--resume", "{id}"])

    static let idPlaceholder = "{id}"
    static let directoryPlaceholder = "{cwd}"

    private init(trusted words: [String]) { self.words = words }

    /// The template's words, or why it cannot be one: no program, a quote
    /// left open, or no `{id}` to name the conversation with.
    public init(template: String) throws(SchemaError) {
        let words = try Self.split(template)
        guard let program = words.first, !program.isEmpty else {
            throw SchemaError(Self.configKey, "must name a program, as in \"\(Self.standardTemplate)\"")
        }
        guard words.contains(where: { $0.contains(Self.idPlaceholder) }) else {
            throw SchemaError(Self.configKey, "must pass the conversation with {id}, as in \"\(Self.standardTemplate)\"")
        }
        self.words = words
    }

    /// The program: the first word, which `{id}` and `{cwd}` do not enter.
    public var program: String { words[0] }

    /// The command for one conversation, word by word.
    public func arguments(conversation: String, directory: String) -> [String] {
        let values = [(Self.idPlaceholder, conversation), (Self.directoryPlaceholder, directory)]
        return [program] + words.dropFirst().map { Self.substitute(values, in: $0) }
    }

    /// `word` with each placeholder replaced by its value, in one pass: a
    /// value is never searched again, so an id holding `{cwd}` stays as it is.
    static func substitute(_ values: [(placeholder: String, value: String)], in word: String) -> String {
        var result = ""
        var rest = word[...]
        while !rest.isEmpty {
            if let (placeholder, value) = values.first(where: { rest.hasPrefix($0.placeholder) }) {
                result += value
                rest = rest.dropFirst(placeholder.count)
            } else {
                result.append(rest.removeFirst())
            }
        }
        return result
    }

    static func split(_ template: String) throws(SchemaError) -> [String] {
        enum Quote { case none, single, double }
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote = Quote.none
        var escaped = false
        for character in template {
            if escaped {
                // Inside double quotes a backslash escapes only `"` and `\`.
                if quote == .double && character != "\"" && character != "\\" { word.append("\\") }
                word.append(character)
                escaped = false
                continue
            }
            switch quote {
            case .single:
                if character == "'" { quote = .none } else { word.append(character) }
            case .double:
                if character == "\"" { quote = .none } else if character == "\\" { escaped = true } else { word.append(character) }
            case .none:
                if character == " " || character == "\t" || character == "\n" {
                    if inWord { words.append(word) }
                    word = ""
                    inWord = false
                    continue
                }
                inWord = true
                switch character {
                case "'": quote = .single
                case "\"": quote = .double
                case "\\": escaped = true
                default: word.append(character)
                }
            }
        }
        guard quote == .none else { throw SchemaError(configKey, "has a quote that is not closed") }
        guard !escaped else { throw SchemaError(configKey, "ends with a backslash") }
        if inWord { words.append(word) }
        return words
    }
}
