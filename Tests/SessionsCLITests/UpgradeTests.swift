import Glibc
import Testing
@testable import SessionsKit
import TestSupport

/// Moving a format-1 store to format 2: by the first write, or all at once
/// with `doctor --upgrade`, killed at any instant.
@Suite("Store upgrade", .serialized)
struct UpgradeTests {
    /// Rewrites the store at `root` as the format-1 build leaves it: every
    /// session whole in its file, no logs, and format 1 in the journal, the
    /// index and the registry. The summaries and registries are the same in
    /// both formats; only the session files and the version numbers differ.
    static func makeFormatOne(_ root: String) throws {
        let store = try FileStore(root: root)
        try store.compact()
        for summary in try store.catalog().summaries {
            let session = try #require(try store.session(id: summary.id))
            TestFiles.write(root + "/" + StoreFormat.sessionFile(summary.id), SessionFile.encode(session))
            unlink(root + "/" + StoreFormat.logFile(summary.id))
        }
        for file in [StoreFormat.registryFile, StoreFormat.indexFile, StoreFormat.journalFile] {
            let text = try #require(TestFiles.readText(root + "/" + file))
            TestFiles.write(root + "/" + file, text.replacing("\"format\": 2,", with: "\"format\": 1,", maxReplacements: 1)
                .replacing("\"format\":2,", with: "\"format\":1,", maxReplacements: 1))
        }
    }

    /// The format each of the store's own files names.
    static func formats(_ root: String) -> [Int] {
        [StoreFormat.registryFile, StoreFormat.indexFile, StoreFormat.journalFile].map { file in
            let text = TestFiles.readText(root + "/" + file) ?? ""
            return text.contains("\"format\": 1") || text.contains("\"format\":1,") ? 1 : 2
        }
    }

    /// Session files kept whole, and split, and logs.
    static func layouts(_ root: String) -> (whole: Int, split: Int, logs: Int) {
        var whole = 0, split = 0, logs = 0
        for name in TestFiles.list(root + "/sessions") {
            if StoreFormat.sessionID(fromLogName: name) != nil { logs += 1; continue }
            guard let id = StoreFormat.sessionID(fromFileName: name) else { continue }
            let prefix = (try? StoredSession(root: root, id: id).filePrefix())??.bytes ?? []
            if SessionHeadFile.startsWithFormatMember(prefix) { split += 1 } else { whole += 1 }
        }
        return (whole, split, logs)
    }

