import SessionsKit

/// File paths as timelines and the pager show them. A Claude Code session
/// names every file by its absolute path, whose first fifty cells are the
/// same for every file it touched; shown from the session's working
/// directory they read as the project's own names (`lib/app/foo.ex`). Text
/// is raw in and out; callers sanitize.
public enum PathText {
    /// The directory a session ran in: its state's `cwd`, which the Claude
    /// Code importer and hooks record.
    public static func workingDirectory(_ session: Session) -> String? {
        guard let cwd = session.state?["cwd"]?.stringValue, cwd.hasPrefix("/") else { return nil }
        return cwd
    }

    /// `path` from `directory`: `lib/foo.ex` for a file within it, `.` for
    /// the directory itself, and any other path as it is, so a file outside
    /// the project still says where it is.
    public static func relative(_ path: String, to directory: String?) -> String {
        guard var base = directory, !base.isEmpty, path.hasPrefix("/") else { return path }
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        if path == base || path == base + "/" { return "." }
        let prefix = base == "/" ? "/" : base + "/"
        guard path.hasPrefix(prefix) else { return path }
        let rest = path.dropFirst(prefix.count)
        return rest.isEmpty ? "." : String(rest)
    }

    /// Tools whose command is the path of the one file they act on.
    public static let fileTools: Set<String> = ["Read", "Write", "Edit", "MultiEdit", "NotebookEdit", "NotebookRead"]

    /// A tool call's command with its paths from `directory`: a file
    /// tool's path, or the folder a search looked in (`*.ex in
    /// /home/u/app/lib`); any other command as it is, for a shell command's
    /// paths are its own to interpret.
    public static func command(_ command: String, tool: String?, directory: String?) -> String {
        guard let directory, let tool else { return command }
        if fileTools.contains(tool) { return relative(command, to: directory) }
        if tool == "Glob" || tool == "Grep", let range = command.ranges(of: " in /").last {
            let folder = command[command.index(before: range.upperBound)...]
            return command[..<range.lowerBound] + " in " + relative(String(folder), to: directory)
        }
        return command
    }

    /// `path` in at most `width` cells. A path too long keeps as many of
    /// the folders nearest the file as fit, those saying most about it, and
    /// loses its start (`…/spotter/foo.ex`), or its middle when its first
    /// folder fits too (`lib/…/spotter/foo.ex`). The file name is cut only
    /// when it alone is wider than `width`, and then from its start, so its
    /// extension shows.
    public static func fit(_ path: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if CellWidth.of(path) <= width { return path }
        let ellipsis = "…"
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let name = parts.last ?? path
        guard parts.count > 1, !name.isEmpty else { return ellipsis + suffix(of: path, cells: width - 1) }
        func fits(_ text: String) -> Bool { CellWidth.of(text) <= width }
        func tail(_ count: Int) -> String { parts.suffix(count).joined(separator: "/") }
        guard fits(ellipsis + "/" + name) else { return ellipsis + suffix(of: name, cells: width - 1) }
        // The folders nearest the file, as many whole ones as fit.
        var kept = 1
        while kept + 1 < parts.count && fits(ellipsis + "/" + tail(kept + 1)) { kept += 1 }
        // The first folder too (`/home/`, `lib/`) when it costs none of
        // those and a middle is left to drop.
        let headCount = parts[0].isEmpty ? 2 : 1
        let head = parts.prefix(headCount).joined(separator: "/") + "/"
        if headCount + kept < parts.count, fits(head + ellipsis + "/" + tail(kept)) {
            return head + ellipsis + "/" + tail(kept)
        }
        return ellipsis + "/" + tail(kept)
    }

    /// The last characters of `text` that fit in `cells`.
    static func suffix(of text: String, cells: Int) -> String {
        var kept: [Character] = []
        var used = 0
        for character in text.reversed() {
            let width = CellWidth.of(character)
            if used + width > cells { break }
            kept.append(character)
            used += width
        }
        return String(kept.reversed())
    }
}
