import Glibc
import Testing
@testable import SessionsKit
import TestSupport

/// Symbolic links where the store, its files or the config file should be.
/// Every write path runs against each: it must refuse with one clear error,
/// or (for the user's own files: the config file and an export target)
/// follow the link and replace what it points to. Either way the link is
/// still the same link to the same target afterwards: a rename onto a link
/// replaces the link, and no path may do that.
@Suite("Filesystem faults: symbolic links", .serialized)
struct SymlinkTests {
    /// A scratch directory with a template home built at `home`, the path commands see.
    final class Setup {
        let scratch = TemporaryDirectory("sessions-links")
        let home: String
        let template: String
        let inputs: FaultScenarios.Inputs
        let paths: [FaultScenarios.WritePath]

        init() throws {
            home = scratch.path + "/home"
            template = scratch.path + "/template"
            let runner = ProcessRunner(environment: FaultScenarios.environment(home: home))
            inputs = try FaultScenarios.writeInputs(in: scratch.path + "/inputs", runner: runner)
            mkdir(home, 0o700)
            let pending = try FaultScenarios.populate(home: home, runner: runner)
            paths = FaultScenarios.writePaths(home: home, pending: pending, inputs: inputs)
            // The export target exists already, so that a link can stand in for it.
            #expect(runner.run(["export", "-o", home + "/export.json"]).status == 0)
            try #require(rename(home, template) == 0)
        }

        /// A fresh copy of the template at `home`.
        func reset() throws {
            removeTree(home)
            let copy = ProcessRunner(executable: "/bin/cp", environment: [:]).run(["-a", template, home])
            try #require(copy.status == 0, "\(copy.stderr)")
            StoreCopies.adopt(home + "/store")
        }

        func run(_ path: FaultScenarios.WritePath) -> ProcessRunner.Output {
            ProcessRunner(environment: FaultScenarios.environment(home: home)).run(path.arguments, stdin: path.stdin)
        }
    }

    static func readLink(_ path: String) -> String? { TestFiles.linkTarget(path) }

    static func isClear(_ output: ProcessRunner.Output, naming path: String, saying reason: String) -> Bool {
        FaultScenarios.isClearError(status: output.status, stderr: output.stderr, naming: path, saying: reason)
    }

    struct Tally {
        var runs = 0
        var refused = 0
        var followed = 0
        var untouched = 0
        var hookUnrecorded = 0
        var linksReplaced = 0
        var targetsChanged = 0
    }

