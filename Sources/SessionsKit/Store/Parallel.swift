import Glibc
import Synchronization

/// Runs independent pieces of work on all cores and collects their results in
/// order. Reading a large index is the one place a command is CPU-bound.
///
/// The threads are plain pthreads rather than a dispatch queue, because the
/// system can refuse a thread: under `ulimit -u` or an address-space limit,
/// libdispatch retries the creation once a second for ever, and with few
/// descriptors left it dies of SIGILL setting up its event loop. Here a
/// thread that cannot be made is simply not used: the calling thread takes
/// every piece no other thread took.
public enum Parallel {
    public static let coreCount = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// The threads a `map` runs on, the calling one included. One when the
    /// address space is limited (`ulimit -v`, `ulimit -d`): each helper
    /// thread reserves its stack and, in glibc, a malloc arena of its own (72
    /// MB together on x86-64), which would use up the room the work itself needs.
    static let threadCount = ResourceLimit.addressSpace.isLimited || ResourceLimit.data.isLimited ? 1 : coreCount

    /// `body(i)` for i in 0..<count, concurrently; results in index order.
    /// Failures travel inside `T` (a `Result`), so nothing is thrown across threads.
    /// `serially` runs them on this thread instead, for work too small to
    /// pay for waking others.
    public static func map<T>(_ count: Int, serially: Bool = false, _ body: (Int) -> T) -> [T] {
        if count <= 1 || serially || threadCount == 1 { return (0..<count).map(body) }
        // Moved out, not copied: a copy would retain what each result holds, and freeing the slots release it again.
        let pieces = pieces(count, body)
        return (0..<count).map(pieces.take)
    }

    /// `map`, its results left in place for a later `map`'s pieces to
    /// `take`, each on the thread that takes it: what a result holds is then
    /// freed on every core, not all on the thread that gathers them.
    static func pieces<T>(_ count: Int, _ body: (Int) -> T) -> Pieces<T> {
        let pieces = Pieces<T>(count)
        if count <= 1 || threadCount == 1 {
            for index in 0..<count { pieces.put(index, body(index)) }
        } else {
            run(count) { index in pieces.put(index, body(index)) }
        }
        return pieces
    }

    /// `body(i)` for i in 0..<count, on this thread and every helper it can start.
    private static func run(_ count: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let work = SendableBox(body)
            let job = Job(count: count) { index in work.value(index) }
            var helpers: [pthread_t] = []
            for _ in 1..<min(count, threadCount) {
                guard let thread = job.startHelper() else { break }
                helpers.append(thread)
            }
            job.drain()
            for thread in helpers { pthread_join(thread, nil) }
        }
    }

    /// Runs two different pieces of work side by side.
    static func both<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
        let results = map(2) { index -> (A?, B?) in index == 0 ? (first(), nil) : (nil, second()) }
        return (results[0].0!, results[1].1!)
    }

    /// Splits `buffer[range]` into at most `pieces` ranges that end on line boundaries.
    static func lineChunks(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, pieces: Int) -> [Range<Int>] {
        var chunks: [Range<Int>] = []
        var start = range.lowerBound
        for piece in 1...max(1, pieces) {
            guard start < range.upperBound else { break }
            var end = piece == pieces ? range.upperBound : range.lowerBound + range.count * piece / pieces
            while end < range.upperBound && end > start && buffer[end - 1] != UInt8(ascii: "\n") { end += 1 }
            if end <= start { continue }
            chunks.append(start..<end)
            start = end
        }
        return chunks
    }

    /// The pieces of one `map`, handed out one at a time to whichever thread
    /// asks next, so a slow piece never holds up the others.
    private final class Job: @unchecked Sendable {
        let count: Int
        let next = Atomic<Int>(0)
        let run: (Int) -> Void

        init(count: Int, run: @escaping (Int) -> Void) {
            self.count = count
            self.run = run
        }

        func drain() {
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < count else { return }
                run(index)
            }
        }

        /// A thread draining this job, or nil when the system refuses one.
        func startHelper() -> pthread_t? {
            let retained = Unmanaged.passRetained(self)
            var thread = pthread_t()
            let started = pthread_create(&thread, nil, { context in
                Unmanaged<Job>.fromOpaque(context!).takeRetainedValue().drain()
                return nil
            }, retained.toOpaque())
            guard started == 0 else {
                retained.release()
                return nil
            }
            return thread
        }
    }
}

/// Shares a value with the threads of one `map`. Safe only as used there:
/// each result slot is written by exactly one iteration, and everything else
/// shared (the body, the input bytes) is only read.
struct SendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// The results of a `Parallel.pieces`, one slot each. Safe only as used
/// there: each slot is put by exactly one piece of one map, and taken at
/// most once, by one piece of a later one.
final class Pieces<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T?>

    init(_ count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func put(_ index: Int, _ value: T) {
        slots[index] = value
    }

    /// The result at `index`, moved out.
    func take(_ index: Int) -> T {
        slots[index].take()!
    }
}

/// A result written by exactly one task of a `map` and read after it returns.
final class Slot<T>: @unchecked Sendable {
    var value: T?
}
