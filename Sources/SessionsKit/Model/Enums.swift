/// Where a session is in its life. The TUI's three sections are these values.
public enum SessionStatus: String, CaseIterable, Sendable, Hashable {
    case active, complete, failed
}

/// The outcome of one command.
public enum ResultStatus: String, CaseIterable, Sendable, Hashable {
    case ok, error, warning
}

/// The AI agent that ran a session.
public enum Agent: String, CaseIterable, Sendable, Hashable {
    case claudeCode = "claude_code"
}

/// Where the agent ran.
public enum SessionEnvironment: String, CaseIterable, Sendable, Hashable {
    case local, vscode
}

/// What the last interaction of a session says, for a list row's glyph.
public enum LastResult: String, CaseIterable, Sendable, Hashable {
    case pending, ok, error, warning

    public init(_ result: CommandResult?) {
        switch result?.status {
        case nil: self = .pending
        case .ok: self = .ok
        case .error: self = .error
        case .warning: self = .warning
        }
    }
}

extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// "active, complete, failed": the allowed values, for messages and help.
    public static var allowedValues: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
