import Dispatch
import Glibc
import SessionsKit
import SessionsTUI
import Synchronization

/// Reads a session off the loop's thread. A session of 100,000 interactions
/// or a 100 MB output takes seconds to read and decode; on the loop, every
/// key waited behind it. Now the pane says "Loading" and keys keep working;
/// the loop polls `readFD` and picks the result up when the read is done.
/// A long session's read hands over its newest page first, then the whole
/// session. One read at a time: a newer selection waits for the current
/// read, and a result for a session no longer selected is dropped by `update`.
final class BackgroundLoader: Sendable {
    private let pipe: WakePipe
    var readFD: Int32 { pipe.readFD }
    /// Results handed over and not yet taken, and whether the read is over.
    private let finished = Mutex<(actions: [Action], done: Bool)>(([], false))
    /// Test-only (`SESSIONS_TEST_LOAD_DELAY_MS`): makes every read slow, so a
    /// test can show keys answering while one is in progress.
    private let delayMS: Int

    init?(delayMS: Int = 0) {
        self.delayMS = max(0, delayMS)
        guard let pipe = WakePipe() else { return nil }
        self.pipe = pipe
    }

    /// Starts reading session `id`; call again only after `take()` returned.
    func start(_ id: Session.ID, service: SessionService) {
        DispatchQueue.global().async { [self] in
            if delayMS > 0 { usleep(UInt32(min(delayMS, 60_000)) * 1000) }
            Runtime.load(id, service: service) { hand($0, done: false) }
            hand(nil, done: true)
        }
    }

    private func hand(_ action: Action?, done: Bool) {
        finished.withLock { state in
            if let action { state.actions.append(action) }
            if done { state.done = true }
        }
        pipe.wake()
    }

    /// What the read has handed over since last asked, once `readFD` polled
    /// readable, and whether the read is over.
    func take() -> (actions: [Action], done: Bool) {
        pipe.drain()
        return finished.withLock { state in
            defer { state = ([], false) }
            return state
        }
    }
}
