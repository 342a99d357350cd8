/// What is wrong with a theme, phrased for the person editing it: the file
/// and line come first so an editor or terminal can jump straight there.
public struct ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The theme file, when the problem is in one.
    public let file: String?
    /// The 1-based line, when the problem is on one.
    public let line: Int?
    public let message: String

    public init(file: String?, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        switch (file, line) {
        case let (file?, line?): return "\(file):\(line): \(message)"
        case let (file?, nil): return "\(file): \(message)"
        default: return message
        }
    }

    static func unknownTheme(_ name: String) -> ThemeError {
        let builtIn = ThemeLibrary.builtInNames.joined(separator: ", ")
        return ThemeError(file: nil, line: nil, message: "unknown theme \"\(name)\" (built in: \(builtIn))")
    }
}
