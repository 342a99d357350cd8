import Glibc
import Testing
@testable import SessionsKit
import TestSupport

/// Several `account use` at once, each on its own store, all writing the one
/// config file. Each process read the file, changed it and wrote it back, so
/// all acknowledged and most were lost: 8 writers left 1 or 2 stores
/// remembered. Runs the real binary: the lock is between processes.
@Suite("Concurrent config writers", .serialized)
struct ConfigWriterTests {
    @Test("8 and 32 processes running `account use 2` at once on their own stores: every one is remembered",
          arguments: [8, 32])
    func concurrentWriters(writers: Int) throws {
        let directory = TemporaryDirectory("sessions-config")
        let configDirectory = directory.path + "/config/sessions"
        let runner = ProcessRunner(environment: [
            "HOME": directory.path + "/home", "USER": "alice", "XDG_CONFIG_HOME": directory.path + "/config",
            "PATH": "/usr/bin:/bin", "TZ": "UTC",
        ])
        let stores = (0..<writers).map { directory.path + "/store\($0)" }
        for store in stores {
            _ = try StoreDirectory(store: FileStore(root: store, options: FileStore.Options(initialAccountName: "alice")))
                .addAccount(name: "bob")
        }
        mkdir(directory.path + "/config", 0o700)
        mkdir(configDirectory, 0o700)
        TestFiles.write(configDirectory + "/config.json", #"{"theme": "default", "future_setting": [1, 2]}"# + "\n")

        let children = stores.map { runner.start(["--store", $0, "account", "use", "2"]) }
        let results = children.map { $0.wait() }
        let acknowledged = results.filter { $0.status == 0 && $0.stderr.hasPrefix("Now using account 2") }.count
        #expect(acknowledged == writers, "\(results.filter { $0.status != 0 }.map(\.stderr))")

        let config = try Config.load(directory: configDirectory)
        let remembered = stores.filter { config.scope(for: Config.StoreKey(root: $0)).accountID == 2 }.count
        #expect(remembered == writers)
        #expect(config.theme == "default" && config.object["future_setting"] == .array([.int(1), .int(2)]))
        #expect(TestFiles.mode(configDirectory + "/config.json") == 0o600)
        let left = TestFiles.list(configDirectory).filter { $0 != "config.json" && $0 != Config.lockFile }
        #expect(left.isEmpty, "left \(left)")
        print("config writers: \(writers) concurrent `account use` on \(writers) stores, \(acknowledged) acknowledged, "
            + "\(remembered) remembered, \(left.count) temp files left")
    }
}

/// The config file remembers a store's account under the store's real path,
/// so every spelling of the path finds the same entry; and `..` in a store
/// path means what it means to the kernel.
@Suite("Store path spelling")
struct StorePathSpellingTests {
    /// `DIR/real` holds a store with accounts 1 and 2; `DIR/lnk` links to it.
    final class Layout {
        let cli = CLIHarness()
        let base: String
        var real: String { base + "/real" }
        var link: String { base + "/lnk" }
        var configFile: String { cli.directory.path + "/config/sessions/config.json" }

        init() throws {
            // The temporary directory's own path may pass through a link.
            base = try #require(FileIO.realPath(cli.directory.path))
            try cli.ok(["--store", base + "/real", "account", "add", "bob"])
            #expect(symlink("real", base + "/lnk") == 0)
        }

        /// The account of a new session made through `store`.
        func newSessionAccount(_ store: String) throws -> Int? {
            let id = try cli.ok(["--store", store, "new", "--type", "ContextSpecSessions"])
            return try cli.json(["--store", store, "show", id, "--json"]).objectValue?["account_id"]?.intValue
        }

        var storeKeys: [String] {
            (try? JSONParser.parse(TestFiles.read(configFile) ?? []))?.objectValue?["stores"]?.objectValue?.members.map(\.key) ?? []
        }
    }

    @Test("`account use` through a link to the store is remembered for the store, whichever path names it")
    func linkedStore() throws {
        let layout = try Layout()
        try layout.cli.ok(["--store", layout.link, "account", "use", "2"])
        #expect(try layout.newSessionAccount(layout.real) == 2)
        #expect(try layout.newSessionAccount(layout.link) == 2)
        #expect(try layout.newSessionAccount(layout.base + "/./real/") == 2)
        #expect(layout.storeKeys == [layout.real])
    }

    @Test("an entry an older version wrote under a link's path still applies there, and moves to the store's path on the next save")
    func olderEntry() throws {
        let layout = try Layout()
        try layout.cli.ok(["--store", layout.real, "--account", "2", "project", "add", "web"])
        mkdir(layout.cli.directory.path + "/config", 0o700)
        mkdir(layout.cli.directory.path + "/config/sessions", 0o700)
        TestFiles.write(layout.configFile, """
            {"stores": {"\(layout.link)": {"account": 2, "note": "kept"}, "/elsewhere": {"account": 1}}}
            """)
        #expect(try layout.newSessionAccount(layout.link) == 2)
        // Once saved under the store's own path, every spelling finds it, and
        // the old entry's other members come along.
        try layout.cli.ok(["--store", layout.link, "project", "use", "web"])
        #expect(layout.storeKeys == ["/elsewhere", layout.real])
        let config = try Config.load(directory: layout.cli.directory.path + "/config/sessions")
        #expect(config.object["stores"]?.objectValue?[layout.real]?.objectValue?["note"] == .string("kept"))
        #expect(config.scope(forStore: layout.real) == Config.ScopeEntry(accountID: 2, projectID: 1))
        #expect(try layout.newSessionAccount(layout.real) == 2)
    }

    @Test("a config save removes the temp files a killed save left behind")
    func abandonedTemps() throws {
        let layout = try Layout()
        try layout.cli.ok(["--store", layout.real, "account", "use", "2"])
        let directory = layout.cli.directory.path + "/config/sessions"
        for name in ["config.json.999999.tmp", "config.json.4242.tmp"] { TestFiles.write(directory + "/" + name, "{\"secret\": 1}") }
        TestFiles.write(directory + "/notes.tmp", "mine")
        try layout.cli.ok(["--store", layout.real, "account", "use", "1"])
        #expect(TestFiles.list(directory).sorted() == ["config.json", "config.lock", "notes.tmp"])
    }

    @Test("`..` after a link goes to the parent of the link's target, as the kernel reads the path")
    func dotDotAfterLink() throws {
        let layout = try Layout()
        let x = layout.base + "/x"
        for path in [x, x + "/deep", x + "/deep/a", x + "/deep/a/b"] { mkdir(path, 0o700) }
        #expect(symlink("deep/a/b", x + "/lnk") == 0)
        let spelled = x + "/lnk/../real"
        #expect(SessionsEnvironment(variables: [:]).storeRoot(flag: spelled) == x + "/deep/a/real")
        try layout.cli.ok(["--store", spelled, "new", "--type", "ContextSpecSessions"])
        #expect(TestFiles.exists(x + "/deep/a/real/store.json"))
        #expect(!TestFiles.exists(x + "/real"))
        // Without links, `..` still folds as text, also past what does not exist yet.
        #expect(SessionsEnvironment(variables: [:]).storeRoot(flag: x + "/deep/a/b/../../c/new/../s") == x + "/deep/c/s")
    }
}
