import Glibc
import Testing
import TestSupport
@testable import SessionsKit

/// Links where the store's own files and directories should be, one case
/// each: the store refuses them, and no rename ever lands on a link.
@Suite("File store: links inside the store")
struct LinkRegressionTests {
    func populated() throws -> StoreFixture {
        let fixture = try StoreFixture()
        _ = try fixture.service().create(SessionDraft(type: "ContextSpecSessions"))
        return fixture
    }

    func link(_ path: String) -> String? { TestFiles.linkTarget(path) }

    @Test("a tmp/ that is a link is refused, and cleaning up after a crash never deletes through it")
    func tempDirectoryLink() throws {
        let fixture = try populated()
        let elsewhere = fixture.directory.path + "/elsewhere"
        mkdir(elsewhere, 0o700)
        TestFiles.write(elsewhere + "/precious", "keep me\n")
        #expect(rmdir(fixture.root + "/tmp") == 0)
        #expect(symlink(elsewhere, fixture.root + "/tmp") == 0)
        // A file in tmp/ looks like a crashed writer's temp file, which the next write removes.
        let message = errorText {
            try SessionService(store: try fixture.reopen(), scope: Scope(accountID: 1)).setStatus(id: 1, to: .failed)
        }
        #expect(message?.contains("tmp: it is a symbolic link") == true, "\(message ?? "written")")
        #expect(TestFiles.readText(elsewhere + "/precious") == "keep me\n")
        #expect(link(fixture.root + "/tmp") == elsewhere)
    }

    @Test("a sessions/ that is a link is refused: no session file is written outside the store")
    func sessionsDirectoryLink() throws {
        let fixture = try populated()
        let elsewhere = fixture.directory.path + "/elsewhere"
        #expect(rename(fixture.root + "/sessions", elsewhere) == 0)
        #expect(symlink(elsewhere, fixture.root + "/sessions") == 0)
        let message = errorText {
            _ = try SessionService(store: try fixture.reopen(), scope: Scope(accountID: 1)).create(SessionDraft(type: "ContextSpecSessions"))
        }
        #expect(message?.contains("sessions: it is a symbolic link") == true, "\(message ?? "written")")
        #expect(TestFiles.list(elsewhere) == ["1.json"])
    }

    @Test("a dangling link where the registry should be is refused, not replaced by a new store")
    func danglingRegistryLink() throws {
        let fixture = try populated()
        let registry = fixture.root + "/store.json"
        unlink(registry)
        // Without session files the store would look brand new.
        unlink(fixture.root + "/sessions/1.json")
        let nowhere = fixture.directory.path + "/nowhere.json"
        #expect(symlink(nowhere, registry) == 0)
        let message = errorText { _ = try fixture.reopen().registry() }
        #expect(message?.contains("is a symbolic link") == true, "\(message ?? "opened")")
        #expect(link(registry) == nowhere)
        #expect(!TestFiles.exists(nowhere))
    }

    @Test("doctor --repair rebuilds no index over a link at index.jsonl")
    func doctorKeepsIndexLink() throws {
        let fixture = try populated()
        let index = fixture.root + "/index.jsonl"
        let elsewhere = fixture.directory.path + "/index-copy.jsonl"
        #expect(rename(index, elsewhere) == 0)
        #expect(symlink(elsewhere, index) == 0)
        let before = TestFiles.read(elsewhere)
        let report = StoreDoctor(root: fixture.root).run(repair: true)
        #expect(!report.isHealthy)
        #expect(report.findings.contains { $0.description.contains("symbolic link") }, "\(report.findings)")
        #expect(link(index) == elsewhere)
        #expect(TestFiles.read(elsewhere) == before)
    }

    @Test("a lock file that is a link is refused by name")
    func lockLink() throws {
        let fixture = try populated()
        let lock = fixture.root + "/lock"
        unlink(lock)
        #expect(symlink(fixture.directory.path + "/elsewhere", lock) == 0)
        let message = errorText { _ = try fixture.reopen().catalog() }
        #expect(message == "refusing to use the store at \(lock): it is a symbolic link (to \(fixture.directory.path)/elsewhere), "
            + "and the store only uses regular files and directories")
        #expect(!TestFiles.exists(fixture.directory.path + "/elsewhere"))
    }
}

/// The user's own files may be links (a dotfiles checkout): writing them
/// replaces the file the link names and keeps the link.
@Suite("Config and export files: links are followed")
struct UserFileLinkTests {
    @Test("saving a config file that is a link replaces its target and keeps the link")
    func configLink() throws {
        let directory = TemporaryDirectory()
        let dotfiles = directory.path + "/dotfiles"
        mkdir(dotfiles, 0o700)
        mkdir(directory.path + "/config", 0o700)
        TestFiles.write(dotfiles + "/config.json", "{\"theme\": \"default\"}\n")
        #expect(symlink("../dotfiles/config.json", directory.path + "/config/config.json") == 0)
        try Config.update(directory: directory.path + "/config") { $0.setScope(Config.ScopeEntry(accountID: 2), forStore: "/s") }
        #expect(TestFiles.linkTarget(directory.path + "/config/config.json") == "../dotfiles/config.json")
        let saved = try Config.load(directory: directory.path + "/config")
        #expect(saved.scope(forStore: "/s").accountID == 2 && saved.theme == "default")
        #expect(TestFiles.list(dotfiles) == ["config.json"], "no temp file left beside it")
    }

    @Test("an export onto a link replaces its target and keeps the link; a loop is an error naming the path")
    func exportLink() throws {
        let directory = TemporaryDirectory()
        TestFiles.write(directory.path + "/real.json", "old\n")
        #expect(symlink(directory.path + "/real.json", directory.path + "/out.json") == 0)
        try FileBytes.writeAtomically(directory.path + "/out.json") { emit in try emit(Array("new\n".utf8)) }
        #expect(TestFiles.linkTarget(directory.path + "/out.json") == directory.path + "/real.json")
        #expect(TestFiles.readText(directory.path + "/real.json") == "new\n")

        #expect(symlink(directory.path + "/b", directory.path + "/a") == 0)
        #expect(symlink(directory.path + "/a", directory.path + "/b") == 0)
        let message = errorText { try FileBytes.writeAtomically(directory.path + "/a") { emit in try emit([1]) } }
        #expect(message == "cannot follow the links at \(directory.path)/a: Too many levels of symbolic links")
        #expect(TestFiles.linkTarget(directory.path + "/a") == directory.path + "/b")
    }
}
