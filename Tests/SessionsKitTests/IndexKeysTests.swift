import Glibc
import Testing
import TestSupport
@testable import SessionsKit

/// `index.keys` is a cache of the index: used when it names the index's file
/// as it is, and otherwise ignored, with the catalog the text path gives.
@Suite("Index keys")
struct IndexKeysTests {
    /// A store of 60 demo sessions, compacted so its index holds them, with
    /// its keys file written beside the index.
    static func compactedStore(sessions: Int = 60) throws -> StoreFixture {
        let fixture = try StoreFixture()
        var options = DemoGenerator.Options()
        options.sessions = sessions
        options.interactions = 3
        options.outputBytes = 64
        options.now = Timestamp(iso8601: "2026-11-01T00:00:00Z")!
        try DemoGenerator(options: options).populate(fixture.service())
        try fixture.store.compact()
        return fixture
    }

    /// The catalog as the index's text gives it, with no keys file.
    static func textCatalog(_ store: FileStore) throws -> Catalog {
        let index = try #require(try FileIO.read(store.path(StoreFormat.indexFile)))
        let journal = try #require(try FileIO.read(store.path(StoreFormat.journalFile)))
        return try store.assembleCatalog(registry: try store.readRegistry(), indexBytes: index, journalBytes: journal)
    }

    /// The index's file as it is now.
    static func indexStamp(_ store: FileStore) throws -> FileStamp {
        try #require(try FileIO.status(store.path(StoreFormat.indexFile), followLinks: false).map(FileStamp.init))
    }

    /// Waits out one tick of the clock file times come from, so that a
    /// change made now cannot carry the times of one made before: an edit by
    /// hand comes later than the compaction that wrote the index.
    static func nextTick() {
        var resolution = timespec()
        clock_getres(CLOCK_REALTIME_COARSE, &resolution)
        var pause = timespec(tv_sec: resolution.tv_sec * 2, tv_nsec: resolution.tv_nsec * 2)
        nanosleep(&pause, nil)
    }

    static func keysPath(_ store: FileStore) -> String { store.path(StoreFormat.keysFile) }

    /// `keys` with its own checksum made right again, as a file written so would have it.
    static func resealed(_ keys: [UInt8]) -> [UInt8] {
        var body = Array(keys.dropLast(8))
        let own = body.withUnsafeBufferPointer { Hash64.digest($0, seed: 0) }
        IndexKeys.append(own, to: &body)
        return body
    }

    @Test("a keys file that describes the index is what the catalog is built from, and it matches the text")
    func usedWhenValid() throws {
        let fixture = try Self.compactedStore()
        let store = fixture.store
        let keys = try #require(TestFiles.read(Self.keysPath(store)))
        #expect(TestFiles.mode(Self.keysPath(store)) == 0o600)
        let text = try Self.textCatalog(store)
        #expect(text.table.count == 60)
        let cached = try store.catalog()
        #expect(cached == text)
        #expect(cached.table.keys == text.table.keys)
        // A file that says a session failed, sealed as if written so, is
        // believed: the catalog read it, not the index's lines.
        let index = try #require(TestFiles.read(store.path(StoreFormat.indexFile)))
        let parsed = try #require(keys.withUnsafeBufferPointer { IndexKeys.parse($0) })
        #expect(parsed.stamp == (try Self.indexStamp(store)))
        #expect(parsed.count == 60 && index.count == Int(parsed.stamp.size))
        var forged = keys
        let first = text.table.keys[0]
        let other = SessionStatus.allCases.first { $0 != first.status }!
        forged[parsed.entriesStart + 68] = UInt8(SessionStatus.allCases.firstIndex(of: other)!)
        TestFiles.write(Self.keysPath(store), Self.resealed(forged))
        #expect(try store.catalog().table.keys[0].status == other)
    }

    /// Each way a keys file can fail to describe the index in hand.
    enum Damage: String, CaseIterable, CustomStringConvertible {
        case missing, empty, truncated, flippedEntry, flippedHeader, flippedStamp, wrongVersion, versionTwo, foreign, stale,
             indexEditedInPlace, indexTouched, indexRestored, rangeOutside
        var description: String { rawValue }
    }

    @Test("a missing, stale, truncated, corrupt or foreign keys file is ignored, with the catalog the text gives")
    func ignoredWhenWrong() throws {
        var same = 0
        for damage in Damage.allCases where try Self.ignored(damage) { same += 1 }
        #expect(same == Damage.allCases.count)
        print("index keys: \(Damage.allCases.count) kinds of keys file that do not describe the index ("
            + Damage.allCases.map(\.rawValue).joined(separator: ", ") + "); \(same) ignored with the catalog or error "
            + "the index's text gives, \(Damage.allCases.count - same) trusted")
    }