    static func inode(_ path: String) -> UInt64? {
        var info = stat()
        return lstat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    /// Where a link may stand inside a home, and what each write path must do with it.
    struct Location: CustomStringConvertible {
        var relative: String
        /// Write paths that may succeed because they never touch this file.
        var mayIgnore: Set<String> = []
        /// Write paths that write through the link, as documented.
        var follows: Set<String> = []
        var description: String { relative }
    }

    static let everyPath: Set<String> = ["new", "set-status", "interaction add", "interaction complete", "import claude-code",
                                         "import codemyspec", "hook", "delete", "account add", "project add", "account use",
                                         "export -o"]

    static let locations: [Location] = [
        Location(relative: "store/store.json"),
        Location(relative: "store/index.jsonl"),
        Location(relative: "store/journal.jsonl"),
        Location(relative: "store/lock"),
        Location(relative: "store/sessions"),
        Location(relative: "store/tmp"),
        Location(relative: "store/sessions/1.json",
                 mayIgnore: everyPath.subtracting(["set-status", "interaction add", "interaction complete"])),
        Location(relative: "store/hook.log", mayIgnore: everyPath),
        Location(relative: "config/sessions/config.json", mayIgnore: everyPath, follows: ["account use"]),
        Location(relative: "export.json", mayIgnore: everyPath, follows: ["export -o"]),
    ]

    @Test("a link at any file or directory inside the store, or at the config file, is refused or followed, never replaced")
    func linksInside() throws {
        let setup = try Setup()
        var tally = Tally()
        for location in Self.locations {
            for path in setup.paths {
                try setup.reset()
                let entry = setup.home + "/" + location.relative
                // The link points at a copy of what was there, outside the home.
                let target = setup.scratch.path + "/target-" + location.relative.replacing("/", with: "-")
                removeTree(target)
                if TestFiles.exists(entry) {
                    let moved = ProcessRunner(executable: "/bin/cp", environment: [:]).run(["-a", entry, target])
                    try #require(moved.status == 0)
                    removeTree(entry)
                } else {
                    TestFiles.write(target, "earlier: problem\n")
                }
                try #require(symlink(target, entry) == 0)
                let before = TestFiles.snapshot(setup.home)
                let targetBefore = TestFiles.snapshot(target).isEmpty ? ["": TestFiles.read(target) ?? []] : TestFiles.snapshot(target)
                let inodeBefore = Self.inode(target)
                let result = setup.run(path)
                tally.runs += 1
                let kept = Self.readLink(entry) == target
                #expect(kept, "\(location) after \(path): the link was replaced")
                if !kept { tally.linksReplaced += 1 }
                let targetAfter = TestFiles.snapshot(target).isEmpty ? ["": TestFiles.read(target) ?? []] : TestFiles.snapshot(target)
                if location.follows.contains(path.name) {
                    #expect(result.status == 0, "\(location) after \(path): \(result.stderr)")
                    #expect(try path.landed(setup.home, setup.home, result.stdout), "\(location) after \(path)")
                    // Replaced whole, by a rename beside it (an export of an unchanged store has the same bytes).
                    #expect(Self.inode(target) != inodeBefore, "\(location) after \(path): the target was not replaced")
                    #expect(TestFiles.mode(target) == 0o600)
                    tally.followed += 1
                    continue
                }
                #expect(targetAfter == targetBefore, "\(location) after \(path): the link's target changed")
                if targetAfter != targetBefore { tally.targetsChanged += 1 }
                if path.isHook {
                    // The hook never fails; what it could not record is simply not there.
                    #expect(result.status == 0 && result.stderr.isEmpty)
                    let landed = (try? path.landed(setup.home, setup.home, result.stdout)) ?? false
                    if landed { tally.untouched += 1 } else { tally.hookUnrecorded += 1 }
                    continue
                }
                if result.status == 0 && location.mayIgnore.contains(path.name) {
                    tally.untouched += 1
                    continue
                }
                #expect(Self.isClear(result, naming: entry, saying: "symbolic link"), "\(location) after \(path): \(result.stderr)")
                #expect(FaultScenarios.differences(before, TestFiles.snapshot(setup.home)).isEmpty, "\(location) after \(path)")
                tally.refused += 1
            }
        }
        #expect(tally.refused + tally.followed + tally.untouched + tally.hookUnrecorded == tally.runs)
        print("symlinks inside: \(tally.runs) runs (\(Self.locations.count) link locations x \(setup.paths.count) write paths); "
            + "\(tally.refused) refused with a clear error, \(tally.followed) followed as documented, "
            + "\(tally.untouched) succeeded without touching the link, \(tally.hookUnrecorded) hook runs recorded nothing "
            + "(exit 0, as always); \(tally.linksReplaced) links replaced, "
            + "\(tally.targetsChanged) link targets changed")
    }

    @Test("a store path that is a dangling link, a link to a file, a loop, or a link to an unsafe directory is refused")
    func storePathLinks() throws {
        let setup = try Setup()
        var tally = Tally()
        let isRoot = geteuid() == 0
        struct Case {
            var name: String
            var reason: String
            /// Makes the link at `store` (and whatever it points to) under `scratch`; returns the target.
            var make: (_ store: String, _ scratch: String) -> String
        }
        var cases = [
            Case(name: "dangling", reason: "which does not exist") { store, scratch in
                symlink(scratch + "/nowhere/store", store)
                return scratch + "/nowhere/store"
            },
            Case(name: "to a file", reason: "not a directory") { store, scratch in
                TestFiles.write(scratch + "/plain", "keep me\n")
                symlink(scratch + "/plain", store)
                return scratch + "/plain"
            },
            Case(name: "loop", reason: "loop") { store, _ in
                symlink(store + ".b", store)
                symlink(store, store + ".b")
                return store + ".b"
            },
            Case(name: "to a group-writable directory", reason: "writable by its group") { store, scratch in
                mkdir(scratch + "/shared", 0o770)
                chmod(scratch + "/shared", 0o770)
                symlink(scratch + "/shared", store)
                return scratch + "/shared"
            },
        ]
        if isRoot {
            cases.append(Case(name: "to a directory owned by another user", reason: "owned by uid 65534") { store, scratch in
                mkdir(scratch + "/foreign", 0o700)
                chown(scratch + "/foreign", 65_534, 65_534)
                symlink(scratch + "/foreign", store)
                return scratch + "/foreign"
            })
        }
        for item in cases {
            for path in setup.paths + [FaultScenarios.WritePath(name: "list", arguments: ["list"]) { _, _, _ in true }] {
                try setup.reset()
                let scratch = setup.scratch.path + "/case"
                removeTree(scratch)
                mkdir(scratch, 0o700)
                let store = setup.home + "/store"
                removeTree(store)
                let target = item.make(store, scratch)
                let before = TestFiles.snapshot(scratch)
                let homeBefore = TestFiles.snapshot(setup.home)
                let result = setup.run(path)
                tally.runs += 1
                let kept = Self.readLink(store) == target
                #expect(kept, "\(item.name), \(path): the link was replaced")
                if !kept { tally.linksReplaced += 1 }
                let untouched = TestFiles.snapshot(scratch) == before
                #expect(untouched, "\(item.name), \(path): something was created through the link")
                if !untouched { tally.targetsChanged += 1 }
                #expect(FaultScenarios.differences(homeBefore, TestFiles.snapshot(setup.home)).isEmpty, "\(item.name), \(path)")
                if path.isHook {
                    // Nothing recorded and, as checked above, nothing written anywhere.
                    #expect(result.status == 0 && result.stderr.isEmpty)
                    tally.untouched += 1
                } else {
                    #expect(Self.isClear(result, naming: store, saying: item.reason), "\(item.name), \(path): \(result.stderr)")
                    tally.refused += 1
                }
            }
        }
        print("symlinks at the store path: \(tally.runs) runs (\(cases.count) kinds of link x \(setup.paths.count + 1) commands); "
            + "\(tally.refused) refused with a clear error, \(tally.untouched) hook runs silent with nothing written, "
            + "\(tally.linksReplaced) links replaced, \(tally.targetsChanged) targets created or changed")
    }
}
