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

/// What tells a transcript file that changed from one that did not, without
/// reading it: its size and a hash of its last 4 KiB. Claude Code only ever
/// appends, so a file of the same size ending in the same bytes is the same
/// conversation. The modification time is kept, but only compared for a
/// fingerprint stored before the tail was: a `touch`, a `cp -r` or a restore
/// from a backup gives every file a new one and changes nothing else.
struct FileFingerprint: Equatable {
    var path: String
    var bytes: Int
    var modifiedAt: Timestamp
    /// The hash of the file's last 4 KiB, in hex; nil in fingerprints older than it.
    var tail: String?
    /// Which reading of transcripts made the session: a file read by an
    /// older one is read again, even unchanged, so that what the reading
    /// learned since (titles by `leafUuid`, first prompts, the conversation)
    /// reaches it.
    var reader: Int

    static let tailBytes = 4096
    static let currentReader = 3

    init(path: String, bytes: Int, modifiedAt: Timestamp, tail: String?, reader: Int = FileFingerprint.currentReader) {
        self.path = path
        self.bytes = bytes
        self.modifiedAt = modifiedAt
        self.tail = tail
        self.reader = reader
    }

    init?(path: String) {
        guard let fd = try? FileIO.openForReading(path, followLinks: true) else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let size = Int(info.st_size)
        let count = min(size, Self.tailBytes)
        guard let end = try? FileIO.readFully(fd, offset: size - count, count: count, path: path), end.count == count else { return nil }
        let digest = end.withUnsafeBufferPointer { Hash64.digest($0, seed: UInt64(size)) }
        self.init(path: path, bytes: size,
                  modifiedAt: Timestamp(microseconds: Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1000),
                  tail: String(digest, radix: 16))
    }

    init?(_ object: JSONObject?) {
        guard let object, let path = object["path"]?.stringValue, let bytes = object["bytes"]?.intValue,
              let modified = object["modified_at"]?.stringValue.flatMap(Timestamp.init(iso8601:)) else { return nil }
        self.init(path: path, bytes: bytes, modifiedAt: modified, tail: object["tail"]?.stringValue,
                  reader: object["reader"]?.intValue ?? 1)
    }

    var jsonObject: JSONObject {
        var object = JSONObject(["path": .string(path), "bytes": .int(bytes), "modified_at": .string(modifiedAt.iso8601)])
        if let tail { object["tail"] = .string(tail) }
        object["reader"] = .int(reader)
        return object
    }

    /// The same file, unchanged, read the same way: the tails decide where both have one.
    static func == (lhs: FileFingerprint, rhs: FileFingerprint) -> Bool {
        guard lhs.path == rhs.path, lhs.bytes == rhs.bytes, lhs.reader == rhs.reader else { return false }
        if let left = lhs.tail, let right = rhs.tail { return left == right }
        return lhs.modifiedAt == rhs.modifiedAt
    }
}