    /// Whether, with the keys file damaged so, the catalog is the text's.
    static func ignored(_ damage: Damage) throws -> Bool {
        let fixture = try Self.compactedStore()
        let store = fixture.store
        let path = Self.keysPath(store)
        var keys = try #require(TestFiles.read(path))
        let indexPath = store.path(StoreFormat.indexFile)
        let index = try #require(TestFiles.read(indexPath))
        let parsed = try #require(keys.withUnsafeBufferPointer { IndexKeys.parse($0) })
        switch damage {
        case .missing: unlink(path)
        case .empty: TestFiles.write(path, [])
        case .truncated: TestFiles.write(path, Array(keys.prefix(keys.count - 81)))
        case .flippedEntry:
            keys[parsed.entriesStart + 3] ^= 0x40
            TestFiles.write(path, keys)
        case .flippedHeader:
            keys[30] ^= 1
            TestFiles.write(path, keys)
        case .flippedStamp:
            // The inode, sealed as if written so: the keys of another file,
            // with a status the index does not say, so trusting them would show.
            keys[IndexKeys.stampOffset + 8] ^= 1
            TestFiles.write(path, Self.resealed(Self.misstated(keys, parsed)))
        case .wrongVersion:
            keys[20] = 9
            TestFiles.write(path, Self.resealed(keys))
        case .versionTwo:
            // What the build before activity wrote for this very index.
            TestFiles.write(path, Self.versionTwo(keys, parsed))
        case .foreign:
            let other = try Self.compactedStore(sessions: 61)
            TestFiles.write(path, try #require(TestFiles.read(Self.keysPath(other.store))))
        case .stale:
            // Later writes and a compaction, then the keys put back as a crash
            // between writing the index and its keys would leave them.
            _ = try fixture.service().create(SessionDraft(type: "ComponentCodingSessions"))
            try store.compact()
            TestFiles.write(path, keys)
        case .indexEditedInPlace:
            // Same file, same size, same generation, one summary changed by hand.
            let text = String(decoding: index, as: UTF8.self)
            let edited = try #require(text.range(of: "\"status\":\"complete\"")
                .map { text.replacingCharacters(in: $0, with: "\"status\":\"complets\"") })
            Self.nextTick()
            TestFiles.write(indexPath, Array(edited.utf8))
        case .indexTouched:
            // Its times set to another moment: its content could be anything.
            // The keys misstate a status, so trusting them would show.
            TestFiles.write(path, Self.resealed(Self.misstated(keys, parsed)))
            var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
            try #require(utimensat(AT_FDCWD, indexPath, &times, AT_SYMLINK_NOFOLLOW) == 0)
        case .indexRestored:
            // The same bytes in a new file, as a restore from a backup leaves
            // them; keys that misstate a status, so trusting them would show.
            TestFiles.write(path, Self.resealed(Self.misstated(keys, parsed)))
            let copy = indexPath + ".restored"
            TestFiles.write(copy, index)
            try #require(rename(copy, indexPath) == 0)
        case .rangeOutside:
            let at = parsed.entriesStart + 56
            withUnsafeBytes(of: UInt64(index.count + 10).littleEndian) { keys.replaceSubrange(at..<(at + 8), with: $0) }
            TestFiles.write(path, Self.resealed(keys))
        }
        if damage == .indexEditedInPlace {
            // The index no longer reads: the same error as with no keys file at all.
            let withKeys = #expect(throws: StoreError.self, "\(damage)") { try store.catalog() }
            unlink(path)
            let without = #expect(throws: StoreError.self, "\(damage)") { try store.catalog() }
            #expect(withKeys != nil && withKeys?.description == without?.description, "\(damage)")
            return withKeys != nil && withKeys?.description == without?.description
        }
        let before = TestFiles.read(path)
        let catalog = try store.catalog()
        let text = try Self.textCatalog(store)
        #expect(catalog == text, "\(damage)")
        #expect(catalog.table.keys == text.table.keys, "\(damage)")
        // A read never writes: the file stays as it was until a write or a repair.
        #expect(TestFiles.read(path) == before, "\(damage)")
        return catalog == text && catalog.table.keys == text.table.keys
    }

