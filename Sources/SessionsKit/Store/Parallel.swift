import Dispatch
import Glibc

/// Runs independent pieces of work on all cores and collects their results in
/// order. Reading a large index is the one place a command is CPU-bound.
enum Parallel {
    static let coreCount = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// `body(i)` for i in 0..<count, concurrently; results in index order.
    /// Failures travel inside `T` (a `Result`), so nothing is thrown across threads.
    /// `serially` runs them on this thread instead, for work too small to
    /// pay for waking others.
    static func map<T>(_ count: Int, serially: Bool = false, _ body: (Int) -> T) -> [T] {
        if count <= 1 || serially { return (0..<count).map(body) }
        let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        slots.initialize(repeating: nil)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        let shared = SendableBox(slots)
        withoutActuallyEscaping(body) { body in
            let work = SendableBox(body)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                shared.value[index] = work.value(index)
            }
        }
        return slots.map { $0! }
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
}

/// Shares a value with the threads of one `map`. Safe only as used there:
/// each result slot is written by exactly one iteration, and everything else
/// shared (the body, the input bytes) is only read.
struct SendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A result written by exactly one task of a `map` and read after it returns.
final class Slot<T>: @unchecked Sendable {
    var value: T?
}