    static func prepare(_ directory: TemporaryDirectory, sessions: Int) throws -> (ProcessRunner, String, [UInt8]) {
        let runner = ProcessTests.runner(directory)
        let original = directory.path + "/format-1"
        var demo = runner
        demo.environment["SESSIONS_HOME"] = original
        #expect(demo.run(["demo", "--sessions", "\(sessions)", "--interactions", "20", "--output-bytes", "1024"]).status == 0)
        try makeFormatOne(original)
        #expect(formats(original) == [1, 1, 1])
        #expect(layouts(original) == (sessions, 0, 0))
        let export = demo.run(["export"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(formats(original) == [1, 1, 1], "a read must not move the store to format 2")
        return (runner, original, Array(export.stdout.utf8))
    }

    static func fresh(_ original: String, at root: String) {
        removeTree(root)
        StoreCopies.copyTree(from: original, to: root)
        StoreCopies.adopt(root)
    }

    @Test("the first write moves a format-1 store to format 2 and splits only the session it writes")
    func firstWrite() throws {
        let directory = TemporaryDirectory("sessions-upgrade")
        let (runner, original, exported) = try Self.prepare(directory, sessions: 30)
        let root = directory.path + "/store"
        Self.fresh(original, at: root)
        #expect(runner.run(["list"]).status == 0)
        #expect(Self.formats(root) == [1, 1, 1])
        let added = runner.run(["interaction", "add", "7", "--module", "M", "--command", "make"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(Self.formats(root) == [2, 2, 2])
        #expect(Self.layouts(root) == (29, 1, 1))
        #expect(runner.run(["set-status", "7", "complete"]).status == 0)
        let session = try #require(try FileStore(root: root).session(id: 7))
        #expect(session.interactions.count == 21)
        #expect(session.status == .complete)
        // Every other session reads as before.
        let upgraded = try FileStore(root: root), before = try FileStore(root: original)
        for id in (1...30).map({ Session.ID($0) }) where id != 7 {
            #expect(try upgraded.session(id: id) == before.session(id: id))
        }
        #expect(!exported.isEmpty)
    }

    @Test("doctor --upgrade splits every session, and export prints the same bytes")
    func upgradeAll() throws {
        let directory = TemporaryDirectory("sessions-upgrade")
        let (runner, original, exported) = try Self.prepare(directory, sessions: 40)
        let root = directory.path + "/store"
        Self.fresh(original, at: root)
        let upgrade = runner.run(["doctor", "--upgrade"])
        #expect(upgrade.status == 0, "\(upgrade.stdout)\(upgrade.stderr)")
        #expect(upgrade.stdout.hasPrefix("Upgraded 40 sessions to format 2."))
        #expect(Self.formats(root) == [2, 2, 2])
        #expect(Self.layouts(root) == (0, 40, 40))
        #expect(Array(runner.run(["export"]).stdout.utf8) == exported)
        let again = runner.run(["doctor", "--upgrade"])
        #expect(again.stdout.hasPrefix("Upgraded 0 sessions to format 2; 40 already were."), "\(again.stdout)")
    }

    /// `SESSIONS_UPGRADE_KILLS` and `SESSIONS_UPGRADE_SESSIONS` make it the
    /// full run `docs/RELIABILITY.md` reports (100 kills of the L store), and
    /// `SESSIONS_TEST_BINARY` a release build for it: `scripts/upgrade-kill`.
    @Test("doctor --upgrade killed at random instants: each time a format-1 or format-2 store that exports the same bytes")
    func killedUpgrade() throws {
        func setting(_ name: String, _ otherwise: Int) -> Int { getenv(name).flatMap { Int(String(cString: $0)) } ?? otherwise }
        let kills = setting("SESSIONS_UPGRADE_KILLS", 30), sessions = setting("SESSIONS_UPGRADE_SESSIONS", 300)
        let directory = TemporaryDirectory("sessions-upgrade-kill")
        let (runner, original, exported) = try Self.prepare(directory, sessions: sessions)
        let root = directory.path + "/store"

        // How long an upgrade takes here; each kill comes at a random instant of it.
        var spans: [Int] = []
        for _ in 0..<3 {
            Self.fresh(original, at: root)
            let start = Timestamp.now()
            #expect(runner.run(["doctor", "--upgrade"]).status == 0)
            spans.append(Int(Timestamp.now().microseconds - start.microseconds))
        }
        let span = spans.sorted()[1]
        let seed = UInt64(Timestamp.now().microseconds)
        var rng = SplitMix64(seed: seed)
        var asFormatOne = 0, asFormatTwo = 0, partlySplit = 0, finished = 0, different = 0, unhealthy = 0
        for _ in 0..<kills {
            Self.fresh(original, at: root)
            let child = runner.start(["doctor", "--upgrade"])
            usleep(UInt32(rng.int(in: 0...span)))
            child.kill(SIGKILL)
            if child.wait().status == 0 { finished += 1 }
            let formats = Self.formats(root)
            let layouts = Self.layouts(root)
            if formats == [1, 1, 1] {
                // Still format 1 throughout: as the format-1 build left it.
                asFormatOne += 1
                #expect(layouts == (sessions, 0, 0))
            } else {
                asFormatTwo += 1
                if layouts.whole > 0 && layouts.split > 0 { partlySplit += 1 }
            }
            let export = runner.run(["export"])
            if export.status != 0 || Array(export.stdout.utf8) != exported { different += 1 }
            if runner.run(["doctor"]).status != 0 { unhealthy += 1 }
        }
        #expect(different == 0)
        #expect(unhealthy == 0)
        #expect(asFormatOne + asFormatTwo == kills)
        print("upgrade kill -9 (seed \(seed)): \(kills) upgrades of \(sessions) sessions killed at random instants of \(span / 1000) ms; "
            + "\(asFormatOne) left at format 1, \(asFormatTwo) at format 2 (\(partlySplit) partly split, \(finished) finished first); "
            + "\(different) exports differed; \(unhealthy) unhealthy")
    }
}
