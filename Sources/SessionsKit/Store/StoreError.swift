import SystemPackage

/// Everything that can go wrong with the store's files. Each message names the
/// file and says what the user can do, because "invalid JSON" helps nobody.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file does not parse or breaks the schema. Nothing was written.
    case corrupt(path: String, detail: String, hint: String)
    /// Session `id`'s file does not parse or breaks the schema: that session
    /// is damaged, and the rest of the store is fine. Nothing was written.
    case damagedSession(id: Session.ID, path: String, detail: String)
    /// A file was written by a newer version of this program.
    case newerFormat(path: String, found: Int, supported: Int)
    /// The store directory is not safe to use (owner, mode, type).
    case unsafeStore(path: String, reason: String)
    /// A system call failed.
    case io(operation: String, path: String, errno: Errno)
    /// The store is in a state that needs `sessions doctor`.
    case needsRepair(path: String, reason: String)
    /// The store is a copy of one made in another directory, which must be
    /// checked against its session files once before it is read, and that
    /// check failed (a read-only copy, a full disk).
    case copiedStore(path: String, detail: String)
    /// Another process held the lock for longer than this one would wait
    /// (only callers that cannot wait, the hook, set a limit).
    case busy(path: String, holder: LockHolder?)

    public var description: String {
        switch self {
        case .corrupt(let path, let detail, let hint):
            return "\(path): \(detail). Nothing was changed. \(hint)"
        case .damagedSession(let id, let path, let detail):
            return "\(path): \(detail). Nothing was changed. \(StoreError.damageRemedy(id))"
        case .newerFormat(let path, let found, let supported):
            return "\(path) has format version \(found), but this version of sessions understands up to \(supported). "
                + "Nothing was changed; upgrade sessions to use this store."
        case .unsafeStore(let path, let reason):
            return "refusing to use the store at \(path): \(reason)"
        case .io(let operation, let path, let errno):
            return "cannot \(operation) \(path): \(errno.description)\(StoreError.advice(for: errno))"
        case .needsRepair(let path, let reason):
            return "\(path): \(reason). Nothing was changed; run `sessions doctor --repair`."
        case .copiedStore(let path, let detail):
            return "\(path): \(StoreError.copiedReason), and \(detail). Copy the store where it can be written and run "
                + "`sessions doctor --repair` there, or copy the original again with `sessions backup`."
        case .busy(let path, let holder):
            return "\(path): \(LockHolder.lockedBy(holder)). Nothing was changed."
        }
    }

    static func corrupt(_ path: String, _ error: JSONSyntaxError, hint: String = StoreError.doctorHint) -> StoreError {
        .corrupt(path: path, detail: "line \(error.line), column \(error.column): \(error.message)", hint: hint)
    }

    static func corrupt(_ path: String, _ error: SchemaError, hint: String = StoreError.doctorHint) -> StoreError {
        .corrupt(path: path, detail: error.description, hint: hint)
    }

    /// What went wrong, without the path or the advice: for `doctor`, which
    /// names the file itself and says what it did about it.
    var detail: String {
        switch self {
        case .corrupt(_, let detail, _), .damagedSession(_, _, let detail): return detail
        case .newerFormat(_, let found, let supported):
            return "it has format version \(found), but this version of sessions understands up to \(supported)"
        case .unsafeStore(_, let reason), .needsRepair(_, let reason): return reason
        case .copiedStore(_, let detail): return "\(StoreError.copiedReason), and \(detail)"
        case .io(let operation, let path, let errno): return "cannot \(operation) \(path): \(errno.description)"
        case .busy(_, let holder): return LockHolder.lockedBy(holder)
        }
    }

    /// What to do about a damaged session; `doctor`, `show` and the browser say the same.
    static func damageRemedy(_ id: Session.ID) -> String {
        "Session \(id) is damaged: restore the file from a backup, or drop the session with `sessions delete \(id)`."
    }

    /// What to do about the failures a user can fix and might not recognise
    /// from the system's wording alone.
    static func advice(for errno: Errno) -> String {
        switch errno {
        case .noSpace, .diskQuotaExceeded: return " (the disk is full: free some space and try again)"
        case .isDirectory: return " (name a file, not a directory)"
        case .tooManyOpenFiles:
            return " (this process ran out of file descriptors: raise the limit, \(ResourceLimit.descriptors.option), and try again)"
        case .noMemory:
            guard let limit = [ResourceLimit.addressSpace, .data].first(where: \.isLimited), let soft = limit.soft else { return "" }
            return " (out of memory under the \(limit.name) limit, \(limit.option) \(limit.shown(soft)): raise it and try again)"
        default: return ""
        }
    }

    static let doctorHint = "Run `sessions doctor` for details."
    /// What a journal written in another directory means.
    static let copiedReason = "this store is a copy of one in another directory, perhaps taken while it was being written"
    static let rebuildHint = "The index can be rebuilt from the session files with `sessions doctor --repair`."
}
