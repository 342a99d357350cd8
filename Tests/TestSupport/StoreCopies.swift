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
