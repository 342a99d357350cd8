import Glibc
import Testing
import TestSupport

/// The search screen in the real binary in a real terminal: a query typed,
/// hits streaming in, `Enter` down into the pager on the matching line,
/// with the match drawn highlighted.
@Suite("Browser end to end: search", .serialized, .enabled(if: access("/usr/bin/tmux", X_OK) == 0))
struct SearchEndToEndTests {
    typealias Pane = BrowserEndToEndTests.Pane

    @Test("type a query, see hits stream, Enter, and land in the pager on the matching line, highlighted")
    func searchToPager() throws {
        let pane = Pane()
        #expect(pane.cli.run(["demo", "--sessions", "300", "--interactions", "12"]).status == 0)
        pane.start(width: 120, height: 40)
        #expect(pane.waitFor("Active (") != nil, "first frame:\n\(pane.screen)")
        #expect(pane.screen.contains("F search"), "the footer names the key: \(pane.screen)")
        pane.keys("F")
        #expect(pane.waitFor("Search all sessions:") != nil, "\(pane.screen)")
        pane.keys("-l", "\"assertion with\"")
        // The count runs while the search does, then says how many were searched.
        #expect(pane.waitFor(timeout: 15) { $0.contains("in 300 searched") } != nil, "\(pane.screen)")
        let hits = pane.screen
        #expect(hits.contains("stdout:"), "hits name their place: \(hits)")
        #expect(hits.contains("Assertion with == failed"), "\(hits)")
        pane.keys("Enter")
        pane.keys("Enter")
        #expect(pane.waitFor(timeout: 10) { $0.contains("── stdout") && $0.contains("match 1/") } != nil, "\(pane.screen)")
        let screen = pane.screen
        #expect(screen.contains("Assertion with == failed"), "the matching line is on screen: \(screen)")
        // The current match is drawn in a style of its own: some escape
        // sequence sits right before it on its row.
        let styled = Self.styledScreen(pane)
        let row = styled.split(separator: "\n").first { $0.contains("Assertion with") && $0.contains("failed") }
        let line = String(try #require(row))
        let before = line.firstRange(of: "Assertion with").map { String(line[..<$0.lowerBound]) } ?? ""
        #expect(before.hasSuffix("m"), "an SGR sequence starts the match: \(line.debugDescription)")
        pane.keys("n")
        #expect(pane.waitFor { $0.contains("match 2/") || $0.contains("search wrapped") } != nil, "n goes on to the next match: \(pane.screen)")
        pane.keys("}")
        #expect(pane.waitFor(timeout: 10) { $0.contains("match 1/") } != nil, "} opens the next hit: \(pane.screen)")
        pane.keys("q", "q", "q")
        _ = pane.exit()
    }

    /// The pane with its colours and attributes, as escape sequences.
    static func styledScreen(_ pane: Pane) -> String {
        pane.tmux.run(["-L", pane.socket, "capture-pane", "-p", "-e", "-t", "t"]).stdout
    }
}
