import Glibc
@testable import SessionsKit
import SessionsTUI
import Testing
import TestSupport

/// The browser on a real file store with a damaged session file: the row
/// stays, marked in a way that reads without colour, the pane says what is
/// wrong instead of a timeline, and nothing loops or crashes.
@Suite("Browser: damaged sessions")
struct DamagedSessionScreenTests {
    final class Browser {
        let fixture: StoreFixture
        let runtime: Runtime

        init(width: Int = 120, height: Int = 30) throws {
            ScreenHarness.fixTimeZone()
            fixture = try StoreFixture()
            let alice = fixture.service()
            for type in ["ContextSpecSessions", "ComponentCodingSessions", "IntegrationSessions"] {
                let session = try alice.create(SessionDraft(type: type, agent: "claude_code"))
                _ = try alice.addInteraction(sessionID: session.id, CommandDraft(module: "M", command: "step of \(type)"))
            }
            let bob = try alice.directory.addAccount(name: "bob")
            _ = try fixture.service(account: bob.id).create(SessionDraft(type: "ContextTestingSessions"))
            let state = AppState(width: width, height: height, now: ScreenHarness.now, scope: Scope(accountID: 1))
            runtime = Runtime(state: state, service: alice, clock: fixture.clock.function)
        }

        func path(_ id: Int) -> String { fixture.root + "/sessions/\(id).json" }

        /// Breaks a file as a stray edit would, and lets `doctor --repair` mark it.
        func damage(_ id: Int) {
            TestFiles.write(path(id), TestFiles.readText(path(id))!.replacing("\"status\":", with: "x\"status\":"))
            _ = StoreDoctor(root: fixture.root).run(repair: true)
        }

        func start() {
            runtime.refresh()
            runtime.settle()
        }

        var text: String { Render.frame(runtime.state).text }

        func press(_ keys: String) {
            for character in keys {
                runtime.send(.key(.character(character)))
                runtime.settle()
            }
        }

        func press(_ key: Key) {
            runtime.send(.key(key))
            runtime.settle()
        }

        /// The list row of session `id`, as drawn.
        func row(_ id: Int) -> String? {
            text.split(separator: "\n").map(String.init).first { $0.dropFirst(2).hasPrefix(" #\(id) ") }
        }
    }

    @Test("the row keeps its place marked `!`, and the pane shows the error, once, instead of a timeline")
    func rowAndPane() throws {
        let browser = try Browser()
        browser.damage(2)
        browser.damage(4)  // bob's
        browser.start()
        let row = try #require(browser.row(2), "\(browser.text)")
        #expect(row.hasPrefix(" ! #2 "), "the status glyph says damaged: \(row)")
        #expect(browser.text.contains("Active (3)"), "still counted in the section of its last known status")
        #expect(!browser.text.contains("#4"), "another account's damaged session is never shown")

        browser.press("j")
        let screen = browser.text
        #expect(browser.runtime.state.list.selectedID == 2)
        #expect(screen.contains("#2 ! cannot be read"), "\(screen)")
        #expect(screen.contains("/store/sessions/2.json: line 8, column 5:"))
        #expect(screen.contains("unexpected 'x', expected a member name in quotes"))
        #expect(screen.contains("Session 2 is damaged: restore the file from a backup, or"))
        #expect(!screen.contains("Loading"))
        // Asked for once: time passing, redraws and refreshes ask for nothing more.
        browser.runtime.send(.tick(ScreenHarness.now))
        browser.runtime.refresh()
        browser.press(.control("l"))
        #expect(browser.runtime.pendingLoad == nil)

        // Opened, it shows the same; the keys still work, and back is back.
        browser.press(.enter)
        #expect(browser.runtime.state.focus == .timeline)
        #expect(browser.text.contains("#2 ! cannot be read"))
        browser.press("jG")
        browser.press(.enter)
        #expect(browser.runtime.state.pager == nil)
        browser.press(.escape)
        #expect(browser.runtime.state.focus == .list)
    }

    @Test("restored and repaired, the session is ordinary again, timeline and all")
    func restored() throws {
        let browser = try Browser()
        let original = try #require(TestFiles.read(browser.path(2)))
        browser.damage(2)
        browser.start()
        browser.press("j")
        #expect(browser.text.contains("cannot be read"))
        TestFiles.write(browser.path(2), original)
        _ = StoreDoctor(root: browser.fixture.root).run(repair: true)
        browser.runtime.refresh()
        browser.runtime.settle()
        #expect(browser.row(2)?.hasPrefix(" ● #2 ") == true, "\(browser.text)")
        #expect(!browser.text.contains("cannot be read"))
        #expect(browser.text.contains("── Timeline · 1 interaction"), "the timeline is back: \(browser.text)")
    }

    @Test("at 80×24 the marker shows, Enter shows the error full width, and D deletes the damaged session")
    func narrowAndDelete() throws {
        let browser = try Browser(width: 80, height: 24)
        browser.damage(2)
        browser.start()
        #expect(browser.row(2)?.hasPrefix(" ! #2 ") == true, "\(browser.text)")
        browser.press("j")
        browser.press(.enter)
        let lines = browser.text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix(" #2 ! cannot be read") }, "\(browser.text)")
        #expect(browser.text.contains("drop the session with `sessions"))
        browser.press(.escape)
        browser.press("Dy")
        #expect(!TestFiles.exists(browser.path(2)))
        #expect(browser.row(2) == nil)
        #expect(try browser.fixture.store.catalog().summary(id: 2) == nil)
    }
}
