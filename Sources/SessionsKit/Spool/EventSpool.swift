import Glibc

/// Events kept, in the order they came, until a store takes them: the hook
/// spools a Claude Code event here when the store stays locked longer than
/// Claude Code should wait, and the next process that gets the lock delivers
/// it (`SpoolDelivery`). The spool knows nothing of what it holds or of the
/// store it waits for, so any backend that cannot be reached in time can use it.
///
/// One file per event in a private directory (0700, files 0600, never reached
/// through a link). Each file is written and synced under a hidden temporary
/// name, then linked to `<sequence>-<random>`: the sequence is one past the
/// highest in the directory, so an event spooled after another sorts after
/// it, and the name is one no other event will ever have, which makes it the
/// event's key. A file is whole from the moment it has its name.
public struct EventSpool: Sendable {
    /// The spool's directory in a store.
    public static let directoryName = "spool"

    public struct Entry: Sendable, Hashable, Comparable {
        /// The file's name: unique for ever, so it also serves as the event's key.
        public let name: String
        let sequence: Int

        init?(name: String) {
            guard let dash = name.firstIndex(of: "-"), let sequence = Int(name[..<dash]), sequence > 0 else { return nil }
            self.name = name
            self.sequence = sequence
        }

        public static func < (lhs: Entry, rhs: Entry) -> Bool { (lhs.sequence, lhs.name) < (rhs.sequence, rhs.name) }
    }

    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// The spool of the store at `root`.
    public init(storeRoot root: String) { self.init(directory: root + "/" + Self.directoryName) }

    func path(_ name: String) -> String { directory + "/" + name }

    /// Keeps `bytes` as the newest event; when this returns, the event is on disk.
    @discardableResult
    public func append(_ bytes: [UInt8]) throws(StoreError) -> Entry {
        try FileIO.makeDirectory(directory)
        try StoreSafety.checkDirectory(directory)
        var generator = SystemRandomNumberGenerator()
        let temp = path(".\(getpid())-\(Self.hex(generator.next())).tmp")
        let fd = try FileIO.createExclusive(temp)
        defer { unlink(temp) }
        do {
            defer { close(fd) }
            try FileIO.writeAll(fd, bytes, path: temp)
            try FileIO.fsync(fd, path: temp)
        }
        // Another process may take the same sequence first; then the next one.
        var sequence = try entries().last.map { $0.sequence + 1 } ?? 1
        while true {
            let name = Self.pad(sequence) + "-" + Self.hex(generator.next())
            if link(temp, path(name)) == 0 {
                try FileIO.syncDirectory(directory)
                return Entry(name: name)!
            }
            guard errno == EEXIST else { throw FileIO.fail("link \(temp) to", path(name)) }
            sequence += 1
        }
    }

    /// Every event waiting, oldest first.
    public func entries() throws(StoreError) -> [Entry] {
        guard try FileIO.status(directory, followLinks: false) != nil else { return [] }
        try StoreSafety.checkNotLink(directory)
        return (try FileIO.list(directory) ?? []).compactMap(Entry.init(name:)).sorted()
    }

    public func read(_ entry: Entry) throws(StoreError) -> [UInt8] {
        guard let bytes = try FileIO.read(path(entry.name)) else {
            throw StoreError.needsRepair(path: path(entry.name), reason: "the spooled event vanished")
        }
        return bytes
    }

    /// Removes delivered events, durably: a removal a power cut undid would
    /// bring an event back after its key was forgotten.
    public func remove(_ entries: some Collection<Entry>) throws(StoreError) {
        guard !entries.isEmpty else { return }
        for entry in entries { try FileIO.remove(path(entry.name)) }
        try FileIO.syncDirectory(directory)
    }

    /// Makes removals other processes made durable (see `remove`).
    func sync() throws(StoreError) {
        if try FileIO.status(directory, followLinks: false) != nil { try FileIO.syncDirectory(directory) }
    }

    /// Removes temporary files of spoolers that died before they linked
    /// them; a living spooler's file is left alone.
    func removeAbandoned() {
        for name in (try? FileIO.list(directory)) ?? [] where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            guard let dash = name.firstIndex(of: "-"), let pid = Int32(name.dropFirst()[..<dash]),
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(path(name))
        }
    }

    public struct Status: Sendable, Equatable {
        public var count: Int
        /// When the oldest event was spooled.
        public var oldest: Timestamp
    }

    /// How many events wait and since when; nil when none do.
    public func status() throws(StoreError) -> Status? {
        let waiting = try entries()
        guard let first = waiting.first, let info = try FileIO.status(path(first.name), followLinks: false) else { return nil }
        let oldest = Timestamp(microseconds: Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1000)
        return Status(count: waiting.count, oldest: oldest)
    }

    static func pad(_ sequence: Int) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
