/// The workflow a session follows: CodeMySpec's session modules by their short
/// name (`ComponentCodingSessions`), plus any the user registers in the config.
public struct SessionType: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var name: String

    public init(_ name: String) { self.name = name }

    public var description: String { name }
    public static func < (lhs: SessionType, rhs: SessionType) -> Bool { lhs.name < rhs.name }

    /// CodeMySpec's own session types, in the order its documentation lists them.
    public static let codeMySpec: [SessionType] = [
        "ContextDesignSessions", "ComponentDesignSessions", "ComponentTestSessions",
        "ComponentCodingSessions", "IntegrationSessions", "ContextComponentsDesignSessions",
        "ComponentDesignReviewSessions", "ContextDesignReviewSessions", "ContextCodingSessions",
        "ContextTestingSessions", "ContextSpecSessions", "ComponentSpecSessions",
    ].map { SessionType($0) }

    /// Plain Claude Code conversations, imported or recorded by hooks.
    public static let claudeCode = SessionType("ClaudeCodeSessions")

    public static let builtIn: [SessionType] = codeMySpec + [claudeCode]

    /// CodeMySpec serialises modules as `Elixir.CodeMySpec.ComponentCodingSessions`;
    /// the short name is what identifies the type.
    public init(normalizing text: String) {
        // Every index line passes through here: most names have no prefix to drop.
        guard text.utf8.first == UInt8(ascii: "E") || text.utf8.first == UInt8(ascii: "C") else {
            self.name = text
            return
        }
        var name = Substring(text)
        if name.hasPrefix("Elixir.") { name = name.dropFirst("Elixir.".count) }
        if name.hasPrefix("CodeMySpec.") { name = name.dropFirst("CodeMySpec.".count) }
        self.name = String(name)
    }

    /// How CodeMySpec names the type to people: the last part of the
    /// module, without its `Sessions` suffix, in words
    /// (`ComponentCodingSessions` → "Component Coding"). Its API sends this
    /// as `display_name`; a session without one gets it from here.
    public var displayName: String {
        var last = Substring(name.split(separator: ".").last ?? Substring(name))
        if last.hasSuffix("Sessions") && last.count > "Sessions".count { last = last.dropLast("Sessions".count) }
        var words = ""
        var previous: Character?
        for character in last {
            if character == "_" {
                words.append(" ")
            } else {
                // A capital starts a word unless it continues a run of capitals.
                if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { words.append(" ") }
                words.append(character)
            }
            previous = character
        }
        return words.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    /// A type name is a module-like identifier: letters, digits, `_` and `.`.
    public static func isWellFormed(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == ".")
        }
    }
}

/// The set of types a new session may use: the built-ins plus the user's own.
public struct SessionTypeRegistry: Sendable, Equatable {
    public private(set) var types: [SessionType]

    public init(custom: [SessionType] = []) {
        var seen = Set(SessionType.builtIn)
        types = SessionType.builtIn
        for type in custom where seen.insert(type).inserted { types.append(type) }
    }

    public func contains(_ type: SessionType) -> Bool { types.contains(type) }

    public func validate(_ type: SessionType, field: String = "type") -> FieldError? {
        contains(type) ? nil : FieldError(field, "\(quoted(type.name)) is not a registered session type")
    }
}
