import Dispatch
import Glibc

/// Runs independent pieces of work on all cores and collects their results in
/// order. Reading a large index is the one place a command is CPU-bound.
enum Parallel {
    static let coreCount = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// `body(i)` for i in 0..<count, concurrently; results in index order.
    static func map<T>(_ count: Int, _ body: (Int) throws -> T) rethrows -> [T] {
        if count <= 1 { return try (0..<count).map(body) }
        let slots = UnsafeMutableBufferPointer<Result<T, any Error>?>.allocate(capacity: count)
        slots.initialize(repeating: nil)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        let shared = SendableSlots(slots: slots)
        try withoutActuallyEscaping(body) { body in
            let work = SendableBody(body: body)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                shared.slots[index] = Result { try work.body(index) }
            }
        }
        return try slots.map { try $0!.get() }
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

/// Each slot is written by exactly one iteration, so sharing is safe.
private struct SendableSlots<T>: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<Result<T, any Error>?>
}

/// The body only reads shared, immutable input.
private struct SendableBody<T>: @unchecked Sendable {
    let body: (Int) throws -> T
}
