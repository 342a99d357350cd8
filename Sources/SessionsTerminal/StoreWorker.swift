import Dispatch
import Glibc
import SessionsKit
import SessionsTUI

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

    private let finished: HandOff<Outcome>
    var readFD: Int32 { finished.readFD }
    private let queue = DispatchQueue(label: "sessions.store-worker")

    init?() {
        guard let finished = HandOff<Outcome>() else { return nil }
        self.finished = finished
    }

    func refresh(from previous: Catalog?, service: SessionService) {
        submit { .refresh(Runtime.refreshed(previous, service: service)) }
    }

    func write(_ effect: StoreEffect, service: SessionService) {
        submit { .write(Runtime.perform(effect, service: service)) }
    }

    private func submit(_ job: @escaping @Sendable () -> Outcome) {
        queue.async { [self] in
            finished.hand(job())
        }
    }

    /// Every finished job, in order, once `readFD` polled readable.
    func take() -> [Outcome] { finished.take() }
}
