import Glibc
import SessionsDisplay
import SessionsKit
import SessionsTUI
import Synchronization

/// Where the browser hears of its reads and writes waiting for another
/// process's lock on the store. Before the screen is up (the browser opening
/// on a locked store) a wait is said on stderr, as any command says it;
/// then the footer shows it, and the loop is woken through `readFD` to
/// redraw. Several waits may run at once (a refresh, a session being read);
/// the footer names the holder of the newest.
public final class StoreWaitBoard: Sendable {
    private let pipe: WakePipe
    var readFD: Int32 { pipe.readFD }
    private struct State {
        var waits: [Int: LockHolder?] = [:]
        var onScreen = false
    }
    private let state = Mutex(State())
    private let beforeScreen: @Sendable (String) -> Void

    public init?(beforeScreen: @escaping @Sendable (String) -> Void) {
        guard let pipe = WakePipe() else { return nil }
        self.pipe = pipe
        self.beforeScreen = beforeScreen
    }

    /// How the browser's store waits: for as long as it takes, told here.
    public var waiting: LockWaiting { LockWaiting(observer: { [self] event in report(event) }) }

    func report(_ event: LockWaiting.Event) {
        let line = state.withLock { state -> String? in
            switch event {
            case .waiting(let holder, let wait): state.waits[wait] = .some(holder)
            case .finished(let wait): state.waits[wait] = nil
            }
            guard !state.onScreen, case .waiting(let holder, _) = event else { return nil }
            return StoreWaitText.line(holder)
        }
        if let line {
            beforeScreen(line)
        } else {
            pipe.wake()
        }
    }

    /// From now on waits go to the footer.
    func screenStarted() { state.withLock { $0.onScreen = true } }

    /// The wait to show, once `readFD` polled readable (or at any time).
    func current() -> StoreWait? {
        pipe.drain()
        return state.withLock { state in
            state.waits.max { $0.key < $1.key }.map { StoreWait(holder: $0.value) }
        }
    }
}
