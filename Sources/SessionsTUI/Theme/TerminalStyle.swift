/// How much colour the terminal can show. Themes are written once, for 256
/// colours, and brought down to the terminal's depth rather than kept in
/// several variants that would drift apart.
public enum ColorDepth: Sendable, Equatable {
    /// No colour: attributes only.
    case none
    /// The 8 basic colours.
    case eight
    /// 256 colours.
    case extended
}

/// A colour as a theme names it.
public enum TerminalColor: Sendable, Hashable {
    /// Whatever the terminal itself uses, so a theme can leave the user's own
    /// foreground and background in place instead of guessing them.
    case terminalDefault
    /// A palette entry, 0...255: 0-7 basic, 8-15 bright, then the 6×6×6 cube
    /// and the 24-step grey ramp.
    case index(Int)

    /// The number a colour pair is made from, where -1 keeps the terminal's
    /// own colour.
    public var number: Int {
        switch self {
        case .terminalDefault: return -1
        case .index(let index): return index
        }
    }
}

/// Text attributes a role may add to its colours.
public struct TextAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let underline = TextAttributes(rawValue: 1 << 2)
    public static let reverse = TextAttributes(rawValue: 1 << 3)
    public static let italic = TextAttributes(rawValue: 1 << 4)
    public static let standout = TextAttributes(rawValue: 1 << 5)

    /// Each attribute with the name theme files use for it, in the order
    /// error messages list them.
    static let named: [(name: String, attribute: TextAttributes)] = [
        ("bold", .bold), ("dim", .dim), ("underline", .underline),
        ("reverse", .reverse), ("italic", .italic), ("standout", .standout),
    ]
}

/// The look of one role.
public struct RoleStyle: Sendable, Hashable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes

    public init(
        foreground: TerminalColor = .terminalDefault,
        background: TerminalColor = .terminalDefault,
        attributes: TextAttributes = []
    ) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}
