import FuzzSupport
@testable import SessionsKit

/// The hook payload parser: any bytes as one Claude Code hook event, recorded
/// into a fresh in-memory store. A payload it cannot use is ignored or an
/// error, never fatal, and nothing lands outside the active account.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHookPayload(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let store = TwoAccounts()
    _ = try? ClaudeCodeHook(service: store.service).record(Array(UnsafeBufferPointer(start: data, count: size)))
    store.requireIsolation(after: "a hook event")
    return 0
}
