@testable import SessionsKit

/// The store's JSON decoding: any bytes as a session file, a summary line and
/// a journal record. Besides not crashing, the summary fast path must agree
/// with the general path on every line it accepts, and a session that decodes
/// must write back to JSON that decodes to the same session, and salvaging
/// the bytes as a damaged session file never crashes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStoreDecoding(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let value = try? JSONParser.parse(bytes) {
        if let session = try? Session.decode(value) {
            let written = JSONWriter.bytes(.object(session.jsonObject))
            guard let again = try? Session.decode(JSONParser.parse(written)), again == session else {
                fatalError("a decoded session does not survive writing and reading back")
            }
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
