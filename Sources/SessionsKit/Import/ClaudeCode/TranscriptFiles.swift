import Glibc

/// Finding transcripts on disk: `<project dir>/<session id>.jsonl`, with
/// subagents at `<session id>/subagents/agent-*.jsonl` (2.1.x) or
/// `agent-*.jsonl` beside their parent (1.0.x).
public enum TranscriptFiles {
    /// Where Claude Code keeps transcripts: `$CLAUDE_CONFIG_DIR/projects`,
    /// else `~/.claude/projects`.
    public static func defaultRoot(_ environment: SessionsEnvironment) -> String {
        if let config = environment["CLAUDE_CONFIG_DIR"], !config.isEmpty { return config + "/projects" }
        return (environment["HOME"] ?? "") + "/.claude/projects"
    }

    /// Every `.jsonl` file at or under `paths`, parents before subagents so a
    /// subagent's parent usually exists when it is linked. Directory links
    /// are followed only when named directly, so a link loop cannot trap the walk.
    public static func discover(_ paths: [String]) throws -> [String] {
        var found: [String] = []
        for path in paths {
            guard let info = try FileIO.status(path) else {
                throw SessionError.notFound(path)
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                try walk(path, into: &found)
            } else {
                found.append(path)
            }
        }
        var seen = Set<String>()
        let unique = found.filter { seen.insert($0).inserted }
        return unique.filter { !isSubagent($0) } + unique.filter(isSubagent)
    }

    static func walk(_ directory: String, into found: inout [String]) throws(StoreError) {
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        for name in (try FileIO.list(base) ?? []).sorted() {
            let path = base + "/" + name
            guard let info = try FileIO.status(path, followLinks: false) else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: try walk(path, into: &found)
            case S_IFREG where name.hasSuffix(".jsonl"): found.append(path)
            default: break
            }
        }
    }

    public static func isSubagent(_ path: String) -> Bool {
        stem(path).hasPrefix("agent-") || path.contains("/subagents/")
    }

    /// The file's name without `.jsonl`: Claude Code names a transcript after
    /// its session id, and a subagent's after its agent id.
    static func stem(_ path: String) -> String {
        var name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".jsonl") { name.removeLast(".jsonl".count) }
        return name
    }
}

/// A transcript file's size and modification time: unchanged ones are not
/// read again.
struct FileFingerprint: Equatable {
    var path: String
    var bytes: Int
    var modifiedAt: Timestamp

    init(path: String, bytes: Int, modifiedAt: Timestamp) {
        self.path = path
        self.bytes = bytes
        self.modifiedAt = modifiedAt
    }

    init?(path: String) {
        guard let info = try? FileIO.status(path) else { return nil }
        self.init(path: path, bytes: Int(info.st_size),
                  modifiedAt: Timestamp(microseconds: Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1000))
    }

    init?(_ object: JSONObject?) {
        guard let object, let path = object["path"]?.stringValue, let bytes = object["bytes"]?.intValue,
              let modified = object["modified_at"]?.stringValue.flatMap(Timestamp.init(iso8601:)) else { return nil }
        self.init(path: path, bytes: bytes, modifiedAt: modified)
    }

    var jsonObject: JSONObject {
        JSONObject(["path": .string(path), "bytes": .int(bytes), "modified_at": .string(modifiedAt.iso8601)])
    }
}
