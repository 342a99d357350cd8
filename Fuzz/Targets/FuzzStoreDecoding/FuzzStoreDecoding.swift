@testable import SessionsKit

/// The store's JSON decoding: any bytes as a session file, a summary line and
/// a journal record. Besides not crashing, the summary fast path must agree
/// with the general path on every line it accepts, and a session that decodes
/// must write back to JSON that decodes to the same session, and salvaging
/// the bytes as a damaged session file never crashes. The search runs on what
/// decodes: the reference matcher on a session, and the store's scan on the
/// bytes' first line as a line of a session's log, which must find exactly
/// what the reference finds in the interaction the line decodes to.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStoreDecoding(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let value = try? JSONParser.parse(bytes) {
        if let session = try? Session.decode(value) {
            let written = JSONWriter.bytes(.object(session.jsonObject))
            guard let again = try? Session.decode(JSONParser.parse(written)), again == session else {
                fatalError("a decoded session does not survive writing and reading back")
            }
            searchSession(session)
        }
        let general = try? SessionSummary.decode(value)
        var types = SummaryDecoder.TypeNames()
        let fast = bytes.withUnsafeBufferPointer { SummaryDecoder.decode($0, range: 0..<$0.count, types: &types) }
        if let fast, fast != general { fatalError("the summary fast path disagrees with the general path") }
        let plain = bytes.withUnsafeBufferPointer { Journal.parsePlainRecord($0, 0..<$0.count) }
        if let plain, plain != (try? JournalRecord.decode(value)) {
            fatalError("the journal fast path disagrees with the general path")
        }
    } else {
        var types = SummaryDecoder.TypeNames()
        if bytes.withUnsafeBufferPointer({ SummaryDecoder.decode($0, range: 0..<$0.count, types: &types) }) != nil {
            fatalError("the summary fast path accepted bytes that are not JSON")
        }
        if bytes.withUnsafeBufferPointer({ Journal.parsePlainRecord($0, 0..<$0.count) }) != nil {
            fatalError("the journal fast path accepted bytes that are not JSON")
        }
    }
    searchLogLine(Array(bytes.prefix { $0 != 0x0A }))
    // The same bytes as a damaged session file: what is salvaged, if
    // anything, is that file's session, never another's.
    if let salvaged = SessionSalvage.session(bytes, id: 1, modified: Timestamp(seconds: 0)), salvaged.id != 1 {
        fatalError("a salvaged session took an id other than its file's")
    }
    // The same bytes as the body of an index: decoding may fail, never crash.
    let index = Array(#"{"format":1,"generation":1,"count":1}"#.utf8) + [0x0A] + bytes + [0x0A]
    _ = try? IndexFile.decode(index, path: "index.jsonl")
    return 0
}

/// Searches of every kind the scan decides differently: plain words (settled
/// on the bytes), words with bytes JSON escapes, text outside ASCII, phrases,
/// capitals, patterns, fields, and few or many hits kept.
let searches: [SessionSearch] = {
    var searches: [SessionSearch] = []
    for line in ["zebra", "e", "n", "ok", "make zebra", "quickfox", "QUICKfox", "\"red alert\"", "é", "u00e9", "\\\"", "zebra é", "1",
                 "step.name: x", "Zebra"] {
        guard let query = try? SearchQuery(typed: line) else { fatalError("a fixed query does not parse: \(line)") }
        for fields: Set<SearchField> in [Set(SearchField.allCases), [.command], [.output]] {
            searches.append(SessionSearch(query: query, fields: fields, kept: 1))
        }
        searches.append(SessionSearch(query: query, kept: 3))
    }
    for pattern in ["z.bra", "^start$", "[0-9]+"] {
        guard let query = try? SearchQuery(pattern: pattern) else { fatalError("a fixed pattern does not compile: \(pattern)") }
        searches.append(SessionSearch(query: query))
    }
    return searches
}()

/// The reference matcher on a decoded session: it never keeps more hits than asked, nor more than it counts.
func searchSession(_ session: Session) {
    for search in searches {
        let hits = search.hits(in: session, title: SessionTitle.of(session, registry: Registry()))
        if hits.hits.count > min(hits.total, search.kept) { fatalError("more hits kept than asked for or counted") }
        if hits.total > 0 && hits.hits.isEmpty && search.query.pattern == nil && !search.query.terms.contains(where: { $0.text.contains("\n") }) {
            fatalError("a place matched, and no line of it shows a match")
        }
    }
}

/// `line` as the one line of a session's log: the scan (what the file store
/// does with a session's bytes) must give the reference's hits exactly.
func searchLogLine(_ line: [UInt8]) {
    let log = line + [0x0A]
    let decoded = log.withUnsafeBufferPointer { buffer -> Interaction? in
        guard let entries = try? InteractionLog.latest(buffer, length: buffer.count, path: "log"), entries.count == 1 else { return nil }
        return try? InteractionLog.decode(buffer, entries[0], path: "log")
    }
    guard let interaction = decoded else { return }
    var session = Session(id: 1, type: .claudeCode, accountID: 1, insertedAt: Timestamp(seconds: 0), updatedAt: Timestamp(seconds: 0))
    session.interactions = [interaction]
    let headBytes = SessionHeadFile.encode(SessionHead(session, logLength: log.count))
    guard var reference = try? SessionHeadFile.decode(headBytes, path: "head", expectedID: 1).session else {
        fatalError("a head the store wrote does not read")
    }
    reference.interactions = [interaction]
    let stored = StoredSession(root: "/nonexistent/fuzz", id: 1)
    for search in searches {
        let expected = search.hits(in: reference, title: SessionTitle.of(reference, registry: Registry()))
        let plan = RawSearchPlan(search)
        let found: SessionHits
        do {
            // As `readForSearch` and `FileStore.search` decide, on these bytes.
            let fileMayMatch = headBytes.withUnsafeBufferPointer { plan.mayMatch($0, 0..<$0.count) }
            var space = LogScanSpace()
            let lines = try log.withUnsafeBufferPointer { buffer throws(StoreError) in
                try plan.matchingLines(buffer, keepingAll: fileMayMatch, stored: stored, space: &space)
            }
            let raw: RawSession = !fileMayMatch && lines.isEmpty
                ? .skipped : .split(head: headBytes, headMayMatch: fileMayMatch, lines: lines)
            found = try plan.hits(in: raw, of: stored, title: nil, titleHits: nil, registry: Registry())
        } catch {
            fatalError("the scan failed on a line the reference reads: \(error)")
        }
        if found != expected {
            fatalError("the scan disagrees with the reference for \(search.query.display) in \(search.fields.map(\.rawValue).sorted()): \(found) against \(expected)")
        }
    }
}
