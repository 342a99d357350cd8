import Dispatch
import Glibc
import SessionsKit
import SessionsTUI
import Synchronization

/// Reads the catalog and performs writes off the loop's thread, in the
/// order they were asked for. Another process may hold the store's lock for
/// long (an import stopped with Ctrl-Z); on the loop, every key waited
/// behind it. Now the keys keep working, the footer says what the store
/// waits for, and the loop picks results up when `readFD` polls readable.
final class StoreWorker: Sendable {
    enum Outcome: Sendable {
        /// A catalog read: its action, or nil when nothing had changed.
        case refresh(Action?)
        case write(Action)
    }

    private let pipe: WakePipe
    var readFD: Int32 { pipe.readFD }
    private let queue = DispatchQueue(label: "sessions.store-worker")
    private let finished = Mutex<[Outcome]>([])

    init?() {
        guard let pipe = WakePipe() else { return nil }
        self.pipe = pipe
    }

    func refresh(from previous: Catalog?, service: SessionService) {
        submit { .refresh(Runtime.refreshed(previous, service: service)) }
    }

    func write(_ effect: StoreEffect, service: SessionService) {
        submit { .write(Runtime.perform(effect, service: service)) }
    }

    private func submit(_ job: @escaping @Sendable () -> Outcome) {
        queue.async { [self] in
            let outcome = job()
            finished.withLock { $0.append(outcome) }
            pipe.wake()
        }
    }

    /// Every finished job, in order, once `readFD` polled readable.
    func take() -> [Outcome] {
        pipe.drain()
        return finished.withLock { outcomes in
            defer { outcomes = [] }
            return outcomes
        }
    }
}