    @Test("an index whose summaries the skim does not take still reads from its keys, decoding those lines as the text path does")
    func generalLines() throws {
        let summaries = try SummaryDecoderTests.sampleSummaries()
        var index = IndexFile.encode(summaries: Array(summaries.prefix(40)), generation: 3)
        // A status spelled with an escape, as the writer never spells it: only the general decoder reads it.
        let lineStart = index.indices.filter { index[$0] == UInt8(ascii: "\n") }[4] + 1
        let statusMember = Array("\"status\":\"".utf8)
        let statusStart = try #require((lineStart..<index.count).first { index[$0...].starts(with: statusMember) }) + statusMember.count
        let first = index[statusStart]
        index.replaceSubrange(statusStart...statusStart, with: Array("\\u00\(String(first, radix: 16))".utf8))
        let stamp = FileStamp(device: 1, inode: 2, size: Int64(index.count), modified: timespec(tv_sec: 3, tv_nsec: 4),
                              changed: timespec(tv_sec: 5, tv_nsec: 6))
        let keys = try #require(IndexKeys.encode(index: index, stamp: stamp))
        let cached = try #require(IndexKeys.table(keys, index: .memory(index), stamp: stamp)?.table)
        let text = try IndexFile.skim(index, path: "index.jsonl", alongside: {}).table
        #expect(Array(cached) == Array(text))
        #expect(cached.keys == text.keys)
        #expect(cached.places.filter { $0.buffer < 0 }.count == 1)
        // An index that does not read gets no keys file at all.
        var broken = index
        broken[lineStart + 3] = UInt8(ascii: "{")
        #expect(IndexKeys.encode(index: broken, stamp: stamp) == nil)
    }

