import Glibc
import SessionsKit
import Synchronization
import Testing
import TestSupport

/// The browser, three command-line writers and a stream of hook events on one
/// store at once, for a minute, the way a busy user's machine runs them. Every
/// change any of them acknowledged must be there at the end.
@Suite("Racing writers", .serialized)
struct RaceTests {
    static let seconds = 60.0

    /// What one command-line writer was told succeeded, and what failed.
    struct Tally: Sendable {
        var appended: [(session: Int, id: String)] = []
        var statuses: [Int: SessionStatus] = [:]
        var created: [Int] = []
        var statusChanges = 0
        var failures: [String] = []
    }

    @Test("a browser, 3 CLI writers and a hook stream for 60 s lose nothing")
    func browserWritersAndHooks() throws {
        let pane = BrowserEndToEndTests.Pane()
        let cli = pane.cli
        let sessions = 40
        for _ in 0..<sessions { #expect(cli.run(["new", "--type", "ComponentCodingSessions"]).status == 0) }
        // A second account, so the browser's counts also show that its work never leaks in.
        #expect(cli.run(["account", "add", "other"]).status == 0)
        let conversation = "66666666-6666-4666-8666-666666666666"
        @Sendable func hookEvent(_ name: String, _ extra: String = "") -> [UInt8] {
            Array(#"{"session_id":"\#(conversation)","transcript_path":"/t/\#(conversation).jsonl","cwd":"/w/app","hook_event_name":"\#(name)"\#(extra)}"#.utf8)
        }
        #expect(cli.run(["hook", "claude-code"], stdin: hookEvent("SessionStart")).status == 0)

        pane.start()
        #expect(pane.waitFor("Active (") != nil, "first frame:\n\(pane.screen)")

        let shared = Shared()
        let writers: [@Sendable () -> Void] = [
            // Two writers append to the first account's sessions.
            { Self.appendLoop(cli, writer: 0, sessions: sessions, shared: shared) },
            { Self.appendLoop(cli, writer: 1, sessions: sessions, shared: shared) },
            // The third creates sessions in the other account and flips their statuses.
            {
                var rng = SplitMix64(seed: 3)
                var tally = Tally()
                while !shared.stop.load(ordering: .relaxed) {
                    if tally.created.count < 5 || rng.int(in: 0...3) == 0 {
                        let result = cli.run(["--account", "2", "new", "--type", "ContextSpecSessions"])
                        if result.status == 0, let id = Int(result.stdout.trimmingCharacters()) {
                            tally.created.append(id)
                            tally.statuses[id] = .active
                        } else {
                            tally.failures.append(result.stderr)
                        }
                    } else {
                        let id = rng.pick(tally.created), status = rng.pick(SessionStatus.allCases)
                        let result = cli.run(["--account", "2", "set-status", String(id), status.rawValue])
                        if result.status == 0 {
                            tally.statuses[id] = status
                            tally.statusChanges += 1
                        } else {
                            tally.failures.append(result.stderr)
                        }
                    }
                }
                shared.tallies.withLock { $0[2] = tally }
            },
            // Claude Code's hooks: a call starts, then finishes, over and over.
            {
                var call = 0
                while !shared.stop.load(ordering: .relaxed) {
                    call += 1
                    let input = #","tool_name":"Bash","tool_input":{"command":"echo \#(call)"},"tool_use_id":"toolu_\#(call)""#
                    for event in [hookEvent("PreToolUse", input),
                                  hookEvent("PostToolUse", input + #","tool_response":{"stdout":"\#(call)","stderr":""}"#)] {
                        let result = cli.run(["hook", "claude-code"], stdin: event)
                        if result.status != 0 || !result.stdout.isEmpty { shared.hookFailures.add(1, ordering: .relaxed) }
                    }
                    shared.hookCalls.store(call, ordering: .relaxed)
                }
            },
        ]
        let background = startThreads(writers)

        // The browser: in a random section, mark the selected session with a
        // status it does not have, and wait for the flash that acknowledges it.
        var rng = SplitMix64(seed: 7)
        var browserStatuses: [Int: SessionStatus] = [:]
        var browserHistory: [Int: [String]] = [:]
        var browserChanges = 0, browserMissed = 0
        var browserLatencies: [Double] = []
        var lastFlash = ""
        let sections: [(key: String, status: SessionStatus, title: String)] = [
            ("1", .active, "Active"), ("2", .complete, "Complete"), ("3", .failed, "Failed"),
        ]
        let start = Timestamp.now()
        while Double(Timestamp.now().microseconds - start.microseconds) / 1e6 < Self.seconds {
            let section = rng.pick(sections)
            let header = pane.screen.split(separator: "\n").first.map(String.init) ?? ""
            guard Self.count(section.title, in: header).map({ $0 > 0 }) == true else { continue }
            let target = rng.pick(SessionStatus.allCases.filter { $0 != section.status })
            pane.keys(section.key)
            pane.keys(["complete": "c", "failed": "f", "active": "a"][target.rawValue]!)
            let flash = pane.poll(timeout: 10) { () -> (Int, SessionStatus)? in
                guard let found = Self.flash(in: pane.screen), found.text != lastFlash, found.status == target else { return nil }
                lastFlash = found.text
                return (found.id, found.status)
            }
            guard let (id, status) = flash?.value else {
                // The hooked conversation going on can take the section's only session away
                // between reading the header and the key: nothing was selected to mark.
                let now = pane.screen.split(separator: "\n").first.map(String.init) ?? ""
                if Self.count(section.title, in: now) == 0 { continue }
                browserMissed += 1
                print("race: no flash after \(section.key) then \(target.rawValue):\n\(pane.screen)")
                continue
            }
            browserStatuses[id] = status
            browserLatencies.append(flash!.seconds)
            browserHistory[id, default: []].append("\(section.title) \(target.rawValue) → \(status.rawValue)")
            browserChanges += 1
        }
        shared.stop.store(true, ordering: .relaxed)
        background.join()

        // A hook that found the store held longer than it waits spooled its
        // event, and the next hook or command records it: this one, at the end.
        let root = pane.home.path + "/home/.local/share/sessions"
        let spooled = TestFiles.list(root + "/spool").count
        #expect(cli.run(["list"]).status == 0)
        #expect(TestFiles.list(root + "/spool").isEmpty)

        // Every acknowledged change is in the store.
        let final = shared.tallies.withLock { $0 }
        let store = try FileStore(root: root)
        let catalog = try store.catalog()
        var losses: [String] = []
        var appends = 0
        for tally in final[0...1] {
            appends += tally.appended.count
            for (session, id) in tally.appended where try store.session(id: Session.ID(session))?.interaction(id: id) == nil {
                losses.append("append \(id) to #\(session)")
            }
        }
        for id in 1...sessions {
            let written = final[0...1].flatMap(\.appended).filter { $0.session == id }.count
            let stored = try store.session(id: Session.ID(id))?.interactions.count
            if stored != written { losses.append("#\(id) has \(stored ?? -1) interactions, \(written) appended") }
        }
        for (id, status) in final[2].statuses {
            let stored = catalog.summaries.first(where: { $0.id.rawValue == id })?.status
            if stored != status { losses.append("other account's #\(id) is \(stored?.rawValue ?? "missing"), set \(status.rawValue)") }
        }
        let hookedID = catalog.summaries.first { $0.externalConversationID == conversation }?.id.rawValue
        for (id, status) in browserStatuses {
            let stored = catalog.summaries.first(where: { $0.id.rawValue == id })?.status
            // The hooked conversation goes on after any change the browser made to it, and a
            // person's status stands only until the conversation continues (README): active is right there too.
            if id == hookedID && stored == .active { continue }
            if stored != status {
                losses.append("browser's #\(id) is \(stored?.rawValue ?? "missing"), set \(status.rawValue) after \(browserHistory[id] ?? [])")
            }
        }
        let calls = shared.hookCalls.load(ordering: .relaxed)
        let hooked = try catalog.summaries.first { $0.externalConversationID == conversation }.flatMap { try store.session(id: $0.id) }
        let finished = hooked?.interactions.filter { $0.result?.stdout == .text(String($0.command.command.dropFirst(5))) }.count ?? 0
        if finished < calls { losses.append("hook: \(finished) of \(calls) calls finished") }
        let lost = losses.count
        #expect(losses.isEmpty, "\(losses)")
        let failures = final.flatMap(\.failures)
        #expect(failures.isEmpty, "\(failures)")
        #expect(shared.hookFailures.load(ordering: .relaxed) == 0)
        #expect(!TestFiles.exists(pane.home.path + "/home/.local/share/sessions/hook.log"), "the hook logged a problem")
        #expect(browserMissed == 0, "status keys without an acknowledging flash")
        #expect(browserChanges > 0 && appends > 0 && calls > 0 && !final[2].statuses.isEmpty)
        #expect(StoreDoctor(root: store.root).run(repair: false).isHealthy)

        // The browser's counts end equal to the first account's, with nothing of the other's.
        let expected = try ["active", "complete", "failed"].map { try pane.count($0) }
        let settled = pane.waitFor { screen in
            let header = screen.split(separator: "\n").first.map(String.init) ?? ""
            return zip(["Active", "Complete", "Failed"], expected).allSatisfy { Self.count($0, in: header) == $1 }
        }
        #expect(settled != nil, "header \(pane.screen.split(separator: "\n").first ?? "") against \(expected)")
        pane.keys("q")
        #expect(pane.exit()?.status == "0")
        let latencies = browserLatencies.sorted()
        let median = latencies.isEmpty ? 0 : Int(latencies[latencies.count / 2] * 1000)
        let slowest = Int((latencies.last ?? 0) * 1000)
        print("race (\(Int(Self.seconds)) s): browser \(browserChanges) status changes (key to flash: median \(median) ms, "
            + "slowest \(slowest) ms), CLI \(appends) appends + \(final[2].created.count) sessions created and "
            + "\(final[2].statusChanges) status changes in a second account, "
            + "hook \(calls) calls (\(2 * calls) events, \(spooled) left spooled at the end); \(lost) lost")
    }

    /// What the writers' threads share with the test.
    final class Shared: Sendable {
        let stop = Atomic<Bool>(false)
        let tallies = Mutex<[Tally]>(Array(repeating: Tally(), count: 3))
        let hookCalls = Atomic<Int>(0)
        let hookFailures = Atomic<Int>(0)
    }

    static func appendLoop(_ cli: ProcessRunner, writer: Int, sessions: Int, shared: Shared) {
        var rng = SplitMix64(seed: UInt64(writer + 1))
        var tally = Tally()
        var step = 0
        while !shared.stop.load(ordering: .relaxed) {
            step += 1
            let session = rng.int(in: 1...sessions)
            let result = cli.run(["interaction", "add", String(session), "--module", "Writer\(writer)", "--command", "step \(step)"])
            if result.status == 0 {
                tally.appended.append((session, result.stdout.trimmingCharacters()))
            } else {
                tally.failures.append(result.stderr)
            }
        }
        shared.tallies.withLock { $0[writer] = tally }
    }

    /// `Active (12)` in the header.
    static func count(_ title: String, in header: String) -> Int? {
        guard let range = header.firstRange(of: title + " (") else { return nil }
        return Int(header[range.upperBound...].prefix { $0.isNumber })
    }

    /// The status line's `#42 → complete (u: undo)`, without the position the footer shows beside it.
    static func flash(in screen: String) -> (text: String, id: Int, status: SessionStatus)? {
        guard let footer = screen.split(separator: "\n").last(where: { !$0.allSatisfy(\.isWhitespace) }),
              let end = footer.firstRange(of: " (u: undo)") else { return nil }
        let text = String(footer[..<end.upperBound]).trimmingCharacters()
        guard text.hasPrefix("#"), let arrow = text.firstRange(of: " → ") else { return nil }
        guard let id = Int(text[text.index(after: text.startIndex)..<arrow.lowerBound]),
              let status = SessionStatus(rawValue: String(text[arrow.upperBound...].prefix { $0.isLetter })) else { return nil }
        return (text, id, status)
    }
}
