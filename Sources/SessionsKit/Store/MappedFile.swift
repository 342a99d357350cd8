import Glibc

/// A store file mapped read-only into memory.
///
/// Reading the 40 MB index of a 100,000-session store into a new array costs
/// a page fault and a copy per page before any work starts; a mapping shares
/// the page cache's pages instead. A file truncated under a mapping faults on
/// access, so only two kinds of file may be mapped: the index and its keys
/// file, which the store only ever replaces by rename (a mapping keeps the
/// old file), and any store file while the store's lock keeps every writer out.
final class MappedFile {
    private let buffer: UnsafeBufferPointer<UInt8>

    /// The bytes, valid only inside `body`: the mapping lives at least that long.
    func withBytes<T, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> T) throws(E) -> T {
        try withExtendedLifetime(self) { () throws(E) -> T in try body(buffer) }
    }

    /// The file's bytes, or nil when it does not exist.
    static func open(_ path: String) throws(StoreError) -> MappedFile? {
        guard let fd = try FileIO.openForReading(path) else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileIO.fail("read", path) }
        let length = Int(info.st_size)
        guard length > 0 else { return MappedFile(base: nil, length: 0) }
        // Populated up front: one fault-in of the whole range instead of one per page.
        guard let base = mmap(nil, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), base != MAP_FAILED else {
            throw FileIO.fail("read", path)
        }
        return MappedFile(base: base, length: length)
    }

    private let base: UnsafeMutableRawPointer?

    private init(base: UnsafeMutableRawPointer?, length: Int) {
        self.base = base
        buffer = UnsafeBufferPointer(start: base?.assumingMemoryBound(to: UInt8.self), count: length)
    }

    deinit {
        if let base { munmap(base, buffer.count) }
    }
}
