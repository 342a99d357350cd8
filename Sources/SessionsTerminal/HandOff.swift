import Synchronization

/// What work off the loop's thread hands the loop: items kept in order
/// under a lock, each handed with a wake of the pipe the loop polls. The
/// loader, the store worker and the searcher each hand theirs through one.
final class HandOff<Item: Sendable>: Sendable {
    private let pipe: WakePipe
    private let items = Mutex<[Item]>([])
    /// The end the loop polls.
    var readFD: Int32 { pipe.readFD }

    init?() {
        guard let pipe = WakePipe() else { return nil }
        self.pipe = pipe
    }

    /// Hands `item` over and wakes the loop; safe on any thread.
    func hand(_ item: Item) {
        items.withLock { $0.append(item) }
        pipe.wake()
    }

    /// Every item handed since last asked, in order, once `readFD` polled readable.
    func take() -> [Item] {
        pipe.drain()
        return items.withLock { items in
            defer { items = [] }
            return items
        }
    }
}
