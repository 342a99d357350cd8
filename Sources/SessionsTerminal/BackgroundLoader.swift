import Dispatch
import Glibc
import SessionsKit
import SessionsTUI

/// Reads a session off the loop's thread. A session of 100,000 interactions
/// or a 100 MB output takes seconds to read and decode; on the loop, every
/// key waited behind it. Now the pane says "Loading" and keys keep working;
/// the loop polls `readFD` and picks the result up when the read is done.
/// A long session's read hands over its newest page first, then the whole
/// session. One read at a time: a newer selection waits for the current
/// read, and a result for a session no longer selected is dropped by `update`.
final class BackgroundLoader: Sendable {
    /// Results handed over and not yet taken; nil says the read is over.
    private let results: HandOff<Action?>
    var readFD: Int32 { results.readFD }
    /// Test-only (`SESSIONS_TEST_LOAD_DELAY_MS`): makes every read slow, so a
    /// test can show keys answering while one is in progress.
    private let delayMS: Int

    init?(delayMS: Int = 0) {
        self.delayMS = max(0, delayMS)
        guard let results = HandOff<Action?>() else { return nil }
        self.results = results
    }

    /// Starts reading session `id`; call again only after `take()` returned.
    func start(_ id: Session.ID, service: SessionService) {
        DispatchQueue.global().async { [self] in
            if delayMS > 0 { usleep(UInt32(min(delayMS, 60_000)) * 1000) }
            Runtime.load(id, service: service) { results.hand($0) }
            results.hand(nil)
        }
    }

    /// What the read has handed over since last asked, once `readFD` polled
    /// readable, and whether the read is over.
    func take() -> (actions: [Action], done: Bool) {
        let taken = results.take()
        return (taken.compactMap { $0 }, taken.contains { $0 == nil })
    }
}
