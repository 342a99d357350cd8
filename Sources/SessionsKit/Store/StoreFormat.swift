/// File names and the format version of the JSON directory store. The README's
/// "The store" section documents the same layout for people.
enum StoreFormat {
    /// Bumped when a file's meaning changes; a newer store is never written to.
    /// Format 2 keeps each session as a head and an interaction log beside
    /// it; it still reads a session kept whole, as format 1 kept them all,
    /// until that session is next written.
    static let version = 2

    static let registryFile = "store.json"
    static let indexFile = "index.jsonl"
    /// The index's keys in binary, a cache of the index (see `IndexKeys`).
    static let keysFile = "index.keys"
    static let journalFile = "journal.jsonl"
    static let lockFile = "lock"
    static let sessionsDirectory = "sessions"
    static let tempDirectory = "tmp"

    /// A session: whole, as format 1 kept every session, or (format 2) its
    /// head, with its interactions in the log beside it.
    static func sessionFile(_ id: Session.ID) -> String { "\(sessionsDirectory)/\(sessionFileName(id))" }
    static let logSuffix = ".interactions.jsonl"
    static func logFile(_ id: Session.ID) -> String { "\(sessionsDirectory)/\(logFileName(id))" }
    /// The same files' names within the sessions directory.
    static func sessionFileName(_ id: Session.ID) -> String { "\(id).json" }
    static func logFileName(_ id: Session.ID) -> String { "\(id)\(logSuffix)" }

    /// The id a log file name stands for, or nil for any other file.
    static func sessionID(fromLogName name: String) -> Session.ID? {
        guard name.hasSuffix(logSuffix) else { return nil }
        return sessionID(fromFileName: String(name.dropLast(logSuffix.count)) + ".json")
    }

    /// The id a session file name stands for, or nil for any other file.
    static func sessionID(fromFileName name: String) -> Session.ID? {
        guard name.hasSuffix(".json") else { return nil }
        let stem = name.dropLast(5)
        guard !stem.isEmpty, stem.allSatisfy(\.isASCII), stem.allSatisfy(\.isNumber), stem.first != "0" else { return nil }
        return Int(stem).map { Session.ID($0) }
    }

    /// Reads the `format` member of a store file's envelope, rejecting newer
    /// ones; returns it.
    @discardableResult
    static func checkVersion(_ object: JSONObject, path: String) throws(StoreError) -> Int {
        guard let value = object["format"] else {
            throw StoreError.corrupt(path: path, detail: "format: is required", hint: StoreError.doctorHint)
        }
        guard let version = value.intValue, version >= 1 else {
            throw StoreError.corrupt(path: path, detail: "format: must be a positive integer", hint: StoreError.doctorHint)
        }
        if version > StoreFormat.version {
            throw StoreError.newerFormat(path: path, found: version, supported: StoreFormat.version)
        }
        return version
    }
}

/// One committed transaction in `journal.jsonl`.
///
/// The journal is the store's commit log. A record lists the summaries it
/// changes (so the index never has to be rewritten whole) and the files it
/// replaces: each new file is first written and synced under `tmp/`, then the
/// record is appended and synced (the commit point), then the files are renamed
/// into place. Whoever opens the store next finishes a record a crash cut short.
struct JournalRecord: Equatable {
    struct FileReplacement: Equatable {
        /// Where the file goes, relative to the store root.
        var path: String
        /// The synced temporary copy, relative to the store root.
        var temp: String
        /// The temporary file's inode: the target has it once the rename happened.
        var inode: UInt64
    }

    /// Lines written to a session's interaction log in place, before the
    /// commit point: its head, which this record replaces, counts them.
    struct Append: Equatable {
        var path: String
        var from: Int
        var to: Int
    }

    var generation: Int
    var puts: [SessionSummary] = []
    var deletes: [Session.ID] = []
    var files: [FileReplacement] = []
    var appends: [Append] = []
    var removes: [String] = []

