import Glibc

/// Why the full-screen browser cannot start here. Each message says what to
/// use instead, because the user's next step is plain output, not debugging.
public enum TerminalProblem: Error, Equatable, CustomStringConvertible {
    case notATerminal
    case termUnset
    case dumbTerminal
    case unknownTerminal(String)
    case cannotAddressCursor(String)

    /// Checks what can be checked before touching the terminal.
    static func check(environment: [String: String]) -> TerminalProblem? {
        guard isatty(0) != 0 && isatty(1) != 0 else { return .notATerminal }
        guard let term = environment["TERM"], !term.isEmpty else { return .termUnset }
        if term == "dumb" { return .dumbTerminal }
        return nil
    }

    public var description: String {
        let advice = "use `sessions list` (or `sessions --help`) for plain output"
        switch self {
        case .notATerminal:
            return "the browser needs a terminal on stdin and stdout; \(advice)"
        case .termUnset:
            return "TERM is not set, so the terminal's type is unknown; set it (e.g. TERM=xterm-256color) or \(advice)"
        case .dumbTerminal:
            return "TERM=dumb cannot move the cursor; \(advice)"
        case .unknownTerminal(let term):
            return "unknown terminal type \"\(term)\" (no terminfo entry); set TERM to one your system knows or \(advice)"
        case .cannotAddressCursor(let term):
            return "terminal type \"\(term)\" cannot move the cursor; \(advice)"
        }
    }
}
