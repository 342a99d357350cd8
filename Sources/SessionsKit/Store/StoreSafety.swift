import Glibc

/// The store holds command output, which can hold secrets. Like sshd with
/// `~/.ssh`, refuse a directory someone else could have planted or can write.
public enum StoreSafety {
    /// Whether the store could use the directory at `path`: the hook writes
    /// its log there only then, never into a directory it refused.
    public static func isSafeDirectory(_ path: String) -> Bool {
        (try? checkDirectory(path)) != nil
    }

    /// Store files and the store's own directories are never links: writing
    /// through one would change a file outside the store, and renaming onto
    /// one would replace the link.
    static func checkNotLink(_ path: String) throws(StoreError) {
        guard let target = FileIO.linkTarget(path) else { return }
        throw StoreError.unsafeStore(
            path: path, reason: "it is a symbolic link (to \(target)), and the store only uses regular files and directories")
    }

    static func checkDirectory(_ path: String) throws(StoreError) {
        guard let info = try FileIO.status(path) else {
            throw StoreError.unsafeStore(path: path, reason: "it does not exist")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw StoreError.unsafeStore(path: path, reason: "it is not a directory")
        }
        let me = geteuid()
        if info.st_uid != me {
            throw StoreError.unsafeStore(
                path: path, reason: "it is owned by uid \(info.st_uid), not by you (uid \(me))")
        }
        let mode = info.st_mode & 0o7777
        if mode & 0o022 != 0 {
            throw StoreError.unsafeStore(
                path: path,
                reason: "it is writable by \(mode & 0o020 != 0 ? "its group" : "others") (mode \(String(mode, radix: 8))); "
                    + "run `chmod go-w \(path)`")
        }
    }
}

/// Who is running this, for naming account 1.
public enum UserIdentity {
    public static func name(_ environment: SessionsEnvironment = .current()) -> String {
        for variable in ["USER", "LOGNAME"] {
            if let value = environment[variable] { return value }
        }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            let text = String(cString: name)
            if !text.isEmpty { return text }
        }
        return "me"
    }
}
