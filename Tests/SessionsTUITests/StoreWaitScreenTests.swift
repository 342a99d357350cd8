import SessionsDisplay
@testable import SessionsKit
@testable import SessionsTUI
import Testing

/// The browser while another process holds the store: the footer says what
/// it waits for, and writes wait for the caller to perform them off the
/// thread that answers keys.
@Suite("Waiting for the store", .serialized)
struct StoreWaitScreenTests {
    func footer(_ screen: ScreenHarness) -> String { screen.frame.line(screen.state.height - 1) }

    @Test("a wait shows in the footer over a flash, its holder's command sanitized, and goes when the wait ends")
    func footerShowsTheWait() throws {
        let screen = try ScreenHarness(width: 100, height: 24)
        screen.press("c")
        #expect(footer(screen).contains("→ complete (u: undo)"))
        // The command comes from the lock file, a store file like any other.
        screen.send(.storeWait(StoreWait(holder: LockHolder(pid: 4242, command: "sessions import\u{1B}]0;x\u{07}"))))
        #expect(footer(screen).contains("waiting for the store, locked by pid 4242 (sessions import␛]0;x␇)"), "\(footer(screen))")
        screen.send(.storeWait(StoreWait(holder: nil)))
        #expect(footer(screen).contains("waiting for the store, locked by another process"))
        screen.send(.storeWait(nil))
        #expect(!footer(screen).contains("waiting"))
        #expect(footer(screen).contains("→ complete (u: undo)"), "the flash is back: \(footer(screen))")
    }

    @Test("with writes deferred, a status key leaves the store alone until the caller performs the write and sends its result")
    func deferredWrites() throws {
        let screen = try ScreenHarness(width: 100, height: 24)
        screen.runtime.defersWrites = true
        let selected = try #require(screen.state.selectedSummary)
        screen.press("c")
        let writes = screen.runtime.takePendingWrites()
        #expect(writes.count == 1)
        #expect(try screen.store.session(id: selected.id)?.status == .active, "nothing written yet")
        #expect(!footer(screen).contains("complete (u: undo)"))
        for (effect, service) in writes { screen.send(Runtime.perform(effect, service: service)) }
        #expect(try screen.store.session(id: selected.id)?.status == .complete)
        #expect(footer(screen).contains("#\(selected.id) → complete (u: undo)"), "\(footer(screen))")
        #expect(screen.runtime.takePendingWrites().isEmpty)
    }
}
