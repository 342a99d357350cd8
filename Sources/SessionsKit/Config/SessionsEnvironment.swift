import Glibc

/// The process environment, passed in rather than read globally, so that
/// tests and the TUI resolve paths and scope exactly as the CLI does.
public struct SessionsEnvironment: Sendable {
    public var variables: [String: String]

    public init(variables: [String: String]) { self.variables = variables }

    /// The real environment of this process.
    public static func current() -> SessionsEnvironment {
        var variables: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return SessionsEnvironment(variables: variables)
    }

    public subscript(name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    public var home: String {
        if let home = self["HOME"] { return home }
        if let entry = getpwuid(geteuid()), let directory = entry.pointee.pw_dir { return String(cString: directory) }
        return "/"
    }

    /// `--store DIR`, else `$SESSIONS_HOME`, else `$XDG_DATA_HOME/sessions`,
    /// else `~/.local/share/sessions`; always absolute.
    public func storeRoot(flag: String? = nil) -> String {
        let chosen: String
        if let flag, !flag.isEmpty {
            chosen = flag
        } else if let home = self["SESSIONS_HOME"] {
            chosen = home
        } else {
            chosen = dataHome + "/sessions"
        }
        return Self.absolute(expandTilde(chosen))
    }

    /// `$XDG_DATA_HOME`, else `~/.local/share`: where the store is, and a database's local directories.
    var dataHome: String {
        if let data = self["XDG_DATA_HOME"], data.hasPrefix("/") { return data }
        return home + "/.local/share"
    }

    /// `$XDG_CONFIG_HOME/sessions`, else `~/.config/sessions`.
    public var configDirectory: String {
        if let config = self["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/sessions" }
        return home + "/.config/sessions"
    }

    func expandTilde(_ path: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }

    /// Makes a path absolute against the working directory, drops `.` and
    /// repeated slashes, and resolves `..` as the kernel does: to the parent
    /// of where the path before it leads, links followed. Folding `lnk/..`
    /// as text would name the directory holding the link, while every system
    /// call on the path goes to the parent of the link's target. The rest of
    /// the spelling is kept, so a store path that is a link stays one and
    /// meets the store's checks of links; the config file keys a store by
    /// its real path (`Config.StoreKey`).
    static func absolute(_ path: String) -> String {
        var full = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let cwd = getcwd(&buffer, buffer.count) != nil
                ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "/"
            full = cwd + "/" + path
        }
        var parts: [Substring] = []
        for part in full.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                // Where nothing is there yet, `..` undoes the name before it,
                // as creating the directories one by one would.
                if let real = FileIO.realPath("/" + parts.joined(separator: "/")) { parts = real.split(separator: "/") }
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
