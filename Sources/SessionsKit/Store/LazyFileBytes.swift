import Glibc
import Synchronization

/// A store file held open and read a piece at a time, until so many pieces
/// are wanted that reading it whole is cheaper.
///
/// A list opened from `index.keys` shows fifty summaries of an index that
/// holds 40 MB at 100,000 sessions: reading the index whole cost more than
/// the rest of the list together. The descriptor keeps the very file that
/// was opened, as the store only ever replaces the index by rename, so a
/// catalog keeps reading one commit's summaries however long it lives. Unlike
/// a mapping, a file cut short in place (by hand) cannot crash a reader: its
/// missing bytes read as a summary that does not decode, shown as damaged.
final class LazyFileBytes: Sendable {
    let path: String
    /// The file as it was opened, which `index.keys` must name to be used.
    let stamp: FileStamp
    private let fd: Int32
    private let state = Mutex<State>(State())

    private struct State {
        var pieces = 0
        var whole: [UInt8]?
    }

    /// After this many separate reads the next one reads the whole file:
    /// a list prints a few dozen rows, an export all of them.
    static let piecesBeforeWhole = 256

    var size: Int { Int(stamp.size) }

    /// The file opened for reading, never through a link; nil when it does not exist.
    static func open(_ path: String) throws(StoreError) -> LazyFileBytes? {
        guard let fd = try FileIO.openForReading(path) else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let failure = FileIO.fail("read", path)
            close(fd)
            throw failure
        }
        return LazyFileBytes(path: path, fd: fd, stamp: FileStamp(info))
    }

    private init(path: String, fd: Int32, stamp: FileStamp) {
        self.path = path
        self.fd = fd
        self.stamp = stamp
    }

    deinit { close(fd) }

    /// Every byte of the file as opened, read once and kept.
    func whole() throws(StoreError) -> [UInt8] {
        if let whole = state.withLock({ $0.whole }) { return whole }
        let bytes = try FileIO.readFully(fd, offset: 0, count: size, path: path)
        state.withLock { $0.whole = bytes }
        return bytes
    }

    /// `body` over a buffer and the range in it that holds `range` of the
    /// file. A range the file no longer holds in full comes cut short, and a
    /// failed read comes empty: the caller's decoding rejects either.
    func withBytes<T>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>, Range<Int>) -> T) -> T {
        let (kept, readWhole) = state.withLock { state -> ([UInt8]?, Bool) in
            state.pieces += 1
            return (state.whole, state.whole == nil && state.pieces > Self.piecesBeforeWhole)
        }
        if let whole = kept ?? (readWhole ? try? whole() : nil) {
            return whole.withUnsafeBufferPointer { buffer in
                body(buffer, min(range.lowerBound, buffer.count)..<min(range.upperBound, buffer.count))
            }
        }
        let piece = (try? FileIO.readFully(fd, offset: range.lowerBound, count: range.count, path: path)) ?? []
        return piece.withUnsafeBufferPointer { body($0, 0..<$0.count) }
    }
}
