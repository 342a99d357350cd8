import Foundation
import Testing
@testable import SessionsKit

/// The catalog's table checks every line as a full decode does but builds
/// only keys: whatever it takes must decode, to the summary the general path
/// gives, and whatever a full decode refuses it must refuse with the same error.
@Suite("Summary table")
struct SummaryTableTests {
    static func skim(_ bytes: [UInt8]) -> SummaryKey? {
        var types = SummaryDecoder.TypeNames()
        return bytes.withUnsafeBufferPointer { SummaryDecoder.skim($0, range: 0..<$0.count, types: &types) }
    }

    @Test("fuzzed lines: the skim takes a line only if the full decode does, with the same keys")
    func fuzzedSkim() throws {
        let seeds = try SummaryDecoderTests.sampleSummaries().map(SummaryDecoderTests.line)
        var random = SplitMix64(seed: 20_261_206)
        var taken = 0, refused = 0
        for round in 0..<12_000 {
            var bytes = random.pick(seeds)
            for _ in 0...random.int(in: 0...2) { SummaryDecoderTests.mutate(&bytes, &random) }
            let fast = SummaryDecoderTests.fast(bytes)
            guard let key = Self.skim(bytes) else {
                refused += 1
                continue
            }
            taken += 1
            let summary = try #require(fast, "round \(round): skimmed but not decoded: \(String(decoding: bytes, as: UTF8.self))")
            #expect(key == SummaryKey(summary), "round \(round)")
        }
        #expect(taken > 500)
        #expect(refused > 1_000)
    }

