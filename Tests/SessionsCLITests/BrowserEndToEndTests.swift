import Glibc
import SessionsKit
import Testing
import TestSupport

/// The real binary in a real terminal: tmux on a private socket, keys sent
/// as a user types them, the screen read back as a user sees it.
@Suite("Browser end to end", .serialized)
struct BrowserEndToEndTests {
    /// One tmux server and pane running a command, with a private home.
    final class Pane {
        let home = TemporaryDirectory("sessions-e2e")
        let socket = "sessions-e2e-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        var tmux: ProcessRunner
        let cli: ProcessRunner

        init() {
            let environment = ["HOME": home.path + "/home", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TZ": "UTC"]
            tmux = ProcessRunner(executable: "/usr/bin/tmux", environment: environment)
            cli = ProcessRunner(environment: environment)
        }

        deinit { _ = tmux.run(["-L", socket, "kill-server"]) }

        /// Starts `sessions` (with `arguments`) in a pane; afterwards its exit
        /// status and `stty -a` land in files, so restore can be checked.
        func start(_ arguments: String = "", width: Int = 120, height: Int = 40, term: String? = "tmux-256color",
                   environment: String = "") {
            let binary = ProcessRunner.sessionsBinary()
            let termSetting = term.map { "TERM='\($0)'" } ?? "unset TERM;"
            let script = "\(termSetting) export TERM 2>/dev/null; \(environment) '\(binary)' \(arguments) 2>'\(home.file("stderr"))'; "
                + "echo $? > '\(home.file("status"))'; stty -a > '\(home.file("stty"))'; sleep 600"
            let result = tmux.run(["-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "\(width)", "-y", "\(height)",
                                   "-e", "HOME=\(home.path)/home", "-e", "LANG=C.UTF-8", "-e", "TZ=UTC", "sh", "-c", script])
            #expect(result.status == 0, "tmux: \(result.stderr)")
        }

        var screen: String { tmux.run(["-L", socket, "capture-pane", "-p", "-t", "t"]).stdout }

        func keys(_ keys: String...) { _ = tmux.run(["-L", socket, "send-keys", "-t", "t"] + keys) }

        func resize(_ width: Int, _ height: Int) {
            _ = tmux.run(["-L", socket, "resize-window", "-t", "t", "-x", "\(width)", "-y", "\(height)"])
        }

        var title: String { tmux.run(["-L", socket, "display", "-p", "-t", "t", "#{pane_title}"]).stdout }

        /// Asks `probe` every 20 ms until it answers; returns the answer and
        /// the seconds it took, or nil after `timeout`.
        func poll<T>(timeout: Double, _ probe: () -> T?) -> (value: T, seconds: Double)? {
            let start = Timestamp.now()
            while true {
                let seconds = Double(Timestamp.now().microseconds - start.microseconds) / 1e6
                if let value = probe() { return (value, seconds) }
                if seconds > timeout { return nil }
                usleep(20_000)
            }
        }

        /// Polls the screen until `predicate` holds; returns the seconds it took, or nil.
        @discardableResult
        func waitFor(timeout: Double = 10, _ predicate: (String) -> Bool) -> Double? {
            poll(timeout: timeout) { predicate(screen) ? true : nil }?.seconds
        }

        @discardableResult
        func waitFor(_ text: String, timeout: Double = 10) -> Double? { waitFor(timeout: timeout) { $0.contains(text) } }

        func file(_ name: String) -> String? { TestFiles.readText(home.file(name)) }

        /// Waits for the program to exit; returns its status and `stty -a`.
        func exit(timeout: Double = 10) -> (status: String, stty: String)? {
            poll(timeout: timeout) { () -> (status: String, stty: String)? in
                guard let stty = file("stty"), !stty.isEmpty, let status = file("status") else { return nil }
                return (status.trimmingCharacters(), stty)
            }?.value
        }

        /// The browser's process id: the pane shell's child.
        var browserPID: pid_t? {
            let shell = tmux.run(["-L", socket, "display", "-p", "-t", "t", "#{pane_pid}"]).stdout.trimmingCharacters()
            let children = ProcessRunner(executable: "/usr/bin/pgrep", environment: [:]).run(["-P", shell]).stdout
            return children.split(separator: "\n").first.flatMap { pid_t(String($0)) }
        }

        func count(_ status: String) throws -> Int {
            let output = cli.run(["list", "--status", status, "--json"])
            guard case .array(let items) = try JSONParser.parse(output.stdout) else { return -1 }
            return items.count
        }

        func statusOf(_ id: Int) throws -> String? {
            let output = cli.run(["show", String(id), "--json"])
            return try JSONParser.parse(output.stdout).objectValue?["status"]?.stringValue
        }
    }

    static func saneTerminal(_ stty: String) -> Bool {
        stty.contains(" icanon") && !stty.contains("-icanon") && stty.contains(" echo ") && !stty.contains("-echo ")
    }

    @Test("counts, c and u through the model, timeline and pager, resize, live refresh, quit, sane terminal")
    func fullSession() throws {
        let pane = Pane()
        #expect(pane.cli.run(["demo", "--sessions", "40", "--interactions", "8"]).status == 0)
        let active = try pane.count("active"), complete = try pane.count("complete"), failed = try pane.count("failed")
        pane.start()
        #expect(pane.waitFor("Active (") != nil, "first frame:\n\(pane.screen)")
        let header = pane.screen.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.contains("Active (\(active))") && header.contains("Complete (\(complete))")
                && header.contains("Failed (\(failed))"), "header: \(header)")