    @Test("doctor reports keys that do not describe the index, and --repair writes them again")
    func doctor() throws {
        let fixture = try Self.compactedStore()
        let store = fixture.store
        let path = Self.keysPath(store)
        let good = try #require(TestFiles.read(path))
        let healthy = StoreDoctor(root: store.root).run(repair: false)
        #expect(healthy.findings.contains { $0.subject == StoreFormat.keysFile && $0.severity == .ok && $0.message == "describes the index" })

        var damaged = good
        damaged[damaged.count - 20] ^= 1
        TestFiles.write(path, damaged)
        let report = StoreDoctor(root: store.root).run(repair: false)
        let finding = try #require(report.findings.first { $0.subject == StoreFormat.keysFile })
        #expect(finding.severity == .warning && !finding.repaired)
        #expect(finding.message.contains("does not describe the index"))
        #expect(TestFiles.read(path) == damaged)

        let repaired = StoreDoctor(root: store.root).run(repair: true)
        #expect(repaired.findings.contains { $0.subject == StoreFormat.keysFile && $0.repaired })
        #expect(TestFiles.read(path) == good)

        unlink(path)
        #expect(StoreDoctor(root: store.root).run(repair: false).findings.contains {
            $0.subject == StoreFormat.keysFile && $0.message.hasPrefix("absent")
        })
        _ = StoreDoctor(root: store.root).run(repair: true)
        #expect(TestFiles.read(path) == good)
    }

    @Test("a crash between writing the index and its keys leaves keys that are ignored, and the next write replaces them")
    func crashBetweenIndexAndKeys() throws {
        let fixture = try Self.compactedStore()
        let store = fixture.store
        let path = Self.keysPath(store)
        let oldKeys = try #require(TestFiles.read(path))
        // The state such a crash leaves: a new index in place, the old keys beside it.
        _ = try fixture.service().create(SessionDraft(type: "ComponentCodingSessions"))
        try store.compact()
        let newKeys = try #require(TestFiles.read(path))
        #expect(newKeys != oldKeys)
        TestFiles.write(path, oldKeys)
        #expect(try store.needsMaintenance() == nil)
        let reopened = try fixture.reopen()
        #expect(try reopened.catalog() == (try Self.textCatalog(reopened)))
        #expect(try reopened.catalog().table.count == 61)
        // The next write sees keys of another index and writes them for this one.
        _ = try fixture.service().create(SessionDraft(type: "ComponentTestSessions"))
        let rewritten = try #require(TestFiles.read(path))
        let index = try #require(TestFiles.read(store.path(StoreFormat.indexFile)))
        #expect(IndexKeys.describes(rewritten, index: index, stamp: try Self.indexStamp(store)))
        #expect(try reopened.catalog() == (try Self.textCatalog(reopened)))
    }

    /// `keys` as version 2 wrote them: 80-byte entries without the activity
    /// and the linked parent, sealed.
    static func versionTwo(_ keys: [UInt8], _ parsed: IndexKeys.Parsed) -> [UInt8] {
        var old = Array(keys[0..<parsed.entriesStart])
        old.replaceSubrange(20..<24, with: [2, 0, 0, 0])
        old.replaceSubrange(24..<28, with: [80, 0, 0, 0])
        for entry in 0..<parsed.count {
            let at = parsed.entriesStart + entry * IndexKeys.entrySize
            old.append(contentsOf: keys[at..<(at + 74)])
            old.append(contentsOf: [0, 0, 0, 0, 0, 0])
        }
        old.append(contentsOf: [UInt8](repeating: 0, count: 8))
        return resealed(old)
    }

    @Test("keys of version 2 are ignored, doctor says they do not describe the index, and the next write replaces them")
    func versionTwoReplaced() throws {
        let fixture = try Self.compactedStore()
        let store = fixture.store
        let path = Self.keysPath(store)
        let keys = try #require(TestFiles.read(path))
        let parsed = try #require(keys.withUnsafeBufferPointer { IndexKeys.parse($0) })
        let old = Self.versionTwo(keys, parsed)
        #expect(old.count == keys.count - 16 * parsed.count)
        TestFiles.write(path, old)
        #expect(old.withUnsafeBufferPointer { IndexKeys.parse($0) } == nil)
        #expect(try store.catalog() == (try Self.textCatalog(store)))
        let finding = try #require(StoreDoctor(root: store.root).run(repair: false).findings.first { $0.subject == StoreFormat.keysFile })
        #expect(finding.severity == .warning && finding.message.contains("does not describe the index"))
        #expect(TestFiles.read(path) == old, "a read and a check leave the file")
        // The next write sees keys it cannot read and writes them for the index in place.
        _ = try fixture.service().create(SessionDraft(type: "ComponentTestSessions"))
        let rewritten = try #require(TestFiles.read(path))
        let index = try #require(TestFiles.read(store.path(StoreFormat.indexFile)))
        #expect(IndexKeys.describes(rewritten, index: index, stamp: try Self.indexStamp(store)))
        #expect(rewritten == keys)
    }

    @Test("every way of making a key gives a subagent's activity and linked parent alike: a summary, a skimmed line, the keys file")
    func activityAndParent() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        let parent = try service.create(SessionDraft(type: "ClaudeCodeSessions"))
        let call = try service.addInteraction(sessionID: parent.id, CommandDraft(module: "Bash", command: "ls"))
        let child = try service.create(SessionDraft(type: "ClaudeCodeSessions", state: try JSONParser.parse(
            #"{"agent_id":"a1","parent_session_id":"c0ffee","parent_id":\#(parent.id.rawValue),"nested":{"parent_id":99}}"#)))
        let quiet = try service.create(SessionDraft(type: "ClaudeCodeSessions",
                                                    state: try JSONParser.parse(#"{"nested":{"parent_id":7}}"#)))
        // A conversation with no tool calls is dated by its last message.
        let talk = try service.create(SessionDraft(type: "ClaudeCodeSessions"))
        let said = Timestamp(iso8601: "2025-06-01T10:00:00Z")!
        try fixture.store.write { transaction in
            var session = try #require(try transaction.session(id: talk.id))
            session.conversation = [ConversationMessage(role: .user, text: "hello", at: said.adding(microseconds: -5_000_000)),
                                    ConversationMessage(role: .assistant, text: "hi", at: said)]
            transaction.put(session)
        }
        // A review moves `updated_at`, never the activity.
        _ = try service.setStatus(id: parent.id, to: .complete)
        _ = try service.setStatus(id: talk.id, to: .failed)
        func check(_ keys: [SummaryKey], _ path: String) throws {
            let byID = Dictionary(uniqueKeysWithValues: keys.map { ($0.id, $0) })
            let parentKey = try #require(byID[parent.id], "\(path)")
            let active = try #require(call.latestActivity)
            #expect(parentKey.activityAt == active && parentKey.updatedAt > active, "\(path)")
            #expect(parentKey.parentID == nil, "\(path)")
            #expect(byID[child.id]?.parentID == parent.id, "\(path)")
            #expect(byID[child.id]?.activityAt == child.updatedAt, "\(path): no interaction, so its update")
            #expect(byID[quiet.id]?.parentID == nil, "\(path): a nested member is not the link")
            #expect(byID[talk.id]?.activityAt == said && (byID[talk.id]?.updatedAt ?? said) > said, "\(path): its last message")
        }
        let journal = try fixture.reopen().catalog()
        try check(journal.table.keys, "journal")
        try check(journal.table.map(SummaryKey.init), "summaries")
        try fixture.store.compact()
        try check(try fixture.reopen().catalog().table.keys, "keys file")
        try check(try Self.textCatalog(fixture.store).table.keys, "index text")
        #expect(try fixture.reopen().catalog().table.keys == (try Self.textCatalog(fixture.store).table.keys))
    }

    /// `keys` with the first entry's status changed, not yet resealed.
    static func misstated(_ keys: [UInt8], _ parsed: IndexKeys.Parsed) -> [UInt8] {
        var changed = keys
        let at = parsed.entriesStart + 68
        changed[at] = (changed[at] + 1) % UInt8(SessionStatus.allCases.count)
        return changed
    }

    @Test("a link in place of the keys file is refused by reads and left as it is by writes")
    func link() throws {
        let fixture = try Self.compactedStore()
        let store = fixture.store
        let path = Self.keysPath(store)
        let target = fixture.directory.path + "/elsewhere.keys"
        let keys = try #require(TestFiles.read(path))
        TestFiles.write(target, keys)
        unlink(path)
        try #require(symlink(target, path) == 0)
        let refused = #expect(throws: StoreError.self) { try store.catalog() }
        #expect(refused?.description.contains("symbolic link") == true)
        #expect(throws: StoreError.self) { try store.compact() }
        // A write does not need the keys: it succeeds, and leaves the link.
        _ = try fixture.service().create(SessionDraft(type: "ComponentCodingSessions"))
        #expect(FileIO.linkTarget(path) == target)
        #expect(TestFiles.read(target) == keys)
    }

    @Test("keys name their index's file: another device, inode, size or time of either change is another file")
    func stampSensitivity() throws {
        let fixture = try Self.compactedStore()
        let store = fixture.store
        let keys = try #require(TestFiles.read(Self.keysPath(store)))
        let index = try #require(TestFiles.read(store.path(StoreFormat.indexFile)))
        let stamp = try Self.indexStamp(store)
        let generation = try #require(try IndexFile.readGeneration(store.path(StoreFormat.indexFile)))
        #expect(IndexKeys.table(keys, index: .memory(index), stamp: stamp) != nil)
        #expect(IndexKeys.stampMatches(Array(keys.prefix(IndexKeys.headerSize)), stamp: stamp, generation: generation))
        #expect(!IndexKeys.stampMatches(Array(keys.prefix(IndexKeys.headerSize)), stamp: stamp, generation: generation + 1))
        var others: [FileStamp] = []
        for change in 0..<7 {
            var other = stamp
            switch change {
            case 0: other.device &+= 1
            case 1: other.inode &+= 1
            case 2: other.size += 1
            case 3: other.modified.tv_sec += 1
            case 4: other.modified.tv_nsec = (other.modified.tv_nsec + 1) % 1_000_000_000
            case 5: other.changed.tv_sec += 1
            default: other.changed.tv_nsec = (other.changed.tv_nsec + 1) % 1_000_000_000
            }
            others.append(other)
        }
        let refused = others.filter { other in
            IndexKeys.table(keys, index: .memory(index), stamp: other) == nil
                && !IndexKeys.stampMatches(Array(keys.prefix(IndexKeys.headerSize)), stamp: other, generation: generation)
        }
        #expect(refused.count == others.count)
    }

    @Test("a compaction copies each summary's line and writes the keys a skim of the new index gives")
    func compactionCopiesLines() throws {
        let fixture = try Self.compactedStore()
        let store = fixture.store
        let service = fixture.service()
        // Changes in the journal: a status, a new session, a deletion.
        let first = try #require(try store.catalog().table.keys.first?.id)
        _ = try service.setStatus(id: first, to: .failed)
        let created = try service.create(SessionDraft(type: "ComponentCodingSessions"))
        try service.delete(id: try #require(try store.catalog().table.keys.dropFirst(5).first?.id))
        let before = try store.catalog()
        try store.compact()
        let index = try #require(TestFiles.read(store.path(StoreFormat.indexFile)))
        // The bytes the summaries, encoded afresh, would give, and keys that describe them.
        #expect(index == IndexFile.encode(summaries: Array(before.table), generation: before.generation))
        let keys = try #require(TestFiles.read(Self.keysPath(store)))
        #expect(IndexKeys.describes(keys, index: index, stamp: try Self.indexStamp(store)))
        let after = try store.catalog()
        #expect(after == before)
        #expect(after.table.index(of: created.id) != nil)
        #expect(after.table.keys.first { $0.id == first }?.status == .failed)
    }
}