    @Test("a summary with members the schema does not model is skimmed, not decoded: every Claude Code summary has one")
    func unknownMembersSkimmed() throws {
        var session = Session(id: 7, type: .claudeCode, accountID: 1, insertedAt: Timestamp(microseconds: 0),
                              updatedAt: Timestamp(microseconds: 1_000_000))
        session.externalConversationID = "4d5611e5-241a-462a-8d15-5122611a9569"
        session.extra.append("mode", .object(JSONObject(["deep": .array([.null])])))
        let line = SummaryDecoderTests.line(SessionSummary(session))
        let key = try #require(Self.skim(line), "taken by the skim")
        let summary = try #require(SummaryDecoderTests.fast(line))
        #expect(key.hasExtra && key == SummaryKey(summary))
        // Repeated, a member is for the general path to judge.
        let text = String(decoding: line, as: UTF8.self)
        let repeated = text.replacingOccurrences(of: #""mode":"#, with: #""mode":1,"mode":"#)
        #expect(Self.skim(Array(repeated.utf8)) == nil)
    }

    @Test("skipping a value checks it as parsing does", arguments: [
        #"{"a":[1,2.5,-0,1e3,{"b":null}],"c":"\u00e9\ud83d\ude00 \ud800"}"#, #"{"a":01}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#,
        #"{"a":[1,]}"#, #"{"a" 1}"#, #"{"a":tru}"#, #"{"a":1.}"#, #"{"a":-}"#, #"{"a":1e}"#, "{\"a\":\"\u{1}\"}",
        #"{"a":"x"#, String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ])
    func skipping(text: String) {
        let bytes = Array(text.utf8)
        let parsed = (try? JSONParser.parse(bytes)) != nil
        let skipped = bytes.withUnsafeBufferPointer { buffer -> Bool in
            var cursor = JSONParser.Cursor(buffer: buffer, options: JSONParser.Options(), start: 0, end: buffer.count)
            return cursor.skipValue(depth: 0) && cursor.index == buffer.count
        }
        #expect(skipped == parsed)
    }

    @Test("a skimmed index and journal read as the full decode reads them, line errors included")
    func skimmedCatalog() throws {
        let summaries = try SummaryDecoderTests.sampleSummaries()
        let index = IndexFile.encode(summaries: Array(summaries.prefix(100)), generation: 4)
        var record = JournalRecord(generation: 5)
        record.puts = Array(summaries.suffix(21))
        record.deletes = [3]
        let journal = Journal.headerLine(baseGeneration: 4, directoryInode: 1) + Journal.recordLine(record)
        let (generation, table, skimmedJournal) = try IndexFile.skim(index, path: "index.jsonl", alongside: {
            Journal(path: "journal.jsonl").skim(journal, alongside: {}).0
        })
        #expect(generation == 4)
        #expect(Array(table) == Array(summaries.prefix(100)))
        #expect(table.keys == summaries.prefix(100).map(SummaryKey.init))
        let records = try skimmedJournal.get().records
        #expect(records.count == 1 && records[0].deletes == [3] && records[0].puts.count == 21)
        // A line that does not parse is the same error, naming the same line.
        var broken = index
        let secondLine = broken.indices.filter { broken[$0] == UInt8(ascii: "\n") }[2]
        broken[secondLine - 1] = UInt8(ascii: ",")
        let full = #expect(throws: StoreError.self) { try IndexFile.decode(broken, path: "index.jsonl") }
        let skimmed = #expect(throws: StoreError.self) { try IndexFile.skim(broken, path: "index.jsonl", alongside: {}) }
        #expect(full?.description == skimmed?.description)
    }

    @Test("a journal long enough to be skimmed in pieces reads as parsing it whole does, its first bad line included")
    func piecewiseJournal() throws {
        let summaries = try SummaryDecoderTests.sampleSummaries()
        var journal = Journal.headerLine(baseGeneration: 1, directoryInode: 1)
        var expected: [[Session.ID]] = []
        for generation in 2...400 {
            var record = JournalRecord(generation: generation)
            record.puts = Array(summaries.shuffled().prefix(3))
            record.deletes = [Session.ID(generation)]
            record.files = [JournalRecord.FileReplacement(path: "sessions/\(generation).json", temp: "tmp/t\(generation)", inode: UInt64(generation))]
            journal += Journal.recordLine(record)
            if generation % 7 == 0 { journal += Journal.markerLine(generation: generation) }
            expected.append(record.puts.map(\.id))
        }
        #expect(journal.count > 256 * 1024)
        let skimmed = try Journal(path: "journal.jsonl").skim(journal, alongside: {}).0.get()
        let parsed = try Journal(path: "journal.jsonl").parse(journal)
        #expect(skimmed.baseGeneration == 1)
        #expect(skimmed.records.map(\.generation) == parsed.records.map(\.generation))
        #expect(skimmed.records.map(\.deletes) == parsed.records.map(\.deletes))
        let ids = skimmed.records.map { record in
            record.puts.map { put in
                switch put {
                case .line(let key, _): key.id
                case .decoded(let summary): summary.id
                }
            }
        }
        #expect(ids == expected)
        // Two bad lines, both late: the error names the first, as a parse of the whole does.
        var broken = journal
        let newlines = broken.indices.filter { broken[$0] == UInt8(ascii: "\n") }
        for line in [300, 350] { broken[newlines[line] - 1] = UInt8(ascii: ",") }
        let whole = #expect(throws: StoreError.self) { try Journal(path: "journal.jsonl").parse(broken) }
        let pieces = #expect(throws: StoreError.self) { try Journal(path: "journal.jsonl").skim(broken, alongside: {}).0.get() }
        #expect(whole != nil && whole?.description == pieces?.description)
        #expect(whole?.description.contains("line 301") == true)
    }

    @Test("list filters, sorts and limits on keys exactly as sorting decoded summaries does")
    func listing() throws {
        let summaries = try SummaryDecoderTests.sampleSummaries()
        let catalog = Catalog(registry: Registry(), summaries: summaries, generation: 1)
        let service = SessionService(store: MemoryStore(registry: Registry()), scope: Scope(accountID: summaries[0].accountID))
        for sort in SessionSort.allCases {
            for limit in [nil, 0, 1, 5, 1_000] as [Int?] {
                let listed = service.list(SessionQuery(status: .failed, sort: sort, limit: limit), in: catalog)
                var expected = sort.sorted(summaries.filter { $0.accountID == summaries[0].accountID && $0.status == .failed })
                if let limit, expected.count > limit { expected.removeSubrange(limit...) }
                #expect(listed == expected, "\(sort) \(String(describing: limit))")
            }
        }
    }
}
