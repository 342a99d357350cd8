import Glibc
@testable import SessionsKit
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

        /// `kill-server` alone may leave the server waiting on its panes: a
        /// shell started with SIGHUP ignored (as under a runner that ignores it)
        /// never dies of the hang-up. Each pane's shell leads its own process
        /// group, so killing the group ends the pane, and then the server.
        deinit {
            let panes = tmux.run(["-L", socket, "list-panes", "-a", "-F", "#{pane_pid}"]).stdout
            for pid in panes.split(separator: "\n").compactMap({ pid_t(String($0)) }) where pid > 1 { kill(-pid, SIGKILL) }
            _ = tmux.run(["-L", socket, "kill-server"])
        }

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

    @Test("keys answer while a session is still being read, and its timeline shows when the read is done")
    func keysAnswerDuringLoad() throws {
        let pane = Pane()
        #expect(pane.cli.run(["demo", "--sessions", "6", "--interactions", "3"]).status == 0)
        // Every read takes two seconds, as reading a 100,000-interaction session does.
        pane.start(environment: "SESSIONS_TEST_LOAD_DELAY_MS=2000")
        #expect(pane.waitFor("Loading #") != nil, "\(pane.screen)")
        let before = Timestamp.now()
        pane.keys("?")
        let answered = pane.waitFor(timeout: 5) { $0.contains(" Keys ") }
        let seconds = Double(Timestamp.now().microseconds - before.microseconds) / 1e6
        #expect(answered != nil, "\(pane.screen)")
        // Answered well before the read it would have waited behind.
        #expect(seconds < 1.5, "help took \(seconds) s to show")
        #expect(pane.screen.contains("Loading #") || !pane.screen.contains("Timeline ·"))
        pane.keys("Escape")
        #expect(pane.waitFor("Timeline · 3 interactions", timeout: 10) != nil, "\(pane.screen)")
        pane.keys("q")
        #expect(pane.exit()?.status == "0")
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

    @Test("marks: three marked and f, all failed on disk; u, all restored; two marked and D with y, both gone")
    func marks() throws {
        let pane = Pane()
        #expect(pane.cli.run(["demo", "--sessions", "30", "--interactions", "2"]).status == 0)
        let listed = try JSONParser.parse(pane.cli.run(["list", "--status", "active", "--json"]).stdout).arrayValue ?? []
        let active = listed.compactMap { $0.objectValue?["id"]?.intValue }
        try #require(active.count >= 5, "the demo store has active sessions to mark")
        pane.start()
        #expect(pane.waitFor("Active (\(active.count))") != nil, "first frame:\n\(pane.screen)")
        // On Active the most recently active session is first; Space marks it and moves down.
        pane.keys("1", "Space", "Space", "Space")
        #expect(pane.waitFor("3 marked") != nil, "\(pane.screen)")
        let marked = Array(active.prefix(3))
        pane.keys("f")
        #expect(pane.waitFor("3 sessions → failed (u: undo)") != nil, "\(pane.screen)")
        for id in marked { #expect(try pane.statusOf(id) == "failed", "#\(id) on disk") }
        #expect(try pane.statusOf(active[3]) == "active", "an unmarked session is left alone")
        pane.keys("u")
        #expect(pane.waitFor("3 sessions → active (undone)") != nil, "\(pane.screen)")
        for id in marked { #expect(try pane.statusOf(id) == "active", "#\(id) restored on disk") }
        #expect(pane.waitFor("Active (\(active.count))") != nil)

        pane.keys("Escape")
        #expect(pane.waitFor { !$0.contains("marked") } != nil, "Esc clears the marks:\n\(pane.screen)")
        // The order `list` gives, which the browser shows: by activity, which the status changes did not move.
        let reordered = try JSONParser.parse(pane.cli.run(["list", "--status", "active", "--json"]).stdout).arrayValue?
            .compactMap { $0.objectValue?["id"]?.intValue } ?? []
        pane.keys("g", "Space", "Space", "D")
        #expect(pane.waitFor("Delete 2 sessions and their") != nil, "\(pane.screen)")
        pane.keys("y")
        #expect(pane.waitFor("2 sessions deleted") != nil, "\(pane.screen)")
        let remaining = try JSONParser.parse(pane.cli.run(["list", "--json"]).stdout).arrayValue?.compactMap { $0.objectValue?["id"]?.intValue } ?? []
        let deleted = Set(reordered.prefix(2)).intersection(remaining)
        #expect(deleted.isEmpty, "still listed: \(deleted)")
        #expect(remaining.count == 28)
        pane.keys("q")
        #expect(pane.exit()?.status == "0")
    }

    /// Every sequence from the known attacks on terminal programs, in one string.
    static let attack = "\u{1B}]0;PWNED0\u{07}\u{1B}]2;PWNED2\u{1B}\\\u{1B}]8;;https://example.invalid/x\u{1B}\\link\u{1B}]8;;\u{1B}\\"
        + "\u{1B}]52;c;cm0gLXJmIH4=\u{07}\u{1B}[2J\u{1B}[H\u{1B}[10;10Hmoved bare\rCR \u{9B}31m C1 \u{202E}evil"

    @Test("escape attacks in the list, timeline, pager and CLI output leave the title, clipboard and screen alone")
    func escapeAttacks() throws {
        let pane = Pane()
        let attack = Self.attack
        #expect(pane.cli.run(["new", "--type", "ContextSpecSessions",
                              "--state", JSONWriter.string(.object(JSONObject([attack: .string(attack)])))]).status == 0)
        let added = pane.cli.run(["interaction", "add", "1", "--module", attack, "--command", attack, "--step", attack])
        #expect(added.status == 0)
        let interaction = added.stdout.trimmingCharacters()
        #expect(pane.cli.run(["interaction", "complete", "1", interaction, "--status", "error", "--stdout", attack + "\n" + attack,
                              "--stderr", attack, "--error-message", attack]).status == 0)
        pane.start()
        // OSC 52 reaches tmux's paste buffers only when clipboard writes are allowed: allow them, to see none arrive.
        _ = pane.tmux.run(["-L", pane.socket, "set-option", "-g", "set-clipboard", "on"])
        #expect(pane.waitFor("Active (") != nil, "first frame:\n\(pane.screen)")
        let title = pane.title
        func untouched(_ place: String) {
            #expect(!pane.title.contains("PWNED"), "\(place): title \(pane.title)")
            #expect(pane.title == title, "\(place): title \(pane.title)")
            let buffers = pane.tmux.run(["-L", pane.socket, "list-buffers"]).stdout
            #expect(buffers.isEmpty, "\(place): paste buffers \(buffers)")
            let screen = pane.screen
            // Nothing cleared the screen or moved the cursor: the header is still the first line.
            #expect(screen.split(separator: "\n").first?.contains("sessions") == true, "\(place):\n\(screen)")
            #expect(!screen.contains("\u{202E}") && !screen.contains("\u{1B}"), "\(place):\n\(screen)")
        }
        #expect(pane.waitFor("␛]0;PWNED0␇") != nil, "list:\n\(pane.screen)")
        untouched("list")
        pane.keys("Enter")
        #expect(pane.waitFor("Timeline · ") != nil, "\(pane.screen)")
        #expect(pane.waitFor("␛]0;PWNED0␇␛]2;PWNED2") != nil, "timeline:\n\(pane.screen)")
        untouched("timeline")
        pane.keys("g", "Enter")
        #expect(pane.waitFor("── stdout") != nil, "pager:\n\(pane.screen)")
        #expect(pane.waitFor("<U+009B>31m C1 <U+202E>evil") != nil, "pager:\n\(pane.screen)")
        untouched("pager")
        pane.keys("Escape")
        pane.keys("Escape")
        pane.keys("q")
        #expect(pane.exit() != nil)

        // The CLI's human output, printed to the same terminal.
        _ = pane.tmux.run(["-L", pane.socket, "new-window", "-t", "t", "sh", "-c",
                           "'\(ProcessRunner.sessionsBinary())' show 1 --full; '\(ProcessRunner.sessionsBinary())' list; sleep 600"])
        // Two processes start and print here; on a machine busy with the rest of the suite
        // (eight writers spawning processes, say) that can take more than the usual wait.
        #expect(pane.waitFor("␛[10;10Hmoved bare␍CR", timeout: 30) != nil, "show:\n\(pane.screen)")
        #expect(pane.title != "" && !pane.title.contains("PWNED"), "title \(pane.title)")
        #expect(pane.tmux.run(["-L", pane.socket, "list-buffers"]).stdout.isEmpty)
        #expect(!pane.screen.contains("\u{202E}"))

        // The control: the same bytes printed raw do retitle the pane and write a
        // paste buffer here, so the checks above could have seen an escape.
        TestFiles.write(pane.home.file("raw"), Array(attack.utf8))
        let control = pane.tmux.run(["-L", pane.socket, "new-window", "-t", "t", "sh", "-c", "cat '\(pane.home.file("raw"))'; sleep 600"])
        #expect(control.status == 0, "new-window: \(control.stderr)")
        let windows = { pane.tmux.run(["-L", pane.socket, "list-windows", "-a", "-F", "#{window_index} #{pane_title} #{pane_dead}"]) }
        #expect(pane.poll(timeout: 10) { pane.title.contains("PWNED") ? true : nil } != nil,
                "raw bytes did not retitle: \(pane.title); windows: \(windows().stdout) \(windows().stderr)\n\(pane.screen)")
        #expect(pane.poll(timeout: 10) { pane.tmux.run(["-L", pane.socket, "list-buffers"]).stdout.isEmpty ? nil : true } != nil)
    }

    @Test("another process holding the store: the footer names it, keys still work, and the change lands once it lets go")
    func lockedStore() throws {
        let pane = Pane()
        #expect(pane.cli.run(["new", "--type", "ClaudeCodeSessions"]).status == 0)
        pane.start()
        #expect(pane.waitFor("Active (1)") != nil, "\(pane.screen)")
        let root = pane.home.path + "/home/.local/share/sessions"
        var held: StoreLock? = try StoreLock(path: root + "/lock", mode: .exclusive, holder: "sessions import claude-code")
        pane.keys("c")
        let line = "waiting for the store, locked by pid \(getpid()) (sessions import claude-code)"
        let shown = pane.waitFor(line, timeout: 10)
        #expect((shown ?? 0) >= 0.9, "the footer waits a second before it says so:\n\(pane.screen)")
        pane.keys("?")
        let help = pane.waitFor("─ Keys ─", timeout: 3)
        #expect(help != nil, "help opens while the write waits:\n\(pane.screen)")
        pane.keys("Escape")
        _ = held
        held = nil
        let landed = pane.waitFor("#1 → complete (u: undo)", timeout: 5)
        #expect(landed != nil, "\(pane.screen)")
        #expect(!pane.screen.contains("waiting for the store"))
        #expect(pane.waitFor("Complete (1)") != nil, "\(pane.screen)")
        pane.keys("q")
        #expect(pane.exit()?.status == "0")
        func ms(_ seconds: Double?) -> Int { Int((seconds ?? -1) * 1000) }
        print("browser wait: the store held by another process; the footer said so after \(ms(shown)) ms, "
              + "help opened in \(ms(help)) ms meanwhile, and the status change landed \(ms(landed)) ms after the lock was let go")
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
