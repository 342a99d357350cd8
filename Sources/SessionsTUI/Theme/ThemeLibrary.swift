import Glibc

/// Finding a theme by name and deciding how much colour to spend on it.
public enum ThemeLibrary {
    public static let builtInNames = ["default", "light", "high-contrast", "mono"]

    /// The text of a built-in theme file, e.g. as a starting point for a
    /// user's own: the bytes of `themes/NAME.theme`, embedded at build time,
    /// so the binary works wherever it is installed and no copy can drift.
    public static func builtInText(named name: String) -> String? {
        let bytes: [UInt8]
        switch name {
        case "default": bytes = PackageResources.default_theme
        case "light": bytes = PackageResources.light_theme
        case "high-contrast": bytes = PackageResources.high_contrast_theme
        case "mono": bytes = PackageResources.mono_theme
        default: return nil
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Where user themes live, given the program's config directory: beside
    /// the config file, so one directory holds everything a user customises.
    public static func userDirectory(configDirectory: String) -> String {
        configDirectory + "/themes"
    }

    /// `name` from `userDirectory/<name>.theme` if that file exists, else the
    /// built-in theme. A user file wins over a built-in of the same name, so
    /// adjusting `default` needs no change to the configuration.
    public static func load(name: String, userDirectory: String?) throws(ThemeError) -> Theme {
        if let userDirectory, isFileName(name) {
            let path = userDirectory + "/" + name + ".theme"
            if let text = try readUserFile(path) {
                return try Theme.parse(text, name: name, file: path)
            }
        }
        guard let theme = builtIns[name] else { throw .unknownTheme(name) }
        return theme
    }

    /// What the terminal can show: NO_COLOR set and non-empty (see
    /// no-color.org) -> .none; else colours < 8 -> .none; < 256 -> .eight;
    /// else .extended. NO_COLOR wins over the terminal's abilities because it
    /// states what the user wants, not what the terminal can do.
    public static func depth(colors: Int, environment: [String: String]) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
        if colors < 8 { return .none }
        if colors < 256 { return .eight }
        return .extended
    }

    /// Parsed once: the built-ins are fixed text inside the binary.
    static let builtIns: [String: Theme] = {
        var themes: [String: Theme] = [:]
        for name in builtInNames { themes[name] = parseBuiltIn(name) }
        return themes
    }()

    /// Every theme's fallback when the terminal shows no colour.
    static let builtInMono = parseBuiltIn("mono")

    private static func parseBuiltIn(_ name: String) -> Theme {
        guard let text = builtInText(named: name) else {
            preconditionFailure("no embedded text for built-in theme \(name)")
        }
        do {
            return try Theme.parse(text, name: name, file: name + ".theme")
        } catch {
            // The tests parse every built-in, so this is a build that skipped them.
            preconditionFailure("built-in theme is invalid: \(error)")
        }
    }

    /// A name that stays inside the user directory and is not hidden.
    private static func isFileName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && !name.utf8.contains(0)
    }

    /// A theme is a few hundred bytes; the cap keeps a mistaken link to
    /// something huge from being read into memory.
    private static let maximumSize = 1 << 20

    /// The file's text, or nil when there is no such file.
    private static func readUserFile(_ path: String) throws(ThemeError) -> String? {
        func failure(_ message: String, line: Int? = nil) -> ThemeError {
            ThemeError(file: path, line: line, message: message)
        }
        // Non-blocking, so that a FIFO in the way fails the regular-file check
        // below instead of hanging until someone writes to it.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw failure("cannot open: " + String(cString: strerror(code)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("cannot read: " + String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw failure("not a regular file") }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read: " + String(cString: strerror(errno)))
            }
            if got == 0 { break }
            bytes.append(contentsOf: chunk[0..<got])
            if bytes.count > maximumSize { throw failure("too large for a theme (over 1 MiB)") }
        }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        // Name the first line that is not UTF-8, as parse errors do.
        var line = 1
        for piece in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if String(validating: piece, as: UTF8.self) == nil { break }
            line += 1
        }
        throw failure("not UTF-8 text", line: line)
    }
}
