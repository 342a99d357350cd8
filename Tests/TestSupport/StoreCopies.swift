import SessionsKit
import Glibc

/// Tests that inject a fault copy a prepared store for each case. A store's
/// journal names the directory it was started in, so the first command on a
/// copy would rebuild the copy's index from its session files, as it must
/// for a copy a user makes. A test that is not about copies makes its copy
/// look moved instead, so that each case starts from the store as prepared.
public enum StoreCopies {
    /// Points the journal of the store at `root` at that directory.
    public static func adopt(_ root: String) {
        var info = stat()
        let journal = root + "/journal.jsonl"
        guard stat(root, &info) == 0, let bytes = TestFiles.read(journal), let end = bytes.firstIndex(of: UInt8(ascii: "\n")),
              let header = try? JSONParser.parse(Array(bytes[..<end])).objectValue, header["directory_inode"] != nil
        else { return }
        var adopted = header
        adopted["directory_inode"] = .int(info.st_ino)
        TestFiles.write(journal, JSONWriter.bytes(.object(adopted), style: .compact) + bytes[end...])
    }
}

extension StoreCopies {
    /// Copies the files and directories `relative` of `source` (recursively)
    /// into `target`, one file at a time, keeping each file's mode and
    /// modification time, as a copy of a whole tree does.
    /// `between` runs after each entry, so a test can let writers move on.
    public static func copy(_ relative: [String], from source: String, to target: String, between: () -> Void = {}) {
        mkdir(target, 0o700)
        for name in relative {
            copyEntry(source + "/" + name, target + "/" + name)
            between()
        }
    }

    /// Every entry of the directory `source` copied into `target` (see `copy`), in the order given by `order`.
    public static func copyTree(from source: String, to target: String, order: ([String]) -> [String] = { $0 },
                                between: () -> Void = {}) {
        copy(order(TestFiles.list(source)), from: source, to: target, between: between)
    }

    static func copyEntry(_ from: String, _ to: String) {
        var info = stat()
        guard lstat(from, &info) == 0 else { return }  // gone meanwhile, as a writer may make it
        if info.st_mode & S_IFMT == S_IFDIR {
            mkdir(to, info.st_mode & 0o7777)
            for name in TestFiles.list(from) { copyEntry(from + "/" + name, to + "/" + name) }
            return
        }
        guard let bytes = TestFiles.read(from) else { return }
        TestFiles.write(to, bytes, mode: info.st_mode & 0o7777)
        var times = [info.st_atim, info.st_mtim]
        _ = utimensat(AT_FDCWD, to, &times, 0)
    }
}