    var jsonObject: JSONObject {
        var object = JSONObject()
        object.append("generation", .int(generation))
        object.append("put", .array(puts.map { .object($0.jsonObject) }))
        object.append("delete", .array(deletes.map { .id($0) }))
        object.append("files", .array(files.map { file in
            .object(JSONObject(["path": .string(file.path), "temp": .string(file.temp), "inode": .int(file.inode)]))
        }))
        if !appends.isEmpty {
            object.append("appends", .array(appends.map { append in
                .object(JSONObject(["path": .string(append.path), "from": .int(append.from), "to": .int(append.to)]))
            }))
        }
        object.append("remove", .array(removes.map { .string($0) }))
        return object
    }

    static func decode(_ value: JSONValue) throws(SchemaError) -> JournalRecord {
        guard case .object(let object) = value else { throw SchemaError("", "a journal record must be a JSON object") }
        var reader = ObjectReader(object, path: "")
        var errors: [FieldError] = []
        let generation = reader.int("generation", required: true, minimum: 1)
        var record = JournalRecord(generation: generation ?? 0)
        for (index, element) in (reader.array("put") ?? []).enumerated() {
            do {
                record.puts.append(try SessionSummary.decode(element, path: "put[\(index)]"))
            } catch {
                errors.append(contentsOf: error.errors)
            }
        }
        for (index, element) in (reader.array("delete") ?? []).enumerated() {
            guard let id = element.intValue else {
                errors.append(FieldError("delete[\(index)]", "must be an integer"))
                continue
            }
            record.deletes.append(Session.ID(id))
        }
        for (index, element) in (reader.array("files") ?? []).enumerated() {
            guard case .object(let fileObject) = element else {
                errors.append(FieldError("files[\(index)]", "must be a JSON object"))
                continue
            }
            var fileReader = ObjectReader(fileObject, path: "files[\(index)]")
            let path = fileReader.string("path", required: true)
            let temp = fileReader.string("temp", required: true)
            // Inodes are unsigned 64-bit; some filesystems use the top bit.
            let inode: UInt64?
            if case .number(let literal)? = fileReader.value("inode"), let value = UInt64(literal) {
                inode = value
            } else {
                inode = nil
                fileReader.fail("inode", "must be an unsigned 64-bit integer")
            }
            errors.append(contentsOf: fileReader.errors)
            if let path, let temp, let inode {
                record.files.append(FileReplacement(path: path, temp: temp, inode: inode))
            }
        }
        for (index, element) in (reader.array("appends") ?? []).enumerated() {
            guard case .object(let appendObject) = element else {
                errors.append(FieldError("appends[\(index)]", "must be a JSON object"))
                continue
            }
            var appendReader = ObjectReader(appendObject, path: "appends[\(index)]")
            let path = appendReader.string("path", required: true)
            let from = appendReader.int("from", required: true, minimum: 0)
            let to = appendReader.int("to", required: true, minimum: 0)
            errors.append(contentsOf: appendReader.errors)
            if let path, let from, let to { record.appends.append(Append(path: path, from: from, to: to)) }
        }
        for (index, element) in (reader.array("remove") ?? []).enumerated() {
            guard let path = element.stringValue else {
                errors.append(FieldError("remove[\(index)]", "must be a string"))
                continue
            }
            record.removes.append(path)
        }
        errors.insert(contentsOf: reader.errors, at: 0)
        guard errors.isEmpty else { throw SchemaError(errors) }
        return record
    }
}

extension StoreFormat {
    /// Paths in a journal record are only ever ours: a session file, the
    /// registry, or a temp file. Anything else (`..`, absolute paths) means the
    /// journal was tampered with, and recovery must not touch it.
    static func checkRelativePath(_ relative: String, in journalPath: String) throws(StoreError) {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        let valid: Bool
        switch parts.count {
        case 1: valid = relative == registryFile
        case 2:
            if parts[0] == Substring(sessionsDirectory) {
                valid = sessionID(fromFileName: String(parts[1])) != nil || sessionID(fromLogName: String(parts[1])) != nil
            } else {
                valid = parts[0] == Substring(tempDirectory) && !parts[1].isEmpty && parts[1] != "." && parts[1] != ".."
            }
        default: valid = false
        }
        if !valid {
            throw StoreError.corrupt(path: journalPath, detail: "a record names the path \(quoted(relative)), which is not a store file",
                                     hint: StoreError.rebuildHint)
        }
    }
}
