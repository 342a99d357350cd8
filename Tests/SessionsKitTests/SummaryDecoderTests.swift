import Foundation
import Testing
@testable import SessionsKit

/// The index's hand-written decoder must agree with the general path on
/// every line it accepts, and with Foundation's `JSONDecoder` on what the
/// line says; on anything else it must step aside.
@Suite("Summary fast path")
struct SummaryDecoderTests {
    /// Demo sessions of every shape, an imported-looking one with extra
    /// members, and awkward but valid text.
    static func sampleSummaries() throws -> [SessionSummary] {
        var registry = Registry()
        let account = registry.addAccount(name: "bench", at: Timestamp(seconds: 0))
        registry.defaultAccountID = account.id
        let service = SessionService(store: MemoryStore(registry: registry), scope: Scope(accountID: account.id))
        var options = DemoGenerator.Options()
        options.sessions = 120
        options.interactions = 3
        options.now = Timestamp(iso8601: "2026-11-01T00:00:00Z")!
        try DemoGenerator(options: options).populate(service)
        var summaries = try service.store.catalog().summaries
        var odd = summaries[0]
        var session = odd.session
        session.id = 9_999
        session.type = SessionType(normalizing: "Elixir.CodeMySpec.Café\"Sessions\\")
        session.state = try JSONParser.parse(#"{"parent_id":12,"nested":{"deep":[1,2.50,-0,1e3,{"x":null}]},"text":"line\nbreak \u0007 ☃ 😀","":true}"#).objectValue
        session.externalConversationID = "0f3c2a8e-9d1b-4c2e-8a57-3b1e9c0d7f21"
        session.extra.append("execution_mode", .string("agentic"))
        session.extra.append("weird \"key\"", .array([.null, .bool(false)]))
        odd = SessionSummary(header: session, interactionCount: 0, lastInteractionAt: nil, lastResult: nil)
        summaries.append(odd)
        // A damaged session's line: its last summary with what is wrong, quotes and all.
        var damaged = summaries[1]
        damaged.damaged = #"sessions/2.json: line 7, column 3: unexpected '"', expected ',' or '}'"#
        summaries[1] = damaged
        return summaries
    }

    static func line(_ summary: SessionSummary) -> [UInt8] {
        JSONWriter.bytes(.object(summary.jsonObject), style: .compact)
    }

    /// The general path: a JSON tree, then the schema's rules.
    static func general(_ bytes: [UInt8]) -> SessionSummary? {
        guard let value = try? JSONParser.parse(bytes) else { return nil }
        return try? SessionSummary.decode(value)
    }

    static func fast(_ bytes: [UInt8]) -> SessionSummary? {
        var types = SummaryDecoder.TypeNames()
        return bytes.withUnsafeBufferPointer { SummaryDecoder.decode($0, range: 0..<$0.count, types: &types) }
    }

    @Test("every line the store writes takes the fast path and decodes to the same summary")
    func storeLines() throws {
        let summaries = try Self.sampleSummaries()
        #expect(summaries.count == 121)
        #expect(summaries.contains { $0.damaged != nil })
        for summary in summaries {
            let bytes = Self.line(summary)
            let fast = try #require(Self.fast(bytes), "fast path refused: \(String(decoding: bytes, as: UTF8.self))")
            #expect(fast == summary)
            #expect(fast == Self.general(bytes))
            // Written back, it is byte for byte the same line.
            #expect(Self.line(fast) == bytes)
        }
        // A whole index, where later lines find their type among the names met before.
        let index = IndexFile.encode(summaries: summaries, generation: 3)
        #expect(try IndexFile.decode(index, path: "index.jsonl").summaries == summaries)
    }

    @Test("valid variations it accepts: whitespace, other key orders, nulls, prefixed type names")
    func variations() throws {
        let accepted = [
            #" { "id" : 7 , "type":"ComponentCodingSessions","status":"failed","account_id":2,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05.123456Z","interaction_count":0 } "#,
            #"{"interaction_count":3,"updated_at":"2026-01-02T03:04:05Z","inserted_at":"2026-01-02T03:04:05Z","account_id":1,"type":"Elixir.CodeMySpec.X","id":1,"agent":null,"state":null,"project_id":null}"#,
            #"{"id":1,"type":"T","account_id":1,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","interaction_count":0,"status":null,"last_result_status":"pending","x\u0041":1,"y":2}"#,
        ]
        for text in accepted {
            let bytes = Array(text.utf8)
            let fast = try #require(Self.fast(bytes), "refused: \(text)")
            #expect(fast == Self.general(bytes))
        }
    }

    @Test("lines it leaves to the general path", arguments: [
        #"{"id":1.0,"type":"T","account_id":1,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","interaction_count":0}"#,
        #"{"id":1,"id":2,"type":"T","account_id":1,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","interaction_count":0}"#,
        #"{"id":1,"type":"","account_id":1,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","interaction_count":0}"#,
        #"{"id":1,"type":"T","account_id":0,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","interaction_count":0}"#,
        #"{"id":1,"type":"T","account_id":1,"inserted_at":"yesterday","updated_at":"2026-01-02T03:04:05Z","interaction_count":0}"#,
        #"{"id":1,"type":"T","account_id":1,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}"#,
        #"{"id":1,"type":"T","status":"paused","account_id":1,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","interaction_count":0}"#,
        #"{"id":1,"type":"T","state":[1],"account_id":1,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","interaction_count":0}"#,
        #"{"id":1,"type":"T","account_id":1,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","interaction_count":0,"interactions":[]}"#,
        #"{"id":01,"type":"T","account_id":1,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","interaction_count":0}"#,
        #"{"id":1,"type":"T","account_id":1,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","interaction_count":0} x"#,
        #"{"id":1,"type":"T","account_id":1,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","interaction_count":99999999999999999999}"#,
        #"{"i\u0064":1,"type":"T","account_id":1,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","interaction_count":0}"#,
        #"{"id":1,"type":"T","i\u0064":2,"account_id":1,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","interaction_count":0}"#,
        #"{"id":1,"type":"T","x":1,"account_id":1,"x":2,"inserted_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","interaction_count":0}"#,
    ])
    func refusals(text: String) {
        let bytes = Array(text.utf8)
        let fast = Self.fast(bytes)
        #expect(fast == nil || fast == Self.general(bytes), "accepted differently from the general path: \(text)")
        if Self.general(bytes) == nil { #expect(fast == nil) }
    }

    @Test("fuzzed lines: whatever the fast path accepts, the general path and JSONDecoder accept alike")
    func fuzzed() throws {
        let seeds = try Self.sampleSummaries().map(Self.line)
        var random = SplitMix64(seed: 20_261_125)
        var accepted = 0, refused = 0
        for round in 0..<12_000 {
            var bytes = random.pick(seeds)
            for _ in 0...random.int(in: 0...2) { Self.mutate(&bytes, &random) }
            guard let fast = Self.fast(bytes) else {
                refused += 1
                continue
            }
            accepted += 1
            let general = Self.general(bytes)
            #expect(general == fast, "round \(round): \(String(decoding: bytes, as: UTF8.self))")
            if !ReferenceSummary.agrees(with: fast, line: bytes) {
                Issue.record("round \(round): JSONDecoder reads it differently: \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        // Both outcomes must be exercised, or the test proves nothing.
        #expect(accepted > 1_000)
        #expect(refused > 1_000)
    }

    /// Edits that keep a line plausible: the kinds of damage and variation a
    /// store file or a hand edit produces.
    static func mutate(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
        guard !bytes.isEmpty else { return }
        let tokens: [String] = ["null", "1.0", "-1", "0", "1e2", "\"\"", "\"x\"", "{}", "[]", "true", " ", "\\u0041", "\\", "\"",
                                ",", ":", "}", "{", "\u{7}", "\"active\"", "\"failed\"", "\"2026-13-01T00:00:00Z\"", "00"]
        let position = random.int(in: 0...(bytes.count - 1))
        switch random.int(in: 0...7) {
        case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
        case 1: bytes.remove(at: position)
        case 2: bytes.insert(contentsOf: Array(random.pick(tokens).utf8), at: position)
        case 3: bytes.removeSubrange(position..<min(bytes.count, position + random.int(in: 1...12)))
        case 4: bytes.insert(contentsOf: [0xC3, 0x28], at: position)  // invalid UTF-8
        case 5:
            // Replace one value with a token.
            if let colon = bytes[position...].firstIndex(of: UInt8(ascii: ":")),
               let end = bytes[(colon + 1)...].firstIndex(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "}") }) {
                bytes.replaceSubrange((colon + 1)..<end, with: Array(random.pick(tokens).utf8))
            }
        case 6:
            // Repeat a member.
            if let comma = bytes[position...].firstIndex(of: UInt8(ascii: ",")),
               let next = bytes[(comma + 1)...].firstIndex(of: UInt8(ascii: ",")) {
                bytes.insert(contentsOf: Array(bytes[comma..<next]), at: comma)
            }
        default:
            // Add a member at the front: an unknown one, or a known name spelled with an escape.
            let names = ["k\(random.int(in: 0...9))", "i\\u0064", "st\\u0061tus", "typ\\u0065", "x\\u0041"]
            bytes.insert(contentsOf: Array("\"\(random.pick(names))\":\(random.pick(tokens)),".utf8), at: 1)
        }
    }

    @Test("an index of blank lines, or with blank lines between summaries, decodes as the lines say")
    func blankLines() throws {
        let summaries = try Self.sampleSummaries()
        let empty = Array("{\"format\":1,\"generation\":0,\"count\":0}\n\n\n".utf8)
        #expect(try IndexFile.decode(empty, path: "index.jsonl").summaries.isEmpty)
        var spaced = Array("{\"format\":1,\"generation\":2,\"count\":3}\n\n".utf8)
        for summary in summaries.prefix(3) { spaced += Self.line(summary) + Array("\n\n".utf8) }
        #expect(try IndexFile.decode(spaced, path: "index.jsonl").summaries == Array(summaries.prefix(3)))
        let claimsMore = Array("{\"format\":1,\"generation\":0,\"count\":2}\n\n".utf8)
        #expect(throws: StoreError.self) { try IndexFile.decode(claimsMore, path: "index.jsonl") }
    }

    @Test("journal records take the fast path and decode like the general path")
    func journalRecords() throws {
        let summaries = try Self.sampleSummaries()
        var random = SplitMix64(seed: 7)
        var fastCount = 0
        for round in 0..<400 {
            var record = JournalRecord(generation: round + 1)
            record.puts = (0..<random.int(in: 0...4)).map { _ in random.pick(summaries) }
            record.deletes = random.chance(0.3) ? [Session.ID(random.int(in: 1...50))] : []
            record.files = [.init(path: "sessions/\(round + 1).json", temp: "tmp/\(round).json", inode: UInt64.max - UInt64(round))]
            record.removes = random.chance(0.2) ? ["sessions/3.json"] : []
            var bytes = JSONWriter.bytes(.object(record.jsonObject), style: .compact)
            if round % 2 == 1 { Self.mutate(&bytes, &random) }
            let general: JournalRecord? = (try? JSONParser.parse(bytes)).flatMap { try? JournalRecord.decode($0) }
            let fast = bytes.withUnsafeBufferPointer { Journal.parsePlainRecord($0, 0..<$0.count) }
            if round % 2 == 0 {
                #expect(fast == record)
            }
            if let fast {
                fastCount += 1
                #expect(fast == general, "round \(round): \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(fastCount > 200)
    }

    @Test("journal changes apply to the index like a rebuild would, whatever the order")
    func applyingChanges() throws {
        let all = try Self.sampleSummaries()
        var random = SplitMix64(seed: 99)
        for _ in 0..<300 {
            var indexed = Array(all.prefix(random.int(in: 0...40)))
            if random.chance(0.1), indexed.count > 2 { indexed.swapAt(0, indexed.count - 1) }  // hand-edited
            if random.chance(0.1), let first = indexed.first { indexed.append(first) }  // a repeated line
            var changes: [Session.ID: SessionSummary?] = [:]
            for _ in 0..<random.int(in: 0...6) {
                let target = random.pick(all)
                changes[target.id] = random.chance(0.3) ? .some(nil) : target
            }
            var expected = [Session.ID: SessionSummary]()
            for summary in indexed { expected[summary.id] = summary }
            for (id, change) in changes { expected[id] = change }
            var table = SummaryTable(indexed)
            var entries: [Session.ID: SummaryTable.Entry?] = [:]
            for (id, change) in changes { entries[id] = change.map { table.entry(holding: $0) } ?? .some(nil) }
            table.apply(entries)
            #expect(Array(table) == expected.values.sorted { $0.id < $1.id })
            #expect(table.keys == expected.values.sorted { $0.id < $1.id }.map(SummaryKey.init))
        }
    }
}

/// What Foundation's `JSONDecoder` reads from a summary line: the reference
/// the hand-written decoder is held to.
struct ReferenceSummary: Decodable {
    var id: Int
    var type: String
    var agent: String?
    var environment: String?
    var status: String?
    var account_id: Int
    var project_id: Int?
    var component_id: Int?
    var inserted_at: String
    var updated_at: String
    var interaction_count: Int
    var last_interaction_at: String?
    var last_result_status: String?
    var damaged: String?

    static func agrees(with summary: SessionSummary, line: [UInt8]) -> Bool {
        guard let reference = try? JSONDecoder().decode(ReferenceSummary.self, from: Data(line)),
              let tree = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return false }
        // States compare as Foundation reads them, written back with sorted keys.
        func canonical(_ value: Any?) -> Data? {
            guard let value, !(value is NSNull) else { return nil }
            return try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        }
        let ours = summary.state.flatMap { try? JSONSerialization.jsonObject(with: Data(JSONWriter.bytes(.object($0)))) }
        let statesAgree = canonical(tree["state"]) == canonical(ours) && (summary.state == nil) == (canonical(tree["state"]) == nil)
        return statesAgree
            && reference.id == summary.id.rawValue
            && SessionType(normalizing: reference.type) == summary.type
            && reference.agent == summary.agent?.rawValue
            && reference.environment == summary.environment?.rawValue
            && (reference.status ?? "active") == summary.status.rawValue
            && reference.account_id == summary.accountID.rawValue
            && reference.project_id == summary.projectID?.rawValue
            && reference.component_id == summary.componentID?.rawValue
            && Timestamp(iso8601: reference.inserted_at) == summary.insertedAt
            && Timestamp(iso8601: reference.updated_at) == summary.updatedAt
            && reference.interaction_count == summary.interactionCount
            && reference.last_interaction_at.flatMap { Timestamp(iso8601: $0) } == summary.lastInteractionAt
            && reference.last_result_status == summary.lastResult?.rawValue
            && reference.damaged == summary.damaged
    }
}
