import Glibc
@testable import SessionsTerminal
import Testing
import TestSupport

/// `o` hands the interaction to `$PAGER`. A pager that prints the text and
/// returns would have it wiped by the browser's redraw at once, so the
/// browser asks for a key first, unless the pager held the screen itself.
@Suite("External pager", .serialized)
struct ExternalPagerTests {
    @Test("a key is asked for unless the pager read keys one at a time and stayed a second", arguments: [
        (0, false, false, true), (5_000_000, false, false, true), (200_000, true, false, true),
        (1_000_000, true, false, false), (9_000_000, true, false, false), (10_000, false, true, false),
    ])
    func waitsForKey(_ ran: Int64, _ tookKeys: Bool, _ notFound: Bool, _ waits: Bool) {
        #expect(ExternalPager.waitsForKey(ranMicroseconds: ran, tookKeys: tookKeys, notFound: notFound) == waits)
    }

    /// A pane on a demo store with the first interaction of a session open.
    static func paneInPager(pager: String) throws -> BrowserEndToEndTests.Pane {
        let pane = BrowserEndToEndTests.Pane()
        #expect(pane.cli.run(["demo", "--sessions", "3", "--interactions", "3"]).status == 0)
        pane.start(width: 100, height: 30, environment: "PAGER='\(pager)'")
        #expect(pane.waitFor("Active (") != nil, "\(pane.screen)")
        pane.keys("Enter")
        #expect(pane.waitFor("Timeline · ") != nil, "\(pane.screen)")
        pane.keys("g", "Enter")
        #expect(pane.waitFor("exit code") != nil, "\(pane.screen)")
        return pane
    }

    @Test("a pager that prints and returns leaves its text up until a key, and the key does nothing else")
    func printingPager() throws {
        let pane = try Self.paneInPager(pager: "cat")
        pane.keys("o")
        #expect(pane.waitFor(ExternalPager.prompt) != nil, "\(pane.screen)")
        #expect(pane.screen.contains("── stdout"), "what the pager printed stays: \(pane.screen)")
        usleep(1_200_000)
        #expect(pane.screen.contains(ExternalPager.prompt), "still waiting: \(pane.screen)")
        // An arrow is several bytes, and ← goes back: none of it may reach the browser.
        pane.keys("Left")
        #expect(pane.waitFor { $0.contains("/ search") && !$0.contains(ExternalPager.prompt) } != nil, "\(pane.screen)")
        #expect(pane.screen.contains("exit code"), "still in the pager: \(pane.screen)")
        pane.keys("q", "q", "q")
        #expect(pane.exit()?.status == "0")
    }

    @Test("a pager that takes the keyboard for a second or more returns straight to the browser")
    func holdingPager() throws {
        let pane = try Self.paneInPager(pager: "stty -icanon; sleep 1.5; stty icanon; :")
        pane.keys("o")
        #expect(pane.waitFor(timeout: 5) { !$0.contains("/ search") } != nil, "the pager ran: \(pane.screen)")
        #expect(pane.waitFor(timeout: 5) { $0.contains("/ search") } != nil, "back: \(pane.screen)")
        #expect(!pane.screen.contains(ExternalPager.prompt))
        pane.keys("q", "q", "q")
        #expect(pane.exit()?.status == "0")
    }

    @Test("the pager gets SIGPIPE's usual action, though the program itself ignores it")
    func pagerKeepsSIGPIPE() throws {
        let pane = try Self.paneInPager(pager: "grep SigIgn: /proc/self/status; :")
        pane.keys("o")
        #expect(pane.waitFor("SigIgn:") != nil, "\(pane.screen)")
        let line = try #require(pane.screen.split(separator: "\n").first { $0.contains("SigIgn:") })
        let digits = line.split(separator: ":")[1].drop { $0 == " " || $0 == "\t" }.prefix(16)
        let mask = try #require(UInt64(digits, radix: 16), "\(line)")
        #expect(mask & (1 << (UInt64(SIGPIPE) - 1)) == 0, "SIGPIPE ignored in the pager: \(line)")
        pane.keys("Space")
        #expect(pane.waitFor("/ search") != nil, "\(pane.screen)")
        pane.keys("q", "q", "q")
        #expect(pane.exit()?.status == "0")
    }
}
