import Glibc
import Testing
@testable import SessionsKit
import TestSupport

/// `export --output` stopped part way. Its temp file (`.out.json.PID.tmp`,
/// beside the target) holds command output, so nothing may leave it behind:
/// SIGINT, SIGTERM and SIGHUP remove it before the process dies of them, and
/// what a SIGKILL left is removed by the next export to the same target, but
/// never a file whose writer is still alive, nor another target's.
///
/// Each export is stopped (SIGSTOP) once its temp file has data, so the
/// signal lands mid-write every time; then it is signalled and continued.
@Suite("Process faults: interrupted exports", .serialized)
struct InterruptedExportTests {
    final class Home: Sendable {
        let directory = TemporaryDirectory("sessions-export-signal")
        var home: String { directory.path + "/home" }
        var out: String { directory.path + "/out" }
        var target: String { out + "/out.json" }
        var environment: [String: String] { FaultScenarios.environment(home: home) }

        init() throws {
            mkdir(home, 0o700)
            mkdir(out, 0o700)
            // An 8.6 MB export: long enough to stop part way.
            let demo = ProcessRunner(environment: environment).run(["demo", "--sessions", "100", "--interactions", "10",
                                                                    "--output-bytes", "8000"])
            try #require(demo.status == 0, "\(demo.stderr)")
        }

        var temps: [String] { TestFiles.list(out).filter { $0.hasPrefix(".out.json.") && $0.hasSuffix(".tmp") } }

        func start() -> ProcessRunner.Child {
            ProcessRunner(environment: environment).start(["export", "--output", target])
        }

        /// Waits until the export's temp file holds 64 KiB, then stops the export there.
        func stopMidWrite(_ child: ProcessRunner.Child) throws -> Int {
            let temp = out + "/.out.json.\(child.pid).tmp"
            for _ in 0..<20_000 {
                var info = stat()
                if stat(temp, &info) == 0 && info.st_size >= 64 * 1024 {
                    child.kill(SIGSTOP)
                    return Int(info.st_size)
                }
                usleep(500)
            }
            throw HarnessFailure("the export's temp file never appeared")
        }
    }

    @Test("SIGINT, SIGTERM and SIGHUP mid-write: the export dies of the signal, its temp file is gone, the target unchanged")
    func politeSignals() throws {
        let home = try Home()
        TestFiles.write(home.target, "the old backup\n")
        var cleaned = 0
        var sizes: [Int] = []
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            let child = home.start()
            sizes.append(try home.stopMidWrite(child))
            #expect(home.temps.count == 1)
            child.kill(signal)
            child.kill(SIGCONT)
            let result = child.wait()
            #expect(result.signal == signal, "signal \(signal): status \(result.status), signal \(result.signal ?? 0), \(result.stderr)")
            #expect(home.temps.isEmpty, "signal \(signal) left \(home.temps)")
            #expect(TestFiles.readText(home.target) == "the old backup\n")
            if home.temps.isEmpty && result.signal == signal { cleaned += 1 }
        }
        print("interrupted exports: SIGINT, SIGTERM and SIGHUP each mid-write (temp files of \(sizes.map { "\($0 / 1024) KiB" }.joined(separator: ", "))): "
            + "\(cleaned) of 3 died of their signal with the temp file removed and the old target kept")
    }

    @Test("after a SIGKILL the next export removes what it left, and only that")
    func killedExport() throws {
        let home = try Home()
        let child = home.start()
        let size = try home.stopMidWrite(child)
        child.kill(SIGKILL)
        _ = child.wait()
        let abandoned = try #require(home.temps.first)
        // Beside it: a file whose lock a live process holds (though the pid
        // in its name is gone), a file named after a live process, and
        // another target's leftover.
        let gone = ProcessRunner(executable: "/bin/true", environment: [:]).start([])
        _ = gone.wait()
        let lockedName = ".out.json.\(gone.pid).tmp"
        TestFiles.write(home.out + "/" + lockedName, "locked\n")
        let holder = ProcessRunner(executable: "/bin/sh", environment: ["PATH": "/usr/bin:/bin"])
            .start(["-c", "exec 3<\"$0\"; flock -x 3; exec sleep 30", home.out + "/" + lockedName])
        try Self.waitUntilLocked(home.out + "/" + lockedName)
        let sleeper = ProcessRunner(executable: "/bin/sleep", environment: [:]).start(["30"])
        let liveName = ".out.json.\(sleeper.pid).tmp"
        TestFiles.write(home.out + "/" + liveName, "live\n")
        let otherName = ".other.json.\(child.pid).tmp"
        TestFiles.write(home.out + "/" + otherName, "another target's\n")
        defer {
            holder.kill()
            sleeper.kill()
            _ = holder.wait()
            _ = sleeper.wait()
        }
        let again = ProcessRunner(environment: home.environment).run(["export", "--output", home.target])
        #expect(again.status == 0, "\(again.stderr)")
        let left = TestFiles.list(home.out)
        #expect(!left.contains(abandoned), "the killed export's \(abandoned) is still there")
        #expect(left.contains(liveName) && left.contains(otherName), "\(left)")
        #expect(left.contains(lockedName), "a file whose lock is held was removed: \(left)")
        #expect(left.filter { $0.hasSuffix(".tmp") }.count == 3, "\(left)")
        print("interrupted exports: SIGKILL mid-write left \(abandoned.replacing(String(child.pid), with: "PID")) (\(size / 1024) KiB); "
            + "the next export removed it (\(left.contains(abandoned) ? 0 : 1) removed) and kept a locked one, a live pid's "
            + "and another target's (\(left.filter { $0.hasSuffix(".tmp") }.count) kept)")
    }

    static func waitUntilLocked(_ path: String) throws {
        for _ in 0..<10_000 {
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            if fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0 { return }
            if fd >= 0 { flock(fd, LOCK_UN) }
            usleep(1_000)
        }
        throw HarnessFailure("the lock on \(path) was never taken")
    }
}