        // The cursor starts on the most recently updated active session.
        let listed = pane.cli.run(["list", "--status", "active", "--json"]).stdout
        let first = try #require(try JSONParser.parse(listed).arrayValue?.first?.objectValue?["id"]?.intValue)
        pane.keys("c")
        #expect(pane.waitFor("#\(first) → complete (u: undo)") != nil, "\(pane.screen)")
        #expect(try pane.statusOf(first) == "complete")
        #expect(pane.waitFor("Active (\(active - 1))") != nil)
        pane.keys("u")
        #expect(pane.waitFor("#\(first) → active (undone)") != nil, "\(pane.screen)")
        #expect(try pane.statusOf(first) == "active")

        // Timeline, then one interaction's pager, then back.
        pane.keys("Enter")
        #expect(pane.waitFor("Timeline · ") != nil)
        pane.keys("g", "Enter")
        #expect(pane.waitFor("exit code") != nil, "\(pane.screen)")
        #expect(pane.waitFor("── stdout") != nil)
        pane.keys("Escape")
        pane.keys("Escape")
        #expect(pane.waitFor("Enter open") != nil, "\(pane.screen)")

        pane.resize(30, 8)
        #expect(pane.waitFor("Terminal too small") != nil, "\(pane.screen)")
        pane.resize(120, 40)
        #expect(pane.waitFor("Complete (") != nil, "\(pane.screen)")

        // A hook adds an interaction from outside; it shows within a second.
        let marker = "echo hook-\(Int.random(in: 1000..<9999))"
        #expect(pane.cli.run(["interaction", "add", String(first), "--module", "Bash", "--command", marker]).status == 0)
        let seen = pane.waitFor(marker, timeout: 5)
        #expect(seen != nil && seen! <= 1.0, "appeared after \(seen.map { "\($0)s" } ?? "never")")

        #expect(!pane.title.contains("PWNED"))
        pane.keys("q")
        let exit = try #require(pane.exit())
        #expect(exit.status == "0")
        #expect(Self.saneTerminal(exit.stty), "stty after q: \(exit.stty)")
    }

    @Test("a flash after a long idle stays up: the clock is read before the key is handled")
    func flashAfterIdle() throws {
        let pane = Pane()
        #expect(pane.cli.run(["new", "--type", "ClaudeCodeSessions"]).status == 0)
        pane.start()
        #expect(pane.waitFor("Active (1)") != nil, "\(pane.screen)")
        sleep(5)
        pane.keys("c")
        #expect(pane.waitFor("#1 → complete (u: undo)", timeout: 3) != nil, "\(pane.screen)")
        pane.keys("q")
    }

    @Test("SIGTERM, SIGINT and SIGHUP restore the terminal and end with the signal's status", arguments: [SIGTERM, SIGINT, SIGHUP])
    func signals(_ signal: Int32) throws {
        let pane = Pane()
        pane.start()
        #expect(pane.waitFor("No sessions yet.") != nil, "\(pane.screen)")
        let pid = try #require(pane.browserPID)
        kill(pid, signal)
        let exit = try #require(pane.exit())
        #expect(exit.status == String(128 + signal))
        #expect(Self.saneTerminal(exit.stty), "stty after signal \(signal): \(exit.stty)")
    }

    @Test("a crash restores the terminal before the crash report, then dies of its signal")
    func crash() throws {
        let pane = Pane()
        pane.start("", environment: "SESSIONS_TEST_CRASH=1 SWIFT_BACKTRACE=interactive=no")
        let exit = try #require(pane.exit())
        let status = Int32(exit.status) ?? 0
        #expect([128 + SIGILL, 128 + SIGTRAP, 128 + SIGABRT].contains(status), "status \(exit.status)")
        #expect(Self.saneTerminal(exit.stty), "stty after a crash: \(exit.stty)")
    }

    @Test("hostile terminals get a clear error pointing to `sessions list`", arguments: [
        ("dumb", "TERM=dumb cannot move the cursor"),
        ("no-such-terminal-x", "unknown terminal type \"no-such-terminal-x\""),
        (nil, "TERM is not set"),
    ] as [(String?, String)])
    func hostileTerminals(_ term: String?, _ message: String) throws {
        let pane = Pane()
        pane.start(term: term)
        let exit = try #require(pane.exit())
        #expect(exit.status == "1")
        let stderr = pane.file("stderr") ?? ""
        #expect(stderr.contains(message) && stderr.contains("sessions list"), "stderr: \(stderr)")
        #expect(Self.saneTerminal(exit.stty))
    }

    @Test("stdout that is not a terminal gets an error and exit 1, and no escape codes")
    func notATerminal() {
        let pane = Pane()
        let result = pane.cli.run([])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("needs a terminal") && result.stderr.contains("sessions list"))
    }
}

extension String {
    func trimmingCharacters() -> String {
        var view = Substring(self)
        while let last = view.last, last.isWhitespace { view.removeLast() }
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        return String(view)
    }
}
