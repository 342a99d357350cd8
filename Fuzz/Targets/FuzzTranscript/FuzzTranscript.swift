@testable import SessionsKit

/// The Claude Code transcript parser: any bytes as a `.jsonl` transcript.
/// Lines it cannot read are counted as malformed, never fatal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTranscript(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let transcript = TranscriptParser.parse(bytes, path: "/fuzz/project/0f3c2a8e-9d1b-4c2e-8a57-3b1e9c0d7f21.jsonl")
    let newlines = bytes.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
    if transcript.stats.malformedLines.count > newlines + 1 || transcript.stats.lines > newlines + 1 { fatalError("more malformed lines than lines") }
    return 0
}
