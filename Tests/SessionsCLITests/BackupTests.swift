import Glibc
import Testing
@testable import SessionsKit
import TestSupport

/// `sessions backup DIR`: a consistent copy of the store, taken under its
/// lock, that opens as a store of its own. Copies taken while writers run
/// are `CopyUnderLoadTests`.
@Suite("Backup")
struct BackupTests {
    @Test("a backup opens with nothing to rebuild, lists and exports what the store does, damaged files byte for byte")
    func backupIsAStore() throws {
        let cli = CLIHarness()
        try cli.ok(["demo", "--sessions", "12", "--interactions", "3", "--seed", "4"])
        TestFiles.write(cli.storeRoot + "/sessions/5.json", "{ damaged")
        #expect(cli.run(["doctor", "--repair"]).status == 1, "session 5 stays damaged")
        let target = cli.directory.path + "/backup"
        let result = cli.run(["backup", target])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.stdout == "Backed up 12 sessions to \(target).\n")

        #expect(try FileStore(root: target).needsMaintenance() == nil, "nothing to finish, check or rebuild")
        #expect(TestFiles.read(target + "/sessions/5.json") == Array("{ damaged".utf8))
        let original = cli.run(["list", "--json"]), copied = cli.run(["list", "--json"], env: ["SESSIONS_HOME": target])
        #expect(copied.status == 0 && copied.stdout == original.stdout)
        let exported = cli.run(["export"]), exportedCopy = cli.run(["export"], env: ["SESSIONS_HOME": target])
        #expect(exported.status == 1 && exportedCopy.status == 1 && exportedCopy.stdout == exported.stdout, "both leave session 5 out")
        #expect(TestFiles.mode(target) == 0o700)
        #expect(TestFiles.snapshot(target).keys.allSatisfy { TestFiles.mode(target + "/" + $0) == 0o600 })
        let report = StoreDoctor(root: target).run(repair: false)
        #expect(report.findings.filter { $0.severity == .problem }.map(\.subject) == ["sessions/5.json"], "\(report.findings)")
    }

    @Test("a backup never writes into a directory that exists, and a failed one leaves nothing behind")
    func backupRefusals() throws {
        let cli = CLIHarness()
        try cli.ok(["demo", "--sessions", "4", "--interactions", "1"])
        let before = TestFiles.snapshot(cli.storeRoot)
        let existing = cli.directory.path + "/existing"
        mkdir(existing, 0o700)
        TestFiles.write(existing + "/mine", "keep")
        let refused = cli.run(["backup", existing])
        #expect(refused.status == 1 && refused.stderr == "error: \(existing) exists already: name a directory that does not exist yet\n")
        #expect(TestFiles.list(existing) == ["mine"])

        // A link in place of a session file is refused, as every command refuses it.
        let link = cli.storeRoot + "/sessions/3.json"
        #expect(Glibc.rename(link, cli.directory.path + "/3.json") == 0 && symlink(cli.directory.path + "/3.json", link) == 0)
        let target = cli.directory.path + "/backup"
        let failed = cli.run(["backup", target])
        #expect(failed.status == 2 && failed.stderr.contains("\(link): it is a symbolic link"), "\(failed.stderr)")
        #expect(!TestFiles.exists(target), "the partial backup is removed")
        #expect(TestFiles.snapshot(cli.storeRoot).keys.sorted() == before.keys.sorted())
    }
}
